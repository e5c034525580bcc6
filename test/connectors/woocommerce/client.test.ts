import Decimal from 'decimal.js';
import { classifyWooError, WooCommerceClient, WooOrderList } from '../../../connectors/woocommerce';
import { wooOrderToSalesDocument } from '../../../connectors/woocommerce/mapping';
import { salesLineGross } from '../../../domain/vat';
import { control, startTestSandboxes, connectorFailure as failure } from '../../support/sandboxes';

let url: string;
let stop: () => Promise<void>;
let client: WooCommerceClient;

const clientWith = (consumerKey: string, consumerSecret: string, timeoutMs?: number) =>
  new WooCommerceClient({ baseUrl: url, consumerKey, consumerSecret }, { timeoutMs });

beforeAll(async () => {
  const started = await startTestSandboxes(['woocommerce'], 7);
  url = started.sandboxes.woocommerce.url;
  stop = started.stop;
  client = clientWith('ck_sandbox', 'cs_sandbox');
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

describe('orders', () => {
  test('listOrders pages with WooCommerce totals', async () => {
    const first = await client.listOrders({ perPage: 4 });
    expect(first).toMatchObject({ total: 6, totalPages: 2 });
    expect(first.orders).toHaveLength(4);
    const second = await client.listOrders({ perPage: 4, page: 2 });
    expect(second.orders).toHaveLength(2);
    const ids = [...first.orders, ...second.orders].map((o) => o.id);
    expect(new Set(ids).size).toBe(6);
    // Default order: newest first.
    expect(first.orders[0].date_created_gmt >= first.orders[1].date_created_gmt).toBe(true);
    const beyond = await client.listOrders({ perPage: 4, page: 9 });
    expect(beyond).toEqual({ orders: [], total: 6, totalPages: 2 });
  });

  test('listOrders filters by status', async () => {
    const onHold = await client.listOrders({ status: 'on-hold', perPage: 100 });
    expect(onHold.orders.length).toBeGreaterThan(0);
    expect(onHold.orders.every((o) => o.status === 'on-hold' && o.date_paid === null)).toBe(true);
  });

  test('ordersModifiedAfter walks every page, oldest change first, after the given instant only', async () => {
    const seen = [];
    for await (const o of client.ordersModifiedAfter('2025-01-01T00:00:00Z', 1)) seen.push(o);
    expect(seen.map((o) => o.date_modified_gmt)).toEqual(['2025-03-11T12:00:00', '2025-11-28T15:45:00', '2026-02-03T08:30:00', '2026-10-19T10:05:00']);
    const created = await client.createOrder({ line_items: [{ product_id: 11, quantity: 1 }] });
    const after = [];
    for await (const o of client.ordersModifiedAfter('2026-10-19T10:05:00Z')) after.push(o.id);
    expect(after).toEqual([created.id]);
  });

  test('getOrder returns one order and not-found for an unknown id', async () => {
    const { orders } = await client.listOrders({ perPage: 1 });
    const one = await client.getOrder(orders[0].id);
    expect(one).toEqual(orders[0]);
    const err = await failure(client.getOrder(999999));
    expect(err.errorClass).toBe('not-found');
    expect(err.code).toBe('woocommerce_rest_shop_order_invalid_id');
  });

  test('createOrder prices lines, coupons, shipping and fees as WooCommerce does', async () => {
    const order = await client.createOrder({
      set_paid: true,
      payment_method: 'paytrail',
      payment_method_title: 'Paytrail',
      billing: { first_name: 'Aino', last_name: 'Virtanen', email: 'aino@example.fi', country: 'FI' },
      line_items: [
        { product_id: 11, quantity: 2 },
        { product_id: 12, quantity: 3 },
        { product_id: 13, quantity: 1 },
      ],
      shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: '4.78' }],
      fee_lines: [{ name: 'Käsittelymaksu', total: '2.00' }],
      coupon_lines: [{ code: 'ALE10' }],
      meta_data: [{ key: 'siirto_ref', value: 'demo-1' }],
    });
    expect(order.status).toBe('processing');
    expect(order.date_paid).not.toBeNull();
    expect(order.tax_lines.map((t) => t.rate_percent).sort()).toEqual([10, 13.5, 25.5]);
    const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0));
    const lines = order.line_items;
    // Totals are the sums of the rounded lines, as WooCommerce stores them.
    expect(order.total_tax).toBe(sum([...lines.map((l) => l.total_tax), order.shipping_tax, ...order.fee_lines.map((f) => f.total_tax)]).toFixed(2));
    expect(order.total).toBe(sum([...lines.map((l) => l.total), order.shipping_total, ...order.fee_lines.map((f) => f.total), order.total_tax]).toFixed(2));
    expect(order.discount_total).toBe(sum(lines.map((l) => l.subtotal)).minus(sum(lines.map((l) => l.total))).toFixed(2));
    expect(order.coupon_lines[0]).toMatchObject({ code: 'ale10', discount: order.discount_total, discount_tax: order.discount_tax });
    expect(order.shipping_tax).toBe('1.22');
    const state = await control(url, 'state');
    expect(state.orders.find((o: { id: number }) => o.id === order.id).meta_data[0]).toMatchObject({ key: 'siirto_ref', value: 'demo-1' });
  });

  test('createOrder rejects an unknown product and a bad status as validation errors', async () => {
    const bad = await failure(client.createOrder({ line_items: [{ product_id: 424242, quantity: 1 }] }));
    expect(bad.errorClass).toBe('validation');
    expect(bad.code).toBe('woocommerce_rest_invalid_product_id');
    const status = await failure(client.createOrder({ status: 'shipped', line_items: [{ product_id: 11, quantity: 1 }] }));
    expect(status).toMatchObject({ errorClass: 'validation', code: 'rest_invalid_param', field: 'status' });
  });

  test('the sandbox refuses per_page above 100 with WordPress rest_invalid_param', async () => {
    const res = await fetch(`${url}/wp-json/wc/v3/orders?per_page=500`, {
      headers: { 'x-forwarded-proto': 'https', authorization: `Basic ${Buffer.from('ck_sandbox:cs_sandbox').toString('base64')}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): per_page',
      data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } },
    });
    const err = await failure(client.listOrders({ perPage: 500 }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'per_page' });
  });

  test('Link header carries prev/next only', async () => {
    const res = await fetch(`${url}/wp-json/wc/v3/orders?per_page=2&page=2`, {
      headers: { 'x-forwarded-proto': 'https', authorization: `Basic ${Buffer.from('ck_sandbox:cs_sandbox').toString('base64')}` },
    });
    const link = res.headers.get('link')!;
    expect(link).toMatch(/page=1[^>]*>; rel="prev", <[^>]*page=3[^>]*>; rel="next"$/);
    expect(res.headers.get('x-wp-totalpages')).toBe('3');
  });

  test('every seeded order maps to a sales document whose rows add up to the order total', async () => {
    const { orders } = await client.listOrders({ perPage: 100 });
    expect(orders.length).toBe(6);
    for (const order of orders) {
      const doc = wooOrderToSalesDocument(order, { kind: 'invoice' });
      const rows = doc.lines.reduce((a, l) => a.plus(salesLineGross(l)), new Decimal(0));
      expect(rows.toFixed(2)).toBe(order.total);
      expect(doc.totals.gross).toBe(order.total);
    }
  });
});

describe('webhook subscriptions', () => {
  const spec = { name: 'Siirto', topic: 'order.created', deliveryUrl: 'http://127.0.0.1:9/hook', secret: 'sandbox-webhook-secret' };

  test('create, list, delete', async () => {
    expect(await client.listWebhooks()).toEqual([]);
    const created = await client.createWebhook(spec);
    expect(created).toMatchObject({ name: 'Siirto', status: 'active', topic: 'order.created', resource: 'order', event: 'created', delivery_url: spec.deliveryUrl });
    expect(created).not.toHaveProperty('secret');
    expect((await client.listWebhooks()).map((w) => w.id)).toEqual([created.id]);
    const deleted = await client.deleteWebhook(created.id);
    expect(deleted.id).toBe(created.id);
    expect(await client.listWebhooks()).toEqual([]);
    expect((await failure(client.deleteWebhook(created.id))).errorClass).toBe('not-found');
  });

  test('ensureWebhook looks before it creates', async () => {
    const a = await client.ensureWebhook(spec);
    const b = await client.ensureWebhook(spec);
    expect(a.created).toBe(true);
    expect(b).toEqual({ webhook: a.webhook, created: false });
    expect(await client.listWebhooks()).toHaveLength(1);
  });

  test('ensureWebhook after commit-then-fail finds the hook the failed call created', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/webhooks'] });
    const err = await failure(client.createWebhook(spec));
    expect(err.errorClass).toBe('transient');
    await control(url, 'faults', { rate: 0 });
    const ensured = await client.ensureWebhook(spec);
    expect(ensured.created).toBe(false);
    expect(await client.listWebhooks()).toHaveLength(1);
  });

  test('bad topic and bad delivery URL are validation errors', async () => {
    expect(await failure(client.createWebhook({ ...spec, topic: 'order.shipped' }))).toMatchObject({ errorClass: 'validation', field: 'topic' });
    const url = await failure(client.createWebhook({ ...spec, deliveryUrl: 'ftp://example' }));
    expect(url).toMatchObject({ errorClass: 'validation', code: 'woocommerce_rest_webhook_invalid_delivery_url' });
  });
});

describe('error classes', () => {
  test('constructor refuses incomplete credentials', () => {
    expect(() => new WooCommerceClient({ baseUrl: 'not a url', consumerKey: '', consumerSecret: 'x' })).toThrow(/WooCommerce settings are incomplete/);
  });

  test('wrong consumer key and wrong secret are credentials errors with the operator sentence', async () => {
    const key = await failure(clientWith('ck_wrong', 'cs_sandbox').listOrders());
    expect(key.errorClass).toBe('credentials');
    expect(key.message).toMatch(/^Invalid WooCommerce consumer key: connection cannot be established\. Check the consumer key and consumer secret/);
    const secret = await failure(clientWith('ck_sandbox', 'cs_wrong').getOrder(1001));
    // On plain HTTP the secret only keys the OAuth signature, so a wrong one shows as a signature mismatch.
    expect(secret).toMatchObject({ errorClass: 'credentials', code: 'woocommerce_rest_authentication_error' });
    expect(secret.message).toMatch(/OAuth 1\.0a signature .*Check the consumer secret/);
    expect(secret.retryable).toBe(false);
  });

  test('missing credentials get WooCommerce 401 body', async () => {
    const res = await fetch(`${url}/wp-json/wc/v3/orders`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
  });

  test('query-string authentication works as the documented fallback over HTTPS only', async () => {
    const query = `${url}/wp-json/wc/v3/orders/1001?consumer_key=ck_sandbox&consumer_secret=cs_sandbox`;
    expect((await fetch(query, { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
    // Plain HTTP: WooCommerce does not look at the keys at all; the request is simply not authenticated.
    const plain = await fetch(query);
    expect(plain.status).toBe(401);
    expect(await plain.json()).toMatchObject({ code: 'woocommerce_rest_cannot_view' });
  });

  test('a read-only key cannot write: permission', async () => {
    const readOnly = clientWith('ck_readonly', 'cs_readonly');
    expect((await readOnly.listOrders()).total).toBe(6);
    const err = await failure(readOnly.createOrder({ line_items: [{ product_id: 11, quantity: 1 }] }));
    expect(err.errorClass).toBe('permission');
    expect(err.message).toMatch(/Read\/Write/);
  });

  test('500 is transient, 429 is rate-limit with the server hint', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['500'] });
    const e500 = await failure(client.listOrders());
    expect(e500).toMatchObject({ errorClass: 'transient', code: 'internal_server_error' });
    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 3 });
    const e429 = await failure(client.getOrder(1001));
    expect(e429).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 3000 });
    expect(e429.retryable).toBe(true);
  });

  test('timeouts and dropped connections are transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 400 });
    const slow = await failure(clientWith('ck_sandbox', 'cs_sandbox', 100).listOrders());
    expect(slow.errorClass).toBe('transient');
    expect(slow.message).toMatch(/timed out/);
    await control(url, 'faults', { rate: 1, kinds: ['reset'] });
    expect((await failure(client.listOrders())).errorClass).toBe('transient');
  });

  test('an unexpected response shape is a validation error naming the field', async () => {
    const res = await fetch(`${url}/wp-json/wc/v3/products`, { headers: { 'x-forwarded-proto': 'https', authorization: `Basic ${Buffer.from('ck_sandbox:cs_sandbox').toString('base64')}` } });
    expect(res.status).toBe(200);
    // Products are not orders: asking for them through the order schema must fail loudly, not half-parse.
    const err = await failure(client.request({ method: 'GET', path: 'products', resource: 'orders' }, WooOrderList));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE' });
    expect(err.field).toMatch(/^0\./);
  });
});

describe('classifyWooError on replies the sandbox does not produce', () => {
  test('403 is permission; an HTML error page is transient; a 400 names the parameter', () => {
    expect(classifyWooError(403, { code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.', data: { status: 403 } }, {}, 'orders')).toMatchObject({
      errorClass: 'permission',
    });
    expect(classifyWooError(403, undefined, {}, 'orders')).toMatchObject({ errorClass: 'transient' });
    expect(
      classifyWooError(400, { code: 'rest_invalid_param', message: 'Invalid parameter(s): modified_after', data: { status: 400, params: { modified_after: 'Invalid date.' } } }, {}, 'orders'),
    ).toMatchObject({ errorClass: 'validation', field: 'modified_after' });
  });
});
