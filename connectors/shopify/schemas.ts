import { z } from 'zod';

/**
 * Shopify Admin REST shapes (docs/wire/shopify.md). Money is a string with two decimals; tax `rate` is a fraction
 * (0.255), not a percentage. Order ids are int64 and still fit a JS number.
 */
export const ShopifyCredentials = z.object({
  /** The shop's admin origin, e.g. "https://kauppa.myshopify.com". */
  baseUrl: z.string().url('must be the shop address, e.g. "https://kauppa.myshopify.com"'),
  accessToken: z.string().min(1, 'the Admin API access token (shpat_…) is missing'),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'must be a Shopify API version such as "2025-01"')
    .default('2025-01'),
});
export type ShopifyCredentials = z.input<typeof ShopifyCredentials>;

const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "12.50"');
const Text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

export const ShopifyAddress = z.object({
  first_name: Text,
  last_name: Text,
  name: Text,
  company: Text,
  address1: Text,
  address2: Text,
  city: Text,
  zip: Text,
  province: Text,
  country: Text,
  country_code: Text,
  phone: Text,
});
export type ShopifyAddress = z.infer<typeof ShopifyAddress>;

export const ShopifyTaxLine = z.object({
  title: Text,
  price: Money,
  rate: z.number().min(0).max(1),
  channel_liable: z.boolean().nullish(),
});

export const ShopifyDiscountAllocation = z.object({ amount: Money, discount_application_index: z.number().int().optional() });

export const ShopifyLineItem = z.object({
  id: z.number().int(),
  product_id: z.number().int().nullish(),
  variant_id: z.number().int().nullish(),
  sku: Text,
  name: Text,
  title: z.string(),
  variant_title: Text,
  quantity: z.number().int(),
  /** Unit price before discounts; includes VAT when the order's `taxes_included` is true. */
  price: Money,
  taxable: z.boolean().default(true),
  total_discount: Money.default('0.00'),
  discount_allocations: z.array(ShopifyDiscountAllocation).default([]),
  tax_lines: z.array(ShopifyTaxLine).default([]),
});
export type ShopifyLineItem = z.infer<typeof ShopifyLineItem>;

export const ShopifyShippingLine = z.object({
  id: z.number().int(),
  code: Text,
  title: Text,
  price: Money,
  discounted_price: Money.optional(),
  tax_lines: z.array(ShopifyTaxLine).default([]),
  discount_allocations: z.array(ShopifyDiscountAllocation).default([]),
});

export const ShopifyOrder = z.object({
  id: z.number().int(),
  admin_graphql_api_id: z.string().optional(),
  name: z.string(),
  number: z.number().int().optional(),
  order_number: z.number().int(),
  email: Text,
  phone: Text,
  created_at: z.string(),
  processed_at: z.string().nullish(),
  updated_at: z.string(),
  cancelled_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  currency: z.string().length(3),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  taxes_included: z.boolean(),
  tax_exempt: z.boolean().optional(),
  subtotal_price: Money,
  total_price: Money,
  total_tax: Money,
  total_discounts: Money,
  total_line_items_price: Money,
  tax_lines: z.array(ShopifyTaxLine).default([]),
  discount_codes: z.array(z.object({ code: z.string(), amount: Money, type: z.string() })).default([]),
  /** Deprecated by Shopify in favour of payment_gateway_names, still sent by older versions. */
  gateway: Text.optional(),
  payment_gateway_names: z.array(z.string()).default([]),
  billing_address: ShopifyAddress.nullish(),
  shipping_address: ShopifyAddress.nullish(),
  customer: z
    .object({ id: z.number().int(), email: Text, first_name: Text, last_name: Text, phone: Text })
    .nullish(),
  line_items: z.array(ShopifyLineItem),
  shipping_lines: z.array(ShopifyShippingLine).default([]),
  note: Text,
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).default([]),
  tags: Text,
  test: z.boolean().optional(),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;

export const ShopifyOrderEnvelope = z.object({ order: ShopifyOrder });
export const ShopifyOrdersEnvelope = z.object({ orders: z.array(ShopifyOrder) });

export const ShopifyWebhook = z.object({
  id: z.number().int(),
  address: z.string(),
  topic: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  format: z.enum(['json', 'xml']),
  fields: z.array(z.string()).default([]),
  metafield_namespaces: z.array(z.string()).default([]),
  api_version: z.string(),
});
export type ShopifyWebhook = z.infer<typeof ShopifyWebhook>;
export const ShopifyWebhookEnvelope = z.object({ webhook: ShopifyWebhook });
export const ShopifyWebhooksEnvelope = z.object({ webhooks: z.array(ShopifyWebhook) });

/** Shopify errors: a sentence, or field → messages (422). */
export const ShopifyError = z.object({
  errors: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]),
});

/** The body of POST orders.json (the fields the sandbox and the demo use). */
export interface ShopifyOrderInput {
  email?: string;
  phone?: string;
  financial_status?: 'pending' | 'authorized' | 'paid';
  taxes_included?: boolean;
  currency?: string;
  gateway?: string;
  note?: string;
  note_attributes?: Array<{ name: string; value: string }>;
  billing_address?: Partial<ShopifyAddress>;
  shipping_address?: Partial<ShopifyAddress>;
  line_items: Array<{ variant_id?: number; title?: string; price?: string; quantity: number; sku?: string; taxable?: boolean }>;
  shipping_lines?: Array<{ title: string; price: string; code?: string }>;
  discount_codes?: Array<{ code: string; amount: string; type: 'percentage' | 'fixed_amount' }>;
  test?: boolean;
}
