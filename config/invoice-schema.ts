import { z } from 'zod';

/**
 * `invoices:` in a tenant file: customer invoices (and credit notes) booked in Rackbeat go to one accounting system,
 * 24SevenOffice or Netvisor (workflows/invoice-transfer.ts). Rackbeat is the master of sales documents; the target
 * gets the invoice for the customer and products the register sync has paired, with Rackbeat's rows, prices,
 * discounts, VAT, dates and payment terms. Rackbeat's `customer_invoice.*` webhooks start the transfer; a
 * reconciliation poll on a Schedule (`invoices/<tenant>`) catches what a lost webhook missed.
 */
const Duration = z.string().regex(/^\d+(s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

export const InvoiceTransferSettings = z
  .object({
    /** The accounting system that receives Rackbeat's booked invoices. */
    to: z.enum(['24so', 'netvisor'], { message: 'invoices.to must be 24so or netvisor' }),
    /** A credited Rackbeat invoice becomes a credit note referencing the original in the target. */
    creditNotes: z.boolean().default(true),
    /**
     * A customer or product the register sync has not paired yet: `sync` it first (when Rackbeat is that register's
     * master in the pair), or `wait`: the invoice parks as needs-attention naming the record, until retry or skip.
     */
    unpaired: z.enum(['sync', 'wait']).default('sync'),
    /**
     * Netvisor only: the status the invoice arrives with. `unsent` leaves it for Netvisor to send (the Netvisor–Rackbeat
     * integration's way: Netvisor sends and keeps the books); `open` books it as already sent.
     */
    netvisorStatus: z.enum(['unsent', 'open']).default('unsent'),
    /**
     * Netvisor only: the Netvisor product code a Rackbeat line without a product (freight, a fee) is billed under,
     * with the line's text, price and VAT. Netvisor bills product rows only: without it such an invoice parks.
     */
    netvisorTextLineProduct: z.string().min(1).max(50).optional(),
    /** How often the reconciliation poll lists invoices booked in Rackbeat since its cursor. */
    reconcileEvery: Duration.default('15m'),
    /** How far back the very first reconciliation looks (later ones continue from their cursor). */
    firstLookback: Duration.default('24h'),
    /**
     * Netvisor only: how often a transferred credit note checks again whether Netvisor can match it to its invoice
     * (Netvisor matches only once both are sent; with `netvisorStatus: unsent` that is when Netvisor sends them).
     */
    matchCheckEvery: Duration.default('1h'),
    /**
     * 24SO only: how long the order lifecycle of a 24SO order stays after Sent to show its Rackbeat invoice (the
     * `invoiced` step on its path) before it finishes anyway.
     */
    lifecycleWaitsFor: Duration.default('720h'),
    /**
     * 24SO only: the currency of the 24SevenOffice company's books. Siirto writes no currency on the InvoiceOrder,
     * so 24SO books the rows in the customer's currency (its CurrencyId) or, for LOCAL, in this one: an invoice in
     * any other currency parks instead of being booked as if its amounts were this currency's. Default: the
     * rackbeat-24so pair's `currency` (NOK).
     */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as NOK').optional(),
  })
  .strict();
export type InvoiceTransferSettings = z.infer<typeof InvoiceTransferSettings>;

/** The register-sync pair whose pairing an invoice target uses. */
export const INVOICE_PAIR = { '24so': 'rackbeat-24so', netvisor: 'rackbeat-netvisor' } as const;

/** Checks against the rest of the tenant file: both systems are connected. */
export function checkInvoices(t: { invoices?: InvoiceTransferSettings; connections: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  if (!t.invoices) return;
  if (!t.connections.rackbeat) ctx.addIssue({ code: 'custom', path: ['invoices'], message: 'invoices come from Rackbeat, but connections.rackbeat is missing' });
  const target = t.invoices.to === '24so' ? 'twentyfourseven' : 'netvisor';
  if (!t.connections[target]) {
    ctx.addIssue({ code: 'custom', path: ['invoices', 'to'], message: `invoices go to ${t.invoices.to}, but connections.${target} is missing` });
  }
}
