import Decimal from 'decimal.js';
import type { InvoiceOrder, InvoiceOrderInput, InvoiceRowInput, TwentyFourSevenClient } from '../../connectors/twentyfourseven';
import { needsOperator } from '../failures';
import type { PairedParties } from './pairing';
import { describeInvoice, invoiceStamp, type InvoiceLine, type InvoiceView } from './view';

/**
 * Rackbeat invoice → 24SevenOffice (InvoiceService SaveInvoices). An invoice is an InvoiceOrder saved with
 * OrderStatus `Invoiced` for the paired customer and products; a credit note is the same with negative quantities
 * and ReferenceInvoiceId = the credited invoice's 24SO InvoiceId (docs/wire/twentyfourseven.md#credit-notes).
 * Our stamp `rackbeat:<number>` goes in ReferenceNumber (the field the connector chose for it). 24SO does not refuse
 * a second document, so every attempt that may follow an earlier one looks for the stamp first.
 *
 * An invoice of a Rackbeat order that came from 24SO (the lifecycle) writes no new document: that 24SO order's rows
 * are brought to what Rackbeat invoiced and it is set to `Invoiced`, which makes it the invoice.
 */
export interface SoInvoiceWritten {
  orderId: number;
  invoiceId: number;
  /** True when an earlier attempt had written it (a lost reply): nothing was written now. */
  found: boolean;
}

const signed = (invoice: InvoiceView, quantity: string) => (invoice.kind === 'credit-note' ? new Decimal(quantity).negated().toFixed() : new Decimal(quantity).toFixed());

function rowOf(invoice: InvoiceView, parties: PairedParties, l: InvoiceLine): InvoiceRowInput {
  const productId = l.productNumber ? Number(parties.products[l.productNumber]) : undefined;
  return {
    ...(productId !== undefined ? { productId } : {}),
    name: l.name,
    quantity: signed(invoice, l.quantity),
    price: l.unitPrice,
    vatRate: l.vatPercent,
    ...(!new Decimal(l.discountPercent).isZero() ? { discountRate: l.discountPercent } : {}),
  };
}

const ANY_DAY_BEFORE_MS = 2 * 86_400_000;

/** The customer's InvoiceOrders stamped with this invoice's stamp. */
async function stampedDocuments(so: TwentyFourSevenClient, invoice: InvoiceView, customerId: number): Promise<InvoiceOrder[]> {
  const stamp = invoiceStamp(invoice.number);
  const since = new Date(Math.min(Date.parse(`${invoice.invoiceDate}T00:00:00Z`), Date.now()) - ANY_DAY_BEFORE_MS);
  return (await so.getInvoices({ customerIds: [customerId], changedAfter: since }, { order: ['orderId', 'orderStatus', 'invoiceId', 'referenceNumber'], rows: ['rowId'] })).filter(
    (o) => o.referenceNumber === stamp,
  );
}

/** Our earlier write: an Invoiced InvoiceOrder of this customer stamped with this invoice's stamp. */
export async function findOurSoInvoice(so: TwentyFourSevenClient, invoice: InvoiceView, customerId: number): Promise<SoInvoiceWritten | null> {
  const stamp = invoiceStamp(invoice.number);
  const hits = await stampedDocuments(so, invoice, customerId);
  if (hits.length > 1) {
    throw needsOperator(
      `24SevenOffice has ${hits.length} documents stamped "${stamp}" (orders ${hits.map((o) => o.orderId).join(', ')}); credit the extra ones by hand and change their ReferenceNumber (UpdateInvoices may still change it on an invoice), then retry; or skip`,
      'Siirto.conflict',
    );
  }
  const hit = hits[0];
  if (!hit) return null;
  if (hit.orderStatus !== 'Invoiced' || hit.invoiceId === undefined) {
    // Saved but not invoiced (a half-finished earlier attempt): invoice it now.
    const done = await so.setOrderStatus(hit.orderId!, 'Invoiced');
    return { orderId: hit.orderId!, invoiceId: done.invoiceId!, found: true };
  }
  return { orderId: hit.orderId!, invoiceId: hit.invoiceId, found: true };
}

/** A credit note's link to the invoice it credits: that invoice's 24SO InvoiceId (and its OrderId). */
export interface SoCredited {
  invoiceId: number;
  orderId?: number;
}

/**
 * The InvoiceOrder carries no currency (the connector writes none), so 24SO books its rows in the customer's
 * currency (CurrencyId), or the company's own for a LOCAL customer: an invoice in another currency would be booked
 * with its amounts read as that currency's. It parks instead, naming both.
 */
export function currencyProblem(invoice: InvoiceView, parties: PairedParties, bookCurrency: string): Error | null {
  const books = parties.currency ?? bookCurrency;
  if (invoice.currency === books) return null;
  return needsOperator(
    `${describeInvoice(invoice)} is in ${invoice.currency}, but 24SevenOffice books customer ${parties.customer}'s invoices in ${books}` +
      `${parties.currency ? ' (the customer\'s currency in 24SevenOffice)' : ' (the company\'s currency: invoices.currency, or the rackbeat-24so pair\'s currency)'}; ` +
      `Siirto does not convert amounts: set the customer's currency to ${invoice.currency} in 24SevenOffice (or correct invoices.currency), then retry; or skip and enter it by hand`,
    'Siirto.validation',
  );
}

export function toSoInvoice(invoice: InvoiceView, parties: PairedParties, credited?: SoCredited, bookCurrency?: string): InvoiceOrderInput {
  if (invoice.kind === 'credit-note' && credited === undefined) {
    throw needsOperator(`${describeInvoice(invoice)}: the 24SevenOffice invoice it credits is not known; a credit note is never sent detached from its invoice`, 'Siirto.business');
  }
  const currency = bookCurrency === undefined ? null : currencyProblem(invoice, parties, bookCurrency);
  if (currency) throw currency;
  return {
    customerId: Number(parties.customer),
    orderStatus: 'Invoiced',
    dateOrdered: invoice.invoiceDate,
    ...(invoice.paymentTermsDays !== undefined ? { paymentTime: invoice.paymentTermsDays } : {}),
    includeVat: false,
    ...(invoice.yourReference ? { yourReference: invoice.yourReference } : {}),
    ...(invoice.heading ? { invoiceTitle: invoice.heading } : {}),
    referenceNumber: invoiceStamp(invoice.number),
    ...(invoice.kind === 'credit-note' && credited ? { referenceInvoiceId: credited.invoiceId, ...(credited.orderId !== undefined ? { referenceOrderId: credited.orderId } : {}) } : {}),
    invoiceRows: invoice.lines.map((l) => rowOf(invoice, parties, l)),
  };
}

export async function writeSoInvoice(
  so: TwentyFourSevenClient,
  invoice: InvoiceView,
  parties: PairedParties,
  lookFirst: boolean,
  credited?: SoCredited,
  bookCurrency?: string,
): Promise<SoInvoiceWritten> {
  const customerId = Number(parties.customer);
  const body = toSoInvoice(invoice, parties, credited, bookCurrency);
  if (lookFirst) {
    const earlier = await findOurSoInvoice(so, invoice, customerId);
    if (earlier) return earlier;
  }
  const saved = await so.saveInvoiceOrder(body);
  if (saved.orderId === undefined) throw new Error(`24SevenOffice saved ${describeInvoice(invoice)} but returned no OrderId`);
  const invoiceId = saved.invoiceId ?? (await so.getInvoiceOrder(saved.orderId, { order: ['invoiceId'] }))?.invoiceId;
  if (invoiceId === undefined) throw new Error(`24SevenOffice saved ${describeInvoice(invoice)} as order ${saved.orderId} but gave it no InvoiceId`);
  // 24SO does not refuse a second document: an attempt that outlived its timeout on another worker (without the
  // cluster-wide lock) may have written too. Such a twin cannot be deleted once invoiced; it is named at once instead
  // of staying unnoticed.
  const twins = (await stampedDocuments(so, invoice, customerId)).filter((o) => o.orderId !== saved.orderId);
  if (twins.length) {
    throw needsOperator(
      `24SevenOffice has ${twins.length + 1} documents stamped "${invoiceStamp(invoice.number)}" (orders ${[saved.orderId, ...twins.map((o) => o.orderId)].join(', ')}): ` +
        'two attempts wrote at once (more than one worker without the cluster-wide limits, SIIRTO_POSTGRES_URL?); credit the extra ones by hand and change their ReferenceNumber (UpdateInvoices may still change it on an invoice), then retry; or skip',
      'Siirto.conflict',
    );
  }
  return { orderId: saved.orderId, invoiceId, found: false };
}

/**
 * The 24SO order the lifecycle brought into Rackbeat becomes the invoice: its rows are made what Rackbeat invoiced
 * (quantities, prices, discounts; rows Rackbeat did not invoice removed, lines it added added) and its status
 * `Invoiced`, in one SaveInvoices call. An order already Invoiced with our stamp is an earlier attempt's work and is
 * reused; one invoiced otherwise (by hand, or by another Rackbeat invoice of the order) parks for the operator.
 */
export async function invoiceSoOrder(so: TwentyFourSevenClient, orderId: number, invoice: InvoiceView, parties: PairedParties, bookCurrency?: string): Promise<SoInvoiceWritten> {
  const currency = bookCurrency === undefined ? null : currencyProblem(invoice, parties, bookCurrency);
  if (currency) throw currency;
  const order = await so.getInvoiceOrder(orderId);
  if (!order) throw needsOperator(`${describeInvoice(invoice)} is for 24SO order ${orderId} (through the order lifecycle), which 24SevenOffice no longer has; skip, or invoice it by hand`, 'Siirto.not-found');
  if (order.orderStatus === 'Invoiced') {
    if (order.referenceNumber === invoiceStamp(invoice.number) && order.invoiceId !== undefined) return { orderId, invoiceId: order.invoiceId, found: true };
    // Invoiced, but not by this Rackbeat invoice: by a person in 24SO, or by another Rackbeat invoice of the same
    // order. Writing anything now could bill the customer twice: the operator decides.
    throw needsOperator(
      `${describeInvoice(invoice)} is for 24SO order ${orderId} (through the order lifecycle), which is already invoiced` +
        `${order.invoiceId !== undefined ? ` as invoice ${order.invoiceId}` : ''}${order.referenceNumber ? ` (reference "${order.referenceNumber}")` : ' by hand'}, not by this invoice: ` +
        'check both in 24SevenOffice; skip this transfer if the customer is billed already, or invoice the difference by hand',
      'Siirto.conflict',
    );
  }
  const rows = planOrderRows(order, invoice, parties);
  await so.saveInvoiceOrder({ orderId, orderStatus: 'Invoiced', referenceNumber: invoiceStamp(invoice.number), invoiceRows: rows });
  const after = await so.getInvoiceOrder(orderId, { order: ['orderStatus', 'invoiceId'] });
  if (after?.orderStatus !== 'Invoiced' || after.invoiceId === undefined) {
    throw new Error(`24SevenOffice order ${orderId} was saved as Invoiced but reads back as ${after?.orderStatus ?? 'missing'} without an InvoiceId`);
  }
  return { orderId, invoiceId: after.invoiceId, found: false };
}

const same = (a: string | undefined, b: string | undefined) => new Decimal(a ?? 0).equals(new Decimal(b ?? 0));

/** The row changes that make the 24SO order's rows what Rackbeat invoiced: quantity, price, discount and VAT (each line takes the first free row of its product). */
export function planOrderRows(order: InvoiceOrder, invoice: InvoiceView, parties: PairedParties): InvoiceRowInput[] {
  const free = [...(order.invoiceRows ?? [])].filter((r) => r.rowId !== undefined);
  const changes: InvoiceRowInput[] = [];
  for (const line of invoice.lines) {
    const want = rowOf(invoice, parties, line);
    const i = free.findIndex((r) => (want.productId !== undefined ? r.productId === want.productId : r.productId === undefined && r.name === want.name));
    if (i < 0) {
      changes.push({ ...want, changeState: 'Add' });
      continue;
    }
    const row = free.splice(i, 1)[0];
    const edit: InvoiceRowInput = { rowId: row.rowId, changeState: 'Edit' };
    if (!same(row.quantity, want.quantity)) edit.quantity = want.quantity;
    if (!same(row.price, want.price)) edit.price = want.price;
    if (!same(row.discountRate, want.discountRate)) edit.discountRate = want.discountRate ?? '0';
    // The VAT Rackbeat booked (a customer's VAT zone, a product's rate) wins over the order's: 24SO computes the invoice from its rows.
    if (row.vatRate === undefined || !same(row.vatRate, want.vatRate)) edit.vatRate = want.vatRate;
    if (edit.quantity !== undefined || edit.price !== undefined || edit.discountRate !== undefined || edit.vatRate !== undefined) changes.push(edit);
  }
  for (const row of free) changes.push({ rowId: row.rowId, changeState: 'Delete' });
  return changes;
}
