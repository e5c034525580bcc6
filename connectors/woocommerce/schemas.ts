import { z } from 'zod';

/**
 * WooCommerce REST v3 shapes (docs/wire/woocommerce.md). Money is a string with `dp` decimals, except the line
 * item `price`, which WooCommerce sends as a JSON number and we never use for sums.
 */
export const WooCommerceCredentials = z.object({
  baseUrl: z.string().url('must be the shop address, e.g. "https://kauppa.example.fi"'),
  consumerKey: z.string().min(1, 'the consumer key (ck_…) is missing'),
  consumerSecret: z.string().min(1, 'the consumer secret (cs_…) is missing'),
});
export type WooCommerceCredentials = z.infer<typeof WooCommerceCredentials>;

const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "12.50"');
/** Plugins and older versions send null where core sends "". */
const Text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

export const WooMeta = z.object({ id: z.number().int().optional(), key: z.string(), value: z.unknown() });

export const WooBilling = z.object({
  first_name: Text,
  last_name: Text,
  company: Text,
  address_1: Text,
  address_2: Text,
  city: Text,
  state: Text,
  postcode: Text,
  country: Text,
  email: Text,
  phone: Text,
});
export const WooShipping = WooBilling.omit({ email: true }).extend({ phone: Text.optional() });

const WooItemTax = z.object({ id: z.number().int(), total: z.union([Money, z.literal('')]), subtotal: z.union([Money, z.literal('')]).optional() });

export const WooLineItem = z.object({
  id: z.number().int(),
  name: z.string(),
  product_id: z.number().int(),
  variation_id: z.number().int().default(0),
  quantity: z.number(),
  tax_class: Text,
  subtotal: Money,
  subtotal_tax: Money,
  total: Money,
  total_tax: Money,
  taxes: z.array(WooItemTax).default([]),
  meta_data: z.array(WooMeta).default([]),
  sku: Text,
  price: z.number().optional(),
});
export type WooLineItem = z.infer<typeof WooLineItem>;

export const WooTaxLine = z.object({
  id: z.number().int(),
  rate_code: Text,
  rate_id: z.number().int(),
  label: Text,
  compound: z.boolean().default(false),
  tax_total: Money,
  shipping_tax_total: Money,
  /** Present since WooCommerce 3.7 but not in the REST schema (docs/wire/woocommerce.md, "Orders"). */
  rate_percent: z.number().optional(),
});

export const WooShippingLine = z.object({
  id: z.number().int(),
  method_title: Text,
  method_id: Text,
  total: Money,
  total_tax: Money,
  taxes: z.array(WooItemTax).default([]),
});
export type WooShippingLine = z.infer<typeof WooShippingLine>;

export const WooFeeLine = z.object({
  id: z.number().int(),
  name: z.string(),
  tax_class: Text,
  tax_status: z.enum(['taxable', 'none']).default('taxable'),
  total: Money,
  total_tax: Money,
  taxes: z.array(WooItemTax).default([]),
});
export type WooFeeLine = z.infer<typeof WooFeeLine>;

export const WooCouponLine = z.object({
  id: z.number().int(),
  code: z.string(),
  discount: Money,
  discount_tax: Money,
});

export const WooOrderStatus = z.enum(['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash', 'checkout-draft']);

export const WooOrder = z.object({
  id: z.number().int(),
  parent_id: z.number().int().default(0),
  number: z.string(),
  order_key: Text,
  created_via: Text,
  status: z.string(),
  currency: z.string().length(3),
  date_created: z.string(),
  date_created_gmt: z.string(),
  date_modified: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  discount_total: Money,
  discount_tax: Money,
  shipping_total: Money,
  shipping_tax: Money,
  cart_tax: Money,
  total: Money,
  total_tax: Money,
  prices_include_tax: z.boolean(),
  customer_id: z.number().int().default(0),
  customer_note: Text,
  billing: WooBilling,
  shipping: WooShipping,
  payment_method: Text,
  payment_method_title: Text,
  transaction_id: Text,
  date_paid: z.string().nullish(),
  date_paid_gmt: z.string().nullish(),
  date_completed: z.string().nullish(),
  meta_data: z.array(WooMeta).default([]),
  line_items: z.array(WooLineItem),
  tax_lines: z.array(WooTaxLine).default([]),
  shipping_lines: z.array(WooShippingLine).default([]),
  fee_lines: z.array(WooFeeLine).default([]),
  coupon_lines: z.array(WooCouponLine).default([]),
  refunds: z.array(z.object({ id: z.number().int(), reason: Text, total: Money })).default([]),
});
export type WooOrder = z.infer<typeof WooOrder>;
export const WooOrderList = z.array(WooOrder);

export const WooWebhookTopic = z.string().regex(/^(order|customer|product|coupon)\.(created|updated|deleted|restored)$|^action\..+/);

export const WooWebhook = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(['active', 'paused', 'disabled']),
  topic: z.string(),
  resource: z.string(),
  event: z.string(),
  hooks: z.array(z.string()).default([]),
  delivery_url: z.string(),
  date_created: z.string().nullish(),
  date_created_gmt: z.string().nullish(),
  date_modified: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
});
export type WooWebhook = z.infer<typeof WooWebhook>;
export const WooWebhookList = z.array(WooWebhook);

/** Every WooCommerce/WordPress REST error (docs/wire/woocommerce.md, "Errors"). */
export const WooError = z.object({
  code: z.string(),
  message: z.string(),
  data: z
    .object({ status: z.number().int().optional(), params: z.record(z.string(), z.string()).optional() })
    .passthrough()
    .nullish(),
});
export type WooError = z.infer<typeof WooError>;

/** The body of POST /orders as documented (only the fields Siirto and the demo use). */
export interface WooOrderInput {
  status?: string;
  currency?: string;
  set_paid?: boolean;
  payment_method?: string;
  payment_method_title?: string;
  transaction_id?: string;
  customer_note?: string;
  billing?: Partial<z.input<typeof WooBilling>>;
  shipping?: Partial<z.input<typeof WooShipping>>;
  line_items: Array<{ product_id?: number; sku?: string; quantity: number; subtotal?: string; total?: string; name?: string; tax_class?: string }>;
  shipping_lines?: Array<{ method_id: string; method_title: string; total: string }>;
  fee_lines?: Array<{ name: string; total: string; tax_class?: string; tax_status?: 'taxable' | 'none' }>;
  coupon_lines?: Array<{ code: string }>;
  meta_data?: Array<{ key: string; value: unknown }>;
}
