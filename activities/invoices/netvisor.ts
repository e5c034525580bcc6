import Decimal from 'decimal.js';
import { isConnectorError } from '../../connectors/kit/errors';
import { vatCodeFor, type NetvisorSalesDocumentInput, type NetvisorSalesLineInput } from '../../connectors/netvisor/sales-documents';
import type { NetvisorClient } from '../../connectors/netvisor';
import { needsOperator } from '../failures';
import type { PairedParties } from './pairing';
import { describeInvoice, invoiceStamp, type InvoiceView } from './view';

/**
 * Rackbeat invoice → Netvisor sales invoice (salesinvoice.nv add). The Netvisor invoice number is the Rackbeat
 * number, `salesinvoiceourreference` carries our stamp `rackbeat:<number>`; Netvisor refuses a second invoice with
 * one number, so a write refused as a duplicate, or any attempt that may follow an earlier one, looks the number
 * up and reuses the invoice when it carries our stamp. A credit note is the same message with the credited
 * quantities negative (the connector's `creditNote` flag), matched to the original with matchcreditnote.nv.
 */
export interface NetvisorInvoiceWritten {
  netvisorKey: string;
  number: string;
  /** True when an earlier attempt had written it (a lost reply): nothing was written now. */
  found: boolean;
}

/**
 * `textLineProduct`: the Netvisor product code a Rackbeat line without a product (freight, a fee) is billed under,
 * with the line's own text, price and VAT (invoices.netvisorTextLineProduct). Without one such a line parks: a
 * booked Rackbeat invoice cannot be given a product any more, so the sentence names the setting.
 */
export function toNetvisorInvoice(invoice: InvoiceView, parties: PairedParties, status: 'unsent' | 'open', textLineProduct?: string): NetvisorSalesDocumentInput {
  const lines: NetvisorSalesLineInput[] = invoice.lines.map((l, i) => {
    if (!l.productNumber && new Decimal(l.lineTotal).isZero()) return { type: 'comment', text: l.name };
    if (!l.productNumber && !textLineProduct) {
      throw needsOperator(
        `${describeInvoice(invoice)}: line ${i + 1} ("${l.name}", ${l.lineTotal} ${invoice.currency}) has no product, and Netvisor bills only product rows: ` +
          'name a Netvisor product for such lines in the tenant file (invoices.netvisorTextLineProduct, e.g. your freight product), then retry; or skip and enter the invoice by hand',
        'Siirto.validation',
      );
    }
    return {
      type: 'product',
      productCode: l.productNumber ? (parties.products[l.productNumber] ?? l.productNumber) : textLineProduct!,
      name: l.name,
      unitPrice: l.unitPrice,
      priceType: 'net',
      vatPercent: l.vatPercent,
      vatCode: vatCodeFor(l.vatPercent),
      quantity: l.quantity,
      ...(!new Decimal(l.discountPercent).isZero() ? { discountPercent: l.discountPercent } : {}),
    };
  });
  return {
    kind: 'invoice',
    number: String(invoice.number),
    date: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    ...(invoice.paymentTermsDays !== undefined ? { paymentTermNetDays: invoice.paymentTermsDays } : {}),
    status,
    currency: invoice.currency,
    amount: invoice.totals.gross,
    customerCode: parties.customer,
    billing: parties.billing ?? { name: invoice.customerName, street: '', postalCode: '', city: '', country: 'FI' },
    ourReference: invoiceStamp(invoice.number),
    ...(invoice.yourReference ? { yourReference: invoice.yourReference } : {}),
    ...(invoice.heading ? { freeTextBeforeLines: invoice.heading } : {}),
    ...(invoice.kind === 'credit-note' ? { creditNote: true } : {}),
    lines,
  };
}

/** Our earlier write of this invoice, or null; a document under the number that is not ours is a collision. */
export async function findOurNetvisorInvoice(nv: NetvisorClient, invoice: InvoiceView): Promise<NetvisorInvoiceWritten | null> {
  const number = String(invoice.number);
  const summary = await nv.findSalesDocumentByNumber('invoice', number);
  if (!summary) return null;
  const detail = await nv.getSalesDocument('invoice', summary.netvisorKey);
  if (detail?.ourReference !== invoiceStamp(invoice.number)) {
    // Named by number, date and customer code only: its "our reference" is usually a person's name, and failure
    // messages sit in workflow history unencrypted.
    throw needsOperator(
      `Netvisor already has sales invoice ${number} (dated ${summary.date}, customer ${summary.customerCode}, not stamped "${invoiceStamp(invoice.number)}") that Siirto did not write: ` +
        `Rackbeat and Netvisor number invoices in one series, so move Netvisor's own invoice numbering out of Rackbeat's range; ` +
        `this number stays taken: skip this transfer and enter the invoice in Netvisor by hand (or retry once that Netvisor invoice is deleted)`,
      'Siirto.conflict',
    );
  }
  return { netvisorKey: summary.netvisorKey, number, found: true };
}

export async function writeNetvisorInvoice(
  nv: NetvisorClient,
  invoice: InvoiceView,
  parties: PairedParties,
  status: 'unsent' | 'open',
  lookFirst: boolean,
  textLineProduct?: string,
): Promise<NetvisorInvoiceWritten> {
  const body = toNetvisorInvoice(invoice, parties, status, textLineProduct);
  if (lookFirst) {
    const earlier = await findOurNetvisorInvoice(nv, invoice);
    if (earlier) return earlier;
  }
  try {
    return { netvisorKey: await nv.addSalesDocument(body), number: String(invoice.number), found: false };
  } catch (err) {
    // Refused as a duplicate number: an earlier attempt of ours (reply lost), or a collision; the look says which.
    if (!(isConnectorError(err) && err.errorClass === 'conflict')) throw err;
    const earlier = await findOurNetvisorInvoice(nv, invoice);
    if (!earlier) throw err;
    return earlier;
  }
}

/** matchcreditnote.nv (connectors/netvisor, helper "targets"): links the credit note to the invoice it credits. */
export async function matchNetvisorCreditNote(nv: NetvisorClient, creditNoteKey: string, invoiceKey: string): Promise<void> {
  await (nv as unknown as { matchCreditNote(creditNoteKey: string, invoiceKey: string): Promise<void> }).matchCreditNote(creditNoteKey, invoiceKey);
}
