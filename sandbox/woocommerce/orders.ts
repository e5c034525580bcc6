import Decimal from 'decimal.js';
import { finnishVatRates } from '../../domain/vat';

/**
 * How the sandbox shop prices an order, the way WooCommerce does with "prices entered with tax" on (the usual
 * Finnish consumer shop): product prices are gross; line `subtotal`/`total` are stored ex-tax with the tax split
 * off and rounded per line; shipping and fee totals are entered ex-tax (docs/wire/woocommerce.md, "Orders").
 */
export interface WooProduct {
  [k: string]: unknown;
  id: number;
  name: string;
  sku: string;
  /** Gross price, two decimals. */
  price: string;
  regular_price: string;
  tax_class: string;
  tax_status: 'taxable' | 'none';
  status: 'publish';
}

/** Tax classes of the sandbox shop. `lower-reduced-rate` is our own slug for the 10 % class (docs/wire/open-points.md). */
export const TAX_CLASSES = ['', 'reduced-rate', 'lower-reduced-rate', 'zero-rate'] as const;

export interface TaxRate {
  id: number;
  taxClass: string;
  percent: string;
  label: string;
}

/** The shop's tax table as it stood on a date: rows keep their ids when the rate changes, as shop owners edit them. */
export function taxTable(date: string): TaxRate[] {
  const r = finnishVatRates(date);
  return [
    { id: 1, taxClass: '', percent: r.standard, label: 'ALV' },
    { id: 2, taxClass: 'reduced-rate', percent: r.reduced, label: 'ALV' },
    { id: 3, taxClass: 'lower-reduced-rate', percent: r.lowerReduced, label: 'ALV' },
    { id: 4, taxClass: 'zero-rate', percent: '0', label: 'ALV 0' },
  ];
}

/** Percentage coupons the sandbox shop knows (WooCommerce `percent` type). */
export const COUPONS: Record<string, number> = { ale10: 10, ale15: 15, kesa20: 20 };

export class OrderInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const r2 = (d: Decimal.Value) => new Decimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const s2 = (d: Decimal.Value) => r2(d).toFixed(2);
const taxOfGross = (gross: Decimal, percent: string) => r2(gross.times(percent).dividedBy(new Decimal(100).plus(percent)));
const taxOfNet = (net: Decimal, percent: string) => r2(net.times(percent).dividedBy(100));

export interface LineInput {
  product_id?: number;
  sku?: string;
  quantity?: unknown;
  subtotal?: string;
  total?: string;
}

export interface PricingInput {
  line_items?: LineInput[];
  shipping_lines?: Array<{ method_id?: string; method_title?: string; total?: string }>;
  fee_lines?: Array<{ name?: string; total?: string; tax_class?: string; tax_status?: 'taxable' | 'none' }>;
  coupon_lines?: Array<{ code?: string }>;
}

const MONEY = /^-?\d+(\.\d+)?$/;

/** Computes every line and total of an order; throws OrderInputError with WooCommerce's code for bad input. */
export function priceOrder(input: PricingInput, products: WooProduct[], date: string, nextItemId: () => number) {
  const table = taxTable(date);
  const rateOf = (taxClass: string) => {
    const rate = table.find((t) => t.taxClass === taxClass);
    if (!rate) throw new OrderInputError('woocommerce_rest_invalid_tax_class', `Invalid tax class: ${taxClass}`); // code: docs/wire/open-points.md
    return rate;
  };
  const couponPercent = new Decimal(
    (input.coupon_lines ?? []).reduce((acc, c) => {
      const code = (c.code ?? '').toLowerCase();
      if (!(code in COUPONS)) throw new OrderInputError('woocommerce_rest_invalid_coupon', `Coupon "${code}" does not exist!`); // wording: docs/wire/open-points.md
      return acc + COUPONS[code];
    }, 0),
  );
  if (!input.line_items?.length) throw new OrderInputError('rest_invalid_param', 'line_items must contain at least 1 items.', 'line_items'); // WooCommerce allows empty orders (docs/wire/open-points.md); Siirto's demo never wants one

  const used = new Map<number, { rate: TaxRate; items: Decimal; shipping: Decimal }>();
  const use = (rate: TaxRate, items: Decimal, shipping: Decimal) => {
    const u = used.get(rate.id) ?? { rate, items: new Decimal(0), shipping: new Decimal(0) };
    u.items = u.items.plus(items);
    u.shipping = u.shipping.plus(shipping);
    used.set(rate.id, u);
  };

  const line_items = input.line_items.map((li, i) => {
    const product = products.find((p) => (li.product_id !== undefined ? p.id === li.product_id : li.sku !== undefined && p.sku === li.sku));
    if (!product) throw new OrderInputError('woocommerce_rest_invalid_product_id', 'Invalid product ID.', undefined); // wording: docs/wire/open-points.md
    if (typeof li.quantity !== 'number' || !Number.isInteger(li.quantity)) {
      throw new OrderInputError('rest_invalid_param', `line_items[${i}][quantity] is not of type integer.`, 'line_items');
    }
    if (li.quantity < 1) throw new OrderInputError('rest_invalid_param', `line_items[${i}][quantity] must be greater than 0`, 'line_items'); // docs/wire/open-points.md
    const rate = rateOf(product.tax_status === 'none' ? 'zero-rate' : product.tax_class);
    let subtotal: Decimal, subtotalTax: Decimal, total: Decimal, totalTax: Decimal;
    if (li.total !== undefined) {
      if (!MONEY.test(li.total)) throw new OrderInputError('rest_invalid_param', `line_items[${i}][total] is not a number.`, 'line_items');
      // A total given through the API is ex-tax and already discounted.
      total = new Decimal(li.total);
      subtotal = li.subtotal !== undefined && MONEY.test(li.subtotal) ? new Decimal(li.subtotal) : total;
      totalTax = taxOfNet(total, rate.percent);
      subtotalTax = taxOfNet(subtotal, rate.percent);
    } else {
      const gross = new Decimal(product.price).times(li.quantity);
      const discountedGross = gross.minus(r2(gross.times(couponPercent).dividedBy(100)));
      subtotalTax = taxOfGross(gross, rate.percent);
      subtotal = gross.minus(subtotalTax);
      totalTax = taxOfGross(discountedGross, rate.percent);
      total = discountedGross.minus(totalTax);
    }
    use(rate, totalTax, new Decimal(0));
    return {
      id: nextItemId(),
      name: product.name,
      product_id: product.id,
      variation_id: 0,
      quantity: li.quantity,
      tax_class: rate.taxClass === 'zero-rate' && product.tax_status === 'none' ? '' : rate.taxClass,
      subtotal: s2(subtotal),
      subtotal_tax: s2(subtotalTax),
      total: s2(total),
      total_tax: s2(totalTax),
      taxes: [{ id: rate.id, total: totalTax.toString(), subtotal: subtotalTax.toString() }],
      meta_data: [],
      sku: product.sku,
      price: total.dividedBy(li.quantity).toNumber(),
      image: { id: 0, src: '' },
      parent_name: null,
    };
  });

  const standard = rateOf('');
  const shipping_lines = (input.shipping_lines ?? []).map((sl, i) => {
    if (!sl.total || !MONEY.test(sl.total)) throw new OrderInputError('rest_invalid_param', `shipping_lines[${i}][total] is not a number.`, 'shipping_lines');
    const total = new Decimal(sl.total);
    const tax = taxOfNet(total, standard.percent);
    use(standard, new Decimal(0), tax);
    return {
      id: nextItemId(),
      method_title: sl.method_title ?? '',
      method_id: sl.method_id ?? '',
      instance_id: '',
      total: s2(total),
      total_tax: s2(tax),
      taxes: [{ id: standard.id, total: tax.toString(), subtotal: '' }],
      meta_data: [],
    };
  });

  const fee_lines = (input.fee_lines ?? []).map((fl, i) => {
    if (!fl.total || !MONEY.test(fl.total)) throw new OrderInputError('rest_invalid_param', `fee_lines[${i}][total] is not a number.`, 'fee_lines');
    const total = new Decimal(fl.total);
    const taxable = (fl.tax_status ?? 'taxable') === 'taxable';
    const rate = rateOf(fl.tax_class ?? '');
    const tax = taxable ? taxOfNet(total, rate.percent) : new Decimal(0);
    if (taxable) use(rate, tax, new Decimal(0));
    return {
      id: nextItemId(),
      name: fl.name ?? '',
      tax_class: fl.tax_class ?? '',
      tax_status: taxable ? 'taxable' : 'none',
      amount: s2(total),
      total: s2(total),
      total_tax: s2(tax),
      taxes: taxable ? [{ id: rate.id, total: tax.toString(), subtotal: '' }] : [],
      meta_data: [],
    };
  });

  const sumOf = (xs: Array<Record<string, unknown>>, key: string) => xs.reduce((a, x) => a.plus(x[key] as string), new Decimal(0));
  const discountTotal = sumOf(line_items, 'subtotal').minus(sumOf(line_items, 'total'));
  const discountTax = sumOf(line_items, 'subtotal_tax').minus(sumOf(line_items, 'total_tax'));
  const cartTax = sumOf(line_items, 'total_tax').plus(sumOf(fee_lines, 'total_tax'));
  const shippingTotal = sumOf(shipping_lines, 'total');
  const shippingTax = sumOf(shipping_lines, 'total_tax');
  const totalTax = cartTax.plus(shippingTax);
  const total = sumOf(line_items, 'total').plus(shippingTotal).plus(sumOf(fee_lines, 'total')).plus(totalTax);

  const coupons = input.coupon_lines ?? [];
  // Each coupon's share of the discount, by its percentage (they stack additively here).
  const coupon_lines = coupons.map((c) => {
    const share = couponPercent.isZero() ? new Decimal(0) : new Decimal(COUPONS[(c.code ?? '').toLowerCase()]).dividedBy(couponPercent);
    return {
      id: nextItemId(),
      code: (c.code ?? '').toLowerCase(),
      discount: s2(discountTotal.times(share)),
      discount_tax: s2(discountTax.times(share)),
      discount_type: 'percent',
      nominal_amount: COUPONS[(c.code ?? '').toLowerCase()],
      free_shipping: false,
      meta_data: [],
    };
  });

  const tax_lines = [...used.values()].map((u) => ({
    id: nextItemId(),
    rate_code: `FI-${u.rate.label.toUpperCase().replace(/\s+/g, '-')}-${u.rate.id}`,
    rate_id: u.rate.id,
    label: u.rate.label,
    compound: false,
    tax_total: s2(u.items),
    shipping_tax_total: s2(u.shipping),
    rate_percent: Number(u.rate.percent),
    meta_data: [],
  }));

  return {
    line_items,
    shipping_lines,
    fee_lines,
    coupon_lines,
    tax_lines,
    discount_total: s2(discountTotal),
    discount_tax: s2(discountTax),
    shipping_total: s2(shippingTotal),
    shipping_tax: s2(shippingTax),
    cart_tax: s2(cartTax),
    total: s2(total),
    total_tax: s2(totalTax),
  };
}
