import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeProductNumber, readWebhookDelivery } from '../../../connectors/rackbeat';
import { control } from '../../support/sandboxes';
import { failure, startRackbeat, TOKEN, until } from './harness';

/**
 * The Rackbeat sandbox and client against the documented wire (docs/wire/rackbeat.md): bearer auth and its 401,
 * envelopes and status codes (206 lists, 201 creates, 422 error maps), encoded product numbers, the rate limit's 429,
 * webhook delivery (headers, body, retries, the failure counter, upsert on event + url), and customer invoices
 * (drafts, booking, credit notes, the documented list filters, convert-to-invoice).
 */

let env: Awaited<ReturnType<typeof startRackbeat>>;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${env.url}/api/${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json', ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  env = await startRackbeat(4);
});
afterAll(() => env.stop());
beforeEach(async () => {
  await control(env.url, 'reset', {});
  await control(env.url, 'limits', { perMinute: 480 });
});

describe('auth, envelopes, status codes', () => {
  test('no or a wrong bearer token: 401 {"message":"Unauthenticated."} as JSON', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const res = await fetch(`${env.url}/api/products`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ message: 'Unauthenticated.' });
    }
  });

  test('a list is 206 {<plural>: [...], total, pages, limit, page} with limit 20 by default; a record is wrapped singular', async () => {
    const list = await api('products');
    expect(list.status).toBe(206);
    const body = (await list.json()) as { products: Array<{ number: string; urlfriendly_number: string }>; total: number; pages: number; limit: number; page: number };
    expect(Object.keys(body).sort()).toEqual(['limit', 'page', 'pages', 'products', 'total']);
    expect(body).toMatchObject({ limit: 20, page: 1 });
    expect(body.pages).toBe(Math.max(1, Math.ceil(body.total / 20)));
    const one = await api(`products/${encodeProductNumber(body.products[0].number)}`);
    expect(one.status).toBe(200);
    expect(Object.keys((await one.json()) as object)).toEqual(['product']);
  });

  test('create is 201; a refused write is 422 {"errors": {"<path>": ["…"]}}; an unknown record 404', async () => {
    const groups = (await (await api('product-groups')).json()) as { product_groups: Array<{ number: number }> };
    const created = await api('products', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: 'ABC/12+3 #x', name: 'Kahvi', group: groups.product_groups[0].number, sales_price: 9.9 }),
    });
    expect(created.status).toBe(201);
    // Numbers with / + # and spaces work double-encoded (documented) and single-encoded (the SDK's way).
    for (const path of [encodeProductNumber('ABC/12+3 #x'), encodeURIComponent('ABC/12+3 #x')]) expect((await api(`products/${path}`)).status).toBe(200);
    const refused = await api('products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) });
    expect(refused.status).toBe(422);
    const errors = ((await refused.json()) as { errors: Record<string, string[]> }).errors;
    expect(errors.number).toEqual(['The number field is required.']);
    expect((await api('products/NOPE-404')).status).toBe(404);
  });

  test('past the limit: 429 with Retry-After; the client reports rate-limit with the wait', async () => {
    await control(env.url, 'limits', { perMinute: 2 });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await api('payment-terms');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    const err = await failure(env.client({ pacing: { limit: 1000, windowMs: 1000 }, rateLimitResendMs: 0 }).paymentTerms.find(1));
    expect(err).toMatchObject({ errorClass: 'rate-limit', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(0);
  });
});

const post = (path: string, body: unknown = {}) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** Rackbeat's datetime form `Y-m-d\TH:i:sP` [R-SDK]. */
const RACKBEAT_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
type Invoice = Record<string, unknown> & { number: number; is_booked: boolean; lines: Array<Record<string, unknown>> };

describe('customer invoices', () => {
  async function item(): Promise<string> {
    const body = (await (await api('products')).json()) as { products: Array<{ number: string }> };
    return body.products[0].number;
  }

  test('POST customer-invoices/drafts is 201 {"customer_invoice"} with the documented keys, unbooked', async () => {
    const res = await post('customer-invoices/drafts', { customer_id: 1001, heading: 'H', lines: [{ item_id: await item(), quantity: 2, line_price: 10 }] });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { customer_invoice: Invoice };
    expect(Object.keys(body)).toEqual(['customer_invoice']);
    const inv = body.customer_invoice;
    // R-SWAG CustomerInvoice
    for (const key of ['number', 'total_subtotal', 'total_total', 'balance', 'currency', 'currency_rate', 'is_booked', 'is_paid', 'lines', 'customer_id', 'customer',
      'order_id', 'note', 'heading', 'address_street', 'address_street2', 'address_city', 'address_zipcode', 'address_country', 'created_at', 'updated_at', 'due_date', 'self']) {
      expect(inv).toHaveProperty(key);
    }
    expect(inv).toMatchObject({ is_booked: false, booked_at: null, customer_id: 1001, order_id: null, self: `${env.url}/api/customer-invoices/${inv.number}` });
    expect(inv.lines[0]).toMatchObject({ child_type: 'product', quantity: 2, line_price: 10, line_total: 20 });
    expect(inv.created_at).toMatch(RACKBEAT_DATETIME);
    expect(inv.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('book is 200 with booked_at; booking twice or crediting a draft is a 422 error map; create-creditnote is 201 with a new unbooked number', async () => {
    const draft = ((await (await post('customer-invoices/drafts', { customer_id: 1002, lines: [{ item_id: await item(), quantity: 1 }] })).json()) as { customer_invoice: Invoice }).customer_invoice;
    const refusedCredit = await post(`customer-invoices/${draft.number}/create-creditnote`);
    expect(refusedCredit.status).toBe(422);
    expect(((await refusedCredit.json()) as { errors: Record<string, string[]> }).errors.is_booked).toEqual(['Only a booked invoice can be credited.']);
    const booked = await post(`customer-invoices/${draft.number}/book`, { mail: { send: false } });
    expect(booked.status).toBe(200);
    const inv = ((await booked.json()) as { customer_invoice: Invoice }).customer_invoice;
    expect(inv.is_booked).toBe(true);
    expect(inv.booked_at).toMatch(RACKBEAT_DATETIME);
    const again = await post(`customer-invoices/${draft.number}/book`);
    expect(again.status).toBe(422);
    expect(((await again.json()) as { errors: Record<string, string[]> }).errors.is_booked).toBeDefined();
    const credit = await post(`customer-invoices/${draft.number}/create-creditnote`);
    expect(credit.status).toBe(201);
    const note = ((await credit.json()) as { customer_invoice: Invoice }).customer_invoice;
    expect(note).toMatchObject({ is_booked: false, is_credit_note: true, credited_invoice_id: draft.number, customer_id: 1002 });
    expect(note.number).toBe(draft.number + 1);
    expect((await api('customer-invoices/424242/create-creditnote', { method: 'POST' })).status).toBe(404);
  });

  test('GET customer-invoices is 206 {"customer_invoices": [...]}; documented filters is_booked, order_number, customer_number; convert-to-invoice answers {"invoice_id"}', async () => {
    const order = ((await (await post('orders', { customer_id: 1003, lines: [{ item_id: await item(), quantity: 1 }] })).json()) as { order: { number: number } }).order;
    const converted = await post(`orders/${order.number}/convert-to-invoice?book=true`);
    expect(converted.status).toBe(200);
    const { invoice_id } = (await converted.json()) as { invoice_id: number };
    await post('customer-invoices/drafts', { customer_id: 1004, lines: [] });
    const list = await api('customer-invoices');
    expect(list.status).toBe(206);
    const body = (await list.json()) as { customer_invoices: Invoice[] };
    expect(Object.keys(body).sort()).toEqual(['customer_invoices', 'limit', 'page', 'pages', 'total']);
    const numbers = async (q: string) => ((await (await api(`customer-invoices?${q}`)).json()) as { customer_invoices: Invoice[] }).customer_invoices.map((i) => i.number);
    expect(await numbers(`order_number=${order.number}`)).toEqual([invoice_id]);
    expect(await numbers('customer_number=1003')).toEqual([invoice_id]);
    expect(await numbers('is_booked=true')).toEqual([invoice_id]);
    expect((await numbers('is_booked=false')).length).toBe(1);
    const one = ((await (await api(`customer-invoices/${invoice_id}`)).json()) as { customer_invoice: Invoice }).customer_invoice;
    expect(one).toMatchObject({ order_id: order.number, is_booked: true, customer: { number: 1003 } });
  });
});

describe('webhooks', () => {
  async function receiver(script: number[]) {
    const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = script.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rb`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  test('delivery headers and {key_name, key}; retried on failure; failures_since_last_success counts and resets on success', async () => {
    const readCounter = async (id: number) =>
      ((await (await api(`webhooks/${id}`)).json()) as { webhook: { failures_since_last_success: number } }).webhook.failures_since_last_success;
    await control(env.url, 'webhooks', { retryDelaysMs: [20, 20], duplicateRate: 0 });
    const r = await receiver([500, 500, 500]);
    try {
      const made = await api('webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'product.created', url: r.url }) });
      expect(made.status).toBe(201);
      const hook = ((await made.json()) as { webhook: { id: number; token: string; failures_since_last_success: number } }).webhook;
      expect(hook.token).toMatch(/^[0-9a-f]{32}$/);
      // The same event + url again updates the hook: 200, and no token this time.
      const again = await api('webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'product.created', url: r.url }) });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { webhook: Record<string, unknown> }).webhook.token).toBeUndefined();

      const groups = (await (await api('product-groups')).json()) as { product_groups: Array<{ number: number }> };
      await api('products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: 'HOOK-1', name: 'Tee', group: groups.product_groups[0].number }) });
      await until(() => r.got.length >= 3);
      const first = r.got[0];
      expect(first.headers['rackbeat-webhook-token']).toBe(hook.token);
      expect(first.headers['rackbeat-webhook-event']).toBe('product.created');
      expect(first.headers['rackbeat-account-id']).toMatch(/^\d+$/);
      expect(first.headers['user-agent']).toBe('Rackbeat Webhook');
      expect(JSON.parse(first.body)).toEqual({ key_name: 'number', key: 'HOOK-1' });
      expect(readWebhookDelivery(first.headers, first.body, hook.token)).toMatchObject({ event: 'product.created', body: { key_name: 'number', key: 'HOOK-1' } });
      // All three attempts failed: three failures since the last success; the sender has given up.
      const deliveries = async () => (await control(env.url, 'state')).webhookDeliveries as Array<{ status: number }>;
      for (let i = 0; i < 100 && (await deliveries()).length < 3; i++) await new Promise((res) => setTimeout(res, 20));
      expect((await deliveries()).map((d) => d.status)).toEqual([500, 500, 500]);
      expect(await readCounter(hook.id)).toBe(3);
      expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
      // The next event is delivered at once: the count starts again.
      await api('products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: 'HOOK-2', name: 'Tee 2', group: groups.product_groups[0].number }) });
      for (let i = 0; i < 100 && (await deliveries()).length < 4; i++) await new Promise((res) => setTimeout(res, 20));
      expect((await deliveries()).map((d) => d.status)).toEqual([500, 500, 500, 200]);
      expect(await readCounter(hook.id)).toBe(0);
    } finally {
      await r.close();
    }
  });

  test('booking a customer invoice delivers customer_invoice.booked with {key_name: "number", key}', async () => {
    await control(env.url, 'webhooks', { retryDelaysMs: [20], duplicateRate: 0 });
    const r = await receiver([]);
    try {
      const made = await post('webhooks', { event: 'customer_invoice.booked', url: r.url });
      expect(made.status).toBe(201);
      const token = ((await made.json()) as { webhook: { token: string } }).webhook.token;
      const products = (await (await api('products')).json()) as { products: Array<{ number: string }> };
      const draft = ((await (await post('customer-invoices/drafts', { customer_id: 1001, lines: [{ item_id: products.products[0].number, quantity: 1 }] })).json()) as {
        customer_invoice: { number: number };
      }).customer_invoice;
      expect(r.got).toHaveLength(0);
      await post(`customer-invoices/${draft.number}/book`);
      await until(() => r.got.length >= 1);
      expect(JSON.parse(r.got[0].body)).toEqual({ key_name: 'number', key: String(draft.number) });
      expect(r.got[0].headers).toMatchObject({ 'rackbeat-webhook-token': token, 'rackbeat-webhook-event': 'customer_invoice.booked', 'user-agent': 'Rackbeat Webhook' });
    } finally {
      await r.close();
    }
  });
});
