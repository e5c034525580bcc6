import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Named activity profiles (docs/design.md §7). Retries cover transient failures only: connectors mark credentials,
 * validation and business errors non-retryable, and the workflow parks those for an operator.
 */
export const apiCall: ActivityOptions = {
  // Netvisor advises clients to wait up to 120 s for a reply; one attempt gets that plus slack.
  startToCloseTimeout: '150s',
  // Every HTTP request and every wait for a rate-limit slot or Netvisor's one-at-a-time turn heartbeats
  // (connectors/kit/call-context.ts), so a stuck worker is noticed in 30 s, and a heartbeat is how an attempt that
  // outlived its timeout learns it was cancelled.
  heartbeatTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 12 },
};

export const pagingCall: ActivityOptions = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 20 },
};

export const migrationBatch: ActivityOptions = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 50 },
};
