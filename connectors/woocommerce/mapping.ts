import Decimal from 'decimal.js';
import { normalizeBusinessId } from '../../domain/business-id';
import { OrderMappingError } from '../../domain/mapping/errors';
import { SalesDocument, type Address, type Party, type Payment, type SalesLine } from '../../domain/model';
import { cents, toDecimalString } from '../../domain/money';
import { finnishVatRates, nearestFinnishRate, ratioTolerance, salesLineGross } from '../../domain/vat';
import type { WooOrder } from './schemas';

/**
 * WooCommerce order (wire) → canonical sales document (domain/model.ts). The wire-to-canonical step lives with the
 * connector; domain/ knows no system's wire types.
 */
export { OrderMappingError };

export interface WooMappingOptions {
  kind: 'order' | 'invoice';
  /** Meta key of the customer's business ID; Finnish checkout plugins differ (default `_billing_business_id`; docs/wire/open-points.md). */
  businessIdMetaKey?: string;
}

const ZERO = new Decimal(0);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Woo = WooOrder;
type Taxes = Array<{ id: number; total: string }>;

/**
 * WooCommerce order → canonical sales document. Every row is gross (`priceIncludesVat`), because WooCommerce gives
 * each line's net and tax separately, already rounded, and their sum is the only amount that adds up to the order
 * total to the cent. Products keep the undiscounted unit price; what coupons took off (and any cent left over when
 * a line total does not divide by its quantity) becomes one `discount` row per VAT rate, so the rows sum to
 * `order.total` exactly — which is checked before returning.
 */
export function wooOrderToSalesDocument(order: Woo, opts: WooMappingOptions): SalesDocument {
  const date = order.date_created.slice(0, 10);
  const fail = (message: string, field?: string): never => {
    throw new OrderMappingError('WooCommerce', order.number, message, field);
  };

  const rateOf = (net: Decimal, tax: Decimal, taxes: Taxes, what: string): string => {
    const used = taxes.filter((t) => t.total !== '' && !new Decimal(t.total).isZero());
    if (used.length === 1) {
      const percent = order.tax_lines.find((l) => l.rate_id === used[0].id)?.rate_percent;
      if (percent !== undefined) {
        const snapped = nearestFinnishRate(percent, date, '0.001');
        if (snapped !== null) return snapped;
      }
    }
    if (net.isZero()) return tax.isZero() ? finnishVatRates(date).standard : fail(`${what} has VAT ${tax.toFixed(2)} on a zero amount`);
    const ratio = tax.dividedBy(net).times(100);
    const snapped = nearestFinnishRate(ratio, date, ratioTolerance(net));
    if (snapped === null) {
      fail(`the VAT of ${what} (${tax.toFixed(2)} on ${net.toFixed(2)}, ${ratio.toFixed(2)} %) matches no Finnish VAT rate in force on ${date}`, 'tax');
    }
    return snapped!;
  };

  const lines: SalesLine[] = [];
  const adjustments = new Map<string, Decimal>();
  const adjust = (rate: string, amount: Decimal) => adjustments.set(rate, (adjustments.get(rate) ?? ZERO).plus(amount));

  for (const item of order.line_items) {
    if (item.quantity <= 0) fail(`row "${item.name}" has quantity ${item.quantity}`, 'quantity');
    const q = new Decimal(item.quantity);
    const before = new Decimal(item.subtotal).plus(item.subtotal_tax);
    const after = new Decimal(item.total).plus(item.total_tax);
    const rate = new Decimal(item.total).isZero()
      ? rateOf(new Decimal(item.subtotal), new Decimal(item.subtotal_tax), item.taxes, `row "${item.name}"`)
      : rateOf(new Decimal(item.total), new Decimal(item.total_tax), item.taxes, `row "${item.name}"`);
    const unit = before.dividedBy(q).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    adjust(rate, after.minus(unit.times(q)));
    lines.push({
      kind: 'product',
      // Products without a SKU are identified by WooCommerce's product id (documented fallback).
      productCode: item.sku || String(item.product_id),
      name: item.name,
      quantity: toDecimalString(q),
      unitPrice: unit.toFixed(2),
      priceIncludesVat: true,
      vatRate: rate,
    });
  }

  const codes = order.coupon_lines.map((c) => c.code);
  for (const [rate, amount] of adjustments) {
    if (amount.isZero()) continue;
    lines.push({
      kind: 'discount',
      productCode: codes.length ? codes.join('+').toUpperCase() : 'ROUNDING',
      name: codes.length ? `Discount ${codes.join(', ')} (VAT ${rate} %)` : `Rounding difference (VAT ${rate} %)`,
      quantity: '1',
      unitPrice: amount.toFixed(2),
      priceIncludesVat: true,
      vatRate: rate,
    });
  }

  for (const s of order.shipping_lines) {
    const net = new Decimal(s.total);
    const tax = new Decimal(s.total_tax);
    lines.push({
      kind: 'shipping',
      productCode: s.method_id || 'SHIPPING',
      name: s.method_title || 'Shipping',
      quantity: '1',
      unitPrice: net.plus(tax).toFixed(2),
      priceIncludesVat: true,
      vatRate: rateOf(net, tax, s.taxes, `shipping "${s.method_title}"`),
    });
  }
  for (const f of order.fee_lines) {
    const net = new Decimal(f.total);
    const tax = new Decimal(f.total_tax);
    lines.push({
      kind: 'fee',
      productCode: 'FEE',
      name: f.name,
      quantity: '1',
      unitPrice: net.plus(tax).toFixed(2),
      priceIncludesVat: true,
      vatRate: f.tax_status === 'none' && tax.isZero() ? '0' : rateOf(net, tax, f.taxes, `fee "${f.name}"`),
    });
  }

  const gross = lines.reduce((acc, l) => acc.plus(salesLineGross(l)), ZERO);
  if (!gross.equals(order.total)) {
    fail(`the rows add up to ${cents(gross)} but the order total is ${order.total}; the order may have been edited by hand`, 'total');
  }

  const payments: Payment[] = order.date_paid
    ? [
        {
          date: order.date_paid.slice(0, 10),
          amount: cents(order.total),
          method: order.payment_method_title || order.payment_method || 'WooCommerce',
          reference: order.transaction_id || undefined,
        },
      ]
    : [];

  const document = {
    kind: opts.kind,
    source: { system: 'woocommerce', id: String(order.id), number: order.number },
    date,
    currency: order.currency,
    customer: billingParty(order, opts, fail),
    delivery: deliveryOf(order),
    lines,
    payments,
    paymentMethod: order.payment_method_title || undefined,
    comment: order.customer_note || undefined,
    totals: {
      net: cents(new Decimal(order.total).minus(order.total_tax)),
      vat: cents(order.total_tax),
      gross: cents(order.total),
    },
  };
  return SalesDocument.parse(document);
}

function address(a: { address_1: string; address_2: string; postcode: string; city: string; country: string }): Address {
  return {
    street: [a.address_1, a.address_2].filter(Boolean).join(', '),
    postalCode: a.postcode,
    city: a.city,
    country: (a.country || 'FI').toUpperCase(),
  };
}

function billingParty(order: Woo, opts: WooMappingOptions, fail: (m: string, f?: string) => never): Party {
  const b = order.billing;
  const person = [b.first_name, b.last_name].filter(Boolean).join(' ');
  const name = b.company || person || b.email;
  if (!name) fail('the billing address has neither a company nor a person name', 'billing');
  const key = opts.businessIdMetaKey ?? '_billing_business_id';
  const raw = order.meta_data.find((m) => m.key === key)?.value;
  const given = typeof raw === 'string' ? raw.trim() : raw === undefined || raw === null ? '' : String(raw);
  let businessId: string | undefined;
  let organisationNumber: string | undefined;
  if (given) {
    const normalized = normalizeBusinessId(given);
    if (normalized) businessId = normalized;
    else if ((b.country || 'FI').toUpperCase() !== 'FI') organisationNumber = given;
    else fail(`business ID "${given}" (meta ${key}) is not a valid Finnish business ID; correct it on the order in WooCommerce`, key);
  }
  return {
    kind: 'customer',
    name,
    businessId,
    organisationNumber,
    email: EMAIL.test(b.email) ? b.email : undefined,
    phone: b.phone || undefined,
    address: address(b),
  };
}

function deliveryOf(order: Woo): SalesDocument['delivery'] {
  const s = order.shipping;
  if (!s.address_1 && !s.city) return undefined;
  const name = s.company || [s.first_name, s.last_name].filter(Boolean).join(' ') || [order.billing.first_name, order.billing.last_name].join(' ').trim();
  return { name: name || order.billing.company, address: address(s) };
}
