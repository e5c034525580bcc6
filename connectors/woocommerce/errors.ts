import { ConnectorError, credentialsError } from '../kit/errors';
import { retryAfterMs } from '../kit/http';
import { WooError } from './schemas';

export const SYSTEM = 'woocommerce';
const KEYS_PLACE = 'consumer key and consumer secret (WooCommerce → Settings → Advanced → REST API)';

/**
 * Turns a WooCommerce error reply into a ConnectorError. WooCommerce answers every failure with
 * `{code, message, data: {status}}` (docs/wire/woocommerce.md, "Errors"); a reply without that envelope came from something in front
 * of WordPress (proxy, WAF, PHP fatal) and is classified by status alone.
 */
export function classifyWooError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  resource: string,
): ConnectorError {
  const parsed = WooError.safeParse(body);
  const code = parsed.success ? parsed.data.code : undefined;
  const message = parsed.success ? parsed.data.message : `HTTP ${status}`;

  if (status === 429) {
    return new ConnectorError(SYSTEM, 'rate-limit', `WooCommerce asked us to slow down while reading ${resource}; retrying after its hint`, {
      resource,
      code,
      retryAfterMs: retryAfterMs(headers['retry-after']),
    });
  }
  if (status >= 500 || !parsed.success) {
    return new ConnectorError(SYSTEM, 'transient', `WooCommerce failed on ${resource} (HTTP ${status}${code ? ` ${code}` : ''}); will retry`, {
      resource,
      code,
    });
  }
  if (/write permissions/i.test(message)) {
    return new ConnectorError(
      SYSTEM,
      'permission',
      `The WooCommerce REST API key may only read, so ${resource} cannot be written. Give the key Read/Write permission in WooCommerce → Settings → Advanced → REST API.`,
      { resource, code },
    );
  }
  if (status === 401 && code === 'woocommerce_rest_authentication_error' && /timestamp/i.test(message)) {
    return new ConnectorError(
      SYSTEM,
      'credentials',
      `WooCommerce refused the signed request for ${resource}: this machine's clock is more than 15 minutes away from the shop's. Synchronise the clock (NTP); the shop is on plain HTTP, so every request is signed with a timestamp.`,
      { resource, code },
    );
  }
  if (status === 401 && code === 'woocommerce_rest_authentication_error' && /nonce/i.test(message)) {
    // A nonce seen within 15 minutes: the next attempt signs with a fresh one.
    return new ConnectorError(SYSTEM, 'transient', `WooCommerce saw the signature's nonce before while reading ${resource}; will retry with a new one`, { resource, code });
  }
  if (status === 401 && /signature/i.test(message)) {
    return new ConnectorError(
      SYSTEM,
      'credentials',
      `WooCommerce refused the OAuth 1.0a signature for ${resource} (${message}). Check the consumer secret, and that the shop address in Siirto is exactly the WordPress site address (Settings → General), scheme and "www" included: the signature covers it.`,
      { resource, code },
    );
  }
  if (status === 401) {
    const what = /secret/i.test(message) ? 'consumer secret' : 'consumer key';
    const err = credentialsError(SYSTEM, 'WooCommerce', code === 'woocommerce_rest_authentication_error' ? what : 'REST API key', KEYS_PLACE, code);
    return new ConnectorError(SYSTEM, 'credentials', err.message, { resource, code });
  }
  if (status === 403) {
    return new ConnectorError(SYSTEM, 'permission', `WooCommerce refused ${resource}: ${message} Check the WordPress user the REST API key belongs to.`, {
      resource,
      code,
    });
  }
  if (status === 404) {
    return new ConnectorError(SYSTEM, 'not-found', `WooCommerce has no such ${resource} (${message})`, { resource, code });
  }
  const params = parsed.data.data?.params;
  const field = params ? Object.keys(params)[0] : undefined;
  const detail = field && params ? `${message} ${params[field]}` : message;
  return new ConnectorError(SYSTEM, 'validation', `WooCommerce rejected ${resource}: ${detail}`, { resource, code, field });
}
