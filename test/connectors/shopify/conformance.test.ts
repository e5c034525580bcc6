import { createHmac } from 'node:crypto';
import { ShopifyClient, parseShopifyDelivery, type ShopifyClientOptions } from '../../../connectors/shopify';
import { parseCallLimit, CallLimitPacer } from '../../../connectors/shopify/pacing';
import { control, startTestSandboxes, connectorFailure as failure } from '../../support/sandboxes';
import { startReceiver } from '../woocommerce/receiver';

/**
 * The Shopify sandbox and client against the documented wire (docs/wire/shopify.md): auth and its failures, headers,
 * content type, envelopes and error bodies, cursor paging, the REST leaky bucket and its header, webhook delivery.
 */

let url: string;
let stop: () => Promise<void>;
const API = () => `${url}/admin/api/2025-01`;
const TOKEN = 'shpat_sandbox';
const raw = (path: string, init: RequestInit & { token?: string | null } = {}) =>
  fetch(`${API()}/${path}`, {
    ...init,
    headers: { ...(init.token === null ? {} : { 'x-shopify-access-token': init.token ?? TOKEN }), ...(init.headers as Record<string, string>) },
  });
const clientWith = (options: ShopifyClientOptions = {}, accessToken = TOKEN) =>
  new ShopifyClient({ baseUrl: url, accessToken, apiVersion: '2025-01' }, { pace: false, ...options });

beforeAll(async () => {
  const started = await startTestSandboxes(['shopify'], 5);
  url = started.sandboxes.shopify.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

describe('auth, headers, envelopes', () => {
  test('JSON in UTF-8, the API version echoed, the order wrapped in {"order": …}', async () => {
    const res = await raw('orders.json?limit=1&status=any');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-shopify-api-version')).toBe('2025-01');
    const list = (await res.json()) as { orders: Array<{ id: number }> };
    const one = await raw(`orders/${list.orders[0].id}.json`);
    expect(Object.keys((await one.json()) as object)).toEqual(['order']);
  });

  test('a missing or wrong token is 401 {"errors": "[API] Invalid API key or access token …"}; a missing scope 403', async () => {
    for (const token of [null, 'shpat_wrong']) {
      const res = await raw('orders.json', { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    const readOnly = await raw('orders.json', { token: 'shpat_readonly', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"order":{}}' });
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { errors: string }).errors).toMatch(/write_orders/);
  });

  test('422 carries {"errors": {field: [messages]}}; unknown ids and versions are 404 {"errors": "Not Found"}', async () => {
    const bad = await raw('webhooks.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ webhook: { topic: 'orders/shipped', address: 'http://x.example/h' } }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: Record<string, string[]> }).errors.topic[0]).toMatch(/^Invalid topic specified: orders\/shipped/);
    expect((await raw('orders/1.json')).status).toBe(404);
    const version = await fetch(`${url}/admin/api/2025-02/orders.json`, { headers: { 'x-shopify-access-token': TOKEN } });
    expect(version.status).toBe(404);
    expect(await version.json()).toEqual({ errors: 'Not Found' });
  });

  test('cursor paging: limit 1..250, Link with rel="next"/"previous", page_info takes only limit and fields', async () => {
    expect((await raw('orders.json?limit=251')).status).toBe(400);
    const first = await raw('orders.json?limit=2&status=any');
    const link = first.headers.get('link')!;
    expect(link).toMatch(/^<[^>]+page_info=[^>]+>; rel="next"$/);
    const next = new URL(/<([^>]+)>/.exec(link)![1]);
    expect(next.pathname).toBe('/admin/api/2025-01/orders.json');
    expect((await raw(`orders.json?page_info=${next.searchParams.get('page_info')}&status=any`)).status).toBe(400);
    const second = await fetch(next, { headers: { 'x-shopify-access-token': TOKEN } });
    expect(second.status).toBe(200);
    expect(second.headers.get('link')).toMatch(/rel="previous"/);
  });
});

describe('the REST leaky bucket', () => {
  test('every Admin reply reports X-Shopify-Shop-Api-Call-Limit as used/size, counting each request', async () => {
    const a = parseCallLimit((await raw('orders.json?limit=1')).headers.get('x-shopify-shop-api-call-limit') ?? undefined);
    const b = parseCallLimit((await raw('orders.json?limit=1')).headers.get('x-shopify-shop-api-call-limit') ?? undefined);
    expect(a).toEqual({ used: 1, size: 40 });
    // The second request adds one; less than a second passed, so at most a couple leaked meanwhile.
    expect(b!.size).toBe(40);
    expect(b!.used).toBeGreaterThanOrEqual(1);
    expect(b!.used).toBeLessThanOrEqual(2);
    // Control endpoints are not the Admin API.
    expect((await fetch(`${url}/__sandbox/stats`)).headers.get('x-shopify-shop-api-call-limit')).toBeNull();
  });

  test('a full bucket answers 429 with Retry-After in seconds, the header at size/size, Shopify\'s sentence', async () => {
    // 0.5 per second into a bucket of 10 (Shopify's shape: the bucket holds 20 seconds of leaking).
    await control(url, 'limits', { perSecond: 0.5 });
    const statuses: number[] = [];
    let limited: Response | undefined;
    // 14 in a row: the first 10 always fit; one leaks out every 2 s, so a 429 comes however slow the machine is.
    for (let i = 0; i < 14 && !limited; i++) {
      const res = await raw('orders.json?limit=1');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(limited).toBeDefined();
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+\.0$/);
    expect(limited!.headers.get('x-shopify-shop-api-call-limit')).toBe('10/10');
    expect(await limited!.json()).toEqual({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
    const err = await failure(clientWith({ followCallLimit: false }).listOrders({ limit: 1 }));
    expect(err).toMatchObject({ errorClass: 'rate-limit', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(1000);
    // The raw 429 and the client's.
    expect((await control(url, 'stats')).rateLimit).toMatchObject({ refused: 2 });
  });

  test('the client paces on the reported level: a long burst never overflows the bucket', async () => {
    // The standard bucket (40, leaking 2 per second); 42 requests, 4 at a time, must wait for the leak near the top.
    // A slow leak keeps this independent of how fast the machine sends: filling takes 36 requests, not time.
    await control(url, 'limits', { perSecond: 2 });
    const client = clientWith();
    const work = Array.from({ length: 42 }, (_, i) => i);
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (work.length) {
          work.pop();
          await client.listOrders({ limit: 1 });
        }
      }),
    );
    const { rateLimit } = await control(url, 'stats');
    expect(rateLimit.refused).toBe(0);
    // The pacer kept the 10 % reserve: the bucket got close to full but never past 36 (+1 for rounding).
    expect(rateLimit.busiestWindow).toBeGreaterThanOrEqual(30);
    expect(rateLimit.busiestWindow).toBeLessThanOrEqual(37);
  });

  test('without pacing on the header the same burst overflows (what the client did before)', async () => {
    await control(url, 'limits', { perSecond: 2 });
    const client = clientWith({ followCallLimit: false });
    // 60 at once into a bucket of 40: only a machine taking over 10 s for them would stay under.
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => client.listOrders({ limit: 1 })));
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    expect((await control(url, 'stats')).rateLimit.refused).toBeGreaterThan(0);
  });

  test('the pacer estimates the level from the last report, the leak (size/20 per second) and its own requests', async () => {
    let now = 1_000_000;
    const pacer = new CallLimitPacer(0.1, () => now);
    expect(pacer.estimate()).toBeUndefined();
    await pacer.acquire();
    pacer.settle('36/40');
    expect(pacer.estimate()).toBe(36);
    now += 1000; // 2 leaked
    expect(pacer.estimate()).toBe(34);
    await pacer.acquire();
    expect(pacer.estimate()).toBe(35);
    expect(parseCallLimit('x/40')).toBeUndefined();
    expect(parseCallLimit(['3/80'])).toEqual({ used: 3, size: 80 });
  });
});

describe('webhook delivery', () => {
  test('headers and signature as documented; the same event id and body on every retry; deleted after the last one fails', async () => {
    await control(url, 'webhooks', { retryDelaysMs: [20, 20, 20, 20, 20, 20, 20, 20], duplicateRate: 0 });
    const receiver = await startReceiver(() => 500);
    try {
      const client = clientWith();
      await client.createWebhook({ topic: 'orders/create', address: receiver.url });
      await client.createOrder({ line_items: [{ title: 'Kahvi', price: '9.90', quantity: 1 }] });
      const all = await receiver.until((rs) => rs.length >= 9);
      const first = all[0];
      expect(first.headers['content-type']).toBe('application/json');
      for (const h of ['x-shopify-topic', 'x-shopify-hmac-sha256', 'x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at']) {
        expect(first.headers[h]).toBeDefined();
      }
      expect(first.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 'sandbox-shopify-secret').update(first.body).digest('base64'));
      expect(parseShopifyDelivery(first.headers, first.body)).toMatchObject({ topic: 'orders/create' });
      // One try and 8 retries, all the same delivery.
      expect(all).toHaveLength(9);
      expect(new Set(all.map((r) => r.headers['x-shopify-event-id'])).size).toBe(1);
      expect(new Set(all.map((r) => r.body.toString())).size).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(await client.listWebhooks({ topic: 'orders/create' })).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
