import { shopQuantity } from '../../activities/stock';
import { parseNetvisorTimestamp } from '../../connectors/netvisor/inventory-changes';
import { TenantConfig } from '../../config/schema';

const item = (warehouses: Array<[string, string, string?]>) => ({
  productNetvisorKey: '1',
  productCode: 'P1',
  productName: 'x',
  warehouses: warehouses.map(([name, amount, reserved]) => ({ netvisorKey: name, name, inventoryAmount: amount, reservedAmount: reserved ?? '0', orderedAmount: '0' })),
  totalAmount: '0',
  totalReservedAmount: '0',
  totalOrderedAmount: '0',
});

describe('stock quantities', () => {
  it('one warehouse, the sum of several, or the available quantity; whole units, never below zero', () => {
    const row = item([['Päävarasto', '12.75', '2'], ['Varasto 2', '5', '1'], ['Muu', '100']]);
    expect(shopQuantity(row, { warehouses: ['päävarasto'], quantity: 'inventory' })).toBe(12);
    expect(shopQuantity(row, { warehouses: ['Päävarasto', 'Varasto 2'], quantity: 'inventory' })).toBe(17);
    expect(shopQuantity(row, { warehouses: ['Päävarasto', 'Varasto 2'], quantity: 'available' })).toBe(14);
    expect(shopQuantity(item([['Päävarasto', '-3']]), { warehouses: ['Päävarasto'], quantity: 'inventory' })).toBe(0);
    // A product with no row in the warehouse has none there.
    expect(shopQuantity(item([['Muu', '4']]), { warehouses: ['Päävarasto'], quantity: 'inventory' })).toBe(0);
  });
});

describe("Netvisor's reply TimeStamp", () => {
  it('reads as Finnish local time, winter and summer', () => {
    expect(parseNetvisorTimestamp('2.12.2026 3:45:07')?.toISOString()).toBe('2026-12-02T01:45:07.000Z');
    expect(parseNetvisorTimestamp('1.7.2026 12:00:00')?.toISOString()).toBe('2026-07-01T09:00:00.000Z');
    expect(parseNetvisorTimestamp('01.01.2018 12:00:00')?.toISOString()).toBe('2018-01-01T10:00:00.000Z');
    expect(parseNetvisorTimestamp('2026-12-02 03:45')).toBeUndefined();
    expect(parseNetvisorTimestamp(undefined)).toBeUndefined();
  });
});

describe('stock settings in the tenant file', () => {
  const base = {
    tenant: 't',
    name: 'T',
    connections: { netvisor: { baseUrl: 'https://x', customerId: 'c', customerKey: { env: 'K' }, partnerId: 'p', partnerKey: { env: 'P' }, organisationId: 'o' } },
    shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'netvisor', numbering: { offset: 1, max: 9 }, baseUrl: 'https://w', consumerKey: { env: 'A' }, consumerSecret: { env: 'B' }, webhookSecret: { env: 'C' } }],
    orderExport: {},
  };
  const issues = (stock: unknown, over: Record<string, unknown> = {}) =>
    (TenantConfig.safeParse({ ...base, ...over, stock }).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('names unknown shops, Shopify-only fields and a missing Netvisor connection', () => {
    expect(issues({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] })).toEqual([]);
    expect(issues({ shops: [{ shop: 'shop2', warehouses: ['A'] }] })).toEqual(['stock.shops.0.shop: no shop "shop2" under shops: (configured: "woo")']);
    expect(issues({ shops: [{ shop: 'woo', warehouses: ['A'], location: 'Helsinki' }] })).toEqual(['stock.shops.0.location: location is for Shopify shops; "woo" is a woocommerce shop']);
    expect(issues({ shops: [{ shop: 'woo', warehouses: ['A'] }] }, { connections: {} })).toContain('stock: stock levels come from Netvisor, but connections.netvisor is missing');
  });
});
