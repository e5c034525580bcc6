import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RackbeatClient, readWebhookDelivery } from '../../../connectors/rackbeat';
import { control } from '../../support/sandboxes';
import { failure, startRackbeat, until } from './harness';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A small local receiver: records every delivery and answers with the next scripted status (200 when none). */
async function startReceiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = script.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, script, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const tokens = new Map<string, string>();

beforeAll(async () => {
  env = await startRackbeat(9);
  rb = env.client();
  receiver = await startReceiver();
  await control(env.url, 'webhooks', { retryDelaysMs: [50, 100, 150], duplicateRate: 0 });
});
afterAll(async () => {
  await env.stop();
  await receiver.close();
});

const at = (path: string) => receiver.received.filter((r) => r.path === path);
const deliveries = async () => (await control(env.url, 'state')).webhookDeliveries as Array<Record<string, unknown>>;

async function hook(event: string): Promise<string> {
  const path = `/hooks/${event}`;
  const { token } = await rb.webhooks.ensure(event, `${receiver.url}${path}`);
  tokens.set(path, token!);
  return path;
}

describe('Rackbeat webhooks', () => {
  test('ensure registers once: the token comes back only when the hook is created', async () => {
    const url = `${receiver.url}/hooks/once`;
    const first = await rb.webhooks.ensure('product.created', url);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);
    const second = await rb.webhooks.ensure('product.created', url);
    expect(second).toMatchObject({ created: false, webhook: { id: first.webhook.id } });
    expect(second.token).toBeUndefined();
    // Rackbeat itself upserts on (event, url): a blind create updates and returns no token.
    const again = await rb.webhooks.create({ event: 'product.created', url });
    expect(again.id).toBe(first.webhook.id);
    expect(again.token).toBeUndefined();
    expect((await rb.webhooks.list({ event: 'product.created' })).total).toBe(1);
    expect((await rb.webhooks.get(first.webhook.id)).url).toBe(url);
    await rb.webhooks.delete(first.webhook.id);
    expect(await rb.webhooks.find(first.webhook.id)).toBeNull();
  });

  test('an unknown event or a bad url is refused with 422 on that field', async () => {
    expect(await failure(rb.webhooks.create({ event: 'product.exploded', url: `${receiver.url}/x` }))).toMatchObject({ errorClass: 'validation', field: 'event' });
    expect(await failure(rb.webhooks.create({ event: 'order.created', url: 'not a url' }))).toMatchObject({ field: 'url' });
  });

  test('a delivery carries the Rackbeat-Webhook-* headers, the token and {key_name, key}', async () => {
    const path = await hook('product.created');
    await rb.products.create({ number: 'WH/1', name: 'Hooked', group: 1 });
    const [d] = await until(() => at(path).length >= 1 && at(path));
    expect(d.headers['rackbeat-webhook-token']).toBe(tokens.get(path));
    expect(d.headers['rackbeat-webhook-event']).toBe('product.created');
    expect(d.headers['rackbeat-account-id']).toMatch(/^\d+$/);
    expect(d.headers['user-agent']).toBe('Rackbeat Webhook');
    expect(JSON.parse(d.body)).toEqual({ key_name: 'number', key: 'WH/1' });

    const read = readWebhookDelivery(d.headers, d.body, tokens.get(path)!);
    expect(read).toMatchObject({ event: 'product.created', body: { key: 'WH/1', key_name: 'number' } });
    expect(() => readWebhookDelivery(d.headers, d.body, 'f'.repeat(32))).toThrow(/webhook token does not match/);
    // The receiver re-fetches by key, as Rackbeat intends.
    expect((await rb.products.get(read.body.key)).name).toBe('Hooked');
  });

  test('a failing endpoint is retried with backoff until it answers 2xx; the hook counts failures since its last success', async () => {
    const path = await hook('customer.created');
    receiver.script.push(500, 503);
    const c = await rb.customers.create({ company_name: 'Lumituuli Oy', payment_terms_id: 1 });
    const got = await until(() => at(path).length >= 3 && at(path));
    expect(got.map((r) => JSON.parse(r.body).key)).toEqual([String(c.number), String(c.number), String(c.number)]);
    const log = (await deliveries()).filter((d) => d.topic === 'customer.created');
    expect(log.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 503], [3, 200]]);
    // The third attempt succeeded, so the count of failures since the last success is back at 0 (counting while
    // failing: test/connectors/rackbeat/conformance.test.ts).
    const [registered] = (await rb.webhooks.list({ event: 'customer.created' })).items;
    expect(registered.failures_since_last_success).toBe(0);
  });

  test('now and then a delivery arrives twice', async () => {
    const path = await hook('supplier.created');
    await control(env.url, 'webhooks', { retryDelaysMs: [50], duplicateRate: 1 });
    try {
      const s = await rb.suppliers.create({ company_name: 'Nordfisk AS', payment_terms_id: 1 });
      const got = await until(() => at(path).length >= 2 && at(path));
      expect(got.map((r) => r.body)).toEqual([got[0].body, got[0].body]);
      expect(JSON.parse(got[0].body).key).toBe(String(s.number));
      expect((await deliveries()).filter((d) => d.topic === 'supplier.created').map((d) => d.duplicate)).toEqual([false, true]);
    } finally {
      await control(env.url, 'webhooks', { retryDelaysMs: [50, 100, 150], duplicateRate: 0 });
    }
  });

  test('entity events: product/customer/supplier/order create, update, delete, order booked and shipped', async () => {
    const events = [
      'product.updated', 'product.deleted', 'customer.updated', 'customer.deleted', 'supplier.updated', 'supplier.deleted',
      'order.created', 'order.updated', 'order.booked', 'order.shipped', 'order.deleted',
    ];
    for (const e of events) await hook(e);
    await rb.products.update('WH/1', { name: 'Hooked 2' });
    await rb.products.delete('WH/1');
    const c = await rb.customers.create({ company_name: 'Vikdata AS', payment_terms_id: 1 });
    await rb.customers.update(c.number, { contact_phone: '+47 22 00 00 00' });
    await rb.customers.delete(c.number);
    const s = await rb.suppliers.create({ company_name: 'Bergtre AS', payment_terms_id: 1 });
    await rb.suppliers.update(s.number, { currency: 'NOK' });
    await rb.suppliers.delete(s.number);
    const [item] = (await rb.products.list({ limit: 1 })).items;
    const draft = await rb.orders.createDraft({ customer_id: 1001, lines: [{ item_id: item.number, quantity: 1 }] });
    await rb.orders.addLine(draft.number, { item_id: item.number, quantity: 2 });
    await rb.orders.book(draft.number);
    await rb.orders.markShipped((await rb.orders.createShipment(draft.number)).id);
    const doomed = await rb.orders.createDraft({ customer_id: 1001, lines: [] });
    await rb.orders.delete(doomed.number);

    const keyOf = (e: string) => until(() => at(`/hooks/${e}`).length >= 1 && at(`/hooks/${e}`)).then((r) => r.map((x) => JSON.parse(x.body).key));
    expect(await keyOf('product.updated')).toEqual(['WH/1']);
    expect(await keyOf('product.deleted')).toEqual(['WH/1']);
    expect(await keyOf('customer.updated')).toEqual([String(c.number)]);
    expect(await keyOf('customer.deleted')).toEqual([String(c.number)]);
    expect(await keyOf('supplier.updated')).toEqual([String(s.number)]);
    expect(await keyOf('supplier.deleted')).toEqual([String(s.number)]);
    expect(await keyOf('order.created')).toEqual(expect.arrayContaining([String(draft.number), String(doomed.number)]));
    expect(await keyOf('order.updated')).toContain(String(draft.number));
    expect(await keyOf('order.booked')).toEqual([String(draft.number)]);
    expect(await keyOf('order.shipped')).toEqual([String(draft.number)]);
    expect(await keyOf('order.deleted')).toEqual([String(doomed.number)]);
    for (const e of events) expect(at(`/hooks/${e}`)[0].headers['rackbeat-webhook-event']).toBe(e);
  });

  test('a switched-off hook receives nothing; the documented event key can be added to bodies', async () => {
    const path = '/hooks/product.created';
    const registered = (await rb.webhooks.list({ event: 'product.created' })).items.find((h) => h.url.endsWith(path))!;
    expect((await rb.webhooks.update(registered.id, { is_active: false })).is_active).toBe(false);
    const before = at(path).length;
    await rb.products.create({ number: 'WH/2', name: 'Silent', group: 1 });
    await env.sandbox.ctx.webhooks.drain();
    expect(at(path).map((r) => r.body)).toHaveLength(before);

    await rb.webhooks.update(registered.id, { is_active: true });
    await control(env.url, 'rackbeat/webhook-format', { includeEvent: true });
    await rb.products.create({ number: 'WH/3', name: 'Loud', group: 1 });
    const got = await until(() => at(path).length > before && at(path));
    expect(JSON.parse(got[got.length - 1].body)).toEqual({ key_name: 'number', key: 'WH/3', event: 'product.created' });
  });
});
