import Decimal from 'decimal.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from '../kit/server';
import type { Fire } from './crud';
import { invoiceFromOrder } from './invoices';
import { applyFilters, invalid, jsonBody, malformed, notFound, selfUrl, sendOne, sendPage, stamp, type Errors, type Json } from './wire';

/**
 * Sales orders. State machine: draft (`is_booked=false`) → book → create-shipment → mark-shipped (`is_shipped`) →
 * convert-to-invoice (the customer invoice itself: invoices.ts). Booking locks the lines until the order is reopened; the
 * refusal is a 422 keyed by `is_booked` (the lock was observed in use; its status and body: docs/wire/open-points.md).
 */
export interface LineRecord extends Json {
  id: number;
  child_type: string;
  child_id: string;
  item: { number: string; barcode: string };
  name: string;
  quantity: number;
  line_price: number;
  discount_percentage: number;
  vat_percentage: number;
}

export interface OrderRecord extends Json {
  number: number;
  customer_id: number;
  is_booked: boolean;
  is_shipped: boolean;
  is_invoiced: boolean;
  lines: LineRecord[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
const LOCKED = { is_booked: ['The order is booked: its lines cannot be changed. Reopen the order first.'] };
const ADDRESS_KEYS = ['name', 'street', 'street2', 'zipcode', 'city', 'country'] as const;

export const lineNet = (l: LineRecord) =>
  new Decimal(l.quantity).times(l.line_price).times(new Decimal(100).minus(l.discount_percentage).div(100)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export function totals(lines: LineRecord[]) {
  const net = lines.reduce((a, l) => a.plus(lineNet(l)), new Decimal(0));
  const vat = lines.reduce((a, l) => a.plus(lineNet(l).times(l.vat_percentage).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)), new Decimal(0));
  return { total_subtotal: net.toNumber(), total_vat: vat.toNumber(), total_total: net.plus(vat).toNumber() };
}

/** An order or invoice line from a request body, or errors keyed `<prefix>.<field>` as Laravel does for nested input. */
export function buildLine(ctx: SandboxContext, body: Json, prefix: string, errors: Errors, base?: LineRecord): LineRecord | null {
  const product = (n: unknown) => ctx.store.find<Json>('products', (p) => p.number === n);
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const fail = (f: string, m: string) => (errors[at(f)] ??= []).push(m.replace(':attr', at(f)));
  const itemId = body.item_id ?? base?.child_id;
  if (itemId === undefined || itemId === null || itemId === '') fail('item_id', 'The :attr field is required.');
  const p = itemId === undefined ? undefined : product(String(itemId));
  if (itemId !== undefined && itemId !== null && itemId !== '' && !p) fail('item_id', 'The selected :attr is invalid.');
  if (body.quantity === undefined && !base) fail('quantity', 'The :attr field is required.');
  for (const f of ['quantity', 'line_price', 'discount_percentage', 'vat_percentage']) {
    if (body[f] !== undefined && !NUMERIC(body[f])) fail(f, 'The :attr must be a number.');
  }
  if (NUMERIC(body.discount_percentage) && (Number(body.discount_percentage) < 0 || Number(body.discount_percentage) > 100)) {
    fail('discount_percentage', 'The :attr must be between 0 and 100.');
  }
  if (body.name !== undefined && typeof body.name !== 'string') fail('name', 'The :attr must be a string.');
  if (Object.keys(errors).some((k) => k.startsWith(prefix)) || !p) return null;
  const group = ctx.store.find<Json>('productGroups', (g) => g.number === p.group_id);
  const itemChanged = !base || base.child_id !== p.number;
  const num = (f: string, fallback: number) => (body[f] !== undefined ? Number(body[f]) : fallback);
  return {
    id: base?.id ?? ctx.store.nextId('orderLine'),
    child_type: 'product',
    child_id: String(p.number),
    item: { number: String(p.number), barcode: String(p.barcode ?? '') },
    name: typeof body.name === 'string' ? body.name : itemChanged ? String(p.name) : base!.name,
    quantity: num('quantity', base?.quantity ?? 0),
    line_price: num('line_price', itemChanged ? Number(p.sales_price) : base!.line_price),
    discount_percentage: num('discount_percentage', base?.discount_percentage ?? 0),
    vat_percentage: num('vat_percentage', itemChanged ? Number(group?.vat_domestic ?? 25) : base!.vat_percentage),
  };
}

export function orderRoutes(app: FastifyInstance, ctx: SandboxContext, fire: Fire): void {
  const orders = () => ctx.store.list<OrderRecord>('orders');
  const shipments = () => ctx.store.list<Json>('orderShipments');
  const customer = (n: unknown) => ctx.store.find<Json>('customers', (c) => c.number === n);
  const findOrder = (raw: string) => (/^\d+$/.test(raw) ? orders().find((o) => o.number === Number(raw)) : undefined);

  const renderLine = (l: LineRecord) => ({ ...l, line_total: lineNet(l).toNumber() });
  const render = (o: OrderRecord) => {
    const c = customer(o.customer_id);
    return {
      ...o,
      customer: { number: o.customer_id, name: c?.company_name ?? null, company_name: c?.company_name ?? null },
      lines: o.lines.map(renderLine),
      ...totals(o.lines),
      self: selfUrl(ctx, `orders/${o.number}`),
    };
  };
  const touch = (o: OrderRecord) => (o.updated_at = stamp());

  function address(body: Json, prefix: string, fallback: Json): Json {
    const out: Json = {};
    for (const k of ADDRESS_KEYS) out[k] = body[`${prefix}_${k}`] ?? fallback[k] ?? '';
    out.email = fallback.email ?? '';
    out.phone = fallback.phone ?? '';
    return out;
  }

  function createOrder(body: Json, booked: boolean, reply: FastifyReply) {
    const errors: Errors = {};
    const fail = (f: string, m: string) => (errors[f] ??= []).push(m);
    if (body.customer_id === undefined) fail('customer_id', 'The customer id field is required.');
    const c = customer(Number(body.customer_id));
    if (body.customer_id !== undefined && !c) fail('customer_id', 'The selected customer id is invalid.');
    for (const f of ['order_date', 'deliver_at']) {
      if (body[f] !== undefined && body[f] !== null && !(typeof body[f] === 'string' && DATE.test(body[f] as string))) {
        fail(f, `The ${f.replace('_', ' ')} does not match the format Y-m-d.`);
      }
    }
    if (body.currency !== undefined && !(typeof body.currency === 'string' && body.currency.length === 3)) fail('currency', 'The currency must be 3 characters.');
    if (body.payment_terms_id !== undefined && !ctx.store.find('paymentTerms', (t) => t.number === body.payment_terms_id)) {
      fail('payment_terms_id', 'The selected payment terms id is invalid.');
    }
    if (body.lines !== undefined && !Array.isArray(body.lines)) fail('lines', 'The lines must be an array.');
    if (booked && (!Array.isArray(body.lines) || body.lines.length === 0)) fail('lines', 'The lines field is required.');
    const lines = (Array.isArray(body.lines) ? body.lines : []).map((l, i) => buildLine(ctx, (l ?? {}) as Json, `lines.${i}`, errors));
    if (Object.keys(errors).length || !c) return invalid(reply, errors);
    const now = stamp();
    const billing = address(body, 'address', {
      name: c.company_name, street: c.address_street, zipcode: c.address_zipcode, city: c.address_city, country: c.address_country,
      email: c.contact_email, phone: c.contact_phone,
    });
    const deliveryExtra = (body.delivery_address ?? {}) as Json;
    const delivery = address(body, 'delivery_address', { ...billing, ...pickDefined(deliveryExtra, ['email', 'phone']) });
    const order: OrderRecord = {
      number: Math.max(1000, ...orders().map((o) => o.number)) + 1,
      customer_id: Number(c.number),
      heading: typeof body.heading === 'string' ? body.heading : '',
      currency: (body.currency as string | undefined) ?? c.currency ?? 'NOK',
      order_date: (body.order_date as string | undefined) ?? now.slice(0, 10),
      deliver_at: (body.deliver_at as string | undefined) ?? null,
      payment_terms_id: (body.payment_terms_id as number | undefined) ?? (c.payment_terms_id as number | null) ?? null,
      vat_zone: (body.vat_zone as string | undefined) ?? c.vat_zone ?? 'domestic',
      billing_address: billing,
      delivery_address: delivery,
      is_booked: booked,
      is_shipped: false,
      is_partly_shipped: false,
      is_ready_for_shipping: false,
      is_invoiced: false,
      is_cancelled: false,
      booked_at: booked ? now : null,
      shipped_at: null,
      lines: lines as LineRecord[],
      created_at: now,
      updated_at: now,
    };
    ctx.store.insert('orders', order);
    fire('order.created', 'number', order.number);
    if (booked) fire('order.booked', 'number', order.number);
    return sendOne(reply, 201, 'order', render(order));
  }

  app.get('/api/orders', async (request, reply) =>
    sendPage(reply, request, 'orders', (applyFilters(orders(), request.query as Record<string, unknown>) as OrderRecord[]).map(render)),
  );
  app.post('/api/orders', async (request, reply) => {
    const body = jsonBody(request);
    return body ? createOrder(body, true, reply) : malformed(reply);
  });
  app.post('/api/orders/drafts', async (request, reply) => {
    const body = jsonBody(request);
    return body ? createOrder(body, false, reply) : malformed(reply);
  });

  app.get<{ Params: { n: string } }>('/api/orders/:n', async (request, reply) => {
    const o = findOrder(request.params.n);
    return o ? sendOne(reply, 200, 'order', render(o)) : notFound(reply);
  });

  app.put<{ Params: { n: string } }>('/api/orders/:n', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    if (body.lines !== undefined && o.is_booked) return invalid(reply, LOCKED);
    const errors: Errors = {};
    for (const f of ['order_date', 'deliver_at']) {
      if (body[f] !== undefined && !(typeof body[f] === 'string' && DATE.test(body[f] as string))) errors[f] = [`The ${f.replace('_', ' ')} does not match the format Y-m-d.`];
    }
    const lines = Array.isArray(body.lines) ? body.lines.map((l, i) => buildLine(ctx, (l ?? {}) as Json, `lines.${i}`, errors)) : undefined;
    if (Object.keys(errors).length) return invalid(reply, errors);
    for (const f of ['heading', 'order_date', 'deliver_at', 'currency']) if (body[f] !== undefined) o[f] = body[f];
    if (lines) o.lines = lines as LineRecord[];
    touch(o);
    fire('order.updated', 'number', o.number);
    return sendOne(reply, 200, 'order', render(o));
  });

  app.delete<{ Params: { n: string } }>('/api/orders/:n', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (o.is_booked) return invalid(reply, { is_booked: ['A booked order cannot be deleted. Reopen it first.'] });
    ctx.store.remove('orders', (x) => x === o);
    fire('order.deleted', 'number', o.number);
    return sendOne(reply, 200, 'order', render(o));
  });

  app.post<{ Params: { n: string } }>('/api/orders/:n/book', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (o.is_booked) return invalid(reply, { is_booked: ['The order is already booked.'] });
    if (o.lines.length === 0) return invalid(reply, { lines: ['An order without lines cannot be booked.'] });
    o.is_booked = true;
    o.booked_at = stamp();
    touch(o);
    fire('order.booked', 'number', o.number);
    return sendOne(reply, 200, 'order', render(o));
  });

  app.post<{ Params: { n: string } }>('/api/orders/:n/reopen', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (!o.is_booked) return invalid(reply, { is_booked: ['The order is not booked.'] });
    if (o.is_shipped) return invalid(reply, { is_shipped: ['A shipped order cannot be reopened.'] });
    if (o.is_invoiced) return invalid(reply, { is_invoiced: ['An invoiced order cannot be reopened.'] });
    Object.assign(o, { is_booked: false, booked_at: null, is_ready_for_shipping: false });
    ctx.store.remove('orderShipments', (s) => s.order_number === o.number && !s.is_shipped);
    touch(o);
    fire('order.updated', 'number', o.number);
    return sendOne(reply, 200, 'order', render(o));
  });

  app.get<{ Params: { n: string } }>('/api/orders/:n/lines', async (request, reply) => {
    const o = findOrder(request.params.n);
    return o ? sendPage(reply, request, 'order_lines', o.lines.map(renderLine)) : notFound(reply);
  });

  app.post<{ Params: { n: string } }>('/api/orders/:n/lines', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (o.is_booked) return invalid(reply, LOCKED);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const errors: Errors = {};
    const line = buildLine(ctx, body, '', errors);
    if (!line) return invalid(reply, errors);
    o.lines.push(line);
    touch(o);
    fire('order.updated', 'number', o.number);
    return sendOne(reply, 201, 'order_line', renderLine(line));
  });

  app.put<{ Params: { n: string; id: string } }>('/api/orders/:n/lines/:id', async (request, reply) => {
    const o = findOrder(request.params.n);
    const idx = o ? o.lines.findIndex((l) => String(l.id) === request.params.id) : -1;
    if (!o || idx < 0) return notFound(reply);
    if (o.is_booked) return invalid(reply, LOCKED);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const errors: Errors = {};
    const line = buildLine(ctx, body, '', errors, o.lines[idx]);
    if (!line) return invalid(reply, errors);
    o.lines[idx] = line;
    touch(o);
    fire('order.updated', 'number', o.number);
    return sendOne(reply, 200, 'order_line', renderLine(line));
  });

  app.delete<{ Params: { n: string; id: string } }>('/api/orders/:n/lines/:id', async (request, reply) => {
    const o = findOrder(request.params.n);
    const line = o?.lines.find((l) => String(l.id) === request.params.id);
    if (!o || !line) return notFound(reply);
    if (o.is_booked) return invalid(reply, LOCKED);
    o.lines = o.lines.filter((l) => l !== line);
    touch(o);
    fire('order.updated', 'number', o.number);
    return sendOne(reply, 200, 'order_line', renderLine(line));
  });

  const renderShipment = (s: Json) => ({ ...s, self: selfUrl(ctx, `order-shipments/${s.id}`) });

  app.post<{ Params: { n: string } }>('/api/orders/:n/create-shipment', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (!o.is_booked) return invalid(reply, { is_booked: ['The order must be booked before it can be shipped.'] });
    if (o.is_shipped) return invalid(reply, { is_shipped: ['The order is already shipped.'] });
    const s = {
      id: ctx.store.nextId('shipment'), order_number: o.number, is_picked: false, is_partly_picked: false, is_shipped: false,
      shipped_at: null, customer: { number: o.customer_id }, created_at: stamp(),
    };
    ctx.store.insert('orderShipments', s);
    o.is_ready_for_shipping = true;
    touch(o);
    return sendOne(reply, 200, 'order_shipment', renderShipment(s));
  });

  app.get('/api/order-shipments', async (request, reply) =>
    sendPage(reply, request, 'order_shipments', applyFilters(shipments(), request.query as Record<string, unknown>).map(renderShipment)),
  );

  app.post<{ Params: { id: string } }>('/api/orders/shipments/:id/mark-shipped', async (request, reply) => {
    const s = shipments().find((x) => String(x.id) === request.params.id);
    if (!s) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    if (s.is_shipped) return invalid(reply, { is_shipped: ['The shipment is already marked as shipped.'] });
    const now = stamp();
    Object.assign(s, { is_shipped: true, shipped_at: now, is_picked: body.pick === undefined ? true : Boolean(body.pick) });
    const o = orders().find((x) => x.number === s.order_number);
    if (o) {
      Object.assign(o, { is_shipped: true, shipped_at: now, is_ready_for_shipping: false });
      touch(o);
      fire('order.shipped', 'number', o.number);
    }
    return sendOne(reply, 200, 'order_shipment', renderShipment(s));
  });

  app.post<{ Params: { n: string }; Querystring: { book?: string } }>('/api/orders/:n/convert-to-invoice', async (request, reply) => {
    const o = findOrder(request.params.n);
    if (!o) return notFound(reply);
    if (!o.is_booked) return invalid(reply, { is_booked: ['Only a booked order can be invoiced.'] });
    if (o.is_invoiced) return invalid(reply, { is_invoiced: ['The order is already invoiced.'] });
    const book = request.query.book === 'true' || request.query.book === '1';
    const invoice = invoiceFromOrder(ctx, fire, o, book);
    o.is_invoiced = true;
    touch(o);
    return reply.code(200).send({ invoice_id: invoice.number });
  });
}

function pickDefined(body: Json, keys: string[]): Json {
  const out: Json = {};
  for (const k of keys) if (body[k] !== undefined && body[k] !== null) out[k] = body[k];
  return out;
}
