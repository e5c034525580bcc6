import Decimal from 'decimal.js';
import { z } from 'zod';
import { toDecimalString } from '../../domain/money';
import { ConnectorError } from '../kit/errors';
import type { RackbeatApi } from './client';
import { SYSTEM } from './errors';
import { orNull } from './lookups';
import type { Amount } from './products';
import { ReadRegister } from './register';
import { Customer, CustomerInvoice, PaymentTerm } from './schemas';
import type { OrderLineInput } from './orders';

/**
 * Customer invoices and credit notes (wire facts: docs/wire/rackbeat.md, "Customer invoices").
 *
 * A credit note is a customer invoice with its own number that names the invoice it credits; it is created from a
 * booked invoice with `POST customer-invoices/{n}/create-creditnote` and is then a draft until it is booked, like
 * any other invoice. Booking fires the `customer_invoice.booked` webhook.
 *
 * `view(number)` is what the invoice transfer reads: one shape for invoices and credit notes, every amount a decimal
 * string, and a credit note's quantities and totals positive whatever sign Rackbeat stores them with.
 */

export interface RackbeatInvoiceLine {
  /** Rackbeat product number (absent for a text/freight line without product). */
  productNumber?: string;
  name: string;
  /** Decimal string, positive (a credit note's credited quantity is positive too). */
  quantity: string;
  /** Net unit price excl. VAT, as booked. */
  unitPrice: string;
  /** "0" when none. */
  discountPercent: string;
  /** e.g. "25.5", "24", "25", "0". */
  vatPercent: string;
  /** Net line total after discount, positive. */
  lineTotal: string;
}

export interface RackbeatInvoiceView {
  number: number;
  kind: 'invoice' | 'credit-note';
  /** Credit note: number of the Rackbeat invoice it credits. */
  credits?: number;
  booked: boolean;
  /** ISO instant. */
  bookedAt?: string;
  customerNumber: number;
  customerName: string;
  /** The Rackbeat order it was converted from, if any. */
  orderNumber?: number;
  /** YYYY-MM-DD */
  invoiceDate: string;
  /** YYYY-MM-DD */
  dueDate: string;
  paymentTermsDays?: number;
  /** ISO 4217 */
  currency: string;
  heading?: string;
  yourReference?: string;
  lines: RackbeatInvoiceLine[];
  /** Positive for a credit note too. */
  totals: { net: string; vat: string; gross: string };
}

export interface BookedInvoiceRef {
  number: number;
  kind: 'invoice' | 'credit-note';
  bookedAt: string;
}

/** A customer invoice's line is written as an order's is: the product number, quantity, and optionally name, unit price excl. VAT, discount and VAT. */
export type CustomerInvoiceLineInput = OrderLineInput;

/** Body of `POST customer-invoices` / `POST customer-invoices/drafts` [R-SWAG CustomerInvoiceForm, plus the order keys]. */
export interface CustomerInvoiceInput {
  /** The customer's number. */
  customer_id: number;
  heading?: string;
  currency?: string;
  invoice_date?: string;
  due_date?: string;
  payment_terms_id?: number;
  your_reference?: string;
  lines: CustomerInvoiceLineInput[];
}

const num = (v: Amount | undefined) => (v === undefined ? undefined : Number(v));
const lineBody = (l: CustomerInvoiceLineInput) => ({
  ...l,
  quantity: num(l.quantity),
  line_price: num(l.line_price),
  discount_percentage: num(l.discount_percentage),
  vat_percentage: num(l.vat_percentage),
});

/** What a list row must carry for the reconciliation poll; everything else may be left out (`fields=`). */
const ListedInvoice = z.object({
  number: z.number().int(),
  is_booked: z.boolean().optional(),
  booked_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  is_credit_note: z.boolean().nullable().optional(),
  credited_invoice_id: z.number().int().nullable().optional(),
});
type ListedInvoice = z.infer<typeof ListedInvoice>;

const LIST_FIELDS = 'number,is_booked,booked_at,updated_at,type,is_credit_note,credited_invoice_id';

const isCreditNote = (i: { type?: string | null; is_credit_note?: boolean | null; credited_invoice_id?: number | null }) =>
  i.is_credit_note === true || /credit/i.test(i.type ?? '') || (i.credited_invoice_id ?? null) !== null;

const bad = (number: number, message: string, field?: string) =>
  new ConnectorError(SYSTEM, 'validation', `Rackbeat customer invoice ${number} ${message}`, {
    resource: `customer invoice ${number}`,
    field,
    code: 'UNEXPECTED_RESPONSE',
  });

/** A Rackbeat datetime (`Y-m-d\TH:i:sP`) as an ISO instant, or undefined when absent. */
function instant(number: number, field: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw bad(number, `has ${field} "${value}", which is not a date and time`, field);
  return new Date(t).toISOString();
}

function day(number: number, field: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) throw bad(number, `has ${field} "${value}", which is not a date (YYYY-MM-DD)`, field);
  return m[1];
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const abs = (v: string) => toDecimalString(new Decimal(v).abs());
const text = (v: string | null | undefined) => (v === null || v === undefined || v.trim() === '' ? undefined : v);

/**
 * Maps Rackbeat's customer invoice to the transfer's view. `extra` carries what needs another read: the customer's
 * name when the invoice does not embed it, and the payment term's days.
 */
export function toInvoiceView(
  invoice: CustomerInvoice,
  extra: { customerName?: string | null; paymentTermsDays?: number } = {},
): RackbeatInvoiceView {
  const n = invoice.number;
  const kind = isCreditNote(invoice) ? 'credit-note' : 'invoice';
  const customerNumber = invoice.customer_id ?? invoice.customer?.number;
  if (customerNumber === undefined || customerNumber === null) throw bad(n, 'names no customer (customer_id)', 'customer_id');
  const currency = invoice.currency ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) throw bad(n, `has currency "${currency}", not a three-letter ISO 4217 code`, 'currency');

  const lines: RackbeatInvoiceLine[] = invoice.lines.map((l, i) => {
    if (l.vat_percentage === null || l.vat_percentage === undefined) throw bad(n, `line ${i + 1} has no VAT percentage`, `lines.${i}.vat_percentage`);
    const productNumber = text(l.child_id) ?? text(l.item?.number);
    const discount = l.discount_percentage ?? '0';
    const lineTotal =
      l.line_total ??
      toDecimalString(
        new Decimal(l.quantity).times(l.line_price).times(new Decimal(100).minus(discount).div(100)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
      );
    const line: RackbeatInvoiceLine = {
      name: l.name ?? productNumber ?? '',
      quantity: l.quantity,
      unitPrice: l.line_price,
      discountPercent: discount,
      vatPercent: l.vat_percentage,
      lineTotal,
    };
    if (productNumber !== undefined) line.productNumber = productNumber;
    // A credit note credits positive quantities at positive prices; Rackbeat may store either sign (open point).
    if (kind === 'credit-note') Object.assign(line, { quantity: abs(line.quantity), unitPrice: abs(line.unitPrice), lineTotal: abs(line.lineTotal) });
    return line;
  });

  const lineNet = lines.reduce((a, l) => a.plus(l.lineTotal), new Decimal(0));
  const net = invoice.total_subtotal ?? toDecimalString(lineNet);
  const gross = invoice.total_total;
  const vat = invoice.total_vat ?? (gross !== null && gross !== undefined ? toDecimalString(new Decimal(gross).minus(net)) : undefined);
  if (vat === undefined || gross === null || gross === undefined) throw bad(n, 'has no totals (total_subtotal, total_total)', 'total_total');
  const totals = kind === 'credit-note' ? { net: abs(net), vat: abs(vat), gross: abs(gross) } : { net, vat, gross };

  const bookedAt = instant(n, 'booked_at', invoice.booked_at);
  const invoiceDate = day(n, 'invoice_date', invoice.invoice_date) ?? bookedAt?.slice(0, 10) ?? day(n, 'created_at', invoice.created_at);
  if (!invoiceDate) throw bad(n, 'has no invoice date', 'invoice_date');
  const dueDate =
    day(n, 'due_date', invoice.due_date) ?? (extra.paymentTermsDays !== undefined ? addDays(invoiceDate, extra.paymentTermsDays) : undefined);
  if (!dueDate) throw bad(n, 'has no due date and no payment terms', 'due_date');

  const view: RackbeatInvoiceView = {
    number: n,
    kind,
    booked: invoice.is_booked,
    customerNumber,
    customerName: invoice.customer?.company_name ?? invoice.customer?.name ?? extra.customerName ?? '',
    invoiceDate,
    dueDate,
    currency,
    lines,
    totals,
  };
  if (kind === 'credit-note' && invoice.credited_invoice_id !== null && invoice.credited_invoice_id !== undefined) view.credits = invoice.credited_invoice_id;
  if (bookedAt) view.bookedAt = bookedAt;
  if (invoice.order_id !== null && invoice.order_id !== undefined) view.orderNumber = invoice.order_id;
  if (extra.paymentTermsDays !== undefined) view.paymentTermsDays = extra.paymentTermsDays;
  const heading = text(invoice.heading);
  if (heading) view.heading = heading;
  const yourReference = text(invoice.your_reference);
  if (yourReference) view.yourReference = yourReference;
  return view;
}

/** Customer invoices and credit notes: read, create drafts, book, credit; the transfer's view and poll. */
export class CustomerInvoices extends ReadRegister<typeof CustomerInvoice, number> {
  constructor(api: RackbeatApi) {
    super(api, {
      path: 'customer-invoices',
      singular: 'customer_invoice',
      plural: 'customer_invoices',
      schema: CustomerInvoice,
      noun: 'customer invoice',
    });
  }

  /** `POST customer-invoices/drafts`: an unbooked invoice (no webhook until it is booked). */
  createDraft(input: CustomerInvoiceInput) {
    return this.api.one('POST', 'customer-invoices/drafts', 'customer_invoice', CustomerInvoice, {
      resource: 'draft customer invoice',
      body: { ...input, lines: input.lines.map(lineBody) },
    });
  }

  /** `POST customer-invoices`: the invoice is created booked. */
  create(input: CustomerInvoiceInput) {
    return this.api.one('POST', 'customer-invoices', 'customer_invoice', CustomerInvoice, {
      resource: this.noun(),
      body: { ...input, lines: input.lines.map(lineBody) },
    });
  }

  /** Changes a draft's header or lines; Rackbeat refuses it once the invoice is booked (422 on is_booked). */
  update(number: number, input: Partial<CustomerInvoiceInput>) {
    return this.api.one('PUT', this.keyPath(number), 'customer_invoice', CustomerInvoice, {
      resource: this.noun(number),
      body: { ...input, lines: input.lines?.map(lineBody) },
    });
  }

  /** Deletes a draft; a booked invoice is credited instead (createCreditNote). */
  async delete(number: number): Promise<void> {
    await this.api.call('DELETE', this.keyPath(number), { resource: this.noun(number) });
  }

  book(number: number, options: { sendMail?: boolean } = {}) {
    return this.api.one('POST', `customer-invoices/${number}/book`, 'customer_invoice', CustomerInvoice, {
      resource: this.noun(number),
      body: { mail: { send: options.sendMail ?? false } },
    });
  }

  /**
   * `POST customer-invoices/{n}/create-creditnote`: a credit note for the whole booked invoice, as a new draft
   * customer invoice referencing it. `book: true` books it right away (a second call), which fires the webhook.
   */
  async createCreditNote(number: number, options: { book?: boolean } = {}): Promise<{ number: number }> {
    const note = await this.api.one('POST', `customer-invoices/${number}/create-creditnote`, 'customer_invoice', CustomerInvoice, {
      resource: `credit note for ${this.noun(number)}`,
    });
    if (options.book) await this.book(note.number);
    return { number: note.number };
  }

  /** The invoice or credit note as the transfer reads it; null when Rackbeat has no such number. */
  async view(number: number): Promise<RackbeatInvoiceView | null> {
    const invoice = await this.find(number);
    if (!invoice) return null;
    let paymentTermsDays: number | undefined;
    if (invoice.payment_terms_id !== null && invoice.payment_terms_id !== undefined) {
      const term = await orNull(
        this.api.one('GET', `payment-terms/${invoice.payment_terms_id}`, 'payment_term', PaymentTerm, { resource: `payment terms ${invoice.payment_terms_id}` }),
      );
      paymentTermsDays = term?.maturity_days;
    }
    let customerName: string | null = null;
    const customerNumber = invoice.customer_id ?? invoice.customer?.number;
    if (!invoice.customer?.company_name && !invoice.customer?.name && customerNumber !== null && customerNumber !== undefined) {
      const c = await orNull(this.api.one('GET', `customers/${customerNumber}`, 'customer', Customer, { resource: `customer ${customerNumber}` }));
      customerName = c?.company_name ?? null;
    }
    return toInvoiceView(invoice, { customerName, paymentTermsDays });
  }

  /**
   * Booked invoices and credit notes booked at or after `since` (an ISO instant, taken down to its whole second),
   * all pages, oldest first.
   * Rackbeat documents no booked-at range filter: the poll lists `is_booked=true` newest first
   * (`order_by=booked_at&order_direction=desc`) and stops at the first older one. If a reply turns out not to be
   * in that order, it reads every page and filters here instead.
   */
  async listBookedSince(since: string, pageSize = 200): Promise<BookedInvoiceRef[]> {
    const parsed = Date.parse(since);
    // Rackbeat's datetimes have whole seconds: an invoice booked at 12:00:00.300 reads 12:00:00, so `since` rounds down.
    const from = Math.floor(parsed / 1000) * 1000;
    if (Number.isNaN(parsed)) {
      throw new ConnectorError(SYSTEM, 'validation', `listBookedSince needs an ISO date and time, got "${since}"`, { resource: 'customer invoice list', field: 'since' });
    }
    const query = { is_booked: true, order_by: 'booked_at', order_direction: 'desc', fields: LIST_FIELDS };
    const found = new Map<number, BookedInvoiceRef>();
    let ordered = true;
    let previous = Number.POSITIVE_INFINITY;
    for (let page = 1; ; page++) {
      const p = await this.api.page(this.spec.path, this.spec.plural, ListedInvoice, {
        resource: 'customer invoice list',
        query: { ...query, page, limit: pageSize },
      });
      let older = false;
      for (const row of p.items as ListedInvoice[]) {
        if (row.is_booked === false) continue;
        const bookedAt = instant(row.number, 'booked_at', row.booked_at ?? row.updated_at);
        if (!bookedAt) throw bad(row.number, 'is booked but has no booked_at', 'booked_at');
        const t = Date.parse(bookedAt);
        if (t > previous) ordered = false;
        previous = t;
        if (t >= from) found.set(row.number, { number: row.number, kind: isCreditNote(row) ? 'credit-note' : 'invoice', bookedAt });
        else older = true;
      }
      if ((ordered && older) || page >= p.pages || p.items.length === 0) break;
    }
    return [...found.values()].sort((a, b) => (a.bookedAt === b.bookedAt ? a.number - b.number : a.bookedAt < b.bookedAt ? -1 : 1));
  }
}
