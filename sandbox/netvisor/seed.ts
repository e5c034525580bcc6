import Decimal from 'decimal.js';
import type { SandboxStore } from '../kit/store';
import { SeededRandom, finnishCompany, product as seedProduct } from '../kit/random';
import { referenceNumber } from './sales';
import type { CustomerRecord, DimensionRecord, InventoryRecord, ProductRecord, SalesInvoiceRecord, VendorRecord } from './types';

/** Fixed points every seed restores: TEMP customer (key 1, as the ISV environment ships it), Kustannuspaikka, Päävarasto. */
const SEEDED_AT = '2026-01-01T08:00:00';

export function seedNetvisor(store: SandboxStore, seed: number, counts: Record<string, number>): void {
  const rng = new SeededRandom(seed);
  const customers = counts.customers ?? 5;
  const products = counts.products ?? 8;
  const vendors = counts.vendors ?? 3;
  const invoices = counts.salesInvoices ?? 3;

  store.insert<CustomerRecord>('customers', {
    netvisorKey: store.nextId('customer'), code: 'TEMP', businessId: '', name: 'Temporary customer', nameExtension: '', street: '', postalCode: '', city: '',
    country: 'FI', phone: '', email: '', emailInvoicingAddress: '', einvoiceAddress: '', einvoiceOperator: '', invoicingLanguage: 'FI', groupName: '', isActive: true, isPrivate: false,
    changedAt: SEEDED_AT,
  });
  for (let i = 0; i < customers; i++) {
    const c = finnishCompany(rng);
    store.insert<CustomerRecord>('customers', {
      netvisorKey: store.nextId('customer'), code: String(1001 + i), businessId: c.businessId, name: c.name, nameExtension: '', street: c.street,
      postalCode: c.postalCode, city: c.city, country: 'FI', phone: c.phone, email: c.email, emailInvoicingAddress: c.email, einvoiceAddress: '', einvoiceOperator: '',
      invoicingLanguage: 'FI', groupName: '', isActive: true, isPrivate: false, changedAt: SEEDED_AT,
    });
  }

  const warehouse = { key: 1, name: 'Päävarasto' };
  for (let i = 0; i < products; i++) {
    const p = seedProduct(rng, i);
    const record = store.insert<ProductRecord>('products', {
      netvisorKey: store.nextId('product'), code: p.code, group: 'Tuotteet', name: p.name, description: '', unitPrice: p.price, unit: 'kpl',
      purchasePrice: p.cost, vatPercent: '25.5', isActive: true, isSalesProduct: true, ean: '', changedAt: SEEDED_AT,
    });
    store.insert<InventoryRecord>('inventory', {
      productNetvisorKey: record.netvisorKey, warehouseNetvisorKey: warehouse.key, warehouseName: warehouse.name,
      inventoryAmount: String(rng.int(0, 200)), reservedAmount: String(rng.int(0, 5)), orderedAmount: String(rng.int(0, 20)), changedAt: SEEDED_AT,
    });
  }

  const items: Array<[string, string]> = [['100', 'Hallinto'], ['200', 'Myynti'], ['300', 'Tuotanto'], ['400', 'Verkkokauppa']];
  store.insert<DimensionRecord>('dimensions', {
    netvisorKey: store.nextId('dimension'), name: 'Kustannuspaikka', hidden: false,
    items: items.map(([code, name]) => ({ netvisorKey: store.nextId('dimension'), name, code, hidden: false, level: 1, fatherId: 0 })),
  });
  store.insert<DimensionRecord>('dimensions', { netvisorKey: store.nextId('dimension'), name: 'Projektit', hidden: false, items: [] });

  for (let i = 0; i < vendors; i++) {
    const c = finnishCompany(rng);
    store.insert<VendorRecord>('vendors', {
      netvisorKey: store.nextId('vendor'), code: String(5001 + i), name: c.name, address: c.street, postCode: c.postalCode, city: c.city, country: 'FI',
      organizationId: c.businessId, groupName: '', phone: c.phone, email: c.email, changedAt: SEEDED_AT,
    });
  }

  // A few historical documents: invoices from 1001 and orders from 5001 upwards, so numbering and lists have something to work on.
  const seededCustomers = store.list<CustomerRecord>('customers').filter((c) => c.code !== 'TEMP');
  const seededProducts = store.list<ProductRecord>('products');
  for (let i = 0; i < invoices && seededCustomers.length && seededProducts.length; i++) {
    const type = i % 3 === 2 ? 'order' : 'invoice';
    const c = rng.pick(seededCustomers);
    const p = rng.pick(seededProducts);
    const qty = new Decimal(rng.int(1, 5));
    const grossSum = qty.mul(p.unitPrice).mul('1.255');
    const sum = grossSum.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const number = String((type === 'invoice' ? 1001 : 5001) + store.list<SalesInvoiceRecord>('salesInvoices').filter((d) => d.type === type).length);
    const date = `2026-01-${String(10 + i).padStart(2, '0')}`;
    store.insert<SalesInvoiceRecord>('salesInvoices', {
      netvisorKey: store.nextId('salesInvoice'), type, number, date, dueDate: `2026-02-${String(10 + i).padStart(2, '0')}`, paymentTermNetDays: 31,
      status: type === 'invoice' ? 'open' : 'undelivered', currency: 'EUR', amount: sum.toFixed(2), openSum: sum.toFixed(2),
      referenceNumber: referenceNumber(number), customerCode: c.code, customerNetvisorKey: c.netvisorKey,
      billing: { name: c.name, street: c.street, postalCode: c.postalCode, city: c.city, country: 'FI' }, delivery: null,
      ourReference: '', yourReference: '', freeTextBeforeLines: '', freeTextAfterLines: '', expectPartialPayments: false,
      lines: [{
        type: 'product', netvisorKey: store.nextId('salesInvoiceLine'), productCode: p.code, productNetvisorKey: p.netvisorKey, name: p.name,
        unitPrice: p.unitPrice, priceType: 'net', vatPercent: '25.5', vatCode: 'KOMY', quantity: qty.toFixed(), discountPercent: '0', freeText: '',
        vatSum: grossSum.minus(grossSum.div('1.255')).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2), sum: sum.toFixed(2),
      }],
      payments: [], modifiedAt: `${date}T09:00:00`,
    });
  }
}
