import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShopifyClient, parseShopifyDelivery, verifyShopifySignature } from '../../../connectors/shopify';
import { isConnectorError } from '../../../connectors/kit/errors';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { startReceiver, type Received } from '../woocommerce/receiver';

const APP_SECRET = 'sandbox-shopify-secret';
const fixture = readFileSync(join(__dirname, 'fixtures', 'orders-create.json'));
const docHeaders = {
  'X-Shopify-Topic': 'orders/create',
  'X-Shopify-Hmac-Sha256': 'unused-here',
  'X-Shopify-Shop-Domain': 'kauppa.myshopify.com',
  'X-Shopify-API-Version': '2025-01',
  'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'X-Shopify-Triggered-At': '2025-01-23T21:10:17.123Z',
  'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
};

describe('verifyShopifySignature and parseShopifyDelivery on documented shapes', () => {
  test('the published HMAC vector verifies; anything else does not', () => {
    const body = Buffer.from('{"id":727,"status":"processing"}');
    expect(verifyShopifySignature(body, 'npll9wxwbmXvqU/55duaRjKusxk0+AcCFHiZOxCfJwI=', 'test-secret')).toBe(true);
    expect(verifyShopifySignature(body, 'npll9wxwbmXvqU/55duaRjKusxk0+AcCFHiZOxCfJwI=', 'wrong')).toBe(false);
    expect(verifyShopifySignature(body, undefined, 'test-secret')).toBe(false);
    expect(verifyShopifySignature(body, 'AAAA', 'test-secret')).toBe(false);
  });

  test('an orders/create delivery (bare order, mixed-case headers) parses', () => {
    const d = parseShopifyDelivery(docHeaders, fixture);
    expect(d).toMatchObject({
      topic: 'orders/create',
      eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      shopDomain: 'kauppa.myshopify.com',
      apiVersion: '2025-01',
      order: { id: 6200407294252, name: '#1071', order_number: 1071, taxes_included: true, financial_status: 'paid' },
    });
    expect(d.order.tax_lines.map((t) => t.rate)).toEqual([0.255, 0.14]);
    expect(d.order.line_items[0].discount_allocations[0].amount).toBe('3.98');
  });

  test('without X-Shopify-Event-Id the webhook id is the deduplication key', () => {
    const { 'X-Shopify-Event-Id': _omit, ...older } = docHeaders;
    expect(parseShopifyDelivery(older, fixture).eventId).toBe(docHeaders['X-Shopify-Webhook-Id']);
  });

  test('missing headers and bad bodies are validation errors naming the field', () => {
    const { 'X-Shopify-Shop-Domain': _d, ...noShop } = docHeaders;
    expect(() => parseShopifyDelivery(noShop, fixture)).toThrow(/X-Shopify-Shop-Domain is missing/);
    expect(() => parseShopifyDelivery({ ...docHeaders, 'X-Shopify-Topic': 'products/create' }, fixture)).toThrow(/not an order topic/);
    const order = JSON.parse(fixture.toString());
    order.tax_lines[0].rate = '0.255';
    try {
      parseShopifyDelivery(docHeaders, Buffer.from(JSON.stringify(order)));
      throw new Error('expected a failure');
    } catch (e) {
      expect(isConnectorError(e) && e.errorClass).toBe('validation');
      expect((e as { field?: string }).field).toBe('tax_lines.0.rate');
    }
  });
});

describe('sandbox webhook delivery', () => {
  let url: string;
  let stop: () => Promise<void>;
  let client: ShopifyClient;
  const paidOrder = () =>
    client.createOrder({ financial_status: 'paid', email: 'aino@example.fi', line_items: [{ title: 'Lahjakortti', price: '25.00', quantity: 1 }] });

  beforeAll(async () => {
    const started = await startTestSandboxes(['shopify'], 9);
    url = started.sandboxes.shopify.url;
    stop = started.stop;
    client = new ShopifyClient({ baseUrl: url, accessToken: 'shpat_sandbox', apiVersion: '2025-01' }, { pace: false });
  });
  afterAll(() => stop());
  beforeEach(async () => {
    await control(url, 'reset', {});
    await control(url, 'webhooks', { duplicateRate: 0, retryDelaysMs: [50, 50, 50] });
  });

  test('orders/create and orders/paid arrive signed with the app secret and carry Shopify headers', async () => {
    const receiver = await startReceiver();
    try {
      await client.ensureWebhook({ topic: 'orders/create', address: receiver.url });
      await client.ensureWebhook({ topic: 'orders/paid', address: receiver.url });
      const order = await paidOrder();
      const got = await receiver.until((rs) => rs.length >= 2);
      const byTopic = Object.fromEntries(got.map((r) => [r.headers['x-shopify-topic'], r]));
      expect(Object.keys(byTopic).sort()).toEqual(['orders/create', 'orders/paid']);
      for (const r of got) {
        expect(verifyShopifySignature(r.body, r.headers['x-shopify-hmac-sha256'] as string, APP_SECRET)).toBe(true);
        expect(verifyShopifySignature(r.body, r.headers['x-shopify-hmac-sha256'] as string, 'shpat_sandbox')).toBe(false);
        const d = parseShopifyDelivery(r.headers, r.body);
        expect(d).toMatchObject({ shopDomain: 'siirto-sandbox.myshopify.com', apiVersion: '2025-01', order: { id: order.id } });
        expect(d.order).toEqual(order);
        expect(Date.parse(d.triggeredAt!)).not.toBeNaN();
      }
      // Two events, so two event ids.
      expect(new Set(got.map((r) => r.headers['x-shopify-event-id'])).size).toBe(2);
    } finally {
      await receiver.close();
    }
  });

  test('capturing payment on a pending order fires orders/paid', async () => {
    const receiver = await startReceiver();
    try {
      await client.createWebhook({ topic: 'orders/paid', address: receiver.url });
      const order = await client.createOrder({ line_items: [{ title: 'Lahjakortti', price: '25.00', quantity: 1 }] });
      expect(order.financial_status).toBe('pending');
      const res = await fetch(`${url}/admin/api/2025-01/orders/${order.id}/transactions.json`, {
        method: 'POST',
        headers: { 'x-shopify-access-token': 'shpat_sandbox', 'content-type': 'application/json' },
        body: JSON.stringify({ transaction: { kind: 'capture', gateway: 'paytrail' } }),
      });
      expect(res.status).toBe(201);
      const [d] = await receiver.until((rs) => rs.length >= 1);
      expect(parseShopifyDelivery(d.headers, d.body).order).toMatchObject({ id: order.id, financial_status: 'paid', payment_gateway_names: ['paytrail'] });
    } finally {
      await receiver.close();
    }
  });

  test('a failed delivery is retried with the same event id, webhook id and body', async () => {
    const receiver = await startReceiver((n) => (n <= 2 ? 503 : 200));
    try {
      await client.createWebhook({ topic: 'orders/create', address: receiver.url });
      await paidOrder();
      const got = await receiver.until((rs) => rs.length >= 3);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(3); // stops once it succeeds
      const ids = (r: Received) => [r.headers['x-shopify-event-id'], r.headers['x-shopify-webhook-id'], r.headers['x-shopify-hmac-sha256']];
      expect(ids(got[1])).toEqual(ids(got[0]));
      expect(ids(got[2])).toEqual(ids(got[0]));
      expect(got[2].body.equals(got[0].body)).toBe(true);
      const state = await control(url, 'state');
      expect(state.webhookDeliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
        [1, 503],
        [2, 503],
        [3, 200],
      ]);
    } finally {
      await receiver.close();
    }
  });

  test('the same event is sometimes delivered twice', async () => {
    await control(url, 'webhooks', { duplicateRate: 1, retryDelaysMs: [] });
    const receiver = await startReceiver();
    try {
      await client.createWebhook({ topic: 'orders/create', address: receiver.url });
      await paidOrder();
      const got = await receiver.until((rs) => rs.length >= 2);
      expect(got[0].headers['x-shopify-event-id']).toBe(got[1].headers['x-shopify-event-id']);
      expect(got[0].body.equals(got[1].body)).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
