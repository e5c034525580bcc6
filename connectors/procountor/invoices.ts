import type { ProcountorApi } from './client';
import type { ProcountorInvoiceBody } from './invoice-body';
import { InfoMessage, Invoice, InvoiceSearchResult, oneOrList, PaymentEvent, type InvoiceListRow } from './schemas';
import { z } from 'zod';

export type { ProcountorInvoiceBody } from './invoice-body';

export interface MarkPaidInput {
  paymentDate: string;
  /** Decimal string in the invoice currency. */
  amount: string;
  currency: string;
  description?: string;
  paymentMethodType?: 'ADJUSTMENT' | 'BANK_STATEMENT' | 'CASH' | 'CHARGE_CARD' | 'CORRECTION' | 'CREDIT_LOSS' | 'CREDIT_NOTE' | 'EXTERNAL_BANK_TRANSFER' | 'SET_OFF';
}

/** POST /invoices: the invoice is stored UNFINISHED; approve and send are separate steps. */
export function createSalesInvoice(api: ProcountorApi, body: ProcountorInvoiceBody): Promise<Invoice> {
  return api.call({
    method: 'POST',
    path: 'invoices',
    resource: `sales invoice ${body.originalInvoiceNumber}`,
    schema: Invoice,
    body,
  });
}

export function getInvoice(api: ProcountorApi, id: number): Promise<Invoice> {
  return api.call({ method: 'GET', path: `invoices/${id}`, resource: `invoice ${id}`, schema: oneOrList(Invoice) });
}

/** Every live (not deleted, not invalidated) invoice stamped with this originalInvoiceNumber, oldest first. */
export async function findInvoicesByOriginalNumber(api: ProcountorApi, originalInvoiceNumber: string): Promise<InvoiceListRow[]> {
  const size = 200;
  const hits: InvoiceListRow[] = [];
  for (let page = 0; ; page++) {
    const result = await api.call({
      method: 'GET',
      path: 'invoices',
      resource: 'the invoice search',
      schema: InvoiceSearchResult,
      query: { originalInvoiceNumber, size, page },
    });
    hits.push(...result.results.filter((i) => i.originalInvoiceNumber === originalInvoiceNumber && i.status !== 'DELETED' && i.status !== 'INVALIDATED'));
    if (result.results.length < size) return hits.sort((a, b) => a.id - b.id);
  }
}

/**
 * The look-before-write of invoice creation: finds the invoice we stamped with our number, if any. Procountor does
 * not refuse a second invoice with the same originalInvoiceNumber, so there may be several: the oldest is returned.
 */
export async function findInvoiceByOriginalNumber(api: ProcountorApi, originalInvoiceNumber: string): Promise<InvoiceListRow | null> {
  return (await findInvoicesByOriginalNumber(api, originalInvoiceNumber))[0] ?? null;
}

/** PUT /invoices/{id}/invalidate: the invoice stays, as INVALIDATED (needs an open period). */
export async function invalidateInvoice(api: ProcountorApi, id: number): Promise<string> {
  const r = await api.call({ method: 'PUT', path: `invoices/${id}/invalidate`, resource: `invoice ${id} invalidation`, schema: InfoMessage, body: {}, on403: 'business' });
  return r.message;
}

/** After approval a sales invoice can no longer be changed; a 403 here means its status does not allow it. */
export async function approveInvoice(api: ProcountorApi, id: number): Promise<string> {
  const r = await api.call({ method: 'PUT', path: `invoices/${id}/approve`, resource: `invoice ${id} approval`, schema: InfoMessage, body: {}, on403: 'business' });
  return r.message;
}

/** Sends through the invoice's own `invoiceChannel`; only NOT_SENT and SENT invoices can be sent. */
export async function sendInvoice(api: ProcountorApi, id: number): Promise<string> {
  const r = await api.call({ method: 'PUT', path: `invoices/${id}/send`, resource: `invoice ${id} sending`, schema: InfoMessage, on403: 'business' });
  return r.message;
}

/** Registers a payment the customer made (a shop's card payment, say) on a sales invoice. */
export function markInvoicePaid(api: ProcountorApi, id: number, payment: MarkPaidInput): Promise<PaymentEvent> {
  return api.call({
    method: 'PUT',
    path: `invoices/${id}/paymentevents/markpaid`,
    resource: `payment on invoice ${id}`,
    schema: PaymentEvent,
    body: { ...payment, amount: Number(payment.amount) },
    on403: 'business',
  });
}

const PaymentEventSearchResult = z.object({ results: z.array(PaymentEvent) });

/** The look-before-write for payments: what is already registered on the invoice. */
export async function listPaymentEvents(api: ProcountorApi, id: number): Promise<PaymentEvent[]> {
  const r = await api.call({
    method: 'GET',
    path: `invoices/${id}/paymentevents`,
    resource: `payments of invoice ${id}`,
    schema: PaymentEventSearchResult,
    query: { size: 200 },
  });
  return r.results;
}
