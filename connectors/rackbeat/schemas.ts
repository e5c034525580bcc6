import { z } from 'zod';
import { toDecimalString } from '../../domain/money';

/**
 * Rackbeat's JSON shapes (wire facts: docs/wire/rackbeat.md).
 * Field names stay as Rackbeat spells them; only amounts change form: Rackbeat sends JSON numbers (some Laravel
 * endpoints send numeric strings), we keep them as decimal strings so no binary float reaches a sum.
 * Unknown keys are dropped; most keys are optional because sparse fieldsets (`fields=`) and older accounts omit them.
 */

export const Amount = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => toDecimalString(v));

const Timestamp = z.string();
const Nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** Rackbeat's 422 body: dotted field path → messages. Whether `message` accompanies it is an open point (docs/wire/open-points.md). */
export const ValidationErrorBody = z.object({
  message: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])),
});

export const MessageBody = z.object({ message: z.string() });

export const ProductGroupRef = z.object({
  number: z.number().int(),
  name: z.string(),
  vat_domestic: Nullable(z.number()),
});

export const Product = z.object({
  id: z.number().int().optional(),
  number: z.string(),
  urlfriendly_number: z.string().optional(),
  type: z.string().optional(),
  name: z.string(),
  description: Nullable(z.string()),
  barcode: Nullable(z.string()),
  sales_price: Amount,
  recommended_cost_price: Nullable(Amount),
  cost_price: Nullable(Amount),
  stock_quantity: Nullable(Amount),
  is_barred: z.boolean().default(false),
  group_id: Nullable(z.number().int()),
  group: Nullable(ProductGroupRef),
  default_supplier_id: Nullable(z.number().int()),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
  deleted_at: Nullable(Timestamp),
  self: z.string().optional(),
});
export type Product = z.infer<typeof Product>;

export const ProductGroup = z.object({
  number: z.number().int(),
  name: z.string(),
  has_inventory: z.boolean().optional(),
  is_sellable: z.boolean().optional(),
  vat_domestic: Nullable(z.number()),
  vat_eu: Nullable(z.number()),
  vat_abroad: Nullable(z.number()),
  vat_domestic_exempt: Nullable(z.number()),
  self: z.string().optional(),
});
export type ProductGroup = z.infer<typeof ProductGroup>;

export const CustomerGroup = z.object({
  number: z.number().int(),
  name: z.string(),
  is_draft: z.boolean().optional(),
  self: z.string().optional(),
});
export type CustomerGroup = z.infer<typeof CustomerGroup>;

export const SupplierGroup = z.object({ number: z.number().int(), name: z.string(), self: z.string().optional() });
export type SupplierGroup = z.infer<typeof SupplierGroup>;

export const PaymentTerm = z.object({
  number: z.number().int(),
  name: z.string(),
  description: Nullable(z.string()),
  type: Nullable(z.string()),
  type_translated: Nullable(z.string()),
  maturity_days: z.number().int(),
  self: z.string().optional(),
});
export type PaymentTerm = z.infer<typeof PaymentTerm>;

/**
 * Customers and suppliers share their address and contact keys. Whether the current read model calls the name
 * `name` or `company_name` is an open point (docs/wire/open-points.md) (a 2025 connector reads "Name" and writes "CompanyName"): we accept either
 * and always expose `company_name`.
 */
const partyShape = {
  number: z.number().int(),
  name: Nullable(z.string()),
  company_name: Nullable(z.string()),
  company_vat: Nullable(z.string()),
  address_street: Nullable(z.string()),
  address_street2: Nullable(z.string()),
  address_city: Nullable(z.string()),
  address_zipcode: Nullable(z.string()),
  address_country: Nullable(z.string()),
  contact_email: Nullable(z.string()),
  contact_phone: Nullable(z.string()),
  locale: Nullable(z.string()),
  currency: Nullable(z.string()),
  vat_zone: Nullable(z.string()),
  ean: Nullable(z.string()),
  payment_terms_id: Nullable(z.number().int()),
  is_barred: z.boolean().default(false),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
  self: z.string().optional(),
};

const withCompanyName = <T extends { name?: string | null; company_name?: string | null }>(p: T, ctx: z.RefinementCtx) => {
  const company_name = p.company_name ?? p.name;
  if (company_name == null) {
    ctx.addIssue({ code: 'custom', message: 'neither company_name nor name is present', path: ['company_name'] });
    return z.NEVER;
  }
  return { ...p, company_name };
};

export const Customer = z
  .object({ ...partyShape, customer_group_id: Nullable(z.number().int()) })
  .transform(withCompanyName);
export type Customer = z.infer<typeof Customer>;

export const Supplier = z
  .object({ ...partyShape, supplier_group_id: Nullable(z.number().int()) })
  .transform(withCompanyName);
export type Supplier = z.infer<typeof Supplier>;

export const FieldType = z.enum(['text', 'textarea', 'checkbox', 'dropdown']);
export const FieldOwner = z.enum(['item', 'customer', 'supplier']);
export type FieldOwner = z.infer<typeof FieldOwner>;

export const Field = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  type: FieldType,
  available_for: z.string(),
  use_in_layouts: z.boolean().optional(),
  default_value: Nullable(z.union([z.string(), z.boolean(), z.number()])),
  options: z.array(z.unknown()).optional(),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
  self: z.string().optional(),
});
export type Field = z.infer<typeof Field>;

export const FieldValue = z.object({
  field: z.object({ id: z.number().int(), slug: z.string().optional(), name: z.string().optional() }),
  value: z.union([z.string(), z.boolean(), z.number()]).nullable(),
});
export type FieldValue = z.infer<typeof FieldValue>;

export const FieldValues = z.object({ field_values: z.array(FieldValue) });

export const Address = z.object({
  name: Nullable(z.string()),
  street: Nullable(z.string()),
  street2: Nullable(z.string()),
  zipcode: Nullable(z.string()),
  city: Nullable(z.string()),
  country: Nullable(z.string()),
  email: Nullable(z.string()),
  phone: Nullable(z.string()),
});

export const OrderLine = z.object({
  id: z.number().int(),
  child_type: z.string().optional(),
  /** The product or BOM number the line points at. */
  child_id: z.union([z.string(), z.number()]).transform(String).optional(),
  item: Nullable(z.object({ number: z.string(), barcode: Nullable(z.string()) })),
  name: Nullable(z.string()),
  quantity: Amount,
  line_price: Amount,
  discount_percentage: Nullable(Amount),
  vat_percentage: Nullable(Amount),
  line_total: Nullable(Amount),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Order = z.object({
  number: z.number().int(),
  customer: Nullable(z.object({ number: z.number().int(), name: Nullable(z.string()), company_name: Nullable(z.string()) })),
  heading: Nullable(z.string()),
  currency: Nullable(z.string()),
  order_date: Nullable(z.string()),
  deliver_at: Nullable(z.string()),
  payment_terms_id: Nullable(z.number().int()),
  billing_address: Nullable(Address),
  delivery_address: Nullable(Address),
  is_booked: z.boolean(),
  is_shipped: z.boolean().default(false),
  is_partly_shipped: z.boolean().default(false),
  is_ready_for_shipping: z.boolean().default(false),
  is_invoiced: z.boolean().default(false),
  is_cancelled: z.boolean().default(false),
  booked_at: Nullable(Timestamp),
  shipped_at: Nullable(Timestamp),
  total_subtotal: Nullable(Amount),
  total_vat: Nullable(Amount),
  total_total: Nullable(Amount),
  lines: z.array(OrderLine).default([]),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
  self: z.string().optional(),
});
export type Order = z.infer<typeof Order>;

export const OrderShipment = z.object({
  id: z.number().int(),
  order_number: Nullable(z.number().int()),
  is_picked: z.boolean(),
  is_partly_picked: z.boolean().default(false),
  is_shipped: z.boolean(),
  shipped_at: Nullable(Timestamp),
  customer: Nullable(z.object({ number: z.number().int() })),
  self: z.string().optional(),
});
export type OrderShipment = z.infer<typeof OrderShipment>;

export const ConvertedToInvoice = z.object({ invoice_id: z.number().int() });

/** An invoice line: an order line's keys [R-SWAG CustomerInvoiceLine]; a text or freight line has no product (child_id null). */
/** An order's line, as a customer invoice carries it (a text line has neither child type nor child). */
export const CustomerInvoiceLine = OrderLine.extend({
  child_type: Nullable(z.string()),
  child_id: Nullable(z.union([z.string(), z.number()]).transform(String)),
});
export type CustomerInvoiceLine = z.infer<typeof CustomerInvoiceLine>;

/**
 * A customer invoice or credit note (`customer-invoices/{number}`). Documented keys [R-SWAG CustomerInvoice]:
 * number, totals, currency, is_booked, is_paid, lines, customer_id/customer, order_id/order, heading, address_*,
 * due_date; `booked_at` is one of the SDK's datetime casts [R-SDK]. The rest (invoice_date, payment_terms_id,
 * your_reference, total_vat, is_credit_note, credited_invoice_id) are not in the public docs: chosen names, see
 * docs/wire/rackbeat.md "Open points"; a `type` naming a credit note is accepted too.
 */
export const CustomerInvoice = z.object({
  number: z.number().int(),
  type: Nullable(z.string()),
  is_credit_note: Nullable(z.boolean()),
  /** Credit note: the number of the customer invoice it credits. */
  credited_invoice_id: Nullable(z.number().int()),
  customer_id: Nullable(z.number().int()),
  customer: Nullable(z.object({ number: z.number().int(), name: Nullable(z.string()), company_name: Nullable(z.string()) })),
  /** The number of the order the invoice was converted from. */
  order_id: Nullable(z.number().int()),
  heading: Nullable(z.string()),
  your_reference: Nullable(z.string()),
  currency: Nullable(z.string()),
  invoice_date: Nullable(z.string()),
  due_date: Nullable(z.string()),
  payment_terms_id: Nullable(z.number().int()),
  is_booked: z.boolean(),
  booked_at: Nullable(Timestamp),
  is_paid: z.boolean().default(false),
  total_subtotal: Nullable(Amount),
  total_vat: Nullable(Amount),
  total_total: Nullable(Amount),
  balance: Nullable(Amount),
  lines: z.array(CustomerInvoiceLine).default([]),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
  self: z.string().optional(),
});
export type CustomerInvoice = z.infer<typeof CustomerInvoice>;

export const Webhook = z.object({
  id: z.number().int(),
  event: z.string(),
  url: z.string(),
  is_active: z.boolean(),
  plugin: z.unknown().optional(),
  failures_since_last_success: z.number().int().default(0),
  /** Present only in the reply that created the hook. */
  token: z.string().optional(),
  created_at: Nullable(Timestamp),
  updated_at: Nullable(Timestamp),
});
export type Webhook = z.infer<typeof Webhook>;

export const Self = z.object({
  user_account: z.object({ id: z.number().int(), name: Nullable(z.string()) }),
});

/**
 * A webhook body. Documented: `{key, key_name, event, data, old_key/new_key/changed on updates}`; observed in real
 * deliveries: only `{key_name, key}` with the event in the Rackbeat-Webhook-Event header. `key` may be a string even
 * for integer numbers, so it is always exposed as a string.
 */
export const WebhookBody = z.object({
  key: z.union([z.string(), z.number()]).transform(String),
  key_name: z.string(),
  event: z.string().optional(),
  data: z.unknown().optional(),
  old_key: z.union([z.string(), z.number()]).transform(String).optional(),
  new_key: z.union([z.string(), z.number()]).transform(String).optional(),
  changed: z.array(z.string()).optional(),
});
export type WebhookBody = z.infer<typeof WebhookBody>;

/** List replies: the items under the plural key plus the paging counters (strings tolerated). */
export const PageCounters = z.object({
  total: z.coerce.number().int(),
  pages: z.coerce.number().int(),
  limit: z.coerce.number().int(),
  page: z.coerce.number().int(),
});

export interface Page<T> {
  items: T[];
  total: number;
  pages: number;
  limit: number;
  page: number;
}
