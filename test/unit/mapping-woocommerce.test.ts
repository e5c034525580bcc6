import Decimal from 'decimal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WooOrder } from '../../connectors/woocommerce/schemas';
import { OrderMappingError, wooOrderToSalesDocument } from '../../connectors/woocommerce/mapping';
import type { SalesDocument } from '../../domain/model';
import { salesLineGross } from '../../domain/vat';
import { priceOrder, type WooProduct } from '../../sandbox/woocommerce/orders';

const fixture = (name: string) => WooOrder.parse(JSON.parse(readFileSync(join(__dirname, '../connectors/woocommerce/fixtures', name), 'utf8')));
const rowsTotal = (doc: SalesDocument) => doc.lines.reduce((a, l) => a.plus(salesLineGross(l)), new Decimal(0)).toFixed(2);

describe('wooOrderToSalesDocument', () => {
  test('a consumer order with three VAT rates, a coupon, shipping and a fee', () => {
    const order = fixture('order-727.json');
    const doc = wooOrderToSalesDocument(order, { kind: 'order' });
    expect(doc.source).toEqual({ system: 'woocommerce', id: '727', number: '727' });
    expect(doc.date).toBe('2024-09-02');
    expect(doc.customer).toMatchObject({
      kind: 'customer',
      name: 'Aino Virtanen',
      email: 'aino.virtanen@example.fi',
      phone: '+358 40 1234567',
      address: { street: 'Hämeenkatu 12 A 3', postalCode: '33100', city: 'Tampere', country: 'FI' },
    });
    expect(doc.customer.businessId).toBeUndefined();
    expect(doc.delivery).toEqual({ name: 'Aino Virtanen', address: { street: 'Satamakatu 4, B 12', postalCode: '20100', city: 'Turku', country: 'FI' } });
    expect(doc.lines.map((l) => [l.kind, l.productCode, l.quantity, l.unitPrice, l.vatRate])).toEqual([
      ['product', 'VS-M', '2', '19.90', '25.5'],
      ['product', 'KAHVI-500', '3', '6.49', '14'],
      ['product', '95', '1', '4.00', '10'], // no SKU: WooCommerce product id
      ['discount', 'ALE10', '1', '-3.98', '25.5'],
      ['discount', 'ALE10', '1', '-1.95', '14'],
      ['discount', 'ALE10', '1', '-0.40', '10'],
      ['shipping', 'flat_rate', '1', '6.00', '25.5'],
      ['fee', 'FEE', '1', '2.51', '25.5'],
    ]);
    expect(doc.lines.every((l) => l.priceIncludesVat)).toBe(true);
    expect(rowsTotal(doc)).toBe('65.45');
    expect(doc.totals).toEqual({ net: '53.96', vat: '11.49', gross: '65.45' });
    expect(doc.paymentMethod).toBe('Paytrail');
    expect(doc.payments).toEqual([{ date: '2024-09-02', amount: '65.45', method: 'Paytrail', reference: 'pt-88213' }]);
    expect(doc.comment).toBe('Ovikoodi 1234');
  });

  test('a company order before September 2024, net prices, a quantity that does not divide, no payment yet', () => {
    const doc = wooOrderToSalesDocument(fixture('order-net-company.json'), { kind: 'invoice' });
    expect(doc.kind).toBe('invoice');
    expect(doc.source.number).toBe('B2B-512');
    expect(doc.customer).toMatchObject({ name: 'Kivirakennus Oy', businessId: '2077474-0', email: 'laskutus@kivirakennus.fi' });
    expect(doc.customer.phone).toBeUndefined();
    expect(doc.delivery).toBeUndefined();
    expect(doc.lines.map((l) => [l.kind, l.unitPrice, l.vatRate])).toEqual([
      ['product', '4.13', '24'],
      ['discount', '0.01', '24'], // 12.40 over 3 pieces leaves a cent
      ['shipping', '0.00', '24'],
    ]);
    expect(doc.lines[1].name).toMatch(/Rounding/);
    expect(rowsTotal(doc)).toBe('12.40');
    expect(doc.payments).toEqual([]);
    expect(doc.paymentMethod).toBe('Pankkisiirto');
  });

  test('an invalid business ID is an error naming the order and the value', () => {
    const order = fixture('order-net-company.json');
    order.meta_data[0].value = '2077474-1';
    expect(() => wooOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(OrderMappingError);
    expect(() => wooOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(/WooCommerce order B2B-512: business ID "2077474-1"/);
  });

  test('the business ID meta key is configurable; a foreign number is kept verbatim', () => {
    const order = fixture('order-net-company.json');
    order.meta_data = [{ id: 1, key: 'vat_number', value: 'SE556677889901' }];
    order.billing.country = 'SE';
    const doc = wooOrderToSalesDocument(order, { kind: 'invoice', businessIdMetaKey: 'vat_number' });
    expect(doc.customer.businessId).toBeUndefined();
    expect(doc.customer.organisationNumber).toBe('SE556677889901');
  });

  test('a VAT rate that was not in force on the order date is refused', () => {
    const order = fixture('order-net-company.json');
    order.date_created = '2025-02-01T10:00:00';
    expect(() => wooOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(/matches no Finnish VAT rate in force on 2025-02-01/);
  });

  test('rows that do not add up to the order total are refused', () => {
    const order = fixture('order-727.json');
    order.total = '70.00';
    expect(() => wooOrderToSalesDocument(order, { kind: 'order' })).toThrow(/rows add up to 65.45 but the order total is 70.00/);
  });

  test('many orders priced the WooCommerce way add up to the cent, across dates, rates, quantities and coupons', () => {
    const products: WooProduct[] = ['19.90', '6.49', '4.00', '0.99', '123.45', '7.77'].map((price, i) => ({
      id: i + 1,
      name: `Tuote ${i + 1}`,
      sku: i === 2 ? '' : `T-${i + 1}`,
      price,
      regular_price: price,
      tax_class: ['', 'reduced-rate', 'lower-reduced-rate'][i % 3],
      tax_status: 'taxable',
      status: 'publish',
    }));
    const dates = ['2024-03-01', '2024-09-01', '2025-06-30', '2026-01-01'];
    let itemId = 1;
    let checked = 0;
    for (const date of dates) {
      for (let n = 0; n < 12; n++) {
        const lines = products.filter((_, i) => (n + i) % 3 !== 0).map((p, i) => ({ product_id: p.id, quantity: ((n + i) % 4) + 1 }));
        const coupon = n % 3 === 0 ? [] : n % 3 === 1 ? [{ code: 'ale10' }] : [{ code: 'ale15' }, { code: 'kesa20' }];
        const priced = priceOrder(
          {
            line_items: lines,
            coupon_lines: coupon,
            shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: n % 2 ? '4.78' : '0.00' }],
            fee_lines: n % 4 === 0 ? [{ name: 'Pientoimituslisä', total: '1.99', tax_class: 'reduced-rate' }] : [],
          },
          products,
          `${date}T12:00:00`,
          () => itemId++,
        );
        const order = fixture('order-727.json');
        Object.assign(order, WooOrder.parse({ ...JSON.parse(JSON.stringify(order)), ...priced, date_created: `${date}T12:00:00`, number: `${date}-${n}` }));
        const doc = wooOrderToSalesDocument(order, { kind: 'order' });
        expect(rowsTotal(doc)).toBe(order.total);
        expect(doc.totals.gross).toBe(order.total);
        checked++;
      }
    }
    expect(checked).toBe(48);
  });
});
