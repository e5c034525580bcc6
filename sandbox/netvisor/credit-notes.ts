import Decimal from 'decimal.js';
import type { Handler, NvRequest, SalesInvoiceRecord } from './types';
import { NetvisorFailure, couldNotValidate, el, invalidData, textOf, type Elem } from './wire';

/**
 * Credit notes after import (docs/wire/netvisor.md#credit-notes):
 * - matchcreditnote.nv (POST `<root><matchcreditnote><creditnotenetvisorkey/><invoicenetvisorkey/></matchcreditnote></root>`,
 *   reply: the bare OK ResponseStatus). Documented conditions: both documents sent (status other than unsent) with
 *   their vouchers, one currency. The sandbox also refuses what the docs leave open (docs/wire/open-points.md,
 *   "Netvisor credit-note match"): a credit note whose total is not negative, an invoice whose total is not
 *   positive, another customer's invoice, a credit note already matched.
 *   The match is a targeting, like a payment: the credit note's open sum is applied to the invoice's open sum;
 *   whichever reaches 0 is paid. Recorded on both records (`creditedInvoiceNetvisorKey` on the credit note,
 *   `creditNoteNetvisorKeys` on the invoice), so GET /__sandbox/state shows it.
 * - getsalesinvoice.nv replyoption bits 16 (credited invoice) and 32 (matched credited invoice) add
 *   CreditedInvoiceNetvisorKey and CreditedInvoiceNumber to a matched credit note (creditedElements).
 * - updatesalesinvoicestatus.nv (POST, no body, `netvisorkey` or `netvisorkeylist` ≤ 100, `status`): how a test plays
 *   "Netvisor sent the invoice"; any status other than unsent creates the voucher (documented).
 */

export interface CreditLink {
  /** On a credit note: the invoice it is matched to. */
  creditedInvoiceNetvisorKey?: number;
  creditedInvoiceNumber?: string;
  /** On an invoice: the credit notes matched to it. */
  creditNoteNetvisorKeys?: number[];
}
type Doc = SalesInvoiceRecord & CreditLink;

const invoices = (req: NvRequest) => req.store.list<Doc>('salesInvoices').filter((d) => d.type === 'invoice');

const keyOf = (body: Elem, name: string): string => {
  const v = textOf(body, name)?.trim();
  if (v === undefined) throw couldNotValidate();
  if (!/^\d+$/.test(v)) throw invalidData(`Value "${v}" of ${name} is not a valid NetvisorKey`);
  return v;
};

/** "Sent" in the doc's words: anything but unsent has been sent (or marked sent) and has its voucher. */
const isSent = (d: Doc) => d.status !== 'unsent';

export const matchCreditNote: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'matchcreditnote') throw couldNotValidate();
  const names = body.children.map((c) => c.name);
  if (names.length !== 2 || names[0] !== 'creditnotenetvisorkey' || names[1] !== 'invoicenetvisorkey') throw couldNotValidate();
  const creditKey = keyOf(body, 'creditnotenetvisorkey');
  const invoiceKey = keyOf(body, 'invoicenetvisorkey');
  const all = invoices(req);
  const credit = all.find((d) => String(d.netvisorKey) === creditKey);
  const invoice = all.find((d) => String(d.netvisorKey) === invoiceKey);
  if (!credit) throw invalidData(`Credit note not found with Netvisor identifier: ${creditKey}`);
  if (!invoice) throw invalidData(`Sales invoice not found with Netvisor identifier: ${invoiceKey}`);
  if (credit.netvisorKey === invoice.netvisorKey) throw invalidData('A credit note cannot be matched to itself');
  if (!new Decimal(credit.amount).isNegative()) throw invalidData(`Sales invoice ${credit.number} is not a credit note: its total ${credit.amount} is not negative`);
  if (!new Decimal(invoice.amount).greaterThan(0)) {
    throw invalidData(`Sales invoice ${invoice.number} cannot be credited: its total ${invoice.amount} is not positive`);
  }
  for (const d of [credit, invoice]) {
    if (!isSent(d)) throw invalidData(`Sales invoice ${d.number} has not been sent and has no voucher; both invoices must be sent before the credit note can be matched`);
  }
  if (credit.currency !== invoice.currency) throw invalidData(`Credit note ${credit.number} (${credit.currency}) and invoice ${invoice.number} (${invoice.currency}) are in different currencies`);
  if (credit.customerNetvisorKey !== invoice.customerNetvisorKey) {
    throw invalidData(`Credit note ${credit.number} (customer ${credit.customerCode}) and invoice ${invoice.number} (customer ${invoice.customerCode}) are for different customers`);
  }
  if (credit.creditedInvoiceNetvisorKey !== undefined) {
    throw new NetvisorFailure('DUPLICATE_DATA', `Credit note ${credit.number} is already matched to invoice ${credit.creditedInvoiceNumber ?? credit.creditedInvoiceNetvisorKey}`);
  }
  const invoiceOpen = Decimal.max(new Decimal(invoice.openSum), 0);
  const applied = Decimal.min(new Decimal(credit.openSum).negated(), invoiceOpen);
  invoice.openSum = new Decimal(invoice.openSum).minus(applied).toFixed(2);
  credit.openSum = new Decimal(credit.openSum).plus(applied).toFixed(2);
  for (const d of [credit, invoice]) if (new Decimal(d.openSum).isZero()) d.status = 'paid';
  credit.creditedInvoiceNetvisorKey = invoice.netvisorKey;
  credit.creditedInvoiceNumber = invoice.number;
  invoice.creditNoteNetvisorKeys = [...(invoice.creditNoteNetvisorKeys ?? []), credit.netvisorKey];
  const stamp = req.now.toISOString().slice(0, 19);
  credit.modifiedAt = stamp;
  invoice.modifiedAt = stamp;
  return '';
};

/**
 * salesinvoice.nv's credit-note rules (documented: quantity and total negative, unit price positive; line sums, when
 * given, negative too). A document is a credit note when its total is negative. Refused: a negative unit price on a
 * credit note, and a given total whose sign contradicts the rows (chosen texts: docs/wire/open-points.md).
 */
export function checkCreditNoteImport(amount: Decimal, linesTotal: Decimal, amountGiven: boolean, lines: SalesInvoiceRecord['lines']): void {
  if (amountGiven && !amount.isZero() && !linesTotal.isZero() && amount.isNegative() !== linesTotal.isNegative()) {
    throw invalidData(`SalesInvoiceAmount ${amount.toFixed(2)} and the invoice lines (${linesTotal.toFixed(2)}) have opposite signs; a credit note has negative quantities and a negative total`);
  }
  if (!(amount.isNegative() || (!amountGiven && linesTotal.isNegative()))) return;
  for (const l of lines) {
    if (l.type === 'product' && new Decimal(l.unitPrice).isNegative()) {
      throw invalidData(`ProductUnitPrice of ${l.productCode} is negative; on a credit note the unit price stays positive and the quantity is negative`);
    }
  }
}

/** The getsalesinvoice.nv elements replyoption 16/32 add to a matched credit note (empty for anything else). */
export function creditedElements(d: SalesInvoiceRecord, replyOption: string | undefined): string[] {
  const flags = Number(replyOption ?? 0);
  const link = d as Doc;
  if (!Number.isInteger(flags) || (flags & (16 | 32)) === 0 || link.creditedInvoiceNetvisorKey === undefined) return [];
  return [el('CreditedInvoiceNetvisorKey', link.creditedInvoiceNetvisorKey), el('CreditedInvoiceNumber', link.creditedInvoiceNumber ?? '')];
}

const STATUS_UPDATES = ['open', 'overdue', 'reminded', 'requested', 'collected', 'paid', 'creditloss'];

export const updateSalesInvoiceStatus: Handler = (req) => {
  const q = req.query;
  const status = (q.status ?? '').toLowerCase();
  if (!STATUS_UPDATES.includes(status)) throw invalidData(`Invalid status: ${q.status ?? ''}`);
  const keys = q.netvisorkeylist !== undefined ? q.netvisorkeylist.split(',').map((k) => k.trim()).filter(Boolean) : q.netvisorkey ? [q.netvisorkey.trim()] : [];
  if (keys.length === 0) throw invalidData('Parameter netvisorkey or netvisorkeylist is required');
  if (keys.length > 100) throw invalidData('Netvisorkeylist can contain at most 100 identifiers');
  const all = invoices(req);
  const docs = keys.map((k) => {
    const d = all.find((x) => String(x.netvisorKey) === k);
    if (!d) throw invalidData(`Sales invoice not found with Netvisor identifier: ${k}`);
    return d;
  });
  const stamp = req.now.toISOString().slice(0, 19);
  for (const d of docs) {
    d.status = status;
    d.modifiedAt = stamp;
  }
  return '';
};

/**
 * `POST /__sandbox/netvisor/send-unsent {"netvisorKeys"?: [..]}`: plays Netvisor sending unsent invoices (what it does
 * for `salesinvoicestatus` unsent, by a person or by automatic sending): the given ones, or all, become `open`.
 * Returns the keys it sent.
 */
export function sendUnsent(store: NvRequest['store'], keys: readonly number[] | undefined, now: Date): number[] {
  const sent: number[] = [];
  for (const d of store.list<Doc>('salesInvoices')) {
    if (d.type !== 'invoice' || d.status !== 'unsent' || (keys && !keys.includes(d.netvisorKey))) continue;
    d.status = 'open';
    d.modifiedAt = now.toISOString().slice(0, 19);
    sent.push(d.netvisorKey);
  }
  return sent;
}

/** Resources whose POST carries no body (the index does not parse one). */
export const BODYLESS_POSTS: ReadonlySet<string> = new Set(['updatesalesinvoicestatus.nv']);
