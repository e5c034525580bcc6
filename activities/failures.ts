import { ApplicationFailure } from '@temporalio/common';
import { isConnectorError } from '../connectors/kit/errors';

/**
 * A rate limit whose wait is this long (or a quarantine, whatever its length) is not retried inside the activity:
 * the failure names until when the API is closed, and the workflow waits that out with a durable timer
 * (workflows/transfer.ts), instead of an activity retry that would outlive its schedule-to-close budget.
 */
export const LONG_RATE_LIMIT_MS = 60_000;

/**
 * Turns a connector failure into the Temporal failure that makes the right thing happen: credentials, permission,
 * validation, conflict and business errors are not retried (the workflow parks the transfer for an operator, with
 * the message); a short rate limit retries after the server's hint, a quarantine or a long one is handed to the
 * workflow with its end time (`details[0].until`, ISO); everything else backs off by the activity's policy.
 * The failure type ("Siirto.<class>") is what the workflow and `siirto history` show.
 */
const FAILURE_KEYS = new Set(['credentials', 'permission', 'validation', 'conflict', 'business']);

export function toActivityFailure(err: unknown, now = Date.now()): Error {
  if (err instanceof ApplicationFailure) return err;
  if (isConnectorError(err)) {
    const type = `Siirto.${err.errorClass}`;
    // msg: the reason as a catalog key (i18n/messages.ts failure.*), so a reader sees it in their own language.
    const msg = { key: `failure.${FAILURE_KEYS.has(err.errorClass) ? err.errorClass : 'other'}`, params: { system: err.system, detail: err.message } };
    const details = [{ system: err.system, resource: err.resource, field: err.field, code: err.code, msg }];
    if (err.errorClass === 'rate-limit') {
      const waitMs = err.retryAfterMs ?? 1000;
      if (err.code === 'QUARANTINE' || waitMs >= LONG_RATE_LIMIT_MS) {
        const until = new Date(now + waitMs).toISOString();
        return ApplicationFailure.create({ message: err.message, type, details: [{ ...details[0], until, msg: { key: 'failure.rate-limit', params: { system: err.system, until } } }], nonRetryable: true });
      }
      return ApplicationFailure.create({ message: err.message, type, details, nextRetryDelay: waitMs });
    }
    return ApplicationFailure.create({ message: err.message, type, details, nonRetryable: !err.retryable });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** A problem an operator must fix before the transfer can go on (not a connector error). */
export const needsOperator = (message: string, type = 'Siirto.business'): ApplicationFailure =>
  ApplicationFailure.create({ message, type, nonRetryable: true, details: [{ msg: { key: 'failure.business', params: { detail: message } } }] });

/** Runs an activity body and classifies whatever it throws. */
export async function classified<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
