import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoot, RackbeatClient, readWebhookDelivery } from '../../../connectors/rackbeat';
import { createHttpTransport, type HttpRequest } from '../../../connectors/kit/http';
import { control } from '../../support/sandboxes';
import { collect, failure, startRackbeat, until } from './harness';

/**
 * Customer invoices and credit notes against the Rackbeat sandbox: drafts and booking (one customer_invoice.booked
 * webhook per booking), the transfer's view, credit notes referencing their invoice, the booked-since poll, and the
 * order link of an invoice converted from an order.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let items: string[];
const tokens = new Map<string, string>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  env = await startRackbeat(11);
  rb = env.client();
  receiver = await startReceiver();
  await control(env.url, 'webhooks', { retryDelaysMs: [50, 100], duplicateRate: 0 });
  items = (await collect(rb.products.iterate())).map((p) => p.number);
  for (const event of ['customer_invoice.created', 'customer_invoice.booked']) {
    const { token } = await rb.webhooks.ensure(event, `${receiver.url}/hooks/${event}`);
    tokens.set(event, token!);
  }
});
afterAll(async () => {
  await env.stop();
  await receiver.close();
});

const at = (event: string) => receiver.received.filter((r) => r.path === `/hooks/${event}`);
const keysAt = (event: string) => at(event).map((r) => JSON.parse(r.body).key as string);

describe('Rackbeat customer invoices', () => {
  test('draft → book: customer_invoice.created on the draft, exactly one customer_invoice.booked on booking, with Rackbeat headers and {key_name, key}', async () => {
    const draft = await rb.invoices.createDraft({
      customer_id: 1001, heading: 'Service visit', your_reference: 'PO-77',
      lines: [{ item_id: items[0], quantity: 2, line_price: '100.00', discount_percentage: 10, vat_percentage: 25 }, { item_id: items[1], quantity: '1.5', line_price: '20', vat_percentage: 25 }],
    });
    expect(draft).toMatchObject({ is_booked: false, booked_at: null, customer_id: 1001, heading: 'Service visit', order_id: null });
    await until(() => keysAt('customer_invoice.created').includes(String(draft.number)));
    await sleep(150);
    expect(keysAt('customer_invoice.booked')).not.toContain(String(draft.number));

    const booked = await rb.invoices.book(draft.number);
    expect(booked.is_booked).toBe(true);
    expect(booked.booked_at).toBeTruthy();
    await until(() => keysAt('customer_invoice.booked').includes(String(draft.number)));
    expect(await failure(rb.invoices.book(draft.number))).toMatchObject({ errorClass: 'validation', field: 'is_booked' });
    await sleep(300);
    const deliveries = at('customer_invoice.booked').filter((r) => JSON.parse(r.body).key === String(draft.number));
    expect(deliveries).toHaveLength(1);
    const d = deliveries[0];
    expect(JSON.parse(d.body)).toEqual({ key_name: 'number', key: String(draft.number) });
    expect(d.headers).toMatchObject({ 'rackbeat-webhook-event': 'customer_invoice.booked', 'user-agent': 'Rackbeat Webhook', 'rackbeat-account-id': expect.stringMatching(/^\d+$/) });
    expect(readWebhookDelivery(d.headers, d.body, tokens.get('customer_invoice.booked')!)).toMatchObject({ event: 'customer_invoice.booked', body: { key: String(draft.number) } });

    const view = await rb.invoices.view(draft.number);
    expect(view).toMatchObject({
      number: draft.number, kind: 'invoice', booked: true, customerNumber: 1001, currency: 'NOK', heading: 'Service visit', yourReference: 'PO-77',
      paymentTermsDays: 14, totals: { net: '210', vat: '52.5', gross: '262.5' },
    });
    expect(view!.customerName.length).toBeGreaterThan(0);
    expect(view!.credits).toBeUndefined();
    expect(view!.orderNumber).toBeUndefined();
    expect(view!.bookedAt).toBe(new Date(booked.booked_at!).toISOString());
    expect(view!.invoiceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(view!.dueDate) - Date.parse(view!.invoiceDate)).toBe(14 * 86_400_000);
    expect(view!.lines).toEqual([
      { productNumber: items[0], name: expect.any(String), quantity: '2', unitPrice: '100', discountPercent: '10', vatPercent: '25', lineTotal: '180' },
      { productNumber: items[1], name: expect.any(String), quantity: '1.5', unitPrice: '20', discountPercent: '0', vatPercent: '25', lineTotal: '30' },
    ]);
    expect(await rb.invoices.view(999_999)).toBeNull();
  });

  test('POST customer-invoices creates it booked; a booked invoice cannot be deleted; drafts name the refused field', async () => {
    const inv = await rb.customerInvoices.create({ customer_id: 1002, lines: [{ item_id: items[2], quantity: 1 }] });
    expect(inv.is_booked).toBe(true);
    await until(() => keysAt('customer_invoice.booked').includes(String(inv.number)));
    expect(await failure(rb.invoices.delete(inv.number))).toMatchObject({ field: 'is_booked' });
    expect(await failure(rb.invoices.createDraft({ customer_id: 424242, lines: [] }))).toMatchObject({ errorClass: 'validation', field: 'customer_id' });
    expect(await failure(rb.invoices.createDraft({ customer_id: 1001, lines: [{ item_id: 'NOPE-1', quantity: 1 }] }))).toMatchObject({ field: 'lines.0.item_id' });
    expect(await failure(rb.invoices.create({ customer_id: 1001, lines: [] }))).toMatchObject({ field: 'lines' });
    const empty = await rb.invoices.createDraft({ customer_id: 1001, lines: [] });
    expect(await failure(rb.invoices.book(empty.number))).toMatchObject({ field: 'lines' });
  });

  test('a credit note is its own numbered invoice referencing the original; the view shows positive quantities and totals', async () => {
    const original = await rb.invoices.create({ customer_id: 1003, currency: 'EUR', lines: [{ item_id: items[3], quantity: 3, line_price: '12.50', vat_percentage: 25.5 }] });
    const before = (await rb.invoices.view(original.number))!;

    const { number } = await rb.invoices.createCreditNote(original.number);
    expect(number).not.toBe(original.number);
    const draft = (await rb.invoices.view(number))!;
    expect(draft).toMatchObject({ kind: 'credit-note', credits: original.number, booked: false, customerNumber: 1003, currency: 'EUR' });
    expect(draft.bookedAt).toBeUndefined();
    expect(draft.orderNumber).toBeUndefined();
    expect(draft.lines).toEqual(before.lines);
    expect(draft.lines[0]).toMatchObject({ quantity: '3', unitPrice: '12.5', vatPercent: '25.5', lineTotal: '37.5' });
    expect(draft.totals).toEqual(before.totals);
    expect(draft.totals).toEqual({ net: '37.5', vat: '9.56', gross: '47.06' });

    // The whole invoice is credited once; a draft or a credit note cannot be credited.
    expect(await failure(rb.invoices.createCreditNote(original.number))).toMatchObject({ errorClass: 'validation', field: 'number' });
    expect(await failure(rb.invoices.createCreditNote(number))).toMatchObject({ field: 'is_credit_note' });
    const unbooked = await rb.invoices.createDraft({ customer_id: 1003, lines: [{ item_id: items[3], quantity: 1 }] });
    expect(await failure(rb.invoices.createCreditNote(unbooked.number))).toMatchObject({ field: 'is_booked' });
    expect(await failure(rb.invoices.createCreditNote(999_999))).toMatchObject({ errorClass: 'not-found' });

    // Booking the credit note fires the same event as any invoice.
    await rb.invoices.book(number);
    await until(() => keysAt('customer_invoice.booked').includes(String(number)));
    expect((await rb.invoices.view(number))!).toMatchObject({ kind: 'credit-note', booked: true, bookedAt: expect.any(String) });
  });

  test('credit notes stored with negative quantities (the other sign Rackbeat may use) still read positive', async () => {
    await control(env.url, 'rackbeat/credit-note-sign', { negative: true });
    try {
      const original = await rb.invoices.create({ customer_id: 1004, lines: [{ item_id: items[4], quantity: 2, line_price: '40', discount_percentage: 25, vat_percentage: 24 }] });
      const { number } = await rb.invoices.createCreditNote(original.number, { book: true });
      const raw = await rb.invoices.get(number);
      expect(raw.lines[0].quantity).toBe('-2');
      expect(Number(raw.total_total)).toBeLessThan(0);
      const view = (await rb.invoices.view(number))!;
      expect(view).toMatchObject({ kind: 'credit-note', credits: original.number, booked: true });
      expect(view.lines[0]).toMatchObject({ quantity: '2', unitPrice: '40', discountPercent: '25', vatPercent: '24', lineTotal: '60' });
      expect(view.totals).toEqual({ net: '60', vat: '14.4', gross: '74.4' });
      await until(() => keysAt('customer_invoice.booked').includes(String(number)));
    } finally {
      await control(env.url, 'rackbeat/credit-note-sign', { negative: false });
    }
  });

  test('a credit note draft can be cut down before booking (crediting part of the invoice)', async () => {
    const original = await rb.invoices.create({
      customer_id: 1006, lines: [{ item_id: items[6], quantity: 5, line_price: '10', vat_percentage: 25 }, { item_id: items[7], quantity: 1, line_price: '99', vat_percentage: 25 }],
    });
    const { number } = await rb.invoices.createCreditNote(original.number);
    await rb.invoices.update(number, { lines: [{ item_id: items[6], quantity: 2, line_price: '10', vat_percentage: 25 }] });
    await rb.invoices.book(number);
    const view = (await rb.invoices.view(number))!;
    expect(view).toMatchObject({ kind: 'credit-note', credits: original.number, booked: true, totals: { net: '20', vat: '5', gross: '25' } });
    expect(view.lines.map((l) => [l.productNumber, l.quantity])).toEqual([[items[6], '2']]);
    expect(await failure(rb.invoices.update(number, { heading: 'late' }))).toMatchObject({ field: 'is_booked' });
  });

  test('the view of an invoice converted from an order carries the order number', async () => {
    const order = await rb.orders.create({ customer_id: 1005, heading: 'Web 9', lines: [{ item_id: items[5], quantity: 4 }] });
    const invoiceNumber = await rb.orders.convertToInvoice(order.number, { book: true });
    expect(invoiceNumber).not.toBe(order.number);
    await until(() => keysAt('customer_invoice.booked').includes(String(invoiceNumber)));
    const view = (await rb.invoices.view(invoiceNumber))!;
    expect(view).toMatchObject({ number: invoiceNumber, kind: 'invoice', orderNumber: order.number, booked: true, customerNumber: 1005, heading: 'Web 9' });
    expect(view.lines).toHaveLength(1);
    expect(view.lines[0]).toMatchObject({ productNumber: items[5], quantity: '4' });
    expect(view.totals.gross).toBe(order.total_total);
    expect((await rb.invoices.list({ order_number: order.number })).items.map((i) => i.number)).toEqual([invoiceNumber]);
  });
});

describe('listBookedSince', () => {
  let counted: RackbeatClient;
  const requests: HttpRequest[] = [];

  beforeAll(async () => {
    await control(env.url, 'seed', { seed: 11, counts: { invoices: 7, creditNotes: 2 } });
    const base = createHttpTransport('rackbeat', apiRoot(env.url), 5000);
    counted = new RackbeatClient({ baseUrl: env.url, apiToken: 'sandbox-rackbeat-token' }, {
      transport: { request: (r) => { requests.push(r); return base.request(r); } },
    });
  });

  test('all pages, oldest first, invoices and credit notes told apart; drafts left out', async () => {
    const all = await counted.invoices.listBookedSince('2026-01-01T00:00:00Z', 2);
    expect(all).toHaveLength(9);
    expect(all.filter((r) => r.kind === 'credit-note')).toHaveLength(2);
    expect([...all].sort((a, b) => a.bookedAt.localeCompare(b.bookedAt))).toEqual(all);
    const pages = requests.filter((r) => r.url === 'customer-invoices').map((r) => r.searchParams);
    expect(pages.map((q) => q?.page)).toEqual([1, 2, 3, 4, 5]);
    expect(pages[0]).toMatchObject({ is_booked: true, order_by: 'booked_at', order_direction: 'desc', limit: 2 });
    for (const r of all) expect(r.bookedAt).toMatch(/^2026-01-05T\d{2}:\d{2}:\d{2}\.000Z$/);
  });

  test('since an instant: only what was booked at or after it, and the walk stops at the first older page', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const draft = await counted.invoices.createDraft({ customer_id: 1001, lines: [{ item_id: items[0], quantity: 1 }] });
    const a = await counted.invoices.create({ customer_id: 1002, lines: [{ item_id: items[1], quantity: 1 }] });
    const b = await counted.invoices.create({ customer_id: 1003, lines: [{ item_id: items[2], quantity: 1 }] });
    await counted.invoices.book(draft.number);
    const cn = await counted.invoices.createCreditNote(a.number, { book: true });
    requests.length = 0;
    const recent = await counted.invoices.listBookedSince(since, 2);
    expect(recent.map((r) => r.number).sort()).toEqual([draft.number, a.number, b.number, cn.number].sort());
    expect(recent.find((r) => r.number === cn.number)?.kind).toBe('credit-note');
    expect(recent.filter((r) => r.kind === 'invoice')).toHaveLength(3);
    // 4 new + 9 seeded booked = 13 rows, 7 pages of 2; the 4 new ones are on pages 1-2, the first older row on page 3.
    expect(requests.filter((r) => r.url === 'customer-invoices')).toHaveLength(3);
    expect(await counted.invoices.listBookedSince(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
    expect(await failure(counted.invoices.listBookedSince('yesterday'))).toMatchObject({ errorClass: 'validation', field: 'since' });
  });
});
