import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';

/**
 * How a request to a WooCommerce shop is authenticated (docs/wire/woocommerce.md, "Authentication").
 *
 * WooCommerce reads HTTP Basic credentials (consumer key : consumer secret) only when WordPress considers the request
 * secure (`is_ssl()`); on plain HTTP it ignores them and expects OAuth 1.0a "one-legged" signatures instead: the
 * oauth_* parameters in the query string, HMAC-SHA256 over the method, the URL and every query parameter, keyed with
 * the consumer secret plus "&" (no token). The JSON body is not signed.
 */
export type WooAuth =
  | { kind: 'basic'; header: string }
  | { kind: 'oauth1'; oauth: OAuth; consumerKey: string };

export function wooAuth(baseUrl: string, consumerKey: string, consumerSecret: string): WooAuth {
  if (new URL(baseUrl).protocol === 'https:') {
    return { kind: 'basic', header: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}` };
  }
  const oauth = new OAuth({
    consumer: { key: consumerKey, secret: consumerSecret },
    signature_method: 'HMAC-SHA256',
    // WooCommerce keys the HMAC with the secret as stored plus "&", not with the secret percent-encoded as the library
    // would (the same for the usual hex secrets, different for one with reserved characters).
    hash_function: (base) => createHmac('sha256', `${consumerSecret}&`).update(base).digest('base64'),
  });
  return { kind: 'oauth1', oauth, consumerKey };
}

/** RFC 3986 encoding (PHP's rawurlencode), the one the signature base string uses. */
export const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `k=v&…` with RFC 3986 encoding, undefined values left out. */
export function queryString(query: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join('&');
}

/**
 * The absolute URL of an OAuth-signed request: the caller's query plus oauth_consumer_key, oauth_nonce,
 * oauth_signature_method, oauth_timestamp and oauth_signature. `oauth_version` is left out, as WooCommerce's
 * documentation asks.
 */
export function signedUrl(
  auth: Extract<WooAuth, { kind: 'oauth1' }>,
  method: string,
  url: string,
  query: Record<string, string | number | boolean | undefined> = {},
  now: () => number = Date.now,
): string {
  const qs = queryString(query);
  const full = qs ? `${url}?${qs}` : url;
  const oauthData = {
    oauth_consumer_key: auth.consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: Math.floor(now() / 1000),
  } as unknown as OAuth.Data;
  // The library merges the URL's parameters into the object it is given: hand it a copy.
  const signature = auth.oauth.getSignature({ method, url: full }, undefined, { ...oauthData });
  const all = { ...(oauthData as unknown as Record<string, string | number>), oauth_signature: signature };
  return `${full}${qs ? '&' : '?'}${queryString(all)}`;
}
