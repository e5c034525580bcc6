import type { z } from 'zod';
import Decimal from 'decimal.js';
import type { SalesDocument } from '../../domain/model';
import { ConnectorError } from '../kit/errors';
import type { NetvisorConnection } from './connection';
import { SALES_INVOICE_ORDER } from './element-order';
import { SYSTEM } from './errors';
import { getSalesInvoiceReply, insertedReply, salesInvoiceDetail, salesInvoiceListReply } from './schemas';
import { fromNetvisorDecimal, toNetvisorDecimal, toXmlDocument, withAttrs, type XmlObject } from './xml';

/**
 * Sales invoices and sales orders share salesinvoice.nv; `invoicetype` plus `salesinvoicestatus` choose the kind
 * (invoice: open|unsent, order: undelivered|delivered). Lists use salesinvoicelist.nv, orders with listtype=preinvoice;
 * details come from getsalesinvoice.nv or getorder.nv.
 */
export type SalesKind = 'invoice' | 'order';
export type SalesStatus = 'open' | 'unsent' | 'undelivered' | 'delivered';

export interface NetvisorAddress {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export type NetvisorSalesLineInput =
  | {
      type: 'product';
      /** Product code in Netvisor (productidentifier type="customer"). */
      productCode: string;
      name: string;
      unitPrice: string;
      priceType: 'net' | 'gross';
      vatPercent: string;
      vatCode: string;
      quantity: string;
      discountPercent?: string;
      freeText?: string;
    }
  | { type: 'comment'; text: string };

export interface NetvisorSalesDocumentInput {
  kind: SalesKind;
  /** Leave out to let Netvisor take the next free number. */
  number?: string;
  date: string;
  dueDate?: string;
  paymentTermNetDays?: number;
  status: SalesStatus;
  currency: string;
  /** Gross total; leave out and Netvisor computes it from the lines. */
  amount?: string;
  customerCode: string;
  billing: NetvisorAddress;
  delivery?: NetvisorAddress;
  /** We stamp the source document number here, so that a lost reply can be found again. */
  ourReference?: string;
  yourReference?: string;
  freeTextBeforeLines?: string;
  freeTextAfterLines?: string;
  /** Netvisor targets payments to an unsent invoice only when it expects partial payments (docs/wire/netvisor.md#sales-payments). */
  expectPartialPayments?: boolean;
  /**
   * A credit note (hyvityslasku): Netvisor takes it as the same salesinvoice.nv message with negative quantities and a
   * negative total, unit prices positive (docs/wire/netvisor.md#credit-notes). With this flag the caller gives the
   * credited quantities and the total POSITIVE, as Rackbeat books them, and the body writes them negative; a negative
   * quantity, total or unit price with the flag is refused before anything is sent. Only for kind `invoice`.
   * Netvisor does not link it to the credited invoice by itself: matchCreditNote (credit-notes.ts) does that.
   */
  creditNote?: boolean;
  lines: NetvisorSalesLineInput[];
}

const STATUSES: Record<SalesKind, readonly SalesStatus[]> = { invoice: ['open', 'unsent'], order: ['undelivered', 'delivered'] };

/** Domestic sales VAT code; 0 % rows carry NONE. Netvisor fails a row without a vat code (docs/wire/netvisor.md#error-categories). */
export const vatCodeFor = (vatRate: string): string => (new Decimal(vatRate).isZero() ? 'NONE' : 'KOMY');

/**
 * Canonical SalesDocument → Netvisor input. Pure. Shipping, fee and discount rows become product rows under their
 * own product code (they must exist in Netvisor as products). The payment method and the document comment become
 * comment rows. The invoice channel is not mapped: salesinvoice.nv's `printchannelformat` values are not documented
 * in anything we have (open point: docs/wire/open-points.md), so the customer card's default channel applies.
 */
export function toNetvisorSalesDocument(
  doc: SalesDocument,
  opts: { customerCode: string; status: SalesStatus; paymentTermNetDays?: number },
): NetvisorSalesDocumentInput {
  if (!STATUSES[doc.kind].includes(opts.status)) {
    throw new ConnectorError(SYSTEM, 'validation', `A Netvisor ${doc.kind} cannot have status "${opts.status}"; use ${STATUSES[doc.kind].join(' or ')}.`, {
      resource: 'salesinvoice.nv',
      field: 'salesinvoicestatus',
    });
  }
  const lines: NetvisorSalesLineInput[] = doc.lines.map((l) => ({
    type: 'product',
    productCode: l.productCode,
    name: l.name,
    unitPrice: l.unitPrice,
    priceType: l.priceIncludesVat ? 'gross' : 'net',
    vatPercent: l.vatRate,
    vatCode: vatCodeFor(l.vatRate),
    quantity: l.quantity,
    ...(l.discountPercent !== undefined ? { discountPercent: l.discountPercent } : {}),
    ...(l.comment ? { freeText: l.comment } : {}),
  }));
  if (doc.paymentMethod) lines.push({ type: 'comment', text: `Maksutapa: ${doc.paymentMethod}` });
  if (doc.comment) lines.push({ type: 'comment', text: doc.comment });
  const c = doc.customer;
  return {
    kind: doc.kind,
    ...(doc.number ? { number: doc.number } : {}),
    date: doc.date,
    ...(doc.dueDate ? { dueDate: doc.dueDate } : { paymentTermNetDays: opts.paymentTermNetDays ?? 14 }),
    status: opts.status,
    currency: doc.currency,
    amount: doc.totals.gross,
    customerCode: opts.customerCode,
    billing: { name: c.name, street: c.address.street, postalCode: c.address.postalCode, city: c.address.city, country: c.address.country },
    ...(doc.delivery
      ? {
          delivery: {
            name: doc.delivery.name,
            street: doc.delivery.address.street,
            postalCode: doc.delivery.address.postalCode,
            city: doc.delivery.address.city,
            country: doc.delivery.address.country,
          },
        }
      : {}),
    ourReference: doc.source.number,
    // An unsent invoice whose shop payment will be booked must accept it, or Netvisor leaves the payment untargeted.
    ...(doc.kind === 'invoice' && opts.status === 'unsent' && doc.payments.length > 0 ? { expectPartialPayments: true } : {}),
    lines,
  };
}

const ansi = (date: string | undefined) => (date === undefined ? undefined : withAttrs(date, { format: 'ansi' }));
const orEmpty = (s: string | undefined) => (s ? s : undefined);

const negate = (v: string) => (new Decimal(v).isZero() ? v : new Decimal(v).negated().toFixed());

/** The credit-note flag's rules (see NetvisorSalesDocumentInput.creditNote); throws a validation error in the operator's words. */
export function checkCreditNote(d: NetvisorSalesDocumentInput): void {
  if (!d.creditNote) return;
  const refuse = (message: string, field: string) => {
    throw new ConnectorError(SYSTEM, 'validation', message, { resource: 'salesinvoice.nv', field });
  };
  const label = `Credit note${d.number ? ` ${d.number}` : ''}`;
  if (d.kind !== 'invoice') refuse(`${label}: a Netvisor credit note is an invoice, not a ${d.kind}.`, 'invoicetype');
  if (d.amount !== undefined && new Decimal(d.amount).isNegative()) refuse(`${label}: give the credited total as a positive amount (${d.amount}); it is written negative.`, 'salesinvoiceamount');
  for (const l of d.lines) {
    if (l.type !== 'product') continue;
    if (new Decimal(l.quantity).isNegative()) refuse(`${label}: give the credited quantity of ${l.productCode} as a positive number (${l.quantity}); it is written negative.`, 'salesinvoiceproductlinequantity');
    if (new Decimal(l.unitPrice).isNegative()) refuse(`${label}: the unit price of ${l.productCode} must be positive on a credit note (${l.unitPrice}).`, 'productunitprice');
  }
}

export function salesDocumentBody(d: NetvisorSalesDocumentInput): string {
  checkCreditNote(d);
  const signed = (v: string) => (d.creditNote ? negate(v) : v);
  const body: XmlObject = {
    salesinvoicenumber: d.number,
    salesinvoicedate: ansi(d.date),
    salesinvoiceduedate: ansi(d.dueDate),
    salesinvoiceamount: withAttrs(d.amount === undefined ? '' : toNetvisorDecimal(signed(d.amount)), { iso4217currencycode: d.currency }),
    invoicetype: d.kind,
    salesinvoicestatus: withAttrs(d.status, { type: 'netvisor' }),
    salesinvoicefreetextbeforelines: d.freeTextBeforeLines,
    salesinvoicefreetextafterlines: d.freeTextAfterLines,
    salesinvoiceourreference: d.ourReference,
    salesinvoiceyourreference: d.yourReference,
    invoicingcustomeridentifier: withAttrs(d.customerCode, { type: 'customer' }),
    invoicingcustomername: d.billing.name,
    invoicingcustomeraddressline: orEmpty(d.billing.street),
    invoicingcustomerpostnumber: orEmpty(d.billing.postalCode),
    invoicingcustomertown: orEmpty(d.billing.city),
    invoicingcustomercountrycode: withAttrs(d.billing.country, { type: 'ISO-3166' }),
    deliveryaddressname: d.delivery?.name,
    deliveryaddressline: orEmpty(d.delivery?.street),
    deliveryaddresspostnumber: orEmpty(d.delivery?.postalCode),
    deliveryaddresstown: orEmpty(d.delivery?.city),
    deliveryaddresscountrycode: d.delivery ? withAttrs(d.delivery.country, { type: 'ISO-3166' }) : undefined,
    paymenttermnetdays: d.dueDate === undefined ? String(d.paymentTermNetDays ?? 14) : undefined,
    expectpartialpayments: d.expectPartialPayments ? '1' : undefined,
    invoicelines: {
      invoiceline: d.lines.map((l) =>
        l.type === 'comment'
          ? { salesinvoicecommentline: { comment: l.text } }
          : {
              salesinvoiceproductline: {
                productidentifier: withAttrs(l.productCode, { type: 'customer' }),
                productname: l.name,
                productunitprice: withAttrs(toNetvisorDecimal(l.unitPrice), { type: l.priceType }),
                productvatpercentage: withAttrs(toNetvisorDecimal(l.vatPercent), { vatcode: l.vatCode }),
                salesinvoiceproductlinequantity: toNetvisorDecimal(signed(l.quantity)),
                salesinvoiceproductlinediscountpercentage: l.discountPercent === undefined ? undefined : toNetvisorDecimal(l.discountPercent),
                salesinvoiceproductlinefreetext: l.freeText,
              },
            },
      ),
    },
  };
  return toXmlDocument('salesinvoice', body, SALES_INVOICE_ORDER);
}

export async function addSalesDocument(conn: NetvisorConnection, doc: NetvisorSalesDocumentInput): Promise<string> {
  const root = await conn.post('salesinvoice.nv', [['method', 'add']], salesDocumentBody(doc));
  return conn.parse('salesinvoice.nv', insertedReply, root).replies.inserteddataidentifier;
}

/** salesinvoice.nv edit replaces the document: send everything, not only the changes. */
export async function editSalesDocument(conn: NetvisorConnection, netvisorKey: string, doc: NetvisorSalesDocumentInput): Promise<void> {
  await conn.post('salesinvoice.nv', [['method', 'edit'], ['id', netvisorKey]], salesDocumentBody(doc));
}

export interface NetvisorSalesDocumentSummary {
  netvisorKey: string;
  kind: SalesKind;
  number: string;
  date: string;
  dueDate?: string;
  /** Machine status, e.g. open, unsent, paid, undelivered, delivered. */
  status: string;
  substatus?: string;
  customerCode: string;
  customerName: string;
  referenceNumber?: string;
  sum: string;
  openSum?: string;
}

export interface ListSalesDocumentsOptions {
  kind: SalesKind;
  invoiceNumber?: string;
  status?: string;
  customerCode?: string;
  beginDate?: string;
  endDate?: string;
  lastModifiedStart?: string;
  lastModifiedEnd?: string;
  /** Keyset paging: only documents with a larger Netvisor key. */
  aboveNetvisorKey?: string;
}

export async function listSalesDocuments(conn: NetvisorConnection, o: ListSalesDocumentsOptions): Promise<NetvisorSalesDocumentSummary[]> {
  const root = await conn.get('salesinvoicelist.nv', [
    ['listtype', o.kind === 'order' ? 'preinvoice' : undefined],
    ['invoicesabovenetvisorkey', o.aboveNetvisorKey],
    ['begininvoicedate', o.beginDate],
    ['endinvoicedate', o.endDate],
    ['invoicenumber', o.invoiceNumber],
    ['invoicestatus', o.status],
    ['lastmodifiedstart', o.lastModifiedStart],
    ['lastmodifiedend', o.lastModifiedEnd],
    ['customercode', o.customerCode],
  ]);
  return conn.parse('salesinvoicelist.nv', salesInvoiceListReply, root).salesinvoicelist.salesinvoice.map((s) => ({
    netvisorKey: s.netvisorkey,
    kind: o.kind,
    number: s.invoicenumber,
    date: s.invoicedate.text,
    ...(s.invoiceduedate?.text ? { dueDate: s.invoiceduedate.text } : {}),
    status: s.invoicestatus.text.toLowerCase(),
    ...(s.invoicestatus.attrs.substatus ? { substatus: s.invoicestatus.attrs.substatus } : {}),
    customerCode: s.customercode,
    customerName: s.customername,
    ...(s.referencenumber ? { referenceNumber: s.referencenumber } : {}),
    sum: s.invoicesum ?? '0',
    ...(s.opensum !== undefined ? { openSum: s.opensum } : {}),
  }));
}

/** "Did my earlier write land?" — the document with this number, or null. */
export async function findSalesDocumentByNumber(conn: NetvisorConnection, kind: SalesKind, number: string): Promise<NetvisorSalesDocumentSummary | null> {
  const found = await listSalesDocuments(conn, { kind, invoiceNumber: number });
  return found.find((d) => d.number === number) ?? null;
}

export type NetvisorSalesLine =
  | {
      type: 'product';
      netvisorKey?: string;
      productCode: string;
      name: string;
      unitPrice: string;
      vatPercent: string;
      vatCode: string;
      quantity: string;
      discountPercent?: string;
      freeText?: string;
      vatSum?: string;
      sum?: string;
    }
  | { type: 'comment'; text: string };

export interface NetvisorSalesDocument {
  netvisorKey: string;
  kind: SalesKind;
  number: string;
  date: string;
  dueDate?: string;
  status: string;
  amount: string;
  currency: string;
  referenceNumber?: string;
  ourReference?: string;
  yourReference?: string;
  customerCode?: string;
  customerNetvisorKey?: string;
  billing: NetvisorAddress;
  delivery?: NetvisorAddress;
  lines: NetvisorSalesLine[];
}

/** getsalesinvoice.nv / getorder.nv; an unknown key is an empty element → null. */
export async function getSalesDocument(conn: NetvisorConnection, kind: SalesKind, netvisorKey: string): Promise<NetvisorSalesDocument | null> {
  const resource = kind === 'order' ? 'getorder.nv' : 'getsalesinvoice.nv';
  const root = await conn.get(resource, [['netvisorkey', netvisorKey], ['showcommentlines', 1]]);
  const reply = conn.parse(resource, getSalesInvoiceReply, root);
  const detail = reply.salesinvoice || reply.salesorder;
  return detail ? toSalesDocument(detail, kind, netvisorKey) : null;
}

// getsalesinvoice.nv writes country names ("Finland", "FINLAND"), with the ISO code in an attribute only for billing.
const COUNTRY_NAMES: Record<string, string> = { finland: 'FI', suomi: 'FI', sweden: 'SE', ruotsi: 'SE', norway: 'NO', norja: 'NO', denmark: 'DK', tanska: 'DK', estonia: 'EE', viro: 'EE', germany: 'DE', saksa: 'DE' };
const countryOf = (n: { text: string; attrs: Record<string, string> } | undefined): string =>
  n?.attrs['iso-3166'] ?? (n ? (/^[A-Z]{2}$/.test(n.text) ? n.text : COUNTRY_NAMES[n.text.toLowerCase()] ?? '') : '');

export function toSalesDocument(s: z.infer<typeof salesInvoiceDetail>, kind: SalesKind, requestedKey: string): NetvisorSalesDocument {
  const lines: NetvisorSalesLine[] = [];
  for (const group of s.invoicelines?.invoiceline ?? []) {
    for (const p of group.salesinvoiceproductline) {
      lines.push({
        type: 'product',
        ...(p.netvisorkey ? { netvisorKey: p.netvisorkey } : {}),
        productCode: p.productidentifier.text,
        name: p.productname,
        unitPrice: fromNetvisorDecimal(p.productunitprice.text) ?? '0',
        vatPercent: fromNetvisorDecimal(p.productvatpercentage.text) ?? '0',
        vatCode: p.productvatpercentage.attrs.vatcode ?? '',
        quantity: p.salesinvoiceproductlinequantity ?? '0',
        ...(p.salesinvoiceproductlinediscountpercentage !== undefined ? { discountPercent: p.salesinvoiceproductlinediscountpercentage } : {}),
        ...(p.salesinvoiceproductlinefreetext ? { freeText: p.salesinvoiceproductlinefreetext } : {}),
        ...(p.salesinvoiceproductlinevatsum !== undefined ? { vatSum: p.salesinvoiceproductlinevatsum } : {}),
        ...(p.salesinvoiceproductlinesum !== undefined ? { sum: p.salesinvoiceproductlinesum } : {}),
      });
    }
    for (const c of group.salesinvoicecommentline) lines.push({ type: 'comment', text: c.comment });
  }
  const hasDelivery = Boolean(s.deliveryaddressname || s.deliveryaddressline);
  return {
    netvisorKey: s.salesinvoicenetvisorkey || requestedKey,
    kind,
    number: s.salesinvoicenumber,
    date: s.salesinvoicedate.text,
    ...(s.salesinvoiceduedate?.text ? { dueDate: s.salesinvoiceduedate.text } : {}),
    status: (s.invoicestatus.attrs.status ?? s.invoicestatus.text).toLowerCase(),
    amount: fromNetvisorDecimal(s.salesinvoiceamount.text) ?? '0',
    currency: s.salesinvoiceamount.attrs.iso4217currencycode ?? 'EUR',
    ...(s.salesinvoicereferencenumber ? { referenceNumber: s.salesinvoicereferencenumber } : {}),
    ...(s.salesinvoiceourreference ? { ourReference: s.salesinvoiceourreference } : {}),
    ...(s.salesinvoiceyourreference ? { yourReference: s.salesinvoiceyourreference } : {}),
    ...(s.invoicingcustomercode ? { customerCode: s.invoicingcustomercode } : {}),
    ...(s.invoicingcustomernetvisorkey ? { customerNetvisorKey: s.invoicingcustomernetvisorkey } : {}),
    billing: {
      name: s.invoicingcustomername,
      street: s.invoicingcustomeraddressline ?? '',
      postalCode: s.invoicingcustomerpostnumber ?? '',
      city: s.invoicingcustomertown ?? '',
      country: countryOf(s.invoicingcustomercountrycode),
    },
    ...(hasDelivery
      ? {
          delivery: {
            name: s.deliveryaddressname ?? '',
            street: s.deliveryaddressline ?? '',
            postalCode: s.deliveryaddresspostnumber ?? '',
            city: s.deliveryaddresstown ?? '',
            country: countryOf(s.deliveryaddresscountrycode),
          },
        }
      : {}),
    lines,
  };
}
