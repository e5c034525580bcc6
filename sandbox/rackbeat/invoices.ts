import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from '../kit/server';
import type { Fire } from './crud';
import { buildLine, lineNet, totals, type LineRecord, type OrderRecord } from './orders';
import { applyFilters, invalid, jsonBody, malformed, notFound, selfUrl, sendOne, sendPage, stamp, type Errors, type Json, type RackbeatSettings } from './wire';

/**
 * Customer invoices and credit notes (wire facts: docs/wire/rackbeat.md, "Customer invoices").
 *
 * - `POST customer-invoices/drafts` creates a draft (`is_booked=false`), `POST customer-invoices` a booked invoice,
 *   `POST orders/{n}/convert-to-invoice` one linked to its order (`order_id`, orders.ts).
 * - `POST customer-invoices/{n}/book` books a draft and fires `customer_invoice.booked` (unless the body asks
 *   `suppress_webhooks`); a booked invoice can no longer be changed or deleted.
 * - `POST customer-invoices/{n}/create-creditnote` credits a whole booked invoice: a new DRAFT customer invoice with
 *   its own number, `is_credit_note: true` and `credited_invoice_id` = the original's number, the same lines with the
 *   credited quantities positive (`POST /__sandbox/rackbeat/credit-note-sign {"negative": true}` stores them negative
 *   instead: the sign Rackbeat stores is an open point). It is booked like any invoice.
 * Invoice numbers are one sequence for invoices and credit notes, from 20001 (distinct from order numbers).
 */
export interface InvoiceRecord extends Json {
  number: number;
  is_credit_note: boolean;
  credited_invoice_id: number | null;
  customer_id: number;
  order_id: number | null;
  is_booked: boolean;
  booked_at: string | null;
  is_paid: boolean;
  lines: LineRecord[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIRST_NUMBER = 20001;
const LOCKED = { is_booked: ['The invoice is booked: it cannot be changed.'] };
const ADDRESS = ['street', 'street2', 'city', 'zipcode', 'country'] as const;

const nextNumber = (ctx: SandboxContext) => Math.max(FIRST_NUMBER - 1, ...ctx.store.list<InvoiceRecord>('invoices').map((i) => i.number)) + 1;

function dueDate(ctx: SandboxContext, invoiceDate: string, termsId: unknown): string {
  const term = ctx.store.find<Json>('paymentTerms', (t) => t.number === termsId);
  return new Date(Date.parse(`${invoiceDate}T00:00:00Z`) + Number(term?.maturity_days ?? 14) * 86_400_000).toISOString().slice(0, 10);
}

/** Stores a new invoice and fires `customer_invoice.created` (and `.booked` when it is created booked). */
export function insertInvoice(ctx: SandboxContext, fire: Fire, fields: Partial<InvoiceRecord> & { customer_id: number; lines: LineRecord[] }, at = stamp()): InvoiceRecord {
  const c = ctx.store.find<Json>('customers', (x) => x.number === fields.customer_id);
  const invoiceDate = (fields.invoice_date as string | undefined) ?? at.slice(0, 10);
  const termsId = fields.payment_terms_id ?? c?.payment_terms_id ?? null;
  const booked = fields.is_booked ?? false;
  const record: InvoiceRecord = {
    number: nextNumber(ctx),
    is_credit_note: false,
    credited_invoice_id: null,
    order_id: null,
    heading: '',
    your_reference: '',
    currency: c?.currency ?? 'NOK',
    currency_rate: 1,
    vat_zone: c?.vat_zone ?? 'domestic',
    payment_terms_id: termsId,
    ...Object.fromEntries(ADDRESS.map((k) => [`address_${k}`, c?.[`address_${k}`] ?? ''])),
    address_name: c?.company_name ?? '',
    note: '',
    is_paid: false,
    ...fields,
    invoice_date: invoiceDate,
    due_date: (fields.due_date as string | undefined) ?? dueDate(ctx, invoiceDate, termsId),
    is_booked: booked,
    booked_at: booked ? at : null,
    created_at: at,
    updated_at: at,
  };
  ctx.store.insert('invoices', record);
  fire('customer_invoice.created', 'number', record.number);
  if (booked) fire('customer_invoice.booked', 'number', record.number);
  return record;
}

/** convert-to-invoice: the order's lines and terms on a new invoice that keeps the link (`order_id`). */
export function invoiceFromOrder(ctx: SandboxContext, fire: Fire, o: OrderRecord, booked: boolean, at = stamp()): InvoiceRecord {
  const address = (o.billing_address ?? {}) as Json;
  return insertInvoice(
    ctx,
    fire,
    {
      customer_id: o.customer_id,
      order_id: o.number,
      heading: o.heading,
      currency: o.currency,
      vat_zone: o.vat_zone,
      payment_terms_id: o.payment_terms_id ?? null,
      ...Object.fromEntries(ADDRESS.map((k) => [`address_${k}`, address[k] ?? ''])),
      address_name: address.name ?? '',
      is_booked: booked,
      lines: structuredClone(o.lines),
    },
    at,
  );
}

/** create-creditnote: the whole invoice credited on a new draft referencing it. */
export function creditNoteFor(ctx: SandboxContext, fire: Fire, original: InvoiceRecord, negative: boolean, at = stamp()): InvoiceRecord {
  const sign = negative ? -1 : 1;
  const copy = (k: string) => original[k];
  return insertInvoice(
    ctx,
    fire,
    {
      customer_id: original.customer_id,
      is_credit_note: true,
      credited_invoice_id: original.number,
      heading: copy('heading'),
      your_reference: copy('your_reference'),
      currency: copy('currency'),
      currency_rate: copy('currency_rate'),
      vat_zone: copy('vat_zone'),
      payment_terms_id: copy('payment_terms_id'),
      ...Object.fromEntries(['address_name', ...ADDRESS.map((k) => `address_${k}`)].map((k) => [k, copy(k)])),
      lines: original.lines.map((l) => ({ ...structuredClone(l), id: ctx.store.nextId('orderLine'), quantity: sign * Math.abs(l.quantity) })),
    },
    at,
  );
}

export function invoiceRoutes(app: FastifyInstance, ctx: SandboxContext, fire: Fire, settings: RackbeatSettings): void {
  const invoices = () => ctx.store.list<InvoiceRecord>('invoices');
  const customer = (n: unknown) => ctx.store.find<Json>('customers', (c) => c.number === n);
  const findInvoice = (raw: string) => (/^\d+$/.test(raw) ? invoices().find((i) => i.number === Number(raw)) : undefined);

  const render = (i: InvoiceRecord) => {
    const t = totals(i.lines);
    const c = customer(i.customer_id);
    return {
      ...i,
      customer: { number: i.customer_id, name: c?.company_name ?? null, company_name: c?.company_name ?? null },
      lines: i.lines.map((l) => ({ ...l, line_total: lineNet(l).toNumber() })),
      ...t,
      balance: i.is_paid || !i.is_booked ? 0 : t.total_total,
      self: selfUrl(ctx, `customer-invoices/${i.number}`),
    };
  };

  /** Header fields of a create or update body; errors keyed as Laravel does. */
  function header(body: Json, errors: Errors, creating: boolean): Json {
    const fail = (f: string, m: string) => (errors[f] ??= []).push(m);
    if (creating && body.customer_id === undefined) fail('customer_id', 'The customer id field is required.');
    if (body.customer_id !== undefined && !customer(Number(body.customer_id))) fail('customer_id', 'The selected customer id is invalid.');
    for (const f of ['invoice_date', 'due_date']) {
      if (body[f] !== undefined && body[f] !== null && !(typeof body[f] === 'string' && DATE.test(body[f] as string))) {
        fail(f, `The ${f.replace('_', ' ')} does not match the format Y-m-d.`);
      }
    }
    if (body.currency !== undefined && !(typeof body.currency === 'string' && /^[A-Z]{3}$/.test(body.currency))) fail('currency', 'The currency must be 3 characters.');
    if (body.payment_terms_id !== undefined && body.payment_terms_id !== null && !ctx.store.find('paymentTerms', (t) => t.number === body.payment_terms_id)) {
      fail('payment_terms_id', 'The selected payment terms id is invalid.');
    }
    for (const f of ['heading', 'your_reference', 'note']) if (body[f] !== undefined && typeof body[f] !== 'string') fail(f, `The ${f.replace('_', ' ')} must be a string.`);
    if (body.lines !== undefined && !Array.isArray(body.lines)) fail('lines', 'The lines must be an array.');
    const out: Json = {};
    for (const f of ['heading', 'your_reference', 'note', 'currency', 'invoice_date', 'due_date', 'payment_terms_id']) if (body[f] !== undefined) out[f] = body[f];
    if (body.customer_id !== undefined) out.customer_id = Number(body.customer_id);
    return out;
  }

  function create(body: Json, booked: boolean, reply: FastifyReply) {
    const errors: Errors = {};
    const fields = header(body, errors, true);
    if (booked && (!Array.isArray(body.lines) || body.lines.length === 0)) (errors.lines ??= []).push('The lines field is required.');
    const lines = (Array.isArray(body.lines) ? body.lines : []).map((l, i) => buildLine(ctx, (l ?? {}) as Json, `lines.${i}`, errors));
    if (Object.keys(errors).length) return invalid(reply, errors);
    const record = insertInvoice(ctx, fire, { ...fields, customer_id: fields.customer_id as number, is_booked: booked, lines: lines as LineRecord[] });
    return sendOne(reply, 201, 'customer_invoice', render(record));
  }

  app.get('/api/customer-invoices', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    // Documented filters: is_booked, is_paid, order_number, customer_number, search (in the number) [R-SWAG].
    let list = applyFilters(invoices(), q, { aliases: { order_number: 'order_id', customer_number: 'customer_id' } }) as InvoiceRecord[];
    if (q.search) list = list.filter((i) => String(i.number).includes(String(q.search)));
    const key = q.order_by ?? 'number';
    const dir = (q.order_direction ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
    const sorted = [...list].sort((a, b) => {
      const x = a[key];
      const y = b[key];
      if (x === y) return a.number - b.number;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    const fields = q.fields ? q.fields.split(',').map((f) => f.trim()).filter(Boolean) : null;
    const rendered = sorted.map(render).map((r) => (fields ? Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, (r as Json)[f]])) : r));
    return sendPage(reply, request, 'customer_invoices', rendered);
  });

  app.post('/api/customer-invoices', async (request, reply) => {
    const body = jsonBody(request);
    return body ? create(body, true, reply) : malformed(reply);
  });
  app.post('/api/customer-invoices/drafts', async (request, reply) => {
    const body = jsonBody(request);
    return body ? create(body, false, reply) : malformed(reply);
  });

  app.get<{ Params: { n: string } }>('/api/customer-invoices/:n', async (request, reply) => {
    const i = findInvoice(request.params.n);
    return i ? sendOne(reply, 200, 'customer_invoice', render(i)) : notFound(reply);
  });

  app.put<{ Params: { n: string } }>('/api/customer-invoices/:n', async (request, reply) => {
    const i = findInvoice(request.params.n);
    if (!i) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    if (i.is_booked) return invalid(reply, LOCKED);
    const errors: Errors = {};
    const fields = header(body, errors, false);
    const lines = Array.isArray(body.lines) ? body.lines.map((l, n) => buildLine(ctx, (l ?? {}) as Json, `lines.${n}`, errors)) : undefined;
    if (Object.keys(errors).length) return invalid(reply, errors);
    Object.assign(i, fields, lines ? { lines } : {}, { updated_at: stamp() });
    return sendOne(reply, 200, 'customer_invoice', render(i));
  });

  app.delete<{ Params: { n: string } }>('/api/customer-invoices/:n', async (request, reply) => {
    const i = findInvoice(request.params.n);
    if (!i) return notFound(reply);
    if (i.is_booked) return invalid(reply, { is_booked: ['A booked invoice cannot be deleted. Create a credit note instead.'] });
    ctx.store.remove('invoices', (x) => x === i);
    return sendOne(reply, 200, 'customer_invoice', render(i));
  });

  app.post<{ Params: { n: string } }>('/api/customer-invoices/:n/book', async (request, reply) => {
    const i = findInvoice(request.params.n);
    if (!i) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    if (i.is_booked) return invalid(reply, { is_booked: ['The invoice is already booked.'] });
    if (i.lines.length === 0) return invalid(reply, { lines: ['An invoice without lines cannot be booked.'] });
    const now = stamp();
    Object.assign(i, { is_booked: true, booked_at: now, updated_at: now });
    if (body.suppress_webhooks !== true) fire('customer_invoice.booked', 'number', i.number);
    return sendOne(reply, 200, 'customer_invoice', render(i));
  });

  app.post<{ Params: { n: string } }>('/api/customer-invoices/:n/create-creditnote', async (request, reply) => {
    const i = findInvoice(request.params.n);
    if (!i) return notFound(reply);
    if (i.is_credit_note) return invalid(reply, { is_credit_note: ['A credit note cannot be credited.'] });
    if (!i.is_booked) return invalid(reply, { is_booked: ['Only a booked invoice can be credited.'] });
    const existing = invoices().find((x) => x.credited_invoice_id === i.number);
    if (existing) return invalid(reply, { number: [`Invoice ${i.number} is already credited by credit note ${existing.number}.`] });
    const note = creditNoteFor(ctx, fire, i, settings.creditNoteQuantitiesNegative);
    return sendOne(reply, 201, 'customer_invoice', render(note));
  });
}
