import Decimal from 'decimal.js';
import { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import type { NetvisorConnection } from './connection';
import { SYSTEM } from './errors';
import { block, node, text } from './schemas';
import { toXmlDocument, type OrderTable } from './xml';

/**
 * Credit notes (hyvityslaskut) after they are in Netvisor (docs/wire/netvisor.md#credit-notes).
 *
 * A credit note is imported with salesinvoice.nv like any invoice (NetvisorSalesDocumentInput.creditNote), and
 * Netvisor does NOT link it to the invoice it credits. `matchcreditnote.nv` does:
 * `<root><matchcreditnote><creditnotenetvisorkey/><invoicenetvisorkey/></matchcreditnote></root>`, reply just the
 * OK ResponseStatus. Netvisor only matches when both documents are sent (status other than unsent, so their vouchers
 * exist) and in the same currency; `matchBlocker` says so before a call is spent.
 * Whether a credit note is already matched is read back with getsalesinvoice.nv `replyoption` 16 + 32 (credited
 * invoice; matched credited invoice): `getCreditNoteMatch`, so a retry does not match twice.
 */

const MATCH_ORDER: OrderTable = { matchcreditnote: ['creditnotenetvisorkey', 'invoicenetvisorkey'] };

export interface MatchCreditNoteInput {
  /** NetvisorKey of the credit note (the negative invoice). */
  creditNoteKey: string;
  /** NetvisorKey of the invoice it credits. */
  invoiceKey: string;
}

const netvisorKey = (v: string, field: string) => {
  if (!/^\d+$/.test(v)) throw new ConnectorError(SYSTEM, 'validation', `matchcreditnote.nv needs a numeric NetvisorKey for ${field}, not "${v}"`, { resource: 'matchcreditnote.nv', field });
  return v;
};

export function matchCreditNoteBody(m: MatchCreditNoteInput): string {
  return toXmlDocument(
    'matchcreditnote',
    { creditnotenetvisorkey: netvisorKey(m.creditNoteKey, 'creditnotenetvisorkey'), invoicenetvisorkey: netvisorKey(m.invoiceKey, 'invoicenetvisorkey') },
    MATCH_ORDER,
  );
}

/** Matches the credit note to the invoice it credits. Netvisor refuses a second match: look first with getCreditNoteMatch. */
export async function matchCreditNote(conn: NetvisorConnection, m: MatchCreditNoteInput): Promise<void> {
  await conn.post('matchcreditnote.nv', [], matchCreditNoteBody(m));
}

export interface CreditNoteMatch {
  /** NetvisorKey of the invoice the credit note is matched to. */
  invoiceKey: string;
  invoiceNumber?: string;
}

const matchDetail = block({
  salesinvoicenetvisorkey: text.optional(),
  salesinvoicenumber: text.optional(),
  invoicestatus: node.optional(),
  creditedinvoicenetvisorkey: text.optional(),
  creditedinvoicenumber: text.optional(),
});
const matchReply = z.object({ salesinvoice: matchDetail.optional() });

/** replyoption bit 16: credited invoice (credit made in Netvisor's UI); bit 32: the invoice a credit note is matched to. */
export const CREDIT_REPLY_OPTION = 16 | 32;

/**
 * The invoice this credit note is matched to, or null when it is not matched (yet). An unknown credit note key is
 * not-found: getsalesinvoice.nv answers an empty <SalesInvoice/> for it.
 */
export async function getCreditNoteMatch(conn: NetvisorConnection, creditNoteKey: string): Promise<CreditNoteMatch | null> {
  const root = await conn.get('getsalesinvoice.nv', [
    ['netvisorkey', netvisorKey(creditNoteKey, 'netvisorkey')],
    ['pdfimage', 'nopdf'],
    ['replyoption', CREDIT_REPLY_OPTION],
  ]);
  const reply = conn.parse('getsalesinvoice.nv', matchReply, root);
  const detail = reply.salesinvoice;
  if (!detail || (!detail.salesinvoicenumber && !detail.salesinvoicenetvisorkey)) {
    throw new ConnectorError(SYSTEM, 'not-found', `Netvisor has no sales invoice with NetvisorKey ${creditNoteKey}`, { resource: 'getsalesinvoice.nv' });
  }
  if (!detail.creditedinvoicenetvisorkey) return null;
  return { invoiceKey: detail.creditedinvoicenetvisorkey, ...(detail.creditedinvoicenumber ? { invoiceNumber: detail.creditedinvoicenumber } : {}) };
}

/** What matchBlocker needs of each document: a NetvisorSalesDocumentSummary or NetvisorSalesDocument fits. */
export interface MatchableDocument {
  netvisorKey: string;
  number: string;
  status: string;
  /** Summary: `sum`; detail: `amount`. Gross, a credit note's is negative. */
  sum?: string;
  amount?: string;
  currency?: string;
  customerCode?: string;
}

/**
 * Why Netvisor would refuse matchcreditnote.nv for these two documents now, in the operator's words, or null when
 * it should go through. `waiting` is true when only time helps (a document still unsent: Netvisor has to send it
 * first, which creates its voucher); the other reasons need a person.
 */
export function matchBlocker(creditNote: MatchableDocument, invoice: MatchableDocument): { waiting: boolean; message: string } | null {
  // A list row's sum may carry Netvisor's decimal comma; anything unreadable counts as no total.
  const total = (d: MatchableDocument) => {
    const v = (d.sum ?? d.amount ?? '0').trim().replace(',', '.');
    return /^-?\d+(\.\d+)?$/.test(v) ? new Decimal(v) : new Decimal(0);
  };
  if (!total(creditNote).isNegative() || total(creditNote).isZero()) {
    return { waiting: false, message: `Netvisor invoice ${creditNote.number} is not a credit note (its total is not negative), so it cannot be matched to invoice ${invoice.number}.` };
  }
  if (!total(invoice).isPositive() || total(invoice).isZero()) {
    return { waiting: false, message: `Netvisor invoice ${invoice.number} has no positive total, so credit note ${creditNote.number} cannot be matched to it.` };
  }
  if (creditNote.currency && invoice.currency && creditNote.currency !== invoice.currency) {
    return { waiting: false, message: `Credit note ${creditNote.number} is in ${creditNote.currency} and invoice ${invoice.number} in ${invoice.currency}; Netvisor matches only within one currency.` };
  }
  if (creditNote.customerCode && invoice.customerCode && creditNote.customerCode !== invoice.customerCode) {
    return { waiting: false, message: `Credit note ${creditNote.number} is for customer ${creditNote.customerCode} and invoice ${invoice.number} for ${invoice.customerCode}; a credit note is matched to its own customer's invoice.` };
  }
  const unsent = [creditNote, invoice].filter((d) => d.status.toLowerCase() === 'unsent');
  if (unsent.length) {
    return {
      waiting: true,
      message: `Netvisor matches a credit note only after both documents are sent; ${unsent.map((d) => `${d === creditNote ? 'credit note' : 'invoice'} ${d.number}`).join(' and ')} ${unsent.length > 1 ? 'are' : 'is'} still unsent.`,
    };
  }
  return null;
}

/** updatesalesinvoicestatus.nv: POST without a body; any status other than unsent creates the invoice's voucher. */
export type SalesInvoiceStatusUpdate = 'open' | 'overdue' | 'reminded' | 'requested' | 'collected' | 'paid' | 'creditloss';

export async function updateSalesInvoiceStatus(conn: NetvisorConnection, netvisorKeys: readonly string[], status: SalesInvoiceStatusUpdate): Promise<void> {
  if (netvisorKeys.length === 0) return;
  for (let i = 0; i < netvisorKeys.length; i += 100) {
    const keys = netvisorKeys.slice(i, i + 100).map((k) => netvisorKey(k, 'netvisorkey'));
    await conn.post('updatesalesinvoicestatus.nv', [keys.length === 1 ? ['netvisorkey', keys[0]] : ['netvisorkeylist', keys.join(',')], ['status', status]], '');
  }
}
