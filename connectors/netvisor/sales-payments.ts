import type { NetvisorConnection } from './connection';
import { SALES_PAYMENT_ORDER } from './element-order';
import { insertedReply, salesPaymentListReply } from './schemas';
import { toNetvisorDecimal, toXmlDocument, withAttrs } from './xml';

export interface NetvisorSalesPaymentInput {
  /** The invoice (or order) number the payment targets; the document must already exist in Netvisor. */
  invoiceNumber: string;
  date: string;
  amount: string;
  /** Payment method text, e.g. "Pankkikortti"; sent as an "alternative" method unless methodType says otherwise. */
  method: string;
  methodType?: 'alternative' | 'bankaccount';
  /** Payer name (sourcename); the reference is used when no name is given. */
  payerName?: string;
  reference?: string;
  currency?: string;
  targetType?: 'invoice' | 'order';
  /** Prepayment on a sales order needs the prepayment account here (docs/wire/netvisor.md#sales-payments). */
  overrideSalesReceivableAccountNumber?: string;
}

export function salesPaymentBody(p: NetvisorSalesPaymentInput): string {
  return toXmlDocument(
    'salespayment',
    {
      sum: withAttrs(toNetvisorDecimal(p.amount), { currency: p.currency ?? 'EUR' }),
      paymentdate: p.date,
      targetidentifier: withAttrs(p.invoiceNumber, { type: 'invoicenumber', targettype: p.targetType ?? 'invoice' }),
      sourcename: p.payerName ?? p.reference ?? p.method,
      paymentmethod: withAttrs(p.method, {
        type: p.methodType ?? 'alternative',
        overridesalesreceivableaccountnumber: p.overrideSalesReceivableAccountNumber,
      }),
    },
    SALES_PAYMENT_ORDER,
  );
}

export async function addSalesPayment(conn: NetvisorConnection, p: NetvisorSalesPaymentInput): Promise<string> {
  const root = await conn.post('salespayment.nv', [], salesPaymentBody(p));
  return conn.parse('salespayment.nv', insertedReply, root).replies.inserteddataidentifier;
}

export interface NetvisorSalesPaymentSummary {
  netvisorKey: string;
  name: string;
  /** As Netvisor writes it in this list: d.M.yyyy. */
  date: string;
  sum: string;
  invoiceNumber: string;
  referenceNumber?: string;
}

/** Payments already recorded against an invoice number: look here before adding a payment again. */
export async function listSalesPayments(conn: NetvisorConnection, opts: { invoiceNumber?: string; beginDate?: string; endDate?: string } = {}): Promise<NetvisorSalesPaymentSummary[]> {
  const root = await conn.get('salespaymentlist.nv', [
    ['invoicenumber', opts.invoiceNumber],
    ['begindate', opts.beginDate],
    ['enddate', opts.endDate],
  ]);
  return conn.parse('salespaymentlist.nv', salesPaymentListReply, root).salespaymentlist.salespayment.map((p) => ({
    netvisorKey: p.netvisorkey,
    name: p.name,
    date: p.date,
    sum: p.sum ?? '0',
    invoiceNumber: p.invoicenumber,
    ...(p.referencenumber ? { referenceNumber: p.referencenumber } : {}),
  }));
}
