import { finnishCompany, norwegianCompany, product, SeededRandom } from '../kit/random';
import type { SandboxContext } from '../kit/server';
import type { Fire } from './crud';
import { creditNoteFor, invoiceFromOrder, type InvoiceRecord } from './invoices';
import type { LineRecord, OrderRecord } from './orders';
import { stamp, type Json } from './wire';

/**
 * Deterministic contents. Defaults: payment term 1, customer group 1, supplier group 1 (the onboarding
 * prerequisites: `counts` can remove them, e.g. {"customerGroups": 0}), 2 product groups, 12 products (some numbers
 * with `/` and `+`), 8 customers (Norwegian and Finnish, alternating), 4 suppliers, 4 orders (drafts and booked),
 * no user-defined fields (onboarding creates them) unless `counts.fields` asks. `counts.invoices` books that many extra
 * orders and converts them to booked invoices (booked on 2026-01-05, before anything a test books), and
 * `counts.creditNotes` credits that many of those invoices with booked credit notes; both 0 by default.
 */
export const DEFAULT_COUNTS = {
  paymentTerms: 1, customerGroups: 1, supplierGroups: 1, productGroups: 2, products: 12, customers: 8, suppliers: 4, orders: 4, fields: 0, invoices: 0, creditNotes: 0,
};

const BASE = Date.UTC(2026, 0, 5, 8, 0, 0);
const at = (minute: number) => stamp(new Date(BASE + minute * 60_000));
const GROUP_NAMES = ['Varer', 'Reservedeler', 'Tjenester', 'Tilbehør'];

/** Product numbers with the characters that need double encoding in paths. */
function productNumber(i: number, code: string): string {
  if (i % 4 === 1) return `${code}/B`;
  if (i % 6 === 2) return `${code}+L`;
  if (i === 7) return `${code} 10/20`;
  return code;
}

export function seedRackbeat(ctx: SandboxContext, seed: number, counts: Record<string, number>): void {
  const { store } = ctx;
  const rng = new SeededRandom(seed);
  const n = (k: keyof typeof DEFAULT_COUNTS) => counts[k] ?? DEFAULT_COUNTS[k];
  let minute = 0;
  const times = () => ({ created_at: at(minute), updated_at: at(minute++) });

  for (let i = 0; i < n('paymentTerms'); i++) {
    const days = 14 * (i + 1);
    store.insert('paymentTerms', { number: i + 1, name: `Netto ${days} dager`, description: '', type: 'net', maturity_days: days, ...times() });
  }
  for (let i = 0; i < n('customerGroups'); i++) store.insert('customerGroups', { number: i + 1, name: i === 0 ? 'Standard' : `Kundegruppe ${i + 1}`, is_draft: false, ...times() });
  for (let i = 0; i < n('supplierGroups'); i++) store.insert('supplierGroups', { number: i + 1, name: i === 0 ? 'Standard' : `Leverandørgruppe ${i + 1}`, ...times() });
  for (let i = 0; i < n('productGroups'); i++) {
    store.insert('productGroups', {
      number: i + 1, name: GROUP_NAMES[i % GROUP_NAMES.length], has_inventory: i % 3 !== 2, should_spread_cost: false, is_sellable: true,
      vat_domestic: 25, vat_eu: 0, vat_abroad: 0, vat_domestic_exempt: 0, ...times(),
    });
  }

  const term = store.find('paymentTerms', (t) => t.number === 1) ? 1 : null;
  const productGroups = store.list('productGroups');
  const products: Json[] = [];
  if (productGroups.length) {
    for (let i = 0; i < n('products'); i++) {
      const p = product(rng, i);
      products.push(store.insert('products', {
        id: store.nextId('product'), number: productNumber(i, p.code), type: 'product', name: p.name, description: '',
        barcode: `70${rng.digits(11)}`, sales_price: Number(p.price), recommended_cost_price: Number(p.cost), cost_price: Number(p.cost),
        stock_quantity: rng.int(0, 200), is_barred: false, group_id: productGroups[i % productGroups.length].number, unit_id: null,
        default_supplier_id: null, deleted_at: null, ...times(),
      }));
    }
  }

  const party = (kind: 'customer' | 'supplier', i: number, number: number) => {
    const norwegian = i % 2 === 0;
    const c = norwegian ? norwegianCompany(rng) : finnishCompany(rng);
    const groups = kind === 'customer' ? 'customerGroups' : 'supplierGroups';
    return {
      number, company_name: c.name, company_vat: c.businessId, address_street: c.street, address_street2: '', address_city: c.city,
      address_zipcode: c.postalCode, address_country: c.country, contact_email: c.email, contact_phone: c.phone,
      locale: norwegian ? 'nb' : 'fi', currency: norwegian ? 'NOK' : 'EUR', vat_zone: norwegian ? 'domestic' : 'eu', ean: '',
      payment_terms_id: term, [`${kind}_group_id`]: store.find(groups, (g) => g.number === 1) ? 1 : null, is_barred: false, ...times(),
    };
  };
  for (let i = 0; i < n('customers'); i++) store.insert('customers', party('customer', i, 1001 + i));
  for (let i = 0; i < n('suppliers'); i++) store.insert('suppliers', party('supplier', i, 5001 + i));

  for (let i = 0; i < n('fields'); i++) {
    store.insert('fields', {
      id: store.nextId('field'), slug: `field-${i + 1}`, name: `Field ${i + 1}`, type: 'text', available_for: 'item',
      use_in_layouts: false, default_value: null, options: [], ...times(),
    });
  }

  const customers = store.list('customers');
  if (!customers.length || !products.length) return;
  for (let i = 0; i < n('orders'); i++) {
    const c = customers[i % customers.length];
    const lines: LineRecord[] = [];
    for (let l = 0; l < rng.int(1, 3); l++) {
      const p = products[rng.int(0, products.length - 1)];
      lines.push({
        id: store.nextId('orderLine'), child_type: 'product', child_id: String(p.number), item: { number: String(p.number), barcode: String(p.barcode) },
        name: String(p.name), quantity: rng.int(1, 5), line_price: Number(p.sales_price), discount_percentage: 0, vat_percentage: 25,
      });
    }
    const booked = i % 2 === 1;
    const address = {
      name: c.company_name, street: c.address_street, street2: '', zipcode: c.address_zipcode, city: c.address_city,
      country: c.address_country, email: c.contact_email, phone: c.contact_phone,
    };
    const t = times();
    store.insert('orders', {
      number: 1001 + i, customer_id: c.number, heading: `Ordre ${1001 + i}`, currency: c.currency, order_date: t.created_at.slice(0, 10),
      deliver_at: null, payment_terms_id: c.payment_terms_id, vat_zone: c.vat_zone, billing_address: address, delivery_address: { ...address },
      is_booked: booked, is_shipped: false, is_partly_shipped: false, is_ready_for_shipping: false, is_invoiced: false, is_cancelled: false,
      booked_at: booked ? t.created_at : null, shipped_at: null, lines, ...t,
    });
  }

  // Invoices converted from extra booked orders, booked on the seed's clock; no webhooks while seeding.
  const quiet: Fire = () => undefined;
  const invoices: InvoiceRecord[] = [];
  for (let i = 0; i < n('invoices'); i++) {
    const c = customers[i % customers.length];
    const p = products[i % products.length];
    const t = times();
    const order = store.insert<OrderRecord>('orders', {
      number: 1001 + n('orders') + i, customer_id: Number(c.number), heading: `Ordre ${1001 + n('orders') + i}`, currency: c.currency,
      order_date: t.created_at.slice(0, 10), deliver_at: null, payment_terms_id: c.payment_terms_id, vat_zone: c.vat_zone,
      billing_address: { name: c.company_name, street: c.address_street, street2: '', zipcode: c.address_zipcode, city: c.address_city, country: c.address_country },
      is_booked: true, is_shipped: true, is_partly_shipped: false, is_ready_for_shipping: false, is_invoiced: true, is_cancelled: false,
      booked_at: t.created_at, shipped_at: t.created_at,
      lines: [{
        id: store.nextId('orderLine'), child_type: 'product', child_id: String(p.number), item: { number: String(p.number), barcode: String(p.barcode) },
        name: String(p.name), quantity: 1 + (i % 3), line_price: Number(p.sales_price), discount_percentage: i % 2 ? 10 : 0, vat_percentage: 25,
      }],
      ...t,
    });
    invoices.push(invoiceFromOrder(ctx, quiet, order, true, times().created_at));
  }
  for (let i = 0; i < Math.min(n('creditNotes'), invoices.length); i++) {
    const note = creditNoteFor(ctx, quiet, invoices[i], false, times().created_at);
    Object.assign(note, { is_booked: true, booked_at: note.created_at });
  }
}
