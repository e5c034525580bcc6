import Decimal from 'decimal.js';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { checkAddress, hasPostalParts, INVOICE_CHANNELS, LANGUAGES, PAYMENT_METHODS, UNITS, VAT_PERCENTAGES, VAT_STATUSES } from './company';
import type { PartnerRecord } from './partners';
import {
  byIds, checkWindows1252, finnishReference, isBlank, isDate, isEmail, isObject, isValidReference, paged, readJson, sendErrors, timestamp, Violations, type Json,
} from './wire';

export interface InvoiceRecord extends Json {
  id: number;
  partnerId: number | null;
  type: string;
  status: string;
  date: string;
  invoiceNumber: number | null;
  originalInvoiceNumber: string | null;
  invoiceChannel: string;
  paymentInfo: Json;
  invoiceRows: Json[];
  invoiceSumInfo: Json[];
  version: string;
  created: string;
}

export interface PaymentRecord extends Json {
  id: number;
  invoiceId: number;
  amount: number;
  currency: string;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function validateRows(rows: unknown, v: Violations): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    v.add('invoiceRows', 'Invoice must have at least one invoice row.');
    return;
  }
  rows.forEach((r, i) => {
    const p = `invoiceRows[${i}]`;
    if (!isObject(r)) return v.invalid(p, r);
    if (isBlank(r.product)) v.blank(`${p}.product`);
    if (!num(r.quantity)) v.blank(`${p}.quantity`);
    if (isBlank(r.unit)) v.blank(`${p}.unit`);
    else if (!UNITS.includes(String(r.unit))) v.invalid(`${p}.unit`, r.unit);
    if (!num(r.unitPrice)) v.blank(`${p}.unitPrice`);
    if (!num(r.discountPercent)) v.blank(`${p}.discountPercent`);
    else if (r.discountPercent < 0 || r.discountPercent > 100) v.invalid(`${p}.discountPercent`, r.discountPercent);
    // Only VAT rates in use for the company are accepted (GET /vats/default).
    if (!num(r.vatPercent)) v.blank(`${p}.vatPercent`);
    else if (!VAT_PERCENTAGES.includes(r.vatPercent)) v.invalid(`${p}.vatPercent`, r.vatPercent);
    for (const [k, max] of [['comment', 512], ['headerText', 512], ['explanationText', 512]] as const) {
      if (typeof r[k] === 'string' && (r[k] as string).length > max) v.tooLong(`${p}.${k}`, max);
    }
  });
}

/** The sales invoice rules of POST /invoices as the OpenAPI states them (required fields and channel rules). */
export function validateInvoice(body: Json, partners: PartnerRecord[]): Violations {
  const v = new Violations();
  checkWindows1252(body, '', v);
  if (isBlank(body.type)) v.blank('type');
  // Open point (docs/wire/open-points.md): scope: the sandbox emulates sales documents only.
  else if (!['SALES_INVOICE', 'SALES_ORDER'].includes(String(body.type))) v.invalid('type', body.type);
  if (body.partnerId !== undefined && body.partnerId !== null && !partners.some((p) => p.id === body.partnerId)) v.invalid('partnerId', body.partnerId);
  if (!isDate(body.date)) (isBlank(body.date) ? v.blank('date') : v.invalid('date', body.date));

  const cp = body.counterParty;
  let cpAddress: Json | undefined;
  if (!isObject(cp)) v.blank('counterParty');
  else {
    cpAddress = checkAddress(cp.counterPartyAddress, 'counterParty.counterPartyAddress', v, { required: true, requireCountry: true });
    if (cpAddress && isBlank(cpAddress.name)) v.blank('counterParty.counterPartyAddress.name');
    if (!isBlank(cp.email) && !isEmail(cp.email)) v.invalid('counterParty.email', cp.email);
  }
  const billing = checkAddress(body.billingAddress, 'billingAddress', v, { requireCountry: true });
  checkAddress(body.deliveryAddress, 'deliveryAddress', v, { requireCountry: true });

  const pay = body.paymentInfo;
  if (!isObject(pay)) v.blank('paymentInfo');
  else {
    if (isBlank(pay.paymentMethod)) v.blank('paymentInfo.paymentMethod');
    else if (!PAYMENT_METHODS.includes(String(pay.paymentMethod))) v.invalid('paymentInfo.paymentMethod', pay.paymentMethod);
    if (isBlank(pay.currency)) v.blank('paymentInfo.currency');
    else if (!/^[A-Z]{3}$/.test(String(pay.currency))) v.invalid('paymentInfo.currency', pay.currency);
    if (!isDate(pay.dueDate)) (isBlank(pay.dueDate) ? v.blank('paymentInfo.dueDate') : v.invalid('paymentInfo.dueDate', pay.dueDate));
    else if (isDate(body.date) && pay.dueDate < body.date) v.add('paymentInfo.dueDate', 'DUE_DATE_BEFORE_BILL_DATE');
    if (!num(pay.currencyRate)) v.blank('paymentInfo.currencyRate');
    else if (pay.currencyRate <= 0) v.invalid('paymentInfo.currencyRate', pay.currencyRate);
    if (typeof pay.bankReferenceCode === 'string' && pay.bankReferenceCode !== '' && !isValidReference(pay.bankReferenceCode)) {
      v.invalid('paymentInfo.bankReferenceCode', pay.bankReferenceCode);
    }
  }
  const extra = body.extraInfo;
  if (!isObject(extra)) v.blank('extraInfo');
  else {
    if (typeof extra.accountingByRow !== 'boolean') v.blank('extraInfo.accountingByRow');
    if (typeof extra.unitPricesIncludeVat !== 'boolean') v.blank('extraInfo.unitPricesIncludeVat');
  }
  if (!num(body.discountPercent)) v.blank('discountPercent');
  else if (body.discountPercent < 0 || body.discountPercent > 100) v.invalid('discountPercent', body.discountPercent);
  if (!num(body.vatStatus)) v.blank('vatStatus');
  else if (!VAT_STATUSES.some((s) => s.vatStatus === body.vatStatus && s.sales)) v.invalid('vatStatus', body.vatStatus);
  if (isBlank(body.language)) v.blank('language');
  else if (!LANGUAGES.includes(String(body.language))) v.invalid('language', body.language);
  if (typeof body.originalInvoiceNumber === 'string' && body.originalInvoiceNumber.length > 40) v.tooLong('originalInvoiceNumber', 40);
  if (typeof body.orderReference === 'string' && body.orderReference.length > 70) v.tooLong('orderReference', 70);
  validateRows(body.invoiceRows, v);

  const channel = body.invoiceChannel;
  if (isBlank(channel)) v.blank('invoiceChannel');
  else if (!INVOICE_CHANNELS.includes(String(channel))) v.invalid('invoiceChannel', channel);
  else if (isObject(cp)) {
    if (channel === 'EMAIL' && !isEmail(cp.email)) v.add('counterParty.email', "Value of the 'counterParty.email' cannot be blank.");
    if (channel === 'MAIL' && !hasPostalParts(cpAddress) && !hasPostalParts(billing)) {
      for (const k of ['street', 'zip', 'city']) if (isBlank(cpAddress?.[k])) v.blank(`counterParty.counterPartyAddress.${k}`);
    }
    if (channel === 'ELECTRONIC_INVOICE') {
      for (const k of ['street', 'zip', 'city']) {
        if (isBlank(cpAddress?.[k])) v.blank(`counterParty.counterPartyAddress.${k}`);
        if (isBlank(billing?.[k])) v.blank(`billingAddress.${k}`);
      }
      const e = isObject(cp.einvoiceAddress) ? cp.einvoiceAddress : undefined;
      if (isBlank(e?.address)) v.blank('counterParty.einvoiceAddress.address');
      if (isBlank(e?.operator) && (cpAddress?.country ?? 'FINLAND') === 'FINLAND') v.blank('counterParty.einvoiceAddress.operator');
    }
  }
  return v;
}

/** Procountor sums each row rounded to cents; net and VAT split per the unitPricesIncludeVat flag. */
export function invoiceSums(body: Json): Json[] {
  const gross = (body.extraInfo as Json).unitPricesIncludeVat === true;
  const headerDiscount = new Decimal(1).minus(new Decimal(body.discountPercent as number).div(100));
  let net = new Decimal(0);
  let vat = new Decimal(0);
  for (const r of body.invoiceRows as Json[]) {
    const rate = new Decimal(r.vatPercent as number).div(100);
    const amount = new Decimal(r.unitPrice as number)
      .times(r.quantity as number)
      .times(new Decimal(1).minus(new Decimal(r.discountPercent as number).div(100)))
      .times(headerDiscount);
    const rowNet = gross ? amount.div(rate.plus(1)) : amount;
    const rowGross = gross ? amount : amount.times(rate.plus(1));
    net = net.plus(rowNet.toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
    vat = vat.plus(rowGross.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).minus(rowNet.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)));
  }
  const currency = (body.paymentInfo as Json).currency;
  return [{ currency, inAccountingCurrency: currency === 'EUR', excludingVatTotal: net.toNumber(), vatSumTotal: vat.toNumber(), invoiceSumTotal: net.plus(vat).toNumber() }];
}

const listRow = (i: InvoiceRecord) => ({
  id: i.id,
  partnerId: i.partnerId,
  type: i.type,
  status: i.status,
  invoiceNumber: i.invoiceNumber,
  originalInvoiceNumber: i.originalInvoiceNumber,
  invoiceChannel: i.invoiceChannel,
  date: i.date,
  dueDate: i.paymentInfo.dueDate,
  created: i.created,
  version: i.version,
  invoiceSumInfo: i.invoiceSumInfo,
  counterParty: i.counterParty,
});

const wrongStatus = (action: string, status: string) => ({ field: null, message: `Invalid invoice status ${status} for ${action}.` }); // Open point (docs/wire/open-points.md): wording

export function invoiceRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const invoices = () => ctx.store.list<InvoiceRecord>('invoices');
  const find = (id: string) => invoices().find((i) => i.id === Number(id));
  const notFound = { field: null, message: 'Invoice not found.' };

  app.post('/api/invoices', async (request, reply) => {
    const body = readJson(request, reply);
    if (!body) return reply;
    const v = validateInvoice(body, ctx.store.list<PartnerRecord>('businessPartners'));
    if (!v.empty) return sendErrors(reply, 400, v.list);
    const id = ctx.store.nextId('invoice', 1001);
    const pay = { ...(body.paymentInfo as Json) };
    // An empty reference asks Procountor to generate one.
    if (pay.bankReferenceCode === '') pay.bankReferenceCode = finnishReference(String(id + 1000));
    const now = timestamp();
    const counterParty = body.counterParty as Json;
    const record: InvoiceRecord = {
      ...body,
      id,
      partnerId: (body.partnerId as number | undefined) ?? null,
      type: String(body.type),
      status: 'UNFINISHED',
      date: String(body.date),
      invoiceNumber: null, // Open point (docs/wire/open-points.md): the sandbox numbers invoices at approval
      originalInvoiceNumber: (body.originalInvoiceNumber as string | undefined) ?? null,
      invoiceChannel: String(body.invoiceChannel),
      counterParty,
      billingAddress: body.billingAddress ?? counterParty.counterPartyAddress,
      // Omitted → copied from the counterparty; {} → left empty.
      deliveryAddress: body.deliveryAddress ?? counterParty.counterPartyAddress,
      paymentInfo: pay,
      invoiceRows: (body.invoiceRows as Json[]).map((r) => ({ ...r, id: ctx.store.nextId('invoiceRow', 1) })),
      invoiceSumInfo: invoiceSums(body),
      ledgerReceiptId: ctx.store.nextId('ledgerReceipt', 90001),
      paymentDate: null,
      created: now,
      version: now,
    };
    ctx.store.insert('invoices', record);
    return record;
  });

  app.get('/api/invoices', async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const list = (k: string) => (q[k] === undefined ? undefined : ([] as string[]).concat(q[k] as string | string[]));
    const status = list('status');
    const types = list('types');
    const rows = invoices()
      .filter((i) => !status || status.includes(i.status))
      .filter((i) => !types || types.includes(i.type))
      .filter((i) => q.originalInvoiceNumber === undefined || i.originalInvoiceNumber === q.originalInvoiceNumber)
      .filter((i) => q.invoiceNumber === undefined || String(i.invoiceNumber) === q.invoiceNumber)
      .filter((i) => q.businessPartnerId === undefined || String(i.partnerId) === q.businessPartnerId)
      .filter((i) => q.startDate === undefined || i.date >= String(q.startDate))
      .filter((i) => q.endDate === undefined || i.date <= String(q.endDate))
      .sort((a, b) => (q.orderById === 'DESC' ? b.id - a.id : a.id - b.id))
      .map(listRow);
    return paged(request, reply, rows) ?? reply;
  });

  app.get('/api/invoices/:ids', async (request, reply) => byIds(reply, (request.params as { ids: string }).ids, invoices(), 'Invoice') ?? reply);

  // Sales invoices must be approved before sending; after approval nothing can be changed.
  app.put('/api/invoices/:id/approve', async (request, reply) => {
    const inv = find((request.params as { id: string }).id);
    if (!inv) return sendErrors(reply, 404, [notFound]);
    if (inv.status !== 'UNFINISHED') return sendErrors(reply, 403, [wrongStatus('approval', inv.status)]);
    inv.status = 'NOT_SENT'; // Open point (docs/wire/open-points.md): inferred from send's precondition
    inv.invoiceNumber = ctx.store.nextId('invoiceNumber', 10001);
    inv.version = timestamp();
    return { message: 'Invoice approved.' };
  });

  // Invalidation keeps the invoice, as INVALIDATED. Which statuses allow it is an open point (docs/wire/open-points.md); here any live one does.
  app.put('/api/invoices/:id/invalidate', async (request, reply) => {
    const inv = find((request.params as { id: string }).id);
    if (!inv) return sendErrors(reply, 404, [notFound]);
    if (['INVALIDATED', 'DELETED'].includes(inv.status)) return sendErrors(reply, 403, [wrongStatus('invalidation', inv.status)]);
    inv.status = 'INVALIDATED';
    inv.version = timestamp();
    return { message: 'Invoice invalidated.' };
  });

  app.put('/api/invoices/:id/send', async (request, reply) => {
    const inv = find((request.params as { id: string }).id);
    if (!inv) return sendErrors(reply, 404, [notFound]);
    if (inv.type !== 'SALES_INVOICE' || !['NOT_SENT', 'SENT'].includes(inv.status)) return sendErrors(reply, 403, [wrongStatus('sending', inv.status)]);
    inv.status = 'SENT';
    inv.sendCount = ((inv.sendCount as number | undefined) ?? 0) + 1;
    inv.version = timestamp();
    return { message: `Invoice sent via ${inv.invoiceChannel}.` };
  });

  app.put('/api/invoices/:id/paymentevents/markpaid', async (request, reply) => {
    const body = readJson(request, reply);
    if (!body) return reply;
    const inv = find((request.params as { id: string }).id);
    if (!inv) return sendErrors(reply, 404, [notFound]);
    if (!['NOT_SENT', 'SENT', 'PARTLY_PAID'].includes(inv.status)) return sendErrors(reply, 403, [wrongStatus('marking paid', inv.status)]);
    const v = new Violations();
    if (!isDate(body.paymentDate)) v.blank('paymentDate');
    if (!num(body.amount)) v.blank('amount');
    else if (body.amount <= 0) v.invalid('amount', body.amount);
    if (isBlank(body.currency)) v.blank('currency');
    else if (body.currency !== inv.paymentInfo.currency) v.invalid('currency', body.currency);
    if (typeof body.description === 'string' && body.description.length > 140) v.tooLong('description', 140);
    const paid = ctx.store.list<PaymentRecord>('payments').filter((p) => p.invoiceId === inv.id).reduce((s, p) => s.plus(p.amount), new Decimal(0));
    const total = new Decimal(inv.invoiceSumInfo[0].invoiceSumTotal as number);
    // The payments of an invoice must balance with it: no more than what is still open.
    if (v.empty && paid.plus(body.amount as number).greaterThan(total)) {
      v.add('amount', `Payment exceeds the open amount of the invoice (${total.minus(paid).toFixed(2)}).`);
    }
    if (!v.empty) return sendErrors(reply, 400, v.list);
    const event: PaymentRecord = {
      id: ctx.store.nextId('paymentEvent', 300001),
      invoiceId: inv.id,
      type: 'ELSEWHERE', // Open point (docs/wire/open-points.md): the event type a mark-paid creates
      paymentDate: body.paymentDate,
      status: 'PAID',
      amount: body.amount as number,
      currency: String(body.currency),
      description: body.description ?? null,
      paymentMethodType: body.paymentMethodType ?? null,
    };
    ctx.store.insert('payments', event);
    const open = total.minus(paid).minus(event.amount);
    inv.status = open.isZero() ? 'MARKED_PAID' : 'PARTLY_PAID'; // Open point (docs/wire/open-points.md): resulting statuses
    if (open.isZero()) inv.paymentDate = event.paymentDate;
    inv.version = timestamp();
    return event;
  });

  app.get('/api/invoices/:id/paymentevents', async (request, reply) => {
    const inv = find((request.params as { id: string }).id);
    if (!inv) return sendErrors(reply, 404, [notFound]);
    const events = ctx.store.list<PaymentRecord>('payments').filter((p) => p.invoiceId === inv.id);
    return paged(request, reply, events) ?? reply;
  });
}
