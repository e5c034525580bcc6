import Decimal from 'decimal.js';
import { finnishVatRates } from '../../domain/vat';

/**
 * Shopify's pricing of an order as the sandbox shop (Finland, prices include tax unless the order says otherwise):
 * discount codes are allocated to lines (`discount_allocations`), line prices stay undiscounted, tax is computed per
 * line on the discounted amount and rounded to the cent. Shipping is taxed at the standard rate.
 */
export interface ShopifyProduct {
  [k: string]: unknown;
  id: number;
  variant_id: number;
  title: string;
  sku: string;
  /** Gross price, two decimals. */
  price: string;
  /** Our stand-in for Shopify's tax overrides by collection (open point: docs/wire/open-points.md). */
  vat_class: 'standard' | 'reduced' | 'lowerReduced';
}

export class ShopifyInputError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string | Record<string, string[]>,
  ) {
    super(typeof errors === 'string' ? errors : JSON.stringify(errors));
  }
}

interface LineInput {
  variant_id?: number;
  title?: string;
  price?: string;
  quantity?: unknown;
  sku?: string;
  taxable?: boolean;
}

export interface PricingInput {
  taxes_included?: boolean;
  currency?: string;
  line_items?: LineInput[];
  shipping_lines?: Array<{ title?: string; price?: string; code?: string }>;
  discount_codes?: Array<{ code?: string; amount?: string; type?: string }>;
}

const r2 = (d: Decimal.Value) => new Decimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const s2 = (d: Decimal.Value) => r2(d).toFixed(2);
const MONEY = /^\d+(\.\d+)?$/;
const set = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

export function priceOrder(input: PricingInput, products: ShopifyProduct[], date: string, nextId: () => number) {
  const included = input.taxes_included ?? true;
  const currency = input.currency ?? 'EUR';
  const rates = finnishVatRates(date);
  if (!Array.isArray(input.line_items) || input.line_items.length === 0) {
    throw new ShopifyInputError(422, { line_items: ['must have at least one line item'] }); // wording: docs/wire/open-points.md
  }
  const taxOf = (amount: Decimal, percent: string) =>
    included ? r2(amount.times(percent).dividedBy(new Decimal(100).plus(percent))) : r2(amount.times(percent).dividedBy(100));
  const taxLine = (price: Decimal, percent: string) => ({
    title: 'FI ALV',
    price: s2(price),
    rate: new Decimal(percent).dividedBy(100).toNumber(),
    price_set: set(s2(price), currency),
    channel_liable: false,
  });

  const lines = input.line_items.map((li, i) => {
    if (typeof li.quantity !== 'number' || !Number.isInteger(li.quantity) || li.quantity < 1) {
      throw new ShopifyInputError(422, { [`line_items[${i}].quantity`]: ['must be greater than 0'] }); // wording: docs/wire/open-points.md
    }
    const product = li.variant_id === undefined ? undefined : products.find((p) => p.variant_id === li.variant_id);
    if (li.variant_id !== undefined && !product) throw new ShopifyInputError(422, { line_items: ['variant is invalid'] }); // docs/wire/open-points.md
    if (!product && (!li.title || !li.price || !MONEY.test(li.price))) {
      throw new ShopifyInputError(422, { line_items: ['custom line items need a title and a price'] }); // docs/wire/open-points.md
    }
    const price = new Decimal(product?.price ?? li.price!);
    return { li, product, price, quantity: li.quantity, percent: product ? rates[product.vat_class] : rates.standard };
  });

  const amounts = lines.map((l) => l.price.times(l.quantity));
  const gross = amounts.reduce((a, x) => a.plus(x), new Decimal(0));
  const allocations = lines.map(() => new Decimal(0));
  if ((input.discount_codes ?? []).length > 1) {
    throw new ShopifyInputError(422, { discount_codes: ['only one discount code can be applied to an order'] }); // wording: docs/wire/open-points.md
  }
  const discountCodes = (input.discount_codes ?? []).map((dc, index) => {
    if (!dc.code || !dc.amount || !MONEY.test(dc.amount) || !['percentage', 'fixed_amount'].includes(dc.type ?? 'fixed_amount')) {
      throw new ShopifyInputError(422, { discount_codes: ['is invalid'] }); // docs/wire/open-points.md
    }
    const type = dc.type ?? 'fixed_amount';
    let taken = new Decimal(0);
    const total = type === 'percentage' ? null : Decimal.min(new Decimal(dc.amount), gross);
    amounts.forEach((amount, i) => {
      let share: Decimal;
      if (total === null) share = r2(amount.times(dc.amount!).dividedBy(100));
      else if (i === amounts.length - 1) share = total.minus(taken); // the last line takes the rounding
      else share = r2(total.times(amount).dividedBy(gross));
      allocations[i] = allocations[i].plus(share);
      taken = taken.plus(share);
    });
    return { index, code: dc.code, type, value: dc.amount, amount: s2(taken) };
  });

  const byRate = new Map<string, Decimal>();
  const addTax = (percent: string, tax: Decimal) => byRate.set(percent, (byRate.get(percent) ?? new Decimal(0)).plus(tax));

  const line_items = lines.map((l, i) => {
    const taxable = l.li.taxable ?? true;
    const tax = taxable ? taxOf(amounts[i].minus(allocations[i]), l.percent) : new Decimal(0);
    if (taxable) addTax(l.percent, tax);
    const id = nextId();
    return {
      id,
      admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
      product_id: l.product?.id ?? null,
      variant_id: l.product?.variant_id ?? null,
      sku: l.product?.sku ?? l.li.sku ?? '',
      name: l.product?.title ?? l.li.title!,
      title: l.product?.title ?? l.li.title!,
      variant_title: null,
      vendor: 'Siirto Sandbox',
      quantity: l.quantity,
      current_quantity: l.quantity,
      price: s2(l.price),
      price_set: set(s2(l.price), currency),
      taxable,
      total_discount: '0.00',
      discount_allocations: discountCodes.map((dc) => ({
        amount: s2(allocations[i]),
        amount_set: set(s2(allocations[i]), currency),
        discount_application_index: dc.index,
      })),
      tax_lines: taxable ? [taxLine(tax, l.percent)] : [],
      requires_shipping: true,
      fulfillment_status: null,
      properties: [],
    };
  });

  const shipping_lines = (input.shipping_lines ?? []).map((sl) => {
    if (!sl.title || !sl.price || !MONEY.test(sl.price)) throw new ShopifyInputError(422, { shipping_lines: ['is invalid'] }); // docs/wire/open-points.md
    const price = new Decimal(sl.price);
    const tax = taxOf(price, rates.standard);
    addTax(rates.standard, tax);
    return {
      id: nextId(),
      code: sl.code ?? sl.title,
      title: sl.title,
      source: 'shopify',
      price: s2(price),
      discounted_price: s2(price),
      price_set: set(s2(price), currency),
      tax_lines: [taxLine(tax, rates.standard)],
      discount_allocations: [],
    };
  });

  const totalDiscounts = allocations.reduce((a, x) => a.plus(x), new Decimal(0));
  const subtotal = gross.minus(totalDiscounts);
  const shipping = shipping_lines.reduce((a, s) => a.plus(s.price), new Decimal(0));
  const totalTax = [...byRate.values()].reduce((a, x) => a.plus(x), new Decimal(0));
  const total = subtotal.plus(shipping).plus(included ? 0 : totalTax);

  return {
    taxes_included: included,
    currency,
    presentment_currency: currency,
    line_items,
    shipping_lines,
    tax_lines: [...byRate].map(([percent, tax]) => taxLine(tax, percent)),
    discount_codes: discountCodes.map((d) => ({ code: d.code, amount: d.amount, type: d.type })),
    discount_applications: discountCodes.map((d) => ({
      target_type: 'line_item',
      type: 'discount_code',
      value: d.value,
      value_type: d.type,
      allocation_method: 'across',
      target_selection: 'all',
      code: d.code,
    })),
    total_line_items_price: s2(gross),
    total_discounts: s2(totalDiscounts),
    subtotal_price: s2(subtotal),
    total_shipping_price_set: set(s2(shipping), currency),
    total_tax: s2(totalTax),
    total_price: s2(total),
    total_price_set: set(s2(total), currency),
  };
}
