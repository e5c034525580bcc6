import { ConnectorError, credentialsError } from '../kit/errors';
import { retryAfterMs } from '../kit/http';
import { ShopifyError } from './schemas';

export const SYSTEM = 'shopify';

function describe(errors: string | Record<string, string | string[]>): { text: string; field?: string } {
  if (typeof errors === 'string') return { text: errors };
  const [field, value] = Object.entries(errors)[0] ?? ['', ''];
  const messages = Array.isArray(value) ? value.join('; ') : value;
  return { text: field ? `${field} ${messages}` : messages, field: field || undefined };
}

/** Shopify answers `{"errors": "…"}` or `{"errors": {"field": ["…"]}}`; the status decides the class. */
export function classifyShopifyError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  resource: string,
): ConnectorError {
  const parsed = ShopifyError.safeParse(body);
  const { text, field } = parsed.success ? describe(parsed.data.errors) : { text: `HTTP ${status}`, field: undefined };
  const opts = { resource, field, code: String(status) };
  if (status === 429) {
    return new ConnectorError(SYSTEM, 'rate-limit', `Shopify's request bucket is full while reading ${resource}; retrying after its hint`, {
      ...opts,
      retryAfterMs: retryAfterMs(headers['retry-after'], 2000),
    });
  }
  if (status >= 500 || !parsed.success) {
    return new ConnectorError(SYSTEM, 'transient', `Shopify failed on ${resource} (HTTP ${status}); will retry`, opts);
  }
  switch (status) {
    case 401: {
      const e = credentialsError(SYSTEM, 'Shopify', 'access token', 'Admin API access token of the Siirto app (Shopify admin → Apps → Develop apps → API credentials)');
      return new ConnectorError(SYSTEM, 'credentials', e.message, opts);
    }
    case 402:
      return new ConnectorError(SYSTEM, 'business', `The Shopify store is frozen (unpaid plan), so ${resource} is refused. The merchant must settle the Shopify bill.`, opts);
    case 403:
      return new ConnectorError(SYSTEM, 'permission', `Shopify refused ${resource}: ${text} Grant the app the missing scope and reinstall it.`, opts);
    case 404:
      return new ConnectorError(SYSTEM, 'not-found', `Shopify has no such ${resource}`, opts);
    case 423:
      return new ConnectorError(SYSTEM, 'business', `The Shopify store is locked, so ${resource} is refused. The merchant must contact Shopify.`, opts);
    case 422:
      if (/already been taken/.test(text)) return new ConnectorError(SYSTEM, 'conflict', `Shopify already has this ${resource}: ${text}`, opts);
      return new ConnectorError(SYSTEM, 'validation', `Shopify rejected ${resource}: ${text}`, opts);
    default:
      return new ConnectorError(SYSTEM, 'validation', `Shopify rejected ${resource}: ${text}`, opts);
  }
}
