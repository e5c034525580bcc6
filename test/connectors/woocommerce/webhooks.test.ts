import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WooCommerceClient, parseWooCommerceDelivery, verifyWooCommerceSignature } from '../../../connectors/woocommerce';
import { isConnectorError } from '../../../connectors/kit/errors';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { startReceiver, type Received } from './receiver';

const SECRET = 'sandbox-webhook-secret';
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

describe('verifyWooCommerceSignature and parseWooCommerceDelivery on documented shapes', () => {
  test('the published HMAC vector verifies; anything else does not', () => {
    const body = Buffer.from('{"id":727,"status":"processing"}');
    expect(verifyWooCommerceSignature(body, 'npll9wxwbmXvqU/55duaRjKusxk0+AcCFHiZOxCfJwI=', 'test-secret')).toBe(true);
    expect(verifyWooCommerceSignature(body, 'npll9wxwbmXvqU/55duaRjKusxk0+AcCFHiZOxCfJwI=', 'other-secret')).toBe(false);
    expect(verifyWooCommerceSignature(Buffer.from('{"id":727,"status":"completed"}'), 'npll9wxwbmXvqU/55duaRjKusxk0+AcCFHiZOxCfJwI=', 'test-secret')).toBe(false);
    expect(verifyWooCommerceSignature(body, undefined, 'test-secret')).toBe(false);
    expect(verifyWooCommerceSignature(body, 'short', 'test-secret')).toBe(false);
  });

  test('the creation ping is a form body without X-WC headers', () => {
    expect(parseWooCommerceDelivery({ 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from('webhook_id=14'))).toEqual({ kind: 'ping', webhookId: 14 });
  });

  test('an order.updated delivery parses to the order', () => {
    const headers = {
      'X-WC-Webhook-Source': 'https://kauppa.example.fi/',
      'X-WC-Webhook-Topic': 'order.updated',
      'X-WC-Webhook-Resource': 'order',
      'X-WC-Webhook-Event': 'updated',
      'X-WC-Webhook-Signature': 'ignored-here',
      'X-WC-Webhook-ID': '14',
      'X-WC-Webhook-Delivery-ID': '3f1d2c5e0b1a9f8e7d6c',
    };
    const parsed = parseWooCommerceDelivery(headers, fixture('order-727.json'));
    expect(parsed.kind).toBe('order');
    if (parsed.kind !== 'order') return;
    expect(parsed).toMatchObject({ topic: 'order.updated', webhookId: 14, deliveryId: '3f1d2c5e0b1a9f8e7d6c' });
    expect(parsed.order).toMatchObject({ id: 727, number: '727', total: '65.45', prices_include_tax: true });
    expect(parsed.order.line_items[1]).toMatchObject({ sku: 'KAHVI-500', quantity: 3, tax_class: 'reduced-rate' });
    expect(parsed.order.tax_lines.map((t) => t.rate_percent)).toEqual([25.5, 14, 10]);
  });

  test('an invalid order body is a validation error naming the field', () => {
    const order = JSON.parse(fixture('order-727.json').toString());
    order.line_items[0].total = 28.54;
    try {
      parseWooCommerceDelivery({ 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-id': '1' }, Buffer.from(JSON.stringify(order)));
      throw new Error('expected a failure');
    } catch (e) {
      expect(isConnectorError(e) && e.errorClass).toBe('validation');
      expect((e as Error).message).toMatch(/line_items\.0\.total/);
      expect((e as { field?: string }).field).toBe('line_items.0.total');
    }
    expect(() => parseWooCommerceDelivery({ 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-id': '1' }, Buffer.from('not json'))).toThrow(/not JSON/);
    expect(() => parseWooCommerceDelivery({}, Buffer.from('{}'))).toThrow(/X-WC-Webhook-Topic/);
  });
});

describe('sandbox webhook delivery', () => {
  let url: string;
  let stop: () => Promise<void>;
  let client: WooCommerceClient;
  const order = () => client.createOrder({ line_items: [{ product_id: 11, quantity: 1 }], billing: { first_name: 'Aino', last_name: 'Virtanen' } });

  beforeAll(async () => {
    const started = await startTestSandboxes(['woocommerce'], 3);
    url = started.sandboxes.woocommerce.url;
    stop = started.stop;
    client = new WooCommerceClient({ baseUrl: url, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
  });
  afterAll(() => stop());
  beforeEach(async () => {
    await control(url, 'reset', {});
    await control(url, 'webhooks', { duplicateRate: 0, retryDelaysMs: [] });
  });

  const orders = (rs: Received[]) => rs.filter((r) => r.headers['x-wc-webhook-topic']);

  test('pings on creation, then delivers order.created signed with the hook secret', async () => {
    const receiver = await startReceiver();
    try {
      const { webhook } = await client.ensureWebhook({ name: 'Siirto', topic: 'order.created', deliveryUrl: receiver.url, secret: SECRET });
      const [ping] = await receiver.until((rs) => rs.length >= 1);
      expect(parseWooCommerceDelivery(ping.headers, ping.body)).toEqual({ kind: 'ping', webhookId: webhook.id });
      const created = await order();
      const [delivery] = orders(await receiver.until((rs) => orders(rs).length >= 1));
      const h = delivery.headers;
      expect(h).toMatchObject({
        'x-wc-webhook-source': `${url}/`,
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-id': String(webhook.id),
        'content-type': 'application/json',
      });
      expect(h['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{40}$/);
      expect(verifyWooCommerceSignature(delivery.body, h['x-wc-webhook-signature'] as string, SECRET)).toBe(true);
      expect(verifyWooCommerceSignature(delivery.body, h['x-wc-webhook-signature'] as string, 'cs_sandbox')).toBe(false);
      const parsed = parseWooCommerceDelivery(h, delivery.body);
      expect(parsed.kind === 'order' && parsed.order).toEqual(created);
    } finally {
      await receiver.close();
    }
  });

  test('an order update delivers order.updated', async () => {
    const receiver = await startReceiver();
    try {
      await client.createWebhook({ name: 'upd', topic: 'order.updated', deliveryUrl: receiver.url, secret: SECRET });
      const created = await order();
      const res = await fetch(`${url}/wp-json/wc/v3/orders/${created.id}`, {
        method: 'PUT',
        headers: { 'x-forwarded-proto': 'https', authorization: `Basic ${Buffer.from('ck_sandbox:cs_sandbox').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'completed' }),
      });
      expect(res.status).toBe(200);
      const [d] = orders(await receiver.until((rs) => orders(rs).length >= 1));
      const parsed = parseWooCommerceDelivery(d.headers, d.body);
      expect(parsed).toMatchObject({ kind: 'order', topic: 'order.updated', order: { id: created.id, status: 'completed' } });
    } finally {
      await receiver.close();
    }
  });

  test('the same order is sometimes delivered twice', async () => {
    await control(url, 'webhooks', { duplicateRate: 1, retryDelaysMs: [] });
    const receiver = await startReceiver();
    try {
      await client.createWebhook({ name: 'dup', topic: 'order.created', deliveryUrl: receiver.url, secret: SECRET });
      await order();
      const ds = orders(await receiver.until((rs) => orders(rs).length >= 2));
      expect(ds[0].body.equals(ds[1].body)).toBe(true);
      const state = await control(url, 'state');
      expect(state.webhookDeliveries.filter((d: { duplicate: boolean }) => d.duplicate)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('the seventh failed delivery in a row disables the hook (count past 5); ensureWebhook switches it back on', async () => {
    const receiver = await startReceiver((_n, r) => (r.headers['x-wc-webhook-topic'] ? 500 : 200));
    try {
      const { webhook } = await client.ensureWebhook({ name: 'Siirto', topic: 'order.created', deliveryUrl: receiver.url, secret: SECRET });
      for (let i = 1; i <= 7; i++) {
        await order();
        await receiver.until((rs) => orders(rs).length >= i);
        // Failures are counted after the reply: wait until the sandbox has recorded this one.
        for (let tries = 0; tries < 100; tries++) {
          const state = await control(url, 'state');
          if (state.webhookDeliveries.filter((d: { topic: string }) => d.topic === 'order.created').length >= i) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        const status = (await client.listWebhooks())[0].status;
        expect(status).toBe(i < 7 ? 'active' : 'disabled');
      }
      await order();
      await new Promise((r) => setTimeout(r, 200));
      expect(orders(receiver.received)).toHaveLength(7); // a disabled hook gets nothing, and nothing was retried
      const again = await client.ensureWebhook({ name: 'Siirto', topic: 'order.created', deliveryUrl: receiver.url, secret: SECRET });
      expect(again).toMatchObject({ created: false, webhook: { id: webhook.id, status: 'active' } });
    } finally {
      await receiver.close();
    }
  });
});
