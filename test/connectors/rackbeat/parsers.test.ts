import fs from 'node:fs';
import path from 'node:path';
import { apiRoot, classifyResponse, RackbeatClient, readWebhookDelivery } from '../../../connectors/rackbeat';
import type { HttpRequest, HttpResponse } from '../../../connectors/kit/http';
import { failure } from './harness';

/** Parsers on shapes written from Rackbeat's documentation (fixtures/README.md), served by a fake transport. */
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

function fakeClient(routes: Record<string, { status?: number; file?: string; body?: string; headers?: Record<string, string> }>) {
  const requests: HttpRequest[] = [];
  const client = new RackbeatClient(
    { baseUrl: 'https://app.rackbeat.com/api', apiToken: 'eyJ0eXAiOiJKV1Qi.fixture' },
    {
      transport: {
        async request(req): Promise<HttpResponse> {
          requests.push(req);
          const r = routes[`${req.method} ${req.url}`];
          if (!r) return { status: 404, headers: {}, body: '{"message":"Not Found."}' };
          return { status: r.status ?? 200, headers: r.headers ?? {}, body: r.file ? fixture(r.file) : (r.body ?? '') };
        },
      },
    },
  );
  return { client, requests };
}

describe('Rackbeat parsers on documented shapes', () => {
  test('product: amounts become exact decimal strings; the path double-encodes the number; Bearer auth', async () => {
    const { client, requests } = fakeClient({ 'GET products/ABC%252F123%252BDEF': { file: 'product.json' } });
    const p = await client.products.get('ABC/123+DEF');
    expect(p).toMatchObject({
      number: 'ABC/123+DEF', name: 'Kontorstol', sales_price: '1499.5', cost_price: '712.333333', recommended_cost_price: '700',
      stock_quantity: '12.5', group_id: 1, group: { number: 1, vat_domestic: 25 }, is_barred: false,
    });
    expect(requests[0].headers).toMatchObject({ authorization: 'Bearer eyJ0eXAiOiJKV1Qi.fixture' });
  });

  test('a list page (206, numeric strings tolerated as amounts)', async () => {
    const { client, requests } = fakeClient({ 'GET products': { status: 206, file: 'products-page.json' } });
    const page = await client.products.list({ page: 3, limit: 2 });
    expect(page).toMatchObject({ total: 42, pages: 21, limit: 2, page: 3 });
    expect(page.items.map((p) => [p.number, p.sales_price, p.is_barred])).toEqual([['SKU-1', '2.5', false], ['SKU-2', '1', true]]);
    expect(requests[0].searchParams).toMatchObject({ page: 3, limit: 2 });
  });

  test('a single-page list answered with 200 instead of 206 is accepted', async () => {
    const { client } = fakeClient({ 'GET customer-groups': { status: 200, file: 'customer-groups-page.json' } });
    expect((await client.customerGroups.list()).items).toEqual([expect.objectContaining({ number: 1, name: 'Standard', is_draft: false })]);
  });

  test('customers: the 2018 company_name shape and the newer name-only shape both read as company_name', async () => {
    const { client } = fakeClient({ 'GET customers/1001': { file: 'customer-2018.json' }, 'GET customers/1002': { file: 'customer-name-only.json' } });
    expect(await client.customers.get(1001)).toMatchObject({ number: 1001, company_name: 'Fjordhandel AS', payment_terms_id: 1, address_country: 'NO' });
    expect(await client.customers.get(1002)).toMatchObject({ number: 1002, company_name: 'Kivisähkö Oy', currency: 'EUR', customer_group_id: 1 });
  });

  test('order with lines, shipment, convert-to-invoice and the invoice', async () => {
    const { client, requests } = fakeClient({
      'GET orders/1029': { file: 'order.json' },
      'POST orders/1029/create-shipment': { file: 'order-shipment.json' },
      'POST orders/1029/convert-to-invoice': { file: 'convert-to-invoice.json' },
      'GET customer-invoices/77': { file: 'customer-invoice.json' },
    });
    const o = await client.orders.get(1029);
    expect(o).toMatchObject({ number: 1029, is_booked: true, is_ready_for_shipping: true, total_total: '375.13', customer: { number: 1001 } });
    expect(o.lines[0]).toMatchObject({ id: 5, child_id: 'SKU-1', quantity: '2', line_price: '150.05', vat_percentage: '25' });
    expect(o.delivery_address?.street).toBe('Havnegata 3');
    expect(await client.orders.createShipment(1029)).toMatchObject({ id: 311, is_shipped: false, is_picked: false });
    expect(await client.orders.convertToInvoice(1029, { book: true })).toBe(77);
    expect(requests[2].searchParams).toEqual({ book: true });
    expect(await client.invoices.get(77)).toMatchObject({ number: 77, order_id: 1029, balance: '375.13', is_booked: false });
  });

  test('order writes send amounts as JSON numbers and the documented book body', async () => {
    const { client, requests } = fakeClient({ 'POST orders/drafts': { status: 201, file: 'order.json' }, 'POST orders/1029/book': { file: 'order.json' } });
    await client.orders.createDraft({ customer_id: 1001, lines: [{ item_id: 'SKU-1', quantity: '2', line_price: '150.05' }] });
    expect(JSON.parse(requests[0].body!)).toEqual({ customer_id: 1001, lines: [{ item_id: 'SKU-1', quantity: 2, line_price: 150.05 }] });
    expect(requests[0].headers?.['content-type']).toBe('application/json; charset=utf8');
    await client.orders.book(1029);
    expect(JSON.parse(requests[1].body!)).toEqual({ mail: { send: false } });
  });

  test('webhook registration reply with its one-time token; fields and field values', async () => {
    const { client } = fakeClient({
      'POST webhooks': { status: 201, file: 'webhook-created.json' },
      'GET fields/24so-id': { file: 'field.json' },
      'GET products/SKU-1/fields': { file: 'field-values.json' },
      'GET self': { file: 'self.json' },
    });
    expect(await client.webhooks.create({ event: 'order.created', url: 'https://siirto.example/webhooks/rackbeat/acme' })).toMatchObject({
      id: 123, token: '0123456789abcdef0123456789abcdef', failures_since_last_success: 0,
    });
    expect(await client.fields.get('24so-id')).toMatchObject({ id: 2, type: 'text', available_for: 'item' });
    expect(await client.products.fieldValues.read('SKU-1')).toEqual([
      { field: { id: 2, slug: '24so-id', name: '24SO id' }, value: '4711' },
      { field: { id: 3, slug: 'eco', name: 'Eco' }, value: true },
    ]);
    expect(await client.checkCredentials()).toEqual({ accountId: 4711, name: 'Fjordhandel AS' });
  });

  test('payment term', async () => {
    const { client } = fakeClient({ 'GET payment-terms/1': { file: 'payment-term.json' } });
    expect(await client.paymentTerms.get(1)).toMatchObject({ number: 1, maturity_days: 14, type: 'net' });
  });
});

test('the API root is the host plus /api, written either way', () => {
  expect(apiRoot('https://app.rackbeat.com')).toBe('https://app.rackbeat.com/api');
  expect(apiRoot('https://app.rackbeat.com/api/')).toBe('https://app.rackbeat.com/api');
  expect(apiRoot('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/api');
});

describe('Rackbeat error classification on documented shapes', () => {
  const call = { method: 'POST', path: 'orders', resource: 'order' };
  const res = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, body });

  test('422 without a message names the first field and lists the others', () => {
    const err = classifyResponse(res(422, fixture('validation-422.json')), call);
    expect(err).toMatchObject({ errorClass: 'validation', field: 'customer_id', resource: 'order' });
    expect(err.message).toContain('customer_id: The selected customer id is invalid.');
    expect(err.message).toContain('lines.0.item_id');
  });

  test('401, 403, 404, 429 with and without Retry-After, 5xx, and an unexpected 400', () => {
    expect(classifyResponse(res(401, '{"message":"Unauthenticated."}'), call)).toMatchObject({
      errorClass: 'credentials', message: 'Invalid Rackbeat API token: connection cannot be established. Check the API token.',
    });
    expect(classifyResponse(res(403, '{"message":"Customer is already in this discount group"}'), call)).toMatchObject({
      errorClass: 'business', message: expect.stringContaining('already in this discount group'),
    });
    expect(classifyResponse(res(404, ''), call).errorClass).toBe('not-found');
    expect(classifyResponse(res(429, '', { 'retry-after': '12' }), call)).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 12_000 });
    // Without the header wait for the next minute window (480 per minute).
    expect(classifyResponse(res(429, ''), call).retryAfterMs).toBe(60_000);
    expect(classifyResponse(res(502, '<html>Bad gateway</html>'), call).errorClass).toBe('transient');
    expect(classifyResponse(res(400, '{"message":"Malformed"}'), call)).toMatchObject({ errorClass: 'validation', code: '400' });
  });

  test('a 200 with a body that is not JSON is a transient failure', async () => {
    const { client } = fakeClient({ 'GET products/X': { body: '<html>maintenance</html>' } });
    expect(await failure(client.products.get('X'))).toMatchObject({ errorClass: 'transient' });
  });
});

describe('Rackbeat webhook bodies', () => {
  const headers = { 'Rackbeat-Webhook-Token': '0123456789abcdef0123456789abcdef', 'Rackbeat-Webhook-Event': 'order.created', 'Rackbeat-Account-Id': '4711' };

  test('the observed body {key_name, key} with the event from the header', () => {
    expect(readWebhookDelivery(headers, fixture('webhook-body-observed.json'), '0123456789abcdef0123456789abcdef')).toEqual({
      event: 'order.created', accountId: '4711', body: { key_name: 'number', key: '1021' },
    });
  });

  test('the documented body with event, data and changed keys; the numeric key reads as a string', () => {
    const { 'Rackbeat-Webhook-Event': _event, ...noEvent } = headers;
    const d = readWebhookDelivery(noEvent, fixture('webhook-body-documented.json'), '0123456789abcdef0123456789abcdef');
    expect(d).toMatchObject({ event: 'product.updated', body: { key: '123', key_name: 'id', old_key: '123', changed: ['name', 'sales_price'] } });
  });

  test('a wrong or missing token is refused before the body is read', () => {
    expect(() => readWebhookDelivery({ ...headers, 'Rackbeat-Webhook-Token': 'x' }, 'not json', '0123456789abcdef0123456789abcdef')).toThrow(/token does not match/);
    expect(() => readWebhookDelivery({}, '{}', '0123456789abcdef0123456789abcdef')).toThrow(/token does not match/);
  });
});
