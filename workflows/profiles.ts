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
  // How soon a batch whose worker died (SIGKILL, OOM) is retried on another: the bulk of what a kill costs a run.
  // Every wait in a batch heartbeats at least every second (a write waiting for Rackbeat's window, Netvisor's turn,
  // a reply, a whole-register list read in slices: connectors/kit/limiter.ts, http.ts, netvisor/list-reader.ts),
  // The 50,000-record bench ran under a 10 s heartbeat timeout on a loaded two-core machine and retried no batch but
  // the killed one (its only "unchanged" records, 137, were that batch's writes found again), so 30 s leaves a live
  // worker three times that margin. Temporal notices a little after the timeout: on the dev server the next attempt
  // started 1 s after it when the dead attempt had not heartbeated, 2 s after when it had (measured with 2–3.5 s
  // timeouts and a 10 ms retry interval): the server starts no timer (the retry's backoff, the heartbeat timeout's
  // check again after a heartbeat) sooner than history.timerProcessorMaxTimeShift (1 s) after now. So a kill costs
  // about this plus 2 s before the retry reads and writes (the register-migration bench, scaled 20× in time, scales
  // that setting too: 50 ms).
  heartbeatTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 50 },
};
