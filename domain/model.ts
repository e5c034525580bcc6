import { z } from 'zod';
import { normalizeBusinessId } from './business-id';
import { DecimalString } from './money';

/**
 * The canonical model every connector maps to and from. Pure zod, no I/O: workflows may import it.
 * Money is a decimal string; dates are ISO calendar dates (YYYY-MM-DD).
 */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code, e.g. "FI"');

export const BusinessId = z
  .string()
  .transform((value, ctx) => {
    const normalized = normalizeBusinessId(value);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid Finnish business ID (Y-tunnus): check digit does not match` });
      return z.NEVER;
    }
    return normalized;
  });

export const Address = z.object({
  street: z.string().default(''),
  postalCode: z.string().default(''),
  city: z.string().default(''),
  country: CountryCode.default('FI'),
});
export type Address = z.infer<typeof Address>;

export const PartyKind = z.enum(['customer', 'supplier']);
export type PartyKind = z.infer<typeof PartyKind>;

/** A customer or supplier. `code` is the register number (customer number) where the system has one. */
export const Party = z.object({
  kind: PartyKind,
  code: z.string().min(1).optional(),
  name: z.string().min(1, 'a party needs a name'),
  businessId: BusinessId.optional(),
  /** Foreign VAT or organisation number, kept verbatim when it is not a Finnish business ID. */
  organisationNumber: z.string().optional(),
  email: z.string().email().optional(),
  /** Where invoices are emailed, when the party gets its invoices by email (Netvisor's email invoicing address). */
  invoicingEmail: z.string().email().optional(),
  phone: z.string().optional(),
  address: Address.default({ street: '', postalCode: '', city: '', country: 'FI' }),
  language: z.string().optional(),
  currency: z.string().length(3).optional(),
  /** Electronic invoicing address (OVT / IBAN-form) and operator id, when known. */
  einvoiceAddress: z.string().optional(),
  einvoiceOperator: z.string().optional(),
});
export type Party = z.infer<typeof Party>;

export const Product = z.object({
  code: z.string().min(1, 'a product needs a product code'),
  name: z.string().min(1, 'a product needs a name'),
  /** Unit price without VAT. */
  unitPrice: DecimalString,
  /** VAT percentage, e.g. "25.5". */
  vatRate: DecimalString.optional(),
  unit: z.string().optional(),
  groupCode: z.string().optional(),
  costPrice: DecimalString.optional(),
  ean: z.string().optional(),
  active: z.boolean().default(true),
});
export type Product = z.infer<typeof Product>;

export const ProductGroup = z.object({ code: z.string().min(1), name: z.string().min(1) });
export type ProductGroup = z.infer<typeof ProductGroup>;

export const CostCentre = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  parentCode: z.string().optional(),
  active: z.boolean().default(true),
});
export type CostCentre = z.infer<typeof CostCentre>;

export const SalesLine = z.object({
  productCode: z.string().min(1),
  name: z.string().min(1),
  quantity: DecimalString,
  /** Unit price; `priceIncludesVat` tells whether it is gross (consumer shops) or net. */
  unitPrice: DecimalString,
  priceIncludesVat: z.boolean(),
  vatRate: DecimalString,
  discountPercent: DecimalString.optional(),
  unit: z.string().optional(),
  /** What the row is, so that mappings can treat shipping and discounts as their own rows. */
  kind: z.enum(['product', 'shipping', 'fee', 'discount']).default('product'),
  comment: z.string().optional(),
});
export type SalesLine = z.infer<typeof SalesLine>;

export const Payment = z.object({
  date: IsoDate,
  amount: DecimalString,
  method: z.string().min(1),
  reference: z.string().optional(),
});
export type Payment = z.infer<typeof Payment>;

export const InvoiceChannel = z.enum(['email', 'einvoice', 'print', 'none']);
export type InvoiceChannel = z.infer<typeof InvoiceChannel>;

/** A sales order or sales invoice, as the source system described it. */
export const SalesDocument = z.object({
  kind: z.enum(['order', 'invoice']),
  /** Document number in the target system (from the numbering range), when assigned. */
  number: z.string().optional(),
  /** The source's own id and number, stamped on the target as our external reference. */
  source: z.object({ system: z.string(), id: z.string(), number: z.string() }),
  date: IsoDate,
  dueDate: IsoDate.optional(),
  currency: z.string().length(3).default('EUR'),
  customer: Party,
  delivery: z.object({ name: z.string(), address: Address }).optional(),
  lines: z.array(SalesLine).min(1, 'a sales document needs at least one row'),
  payments: z.array(Payment).default([]),
  paymentMethod: z.string().optional(),
  comment: z.string().optional(),
  channel: InvoiceChannel.optional(),
  /** Totals as the source computed them, to the cent, to check our mapping against. */
  totals: z.object({ net: DecimalString, vat: DecimalString, gross: DecimalString }),
});
export type SalesDocument = z.infer<typeof SalesDocument>;
