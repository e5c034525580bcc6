import { finnishCompany, product, SeededRandom } from '../kit/random';
import type { SandboxContext } from '../kit/server';
import type { OrderBody, WooOrderRecord } from './index';
import { TAX_CLASSES, type WooProduct } from './orders';
import type { ApiKey } from './wire';

/**
 * The meta key that carries the customer's business ID. Core WooCommerce has no such field; Finnish checkout
 * plugins each pick their own key, so this one is our choice (docs/wire/open-points.md) and the mapping lets it be configured.
 */
export const BUSINESS_ID_META_KEY = '_billing_business_id';

/** Fixed order dates across the VAT changes of 2024-09-01 and 2026-01-01, so that seeded orders show all rates. */
const ORDER_DATES = ['2024-06-14T09:20:00Z', '2024-09-02T07:15:00Z', '2025-03-11T12:00:00Z', '2025-11-28T15:45:00Z', '2026-02-03T08:30:00Z', '2026-10-19T10:05:00Z'];
const CONSUMERS = [['Aino', 'Virtanen'], ['Matti', 'Korhonen'], ['Liisa', 'Mäkinen'], ['Juha', 'Nieminen'], ['Sanna', 'Laine']];
const PAYMENTS = [
  ['paytrail', 'Paytrail'],
  ['bacs', 'Pankkisiirto'],
  ['klarna_payments', 'Klarna'],
];

type Build = (ctx: SandboxContext, body: OrderBody, at: Date) => WooOrderRecord;

export function seedShop(ctx: SandboxContext, seed: number, counts: Record<string, number>, build: Build): void {
  const rng = new SeededRandom(seed);
  const keys: ApiKey[] = [
    { consumer_key: 'ck_sandbox', consumer_secret: 'cs_sandbox', permissions: 'read_write', description: 'Siirto' },
    { consumer_key: 'ck_readonly', consumer_secret: 'cs_readonly', permissions: 'read', description: 'Read-only key for tests' },
  ];
  for (const k of keys) ctx.store.insert('apiKeys', k);

  const productCount = counts.products ?? 8;
  for (let i = 0; i < productCount; i++) {
    const p = product(rng, i);
    const taxClass = TAX_CLASSES[i % 3];
    const record: WooProduct = {
      id: ctx.store.nextId('product', 11),
      name: p.name,
      sku: p.code,
      price: p.price,
      regular_price: p.price,
      tax_class: taxClass,
      tax_status: 'taxable',
      status: 'publish',
    };
    ctx.store.insert('products', record);
  }
  const products = ctx.store.list<WooProduct>('products');
  if (!products.length) return;

  const orderCount = counts.orders ?? 6;
  for (let i = 0; i < orderCount; i++) {
    const at = new Date(ORDER_DATES[i % ORDER_DATES.length]);
    const isCompany = i % 2 === 0;
    const company = finnishCompany(rng);
    const [first, last] = rng.pick(CONSUMERS);
    const billing = {
      first_name: first,
      last_name: last,
      company: isCompany ? company.name : '',
      address_1: company.street,
      address_2: '',
      city: company.city,
      state: '',
      postcode: company.postalCode,
      country: 'FI',
      email: isCompany ? company.email : `${first}.${last}@example.fi`.toLowerCase().replace('ä', 'a'),
      phone: company.phone,
    };
    const { email: _email, ...shipping } = billing;
    const lines = Array.from({ length: rng.int(1, 3) }, () => ({ product_id: rng.pick(products).id, quantity: rng.int(1, 4) }));
    const [method, title] = rng.pick(PAYMENTS);
    const paid = method !== 'bacs';
    ctx.store.insert(
      'orders',
      build(
        ctx,
        {
          status: paid ? 'processing' : 'on-hold',
          set_paid: paid,
          payment_method: method,
          payment_method_title: title,
          billing,
          shipping,
          line_items: lines,
          shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: '4.78' }],
          coupon_lines: i % 3 === 1 ? [{ code: 'ale10' }] : [],
          meta_data: isCompany ? [{ key: BUSINESS_ID_META_KEY, value: company.businessId }] : [],
        },
        at,
      ),
    );
  }
}
