import { ConnectorError, credentialsError } from '../kit/errors';
import { retryAfterMs } from '../kit/http';
import type { HttpResponse } from '../kit/http';
import { MessageBody, ValidationErrorBody } from './schemas';

export const SYSTEM = 'rackbeat';

/** What the failing call was about, in the operator's words ("product P-1/B", "order 1021 line 3"). */
export interface CallContext {
  method: string;
  path: string;
  resource: string;
}

function json(body: string): unknown {
  try {
    return body ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

const header = (res: HttpResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Turns a non-2xx Rackbeat reply into a ConnectorError. Rackbeat is a Laravel application: 422 carries
 * `{errors: {"lines.0.item_id": ["..."]}}`, 401 an "Unauthenticated." message, 403 a business refusal.
 */
export function classifyResponse(res: HttpResponse, call: CallContext): ConnectorError {
  const body = json(res.body);
  const message = MessageBody.safeParse(body).success ? (body as { message: string }).message : undefined;
  const where = `${call.method} ${call.path}`;
  const code = String(res.status);

  if (res.status === 401) return credentialsError(SYSTEM, 'Rackbeat', 'API token', 'API token', code);

  if (res.status === 422) {
    const parsed = ValidationErrorBody.safeParse(body);
    const entries = parsed.success
      ? Object.entries(parsed.data.errors).map(([field, msgs]) => [field, Array.isArray(msgs) ? msgs.join(' ') : msgs] as const)
      : [];
    if (entries.length === 0) {
      return new ConnectorError(SYSTEM, 'validation', `Rackbeat refused the ${call.resource}: ${message ?? res.body.slice(0, 200)}`, {
        resource: call.resource,
        code,
      });
    }
    const [field, first] = entries[0];
    const others = entries.slice(1).map(([f, m]) => `${f}: ${m}`);
    const rest = others.length ? ` (also ${others.join('; ')})` : '';
    const text = `${field}: ${first}${rest}`.replace(/\.?$/, '.');
    return new ConnectorError(SYSTEM, 'validation', `Rackbeat refused the ${call.resource} (fix the data and retry): ${text}`, {
      resource: call.resource,
      field,
      code,
    });
  }

  if (res.status === 404) {
    return new ConnectorError(SYSTEM, 'not-found', `Rackbeat has no ${call.resource} (${where} answered 404)`, {
      resource: call.resource,
      code,
    });
  }

  if (res.status === 429) {
    // Retry-After on Rackbeat's 429 is an open point (docs/wire/open-points.md); without it wait for the next minute window.
    const wait = retryAfterMs(header(res, 'retry-after'), 60_000);
    return new ConnectorError(SYSTEM, 'rate-limit', `Rackbeat rate limit reached on ${where}; retry in ${Math.ceil(wait / 1000)} s`, {
      resource: call.resource,
      code,
      retryAfterMs: wait,
    });
  }

  if (res.status === 403) {
    return new ConnectorError(SYSTEM, 'business', `Rackbeat refused ${call.resource}: ${message ?? 'forbidden'} (${where})`, {
      resource: call.resource,
      code,
    });
  }

  if (res.status >= 500) {
    return new ConnectorError(SYSTEM, 'transient', `Rackbeat server error ${res.status} on ${where}`, { resource: call.resource, code });
  }

  return new ConnectorError(SYSTEM, 'validation', `Rackbeat rejected ${where} with ${res.status}: ${message ?? res.body.slice(0, 200)}`, {
    resource: call.resource,
    code,
  });
}
