import Decimal from 'decimal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShopifyOrder, ShopifyOrderEnvelope } from '../../connectors/shopify/schemas';
import { shopifyOrderToSalesDocument } from '../../connectors/shopify/mapping';
import { OrderMappingError } from '../../domain/mapping/errors';
import type { SalesDocument } from '../../domain/model';
import { salesLineGross } from '../../domain/vat';
import { priceOrder, type ShopifyProduct } from '../../sandbox/shopify/orders';

const read = (name: string) => JSON.parse(readFileSync(join(__dirname, '../connectors/shopify/fixtures', name), 'utf8'));
const webhookOrder = () => ShopifyOrder.parse(read('orders-create.json'));
const netOrder = () => ShopifyOrderEnvelope.parse(read('order-net-b2b.json')).order;
const rowsTotal = (doc: SalesDocument) => doc.lines.reduce((a, l) => a.plus(salesLineGross(l)), new Decimal(0)).toFixed(2);

describe('shopifyOrderToSalesDocument', () => {
  test('taxes included: undiscounted gross prices, discount rows per rate, shipping, payment', () => {
    const doc = shopifyOrderToSalesDocument(webhookOrder(), { kind: 'order' });
    expect(doc.source).toEqual({ system: 'shopify', id: '6200407294252', number: '1071' });
    expect(doc.date).toBe('2025-01-23');
    expect(doc.lines.map((l) => [l.kind, l.productCode, l.quantity, l.unitPrice, l.vatRate])).toEqual([
      ['product', 'VS-M', '2', '19.90', '25.5'],
      ['product', '4455', '3', '6.49', '14'], // no SKU: the variant id
      ['discount', 'ALE10', '1', '-3.98', '25.5'],
      ['discount', 'ALE10', '1', '-1.95', '14'],
      ['shipping', 'posti-smartpost', '1', '5.90', '25.5'],
    ]);
    expect(rowsTotal(doc)).toBe('59.24');
    expect(doc.totals).toEqual({ net: '48.61', vat: '10.63', gross: '59.24' });
    expect(doc.customer).toMatchObject({ name: 'Aino Virtanen', email: 'aino.virtanen@example.fi', phone: '+358401234567', address: { city: 'Tampere', country: 'FI' } });
    expect(doc.delivery).toEqual({ name: 'Aino Virtanen', address: { street: 'Satamakatu 4, B 12', postalCode: '20100', city: 'Turku', country: 'FI' } });
    expect(doc.paymentMethod).toBe('shopify_payments');
    expect(doc.payments).toEqual([{ date: '2025-01-23', amount: '59.24', method: 'shopify_payments' }]);
  });

  test('taxes excluded (B2B, 2026 rates): net prices grossed up, fixed discount, business ID, unpaid', () => {
    const doc = shopifyOrderToSalesDocument(netOrder(), { kind: 'invoice' });
    expect(doc.lines.map((l) => [l.kind, l.unitPrice, l.vatRate])).toEqual([
      ['product', '125.50', '25.5'],
      ['product', '11.34', '13.5'],
      ['discount', '-12.55', '25.5'],
      ['shipping', '10.04', '25.5'],
    ]);
    expect(rowsTotal(doc)).toBe('157.01');
    expect(doc.customer).toMatchObject({ name: 'Apix Messaging Oy', businessId: '2332748-7', email: 'laskutus@apix.example' });
    expect(doc.delivery).toBeUndefined();
    expect(doc.payments).toEqual([]);
    expect(doc.paymentMethod).toBeUndefined();
    expect(doc.comment).toBe('Toimitus lastauslaiturille');
  });

  test('an invalid business ID names the order and the value', () => {
    const order = netOrder();
    order.note_attributes = [{ name: 'business_id', value: '2332748-8' }];
    expect(() => shopifyOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(OrderMappingError);
    expect(() => shopifyOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(/Shopify order #1090: business ID "2332748-8"/);
  });

  test('a rate not in force on the order date is refused', () => {
    const order = netOrder();
    order.created_at = '2025-12-31T10:00:00+02:00'; // 13.5 % did not exist yet
    expect(() => shopifyOrderToSalesDocument(order, { kind: 'invoice' })).toThrow(/13.5 %\) is not a Finnish VAT rate in force on 2025-12-31/);
  });

  test('rows that do not add up to total_price are refused', () => {
    const order = webhookOrder();
    order.total_price = '60.00';
    expect(() => shopifyOrderToSalesDocument(order, { kind: 'order' })).toThrow(/rows add up to 59.24 but the order total is 60.00/);
  });

  test('many orders priced the Shopify way add up to the cent, with and without taxes included', () => {
    const products: ShopifyProduct[] = ['19.90', '6.49', '4.00', '0.99', '123.45', '7.77'].map((price, i) => ({
      id: i + 1,
      variant_id: 100 + i,
      title: `Tuote ${i + 1}`,
      sku: `T-${i + 1}`,
      price,
      vat_class: (['standard', 'reduced', 'lowerReduced'] as const)[i % 3],
    }));
    let id = 1;
    let checked = 0;
    for (const date of ['2024-06-01', '2024-09-01', '2025-06-30', '2026-01-01']) {
      for (let n = 0; n < 12; n++) {
        const discount = n % 3 === 0 ? [] : n % 3 === 1 ? [{ code: 'ALE15', amount: '15.0', type: 'percentage' }] : [{ code: 'MINUS7', amount: '7.00', type: 'fixed_amount' }];
        const priced = priceOrder(
          {
            taxes_included: n % 2 === 0,
            line_items: products.filter((_, i) => (n + i) % 3 !== 0).map((p, i) => ({ variant_id: p.variant_id, quantity: ((n + i) % 4) + 1 })),
            shipping_lines: [{ title: 'Posti', price: n % 4 ? '5.90' : '0.00' }],
            discount_codes: discount,
          },
          products,
          date,
          () => id++,
        );
        const order = ShopifyOrder.parse({ ...read('orders-create.json'), ...priced, created_at: `${date}T12:00:00+03:00`, name: `#${date}-${n}` });
        const doc = shopifyOrderToSalesDocument(order, { kind: 'order' });
        expect(rowsTotal(doc)).toBe(order.total_price);
        checked++;
      }
    }
    expect(checked).toBe(48);
  });
});
