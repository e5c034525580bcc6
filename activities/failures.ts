import { ApplicationFailure } from '@temporalio/common';
import { isConnectorError } from '../connectors/kit/errors';

/**
 * Turns a connector failure into the Temporal failure that makes the right thing happen: credentials, permission,
 * validation, conflict and business errors are not retried (the workflow parks the transfer for an operator, with
 * the message); a rate limit retries after the server's hint; everything else backs off by the activity's policy.
 * The failure type ("Siirto.<class>") is what the workflow and `siirto history` show.
 */
export function toActivityFailure(err: unknown): Error {
  if (err instanceof ApplicationFailure) return err;
  if (isConnectorError(err)) {
    const type = `Siirto.${err.errorClass}`;
    const details = [{ system: err.system, resource: err.resource, field: err.field, code: err.code }];
    if (err.errorClass === 'rate-limit') {
      return ApplicationFailure.create({ message: err.message, type, details, nextRetryDelay: err.retryAfterMs ?? 1000 });
    }
    return ApplicationFailure.create({ message: err.message, type, details, nonRetryable: !err.retryable });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** A problem an operator must fix before the transfer can go on (not a connector error). */
export const needsOperator = (message: string, type = 'Siirto.business'): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, type);

/** Runs an activity body and classifies whatever it throws. */
export async function classified<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
