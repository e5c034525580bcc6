import { createHmac, randomBytes } from 'node:crypto';
import { classifyWooError, WooCommerceClient } from '../../../connectors/woocommerce';
import { signedUrl, wooAuth } from '../../../connectors/woocommerce/auth';
import { control, startTestSandboxes, connectorFailure as failure } from '../../support/sandboxes';

/**
 * The WooCommerce sandbox and client against the documented wire (docs/wire/woocommerce.md): authentication over HTTP
 * (OAuth 1.0a) and HTTPS (Basic, query keys), its refusals, content type, error envelope, paging headers.
 */

let url: string;
let stop: () => Promise<void>;
const BASE = () => `${url}/wp-json/wc/v3`;
const KEY = 'ck_sandbox';
const SECRET = 'cs_sandbox';
const basic = (key = KEY, secret = SECRET) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const HTTPS = { 'x-forwarded-proto': 'https' };

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An OAuth 1.0a signature written here from the documented recipe, independent of the client's library. */
function sign(method: string, path: string, query: Record<string, string>, opts: { secret?: string; algo?: 'sha1' | 'sha256'; timestamp?: number; nonce?: string; key?: string } = {}) {
  const params: Record<string, string> = {
    ...query,
    oauth_consumer_key: opts.key ?? KEY,
    oauth_nonce: opts.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: opts.algo === 'sha1' ? 'HMAC-SHA1' : 'HMAC-SHA256',
    oauth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  const pairs = Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k])}`)
    .join('&');
  const full = `${BASE()}/${path}`;
  const base = `${method}&${enc(full)}&${enc(pairs)}`;
  const signature = createHmac(opts.algo ?? 'sha256', `${opts.secret ?? SECRET}&`).update(base).digest('base64');
  return { url: `${full}?${pairs}&oauth_signature=${enc(signature)}`, params: { ...params, oauth_signature: signature } };
}

beforeAll(async () => {
  const started = await startTestSandboxes(['woocommerce'], 7);
  url = started.sandboxes.woocommerce.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

describe('authentication over plain HTTP: OAuth 1.0a one-legged', () => {
  test('HMAC-SHA256 and HMAC-SHA1 signatures in the query are accepted; the reply is JSON in UTF-8', async () => {
    for (const algo of ['sha256', 'sha1'] as const) {
      const res = await fetch(sign('GET', 'orders', { per_page: '2', page: '1' }, { algo }).url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
      expect(((await res.json()) as unknown[]).length).toBe(2);
    }
  });

  test('the oauth_* parameters may come in an Authorization: OAuth header instead', async () => {
    const { params } = sign('GET', 'orders/1001', {});
    const header = `OAuth ${Object.entries(params)
      .map(([k, v]) => `${k}="${enc(v)}"`)
      .join(', ')}`;
    expect((await fetch(`${BASE()}/orders/1001`, { headers: { authorization: header } })).status).toBe(200);
  });

  test('Basic and query-string keys are ignored on plain HTTP: the request is not authenticated', async () => {
    for (const init of [{ headers: { authorization: basic() } }, {}]) {
      const target = 'headers' in init ? `${BASE()}/orders` : `${BASE()}/orders?consumer_key=${KEY}&consumer_secret=${SECRET}`;
      const res = await fetch(target, init);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
    }
  });

  test.each([
    ['a wrong secret', () => sign('GET', 'orders', {}, { secret: 'cs_wrong' }).url, 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.'],
    ['a tampered parameter', () => sign('GET', 'orders', { per_page: '2' }).url.replace('per_page=2', 'per_page=3'), 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.'],
    ['an unknown key', () => sign('GET', 'orders', {}, { key: 'ck_nobody' }).url, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.'],
    ['a timestamp 16 minutes old', () => sign('GET', 'orders', {}, { timestamp: Math.floor(Date.now() / 1000) - 16 * 60 }).url, 'woocommerce_rest_authentication_error', 'Invalid timestamp.'],
    ['a method other than HMAC-SHA1/256', () => sign('GET', 'orders', {}).url.replace('HMAC-SHA256', 'PLAINTEXT'), 'woocommerce_rest_authentication_error', 'Invalid signature - signature method is invalid.'],
    ['some oauth_* parameters only', () => `${BASE()}/orders?oauth_consumer_key=${KEY}&oauth_nonce=abc`, 'woocommerce_rest_authentication_missing_parameter', 'Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method'],
  ])('%s is refused with 401 and WooCommerce\'s message', async (_what, target, code, message) => {
    const res = await fetch(target());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code, message, data: { status: 401 } });
  });

  test('a nonce is good once within the window', async () => {
    const nonce = randomBytes(16).toString('hex');
    expect((await fetch(sign('GET', 'orders', {}, { nonce }).url)).status).toBe(200);
    const again = await fetch(sign('GET', 'orders', { page: '1' }, { nonce }).url);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { message: string }).message).toBe('Invalid nonce - nonce has already been used.');
  });

  test('the client signs http:// shops (and retries re-sign); its signature verifies independently', async () => {
    const client = new WooCommerceClient({ baseUrl: url, consumerKey: KEY, consumerSecret: SECRET });
    expect((await client.listOrders({ perPage: 3 })).orders).toHaveLength(3);
    const auth = wooAuth(url, KEY, SECRET);
    expect(auth.kind).toBe('oauth1');
    const signed = new URL(signedUrl(auth as Extract<typeof auth, { kind: 'oauth1' }>, 'GET', `${BASE()}/orders`, { per_page: 2, status: 'on-hold,processing' }));
    expect(signed.searchParams.get('oauth_version')).toBeNull();
    const { oauth_signature: given, ...rest } = Object.fromEntries(signed.searchParams);
    const pairs = Object.keys(rest).sort().map((k) => `${enc(k)}=${enc(rest[k])}`).join('&');
    const expected = createHmac('sha256', `${SECRET}&`).update(`GET&${enc(`${BASE()}/orders`)}&${enc(pairs)}`).digest('base64');
    expect(given).toBe(expected);
    expect(wooAuth('https://kauppa.example.fi', KEY, SECRET)).toEqual({ kind: 'basic', header: basic() });
  });

  test('a clock far off is an operator-facing credentials error naming the clock', async () => {
    // The sandbox's window is the documented 15 minutes; a request signed 20 minutes in the past shows the message.
    const res = await fetch(sign('GET', 'orders', {}, { timestamp: Math.floor(Date.now() / 1000) - 20 * 60 }).url);
    const body = await res.json();
    const err = classifyWooError(res.status, body, {}, 'orders');
    expect(err).toMatchObject({ errorClass: 'credentials', retryable: false });
    expect(err.message).toMatch(/clock/);
  });
});

describe('authentication over HTTPS: Basic or query keys', () => {
  test('Basic and query keys work; a wrong secret is refused with a Basic challenge; an unknown key is just unauthenticated', async () => {
    expect((await fetch(`${BASE()}/orders`, { headers: { ...HTTPS, authorization: basic() } })).status).toBe(200);
    expect((await fetch(`${BASE()}/orders?consumer_key=${KEY}&consumer_secret=${SECRET}`, { headers: HTTPS })).status).toBe(200);
    const wrong = await fetch(`${BASE()}/orders`, { headers: { ...HTTPS, authorization: basic(KEY, 'cs_wrong') } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm="WooCommerce API/);
    expect(await wrong.json()).toMatchObject({ code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.' });
    const unknown = await fetch(`${BASE()}/orders`, { headers: { ...HTTPS, authorization: basic('ck_nobody', 'x') } });
    expect(await unknown.json()).toMatchObject({ code: 'woocommerce_rest_cannot_view' });
  });

  test('a read-only key cannot write and a write-only key cannot read', async () => {
    const res = await fetch(`${BASE()}/orders`, {
      method: 'POST',
      headers: { ...HTTPS, authorization: basic('ck_readonly', 'cs_readonly'), 'content-type': 'application/json' },
      body: JSON.stringify({ line_items: [{ product_id: 11, quantity: 1 }] }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('The API key provided does not have write permissions.');
  });
});

describe('errors and paging', () => {
  test('the WordPress error envelope, X-WP-Total(Pages) and a Link with prev/next only', async () => {
    const missing = await fetch(sign('GET', 'orders/999999', {}).url);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } });
    const route = await fetch(sign('GET', 'nothing-here', {}).url);
    expect(((await route.json()) as { code: string }).code).toBe('rest_no_route');
    const page = await fetch(sign('GET', 'orders', { per_page: '2', page: '2' }).url);
    expect(page.headers.get('x-wp-total')).toBe('6');
    expect(page.headers.get('x-wp-totalpages')).toBe('3');
    const link = page.headers.get('link')!;
    expect(link).toMatch(/>; rel="prev", <[^>]+>; rel="next"$/);
    expect(link).not.toMatch(/rel="(first|last)"/);
    const client = new WooCommerceClient({ baseUrl: url, consumerKey: KEY, consumerSecret: SECRET });
    expect(await failure(client.getOrder(999999))).toMatchObject({ errorClass: 'not-found', code: 'woocommerce_rest_shop_order_invalid_id' });
  });
});
