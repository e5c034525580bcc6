import { ConnectorError, credentialsError, type ErrorClass } from '../kit/errors';
import { retryAfterMs, type HttpResponse } from '../kit/http';
import { ErrorMessages } from './schemas';

export const SYSTEM = 'procountor';

export const invalidCredentials = (code?: string): ConnectorError =>
  credentialsError(SYSTEM, 'Procountor', 'credentials', 'client id, client secret and API key', code);

/** Validation codes that are setup problems in Procountor, not bad data in our request. */
const BUSINESS_CODES: Record<string, string> = {
  CLOSED_FISCAL_PERIOD: 'the accounting period of that date is closed; open it in Procountor or use a date in an open period',
};

function parseErrors(body: string): ErrorMessages['errors'] {
  try {
    const parsed = ErrorMessages.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.errors : [];
  } catch {
    return [];
  }
}

/**
 * Turns a non-2xx reply into a ConnectorError. `on403` lets invoice actions say "wrong status" (a business state
 * the operator must look at) where other resources mean "the API user lacks rights".
 */
export function classifyProcountorError(res: HttpResponse, resource: string, on403: ErrorClass = 'permission'): ConnectorError {
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers['retry-after']);
    return new ConnectorError(SYSTEM, 'rate-limit', `Procountor rate limit reached while calling ${resource}; retrying after ${Math.ceil(wait / 1000)} s`, {
      resource,
      retryAfterMs: wait,
      code: '429',
    });
  }
  if (res.status >= 500) {
    return new ConnectorError(SYSTEM, 'transient', `Procountor answered ${res.status} on ${resource}; it will be retried`, {
      resource,
      code: String(res.status),
    });
  }
  const errors = parseErrors(res.body);
  const first = errors[0];
  const field = first?.field ?? undefined;
  const code = first?.message ?? String(res.status);
  const detail = errors.length
    ? errors.map((e) => (e.field ? `${e.field}: ${e.message ?? 'invalid'}` : (e.message ?? 'invalid'))).join('; ')
    : `HTTP ${res.status}`;

  const business = first?.message ? BUSINESS_CODES[first.message] : undefined;
  if (business) return new ConnectorError(SYSTEM, 'business', `Procountor refused ${resource}: ${business} (${first!.message})`, { resource, field, code });

  const classes: Record<number, ErrorClass> = { 400: 'validation', 403: on403, 404: 'not-found', 409: 'conflict' };
  const errorClass: ErrorClass = classes[res.status] ?? 'validation';
  const lead: Record<ErrorClass, string> = {
    validation: `Procountor rejected ${resource}`,
    permission: `The Procountor API user may not use ${resource}; grant the user the rights in Procountor`,
    business: `Procountor refused ${resource} in its current state`,
    'not-found': `Procountor has no such ${resource}`,
    conflict: `Procountor reported a conflict on ${resource}; reload it and try again`,
    credentials: 'Procountor refused the credentials',
    'rate-limit': 'Procountor rate limit',
    transient: 'Procountor failed',
  };
  return new ConnectorError(SYSTEM, errorClass, `${lead[errorClass]}: ${detail}`, { resource, field, code });
}
