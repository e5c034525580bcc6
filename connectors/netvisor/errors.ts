import { ConnectorError, credentialsError, type ErrorClass } from '../kit/errors';
import { retryAfterMs } from '../kit/http';

export const SYSTEM = 'netvisor';

/**
 * Netvisor reports failures in the body: `<Status>FAILED</Status><Status>CATEGORY :: text</Status>`
 * (docs/wire/netvisor.md#error-categories). The HTTP status says less (200/400/401/403/500 with
 * UseHTTPResponseStatusCodes, docs/wire/netvisor.md#http-status-codes), so the category decides.
 */
export interface NetvisorFailure {
  category: string;
  text: string;
}

export function parseFailureStatus(statuses: string[]): NetvisorFailure | null {
  if (statuses[0]?.trim().toUpperCase() !== 'FAILED') return null;
  const line = statuses.slice(1).join(' ').trim();
  const at = line.indexOf('::');
  if (at < 0) return { category: line.toUpperCase() || 'UNKNOWN', text: line };
  return { category: line.slice(0, at).trim().toUpperCase(), text: line.slice(at + 2).trim() };
}

/** "Invalid Netvisor credentials: connection cannot be established. Check the integration credentials." */
const CREDENTIALS_MESSAGE = credentialsError(SYSTEM, 'Netvisor', 'credentials', 'integration credentials').message;

const BY_CATEGORY: Record<string, { errorClass: ErrorClass; say(resource: string, text: string): string }> = {
  INVALID_DATA: {
    errorClass: 'validation',
    say: (r, t) => `Netvisor rejected the data sent to ${r}: ${t} Correct the record and retry.`,
  },
  INVALID_DATA_SIZE: {
    errorClass: 'validation',
    say: (r, t) => `Netvisor rejected the size of the request to ${r}: ${t} Send less data per request.`,
  },
  DUPLICATE_DATA: {
    errorClass: 'conflict',
    say: (r, t) => `Netvisor refused a duplicate in ${r}: ${t} Check the number series or look up the existing record.`,
  },
  PERIOD_LOCK: {
    errorClass: 'business',
    say: (r, t) => `Netvisor refused ${r} because the accounting period is locked: ${t} Open the period in Netvisor or use a date in an open period.`,
  },
  SERVICE_ACCESS_ERROR: {
    errorClass: 'permission',
    say: (r, t) => `The Netvisor API user may not use ${r}: ${t} Grant the integration user the right to this resource in Netvisor.`,
  },
  REQUEST_NOT_UNIQUE: {
    errorClass: 'transient',
    say: (r, t) => `Netvisor saw a repeated transaction id on ${r}: ${t}`,
  },
  SYSTEM_MAINTENANCE: { errorClass: 'transient', say: (r, t) => `Netvisor is under maintenance (${r}): ${t}` },
  SYSTEM_MAINTANANCE: { errorClass: 'transient', say: (r, t) => `Netvisor is under maintenance (${r}): ${t}` },
  TECHNICAL_ERROR: { errorClass: 'transient', say: (r, t) => `Netvisor had a technical error on ${r}: ${t}` },
};

/** Turns a FAILED envelope (and its HTTP status) into a ConnectorError in the operator's words. */
export function failureToError(failure: NetvisorFailure, resource: string, httpStatus: number, headers: Record<string, string | string[] | undefined> = {}): ConnectorError {
  if (failure.category === 'AUTHENTICATION_FAILED') {
    // Netvisor's own text (e.g. "Integraatiokumppania ei löydy") stays in the cause; operators get the one standard sentence.
    return new ConnectorError(SYSTEM, 'credentials', CREDENTIALS_MESSAGE, { resource, code: failure.category, cause: new Error(failure.text) });
  }
  if (httpStatus === 429) return rateLimited(resource, headers, failure.text, failure.category);
  const known = BY_CATEGORY[failure.category];
  if (known) return new ConnectorError(SYSTEM, known.errorClass, known.say(resource, failure.text), { resource, code: failure.category });
  // A category we do not know: with a 5xx it is likely passing, otherwise a person has to read Netvisor's text.
  const errorClass: ErrorClass = httpStatus >= 500 ? 'transient' : 'business';
  return new ConnectorError(SYSTEM, errorClass, `Netvisor refused ${resource}: ${failure.category} :: ${failure.text}`, { resource, code: failure.category });
}

function rateLimited(resource: string, headers: Record<string, string | string[] | undefined>, text?: string, code = 'HTTP_429'): ConnectorError {
  return new ConnectorError(SYSTEM, 'rate-limit', `Netvisor asked to slow down on ${resource}${text ? `: ${text}` : ''}`, {
    resource,
    code,
    retryAfterMs: retryAfterMs(headers['retry-after'], 5000),
  });
}

/** A reply without a readable envelope: classify by HTTP status alone. */
export function statusToError(status: number, resource: string, headers: Record<string, string | string[] | undefined>): ConnectorError {
  if (status === 429) return rateLimited(resource, headers);
  if (status >= 500) return new ConnectorError(SYSTEM, 'transient', `Netvisor answered HTTP ${status} on ${resource}`, { resource, code: `HTTP_${status}` });
  if (status === 401) return new ConnectorError(SYSTEM, 'credentials', CREDENTIALS_MESSAGE, { resource, code: 'HTTP_401' });
  if (status === 403) return new ConnectorError(SYSTEM, 'permission', `The Netvisor API user may not use ${resource} (HTTP 403). Grant the integration user the right to this resource in Netvisor.`, { resource, code: 'HTTP_403' });
  if (status === 404) return new ConnectorError(SYSTEM, 'not-found', `Netvisor has no resource ${resource} (HTTP 404). Check the Netvisor base URL.`, { resource, code: 'HTTP_404' });
  return new ConnectorError(SYSTEM, 'validation', `Netvisor answered HTTP ${status} on ${resource} without a readable reply`, { resource, code: 'UNEXPECTED_RESPONSE' });
}

/** getcustomer.nv / getvendor.nv say "not found" as INVALID_DATA; callers that look things up want not-found. */
export function asNotFound(err: unknown, what: string, resource: string): unknown {
  if (err instanceof ConnectorError && err.code === 'INVALID_DATA' && /not found|ei löyd|hittades inte/i.test(err.message)) {
    return new ConnectorError(SYSTEM, 'not-found', `${what} was not found in Netvisor`, { resource, code: 'INVALID_DATA', cause: err });
  }
  return err;
}
