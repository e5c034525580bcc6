import Dec from 'decimal.js';
import { z } from 'zod';
import { cents, roundTo } from '../../domain/money';

/**
 * The Rackbeat invoice as the invoice transfer reads it: the connector's RackbeatInvoiceView
 * (connectors/rackbeat/invoices.ts, the contract in the invoices design), checked again here with zod because it
 * crosses into workflow history and every target mapping relies on it. Decimals stay strings; quantities, line
 * totals and totals are positive for a credit note too (the target side writes them negative where it must).
 */
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number such as 12.50');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const InvoiceLine = z.object({
  productNumber: z.string().min(1).optional(),
  name: z.string(),
  quantity: Decimal,
  unitPrice: Decimal,
  discountPercent: Decimal,
  vatPercent: Decimal,
  lineTotal: Decimal,
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const InvoiceView = z
  .object({
    number: z.number().int().positive(),
    kind: z.enum(['invoice', 'credit-note']),
    credits: z.number().int().positive().optional(),
    booked: z.boolean(),
    bookedAt: z.string().optional(),
    customerNumber: z.number().int(),
    customerName: z.string(),
    orderNumber: z.number().int().optional(),
    invoiceDate: Day,
    dueDate: Day,
    paymentTermsDays: z.number().int().nonnegative().optional(),
    currency: z.string().length(3, 'must be an ISO 4217 currency code such as EUR'),
    heading: z.string().optional(),
    yourReference: z.string().optional(),
    lines: z.array(InvoiceLine),
    totals: z.object({ net: Decimal, vat: Decimal, gross: Decimal }),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'credit-note' && v.credits === undefined) {
      ctx.addIssue({ code: 'custom', path: ['credits'], message: `credit note ${v.number} does not say which invoice it credits` });
    }
    for (const [i, l] of v.lines.entries()) {
      if (l.quantity.startsWith('-')) ctx.addIssue({ code: 'custom', path: ['lines', i, 'quantity'], message: `line ${i + 1} (${l.name}) has a negative quantity; Rackbeat books credited quantities positive` });
    }
  });
export type InvoiceView = z.infer<typeof InvoiceView>;

/** `rackbeat:<number>`: what Siirto stamps on the target document, so a retry recognises its own earlier write. */
export const invoiceStamp = (number: number): string => `rackbeat:${number}`;

/** Operator words for one invoice. */
export const describeInvoice = (v: Pick<InvoiceView, 'number' | 'kind'>): string => `Rackbeat ${v.kind === 'credit-note' ? 'credit note' : 'invoice'} ${v.number}`;

/** The first zod problem, in a sentence naming the invoice. */
export function viewProblem(number: number, err: z.ZodError): string {
  const issue = err.issues[0];
  return (
    `Rackbeat invoice ${number} cannot be transferred: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}; ` +
    'a booked invoice cannot be changed in Rackbeat: skip this transfer and enter it by hand (or retry if Rackbeat shows it otherwise now)'
  );
}

/**
 * Whether the target, computing the invoice from its rows as they are sent (quantity × net unit price × (1 −
 * discount), rounded to cents per row, VAT per row), arrives at what Rackbeat booked. Netvisor is given Rackbeat's
 * gross total next to the rows, 24SevenOffice computes its own: when the rows do not add up to the booked totals
 * (an invoice-level discount or fee the lines do not carry, a discounted unit price Rackbeat rounded first), the
 * target would hold another amount than the customer was invoiced. Rounding of VAT per rate instead of per row
 * is allowed for: half a cent per row. Returns the operator's sentence, or null when they agree.
 */
export function bookedTotalsProblem(v: InvoiceView, target: string): string | null {
  let net = new Dec(0);
  let vat = new Dec(0);
  for (const l of v.lines) {
    const row = roundTo(new Dec(l.quantity).times(l.unitPrice).times(new Dec(100).minus(l.discountPercent).div(100)));
    net = net.plus(row);
    vat = vat.plus(roundTo(row.times(l.vatPercent).div(100)));
  }
  const tolerance = new Dec('0.005').times(Math.max(1, v.lines.length)).plus('0.005');
  const off = (a: Dec, b: string) => a.minus(b).abs().greaterThan(tolerance);
  if (!off(net, v.totals.net) && !off(net.plus(vat), v.totals.gross)) return null;
  return (
    `${describeInvoice(v)}: its rows add up to ${cents(net)} ${v.currency} net, ${cents(net.plus(vat))} with VAT, but Rackbeat booked ` +
    `${cents(v.totals.net)} net, ${cents(v.totals.gross)} with VAT; ${target} computes the invoice from the rows and would hold another amount than the customer was invoiced ` +
    '(an invoice-level discount or fee, or a rounded discounted price?): correct it in Rackbeat (credit it and book it again) and transfer the new one, or skip this one and enter it by hand'
  );
}
