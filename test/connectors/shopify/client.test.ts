import Decimal from 'decimal.js';
import { classifyShopifyError, ShopifyClient, ShopifyOrdersEnvelope, pageInfoFromLink, type ShopifyClientOptions } from '../../../connectors/shopify';
import { shopifyOrderToSalesDocument } from '../../../connectors/shopify/mapping';
import { salesLineGross } from '../../../domain/vat';
import { control, startTestSandboxes, connectorFailure as failure } from '../../support/sandboxes';

let url: string;
let stop: () => Promise<void>;
let client: ShopifyClient;

const clientWith = (accessToken: string, options: ShopifyClientOptions = {}) =>
  new ShopifyClient({ baseUrl: url, accessToken, apiVersion: '2025-01' }, { pace: false, ...options });

beforeAll(async () => {
  const started = await startTestSandboxes(['shopify'], 5);
  url = started.sandboxes.shopify.url;
  stop = started.stop;
  client = clientWith('shpat_sandbox');
});
afterAll(() => stop());
beforeEach(async () => {
  await control(url, 'reset', {});
  // This file makes more calls than the standard bucket allows; the limit itself is tested on its own below.
  await control(url, 'limits', { perSecond: 1000 });
});

describe('orders', () => {
  test('listOrders walks cursor pages through the Link header, both ways', async () => {
    const first = await client.listOrders({ limit: 2 });
    expect(first.orders).toHaveLength(2);
    expect(first.previousPageInfo).toBeUndefined();
    const second = await client.listOrders({ pageInfo: first.nextPageInfo!, limit: 2 });
    const third = await client.listOrders({ pageInfo: second.nextPageInfo!, limit: 2 });
    expect(third.orders).toHaveLength(1);
    expect(third.nextPageInfo).toBeUndefined();
    const back = await client.listOrders({ pageInfo: second.previousPageInfo!, limit: 2 });
    expect(back.orders.map((o) => o.id)).toEqual(first.orders.map((o) => o.id));
    const ids = [...first.orders, ...second.orders, ...third.orders].map((o) => o.id);
    expect(new Set(ids).size).toBe(5);
  });

  test('status=any includes pending and paid orders', async () => {
    const any = await client.listOrders({ status: 'any', limit: 250 });
    expect(new Set(any.orders.map((o) => o.financial_status))).toEqual(new Set(['paid', 'pending']));
    expect((await client.listOrders({ status: 'closed' })).orders).toEqual([]);
  });

  test('ordersUpdatedSince returns every order updated at or after the instant', async () => {
    const seen: number[] = [];
    for await (const o of client.ordersUpdatedSince('2025-04-02T14:10:00Z', 1)) seen.push(o.id);
    expect(seen).toHaveLength(3);
    const created = await client.createOrder({ line_items: [{ title: 'Lahjakortti', price: '25.00', quantity: 1 }] });
    const recent: number[] = [];
    for await (const o of client.ordersUpdatedSince(new Date(Date.now() - 60_000).toISOString())) recent.push(o.id);
    expect(recent).toEqual([created.id]);
  });

  test('getOrder, and not-found for an unknown id', async () => {
    const { orders } = await client.listOrders({ limit: 1 });
    expect(await client.getOrder(orders[0].id)).toEqual(orders[0]);
    const err = await failure(client.getOrder(1));
    expect(err).toMatchObject({ errorClass: 'not-found', code: '404' });
  });

  test('createOrder prices lines, discount allocations, taxes and shipping', async () => {
    const order = await client.createOrder({
      email: 'aino@example.fi',
      financial_status: 'paid',
      gateway: 'paytrail',
      billing_address: { first_name: 'Aino', last_name: 'Virtanen', address1: 'Hämeenkatu 1', city: 'Tampere', zip: '33100', country_code: 'FI' },
      line_items: [
        { variant_id: 45_000_000_000_001, quantity: 2 },
        { variant_id: 45_000_000_000_002, quantity: 1 },
        { title: 'Lahjapaketointi', price: '3.00', quantity: 1 },
      ],
      shipping_lines: [{ title: 'Posti', price: '5.90' }],
      discount_codes: [{ code: 'ALE10', amount: '10.0', type: 'percentage' }],
    });
    expect(order).toMatchObject({ financial_status: 'paid', taxes_included: true, payment_gateway_names: ['paytrail'], name: `#${order.order_number}` });
    const sum = (xs: Decimal.Value[]) => xs.reduce<Decimal>((a, x) => a.plus(x), new Decimal(0));
    const allocated = sum(order.line_items.flatMap((l) => l.discount_allocations.map((d) => d.amount)));
    expect(order.total_discounts).toBe(allocated.toFixed(2));
    expect(order.subtotal_price).toBe(new Decimal(order.total_line_items_price).minus(order.total_discounts).toFixed(2));
    expect(order.total_price).toBe(new Decimal(order.subtotal_price).plus('5.90').toFixed(2));
    expect(order.total_tax).toBe(sum([...order.line_items, ...order.shipping_lines].flatMap((l) => l.tax_lines.map((t) => t.price))).toFixed(2));
    expect(order.line_items[1].tax_lines[0].rate).toBe(0.135);
    const doc = shopifyOrderToSalesDocument(order, { kind: 'order' });
    expect(doc.lines.reduce((a, l) => a.plus(salesLineGross(l)), new Decimal(0)).toFixed(2)).toBe(order.total_price);
  });

  test('createOrder without lines or with an unknown variant is a validation error', async () => {
    const empty = await failure(client.createOrder({ line_items: [] }));
    expect(empty).toMatchObject({ errorClass: 'validation', field: 'line_items', code: '422' });
    const unknown = await failure(client.createOrder({ line_items: [{ variant_id: 1, quantity: 1 }] }));
    expect(unknown.errorClass).toBe('validation');
  });

  test('limit above 250 is refused before sending; the sandbox refuses it too', async () => {
    expect(await failure(client.listOrders({ limit: 500 }))).toMatchObject({ errorClass: 'validation', field: 'limit' });
    const res = await fetch(`${url}/admin/api/2025-01/orders.json?limit=500`, { headers: { 'x-shopify-access-token': 'shpat_sandbox' } });
    expect(res.status).toBe(400);
  });

  test('a page_info cursor may not carry other filters', async () => {
    const first = await client.listOrders({ limit: 1 });
    const res = await fetch(`${url}/admin/api/2025-01/orders.json?limit=1&page_info=${first.nextPageInfo}&status=any`, {
      headers: { 'x-shopify-access-token': 'shpat_sandbox' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-shopify-api-version')).toBe('2025-01');
  });

  test('every seeded order maps with rows that add up to the order total', async () => {
    const { orders } = await client.listOrders({ status: 'any', limit: 250 });
    for (const order of orders) {
      const doc = shopifyOrderToSalesDocument(order, { kind: 'invoice' });
      expect(doc.lines.reduce((a, l) => a.plus(salesLineGross(l)), new Decimal(0)).toFixed(2)).toBe(order.total_price);
    }
    expect(orders.some((o) => shopifyOrderToSalesDocument(o, { kind: 'invoice' }).customer.businessId)).toBe(true);
  });
});

describe('webhook subscriptions', () => {
  const spec = { topic: 'orders/create', address: 'https://siirto.example/webhooks/shopify/demo' };

  test('create, list with filters, delete', async () => {
    const hook = await client.createWebhook(spec);
    expect(hook).toMatchObject({ ...spec, format: 'json', api_version: '2025-01' });
    await client.createWebhook({ ...spec, topic: 'orders/paid' });
    expect(await client.listWebhooks()).toHaveLength(2);
    expect((await client.listWebhooks({ topic: 'orders/paid' })).map((w) => w.topic)).toEqual(['orders/paid']);
    await client.deleteWebhook(hook.id);
    expect((await client.listWebhooks()).map((w) => w.topic)).toEqual(['orders/paid']);
    expect((await failure(client.deleteWebhook(hook.id))).errorClass).toBe('not-found');
  });

  test('a second subscription for the same topic and address is a conflict; ensureWebhook avoids it', async () => {
    const a = await client.ensureWebhook(spec);
    const b = await client.ensureWebhook(spec);
    expect(a.created).toBe(true);
    expect(b).toEqual({ webhook: a.webhook, created: false });
    const dup = await failure(client.createWebhook(spec));
    expect(dup).toMatchObject({ errorClass: 'conflict', field: 'address' });
  });

  test('commit-then-fail on create: ensureWebhook then finds the first write', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['webhooks.json'] });
    expect((await failure(client.createWebhook(spec))).errorClass).toBe('transient');
    await control(url, 'faults', { rate: 0 });
    expect((await client.ensureWebhook(spec)).created).toBe(false);
    expect(await client.listWebhooks()).toHaveLength(1);
  });

  test('an unknown topic is a validation error', async () => {
    const err = await failure(client.createWebhook({ ...spec, topic: 'orders/shipped' }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'topic' });
    expect(err.message).toMatch(/Invalid topic specified: orders\/shipped/);
  });
});

describe('error classes', () => {
  test('constructor refuses incomplete credentials', () => {
    expect(() => new ShopifyClient({ baseUrl: url, accessToken: '' })).toThrow(/Shopify settings are incomplete: accessToken/);
    expect(() => new ShopifyClient({ baseUrl: url, accessToken: 'x', apiVersion: 'latest' })).toThrow(/apiVersion/);
  });

  test('a wrong token is a credentials error; the sandbox answers with Shopify 401 body', async () => {
    const err = await failure(clientWith('shpat_wrong').listOrders());
    expect(err.errorClass).toBe('credentials');
    expect(err.message).toMatch(/^Invalid Shopify access token: connection cannot be established\. Check the Admin API access token/);
    const res = await fetch(`${url}/admin/api/2025-01/orders.json`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  test('a token without write_orders is a permission error', async () => {
    const readOnly = clientWith('shpat_readonly');
    expect((await readOnly.listOrders({ limit: 1 })).orders).toHaveLength(1);
    const err = await failure(readOnly.createOrder({ line_items: [{ title: 'x', price: '1.00', quantity: 1 }] }));
    expect(err).toMatchObject({ errorClass: 'permission', code: '403' });
    expect(err.message).toMatch(/write_orders/);
  });

  // The leaky bucket, its header and the client's pacing on it: test/connectors/shopify/conformance.test.ts.

  test('injected 500 is transient, injected 429 is rate-limit with the hint', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['500'] });
    expect(await failure(client.listOrders())).toMatchObject({ errorClass: 'transient', code: '500' });
    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 4 });
    expect(await failure(client.getOrder(1))).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 4000 });
  });

  test('timeouts and resets are transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 400 });
    expect(await failure(clientWith('shpat_sandbox', { timeoutMs: 100 }).listOrders())).toMatchObject({ errorClass: 'transient' });
    await control(url, 'faults', { rate: 1, kinds: ['reset'] });
    expect(await failure(client.listOrders())).toMatchObject({ errorClass: 'transient' });
  });

  test('a response that is not the documented shape is a validation error naming the field', async () => {
    const err = await failure(client.request({ method: 'GET', path: 'webhooks.json', resource: 'orders' }, ShopifyOrdersEnvelope));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE', field: 'orders' });
  });

  test('an unknown API version is Not Found', async () => {
    const res = await fetch(`${url}/admin/api/latest/orders.json`, { headers: { 'x-shopify-access-token': 'shpat_sandbox' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: 'Not Found' });
  });
});

describe('pageInfoFromLink', () => {
  test('reads the documented header form', () => {
    const link =
      '<https://kauppa.myshopify.com/admin/api/2025-01/orders.json?page_info=abc&limit=50>; rel="previous", <https://kauppa.myshopify.com/admin/api/2025-01/orders.json?page_info=def&limit=50>; rel="next"';
    expect(pageInfoFromLink(link)).toEqual({ previous: 'abc', next: 'def' });
    expect(pageInfoFromLink(undefined)).toEqual({});
  });
});

describe('classifyShopifyError on replies the sandbox does not produce', () => {
  test('402 frozen and 423 locked stores are business errors; a body without the envelope is transient', () => {
    expect(classifyShopifyError(402, { errors: 'Unavailable Shop' }, {}, 'orders')).toMatchObject({ errorClass: 'business' });
    expect(classifyShopifyError(423, { errors: 'Locked' }, {}, 'orders')).toMatchObject({ errorClass: 'business' });
    expect(classifyShopifyError(502, '<html>Bad gateway</html>', {}, 'orders')).toMatchObject({ errorClass: 'transient' });
    expect(classifyShopifyError(422, { errors: { email: ['is invalid'] } }, {}, 'order')).toMatchObject({ errorClass: 'validation', field: 'email' });
  });
});
