import Decimal from 'decimal.js';
import { normalizeBusinessId } from '../../domain/business-id';
import { OrderMappingError } from '../../domain/mapping/errors';
import { SalesDocument, type Address, type Party, type Payment, type SalesLine } from '../../domain/model';
import { cents } from '../../domain/money';
import { finnishVatRates, nearestFinnishRate, salesLineGross } from '../../domain/vat';
import type { ShopifyAddress, ShopifyOrder } from './schemas';

export interface ShopifyMappingOptions {
  kind: 'order' | 'invoice';
  /** Note attribute holding the customer's business ID (Shopify has no field for it; default `business_id`; docs/wire/open-points.md). */
  businessIdAttribute?: string;
}

const ZERO = new Decimal(0);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PAID = new Set(['paid', 'partially_refunded']);

/**
 * Shopify order → canonical sales document, gross rows like the WooCommerce mapping. Shopify keeps line prices
 * undiscounted and lists what discounts took per line (`discount_allocations`); with `taxes_included` false the
 * price is net and the tax comes on top, per line, already rounded. Products keep the undiscounted gross unit price;
 * discounts and cent remainders become one `discount` row per VAT rate; the rows must sum to `total_price`.
 */
export function shopifyOrderToSalesDocument(order: ShopifyOrder, opts: ShopifyMappingOptions): SalesDocument {
  const date = order.created_at.slice(0, 10);
  const fail = (message: string, field?: string): never => {
    throw new OrderMappingError('Shopify', order.name, message, field);
  };
  const included = order.taxes_included;

  const rateOf = (taxLines: Array<{ rate: number }>, what: string): string => {
    if (taxLines.length === 0) return '0';
    // Rates of one line add up (Finland charges one); the fraction becomes a percentage.
    const percent = taxLines.reduce((a, t) => a.plus(t.rate), ZERO).times(100);
    const snapped = nearestFinnishRate(percent, date, '0.001');
    if (snapped === null) fail(`the VAT of ${what} (${percent.toString()} %) is not a Finnish VAT rate in force on ${date}`, 'tax_lines');
    return snapped!;
  };
  const taxOf = (taxLines: Array<{ price: string }>) => taxLines.reduce((a, t) => a.plus(t.price), ZERO);
  const allocated = (allocations: Array<{ amount: string }>) => allocations.reduce((a, d) => a.plus(d.amount), ZERO);

  const lines: SalesLine[] = [];
  const adjustments = new Map<string, Decimal>();
  const adjust = (rate: string, amount: Decimal) => adjustments.set(rate, (adjustments.get(rate) ?? ZERO).plus(amount));

  for (const item of order.line_items) {
    if (item.quantity <= 0) continue; // removed by an order edit
    const q = new Decimal(item.quantity);
    const price = new Decimal(item.price);
    const rate = item.taxable ? rateOf(item.tax_lines, `row "${item.name || item.title}"`) : '0';
    const discounted = price.times(q).minus(allocated(item.discount_allocations));
    const after = included ? discounted : discounted.plus(taxOf(item.tax_lines));
    const unit = included ? price : price.times(new Decimal(100).plus(rate)).dividedBy(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    adjust(rate, after.minus(unit.times(q)));
    lines.push({
      kind: 'product',
      productCode: item.sku || (item.variant_id ? String(item.variant_id) : String(item.id)),
      name: item.name || item.title,
      quantity: q.toString(),
      unitPrice: unit.toFixed(2),
      priceIncludesVat: true,
      vatRate: rate,
    });
  }

  const codes = order.discount_codes.map((d) => d.code);
  for (const [rate, amount] of adjustments) {
    if (amount.isZero()) continue;
    lines.push({
      kind: 'discount',
      productCode: codes.length ? codes.join('+').toUpperCase() : 'DISCOUNT',
      name: codes.length ? `Discount ${codes.join(', ')} (VAT ${rate} %)` : `Discount (VAT ${rate} %)`,
      quantity: '1',
      unitPrice: amount.toFixed(2),
      priceIncludesVat: true,
      vatRate: rate,
    });
  }

  for (const s of order.shipping_lines) {
    const amount = s.discounted_price !== undefined ? new Decimal(s.discounted_price) : new Decimal(s.price).minus(allocated(s.discount_allocations));
    const gross = included ? amount : amount.plus(taxOf(s.tax_lines));
    lines.push({
      kind: 'shipping',
      productCode: s.code || 'SHIPPING',
      name: s.title || 'Shipping',
      quantity: '1',
      unitPrice: gross.toFixed(2),
      priceIncludesVat: true,
      // A free shipping row has no tax lines; give it the standard rate so that targets accept it.
      vatRate: gross.isZero() && s.tax_lines.length === 0 ? finnishVatRates(date).standard : rateOf(s.tax_lines, `shipping "${s.title}"`),
    });
  }

  const total = lines.reduce((acc, l) => acc.plus(salesLineGross(l)), ZERO);
  if (!total.equals(order.total_price)) {
    fail(`the rows add up to ${cents(total)} but the order total is ${order.total_price}; the order may have been edited or refunded`, 'total_price');
  }

  const gateways = order.payment_gateway_names.length ? order.payment_gateway_names.join(', ') : order.gateway ?? '';
  const payments: Payment[] = PAID.has(order.financial_status ?? '')
    ? [{ date: (order.processed_at ?? order.created_at).slice(0, 10), amount: cents(order.total_price), method: gateways || 'Shopify' }]
    : [];

  return SalesDocument.parse({
    kind: opts.kind,
    source: { system: 'shopify', id: String(order.id), number: String(order.order_number) },
    date,
    currency: order.currency,
    customer: customerOf(order, opts, fail),
    delivery: order.shipping_address && (order.shipping_address.address1 || order.shipping_address.city)
      ? { name: personOrCompany(order.shipping_address), address: address(order.shipping_address) }
      : undefined,
    lines,
    payments,
    paymentMethod: gateways || undefined,
    comment: order.note || undefined,
    totals: { net: cents(new Decimal(order.total_price).minus(order.total_tax)), vat: cents(order.total_tax), gross: cents(order.total_price) },
  });
}

function address(a: ShopifyAddress): Address {
  return {
    street: [a.address1, a.address2].filter(Boolean).join(', '),
    postalCode: a.zip,
    city: a.city,
    country: (a.country_code || 'FI').toUpperCase(),
  };
}

const personOrCompany = (a: ShopifyAddress) => a.company || a.name || [a.first_name, a.last_name].filter(Boolean).join(' ');

function customerOf(order: ShopifyOrder, opts: ShopifyMappingOptions, fail: (m: string, f?: string) => never): Party {
  const billing = order.billing_address ?? order.shipping_address ?? undefined;
  const customer = order.customer ?? undefined;
  const name =
    (billing && personOrCompany(billing)) || [customer?.first_name, customer?.last_name].filter(Boolean).join(' ') || order.email;
  if (!name) fail('the order has no billing name, customer or e-mail', 'billing_address');
  const key = opts.businessIdAttribute ?? 'business_id';
  const raw = order.note_attributes.find((a) => a.name === key)?.value;
  const given = raw === undefined || raw === null ? '' : String(raw).trim();
  let businessId: string | undefined;
  let organisationNumber: string | undefined;
  if (given) {
    const normalized = normalizeBusinessId(given);
    if (normalized) businessId = normalized;
    else if (billing && billing.country_code && billing.country_code.toUpperCase() !== 'FI') organisationNumber = given;
    else fail(`business ID "${given}" (note attribute ${key}) is not a valid Finnish business ID; correct it on the order in Shopify`, key);
  }
  const email = order.email || customer?.email || '';
  return {
    kind: 'customer',
    name,
    businessId,
    organisationNumber,
    email: EMAIL.test(email) ? email : undefined,
    phone: billing?.phone || order.phone || customer?.phone || undefined,
    address: billing ? address(billing) : { street: '', postalCode: '', city: '', country: 'FI' },
  };
}
