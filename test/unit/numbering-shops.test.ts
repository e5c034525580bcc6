import { TenantConfig } from '../../config/schema';
import { documentNumber, rangeForShop } from '../../domain/numbering';

const shop = (id: string, exportTo: 'netvisor' | 'procountor', numbering?: { offset: number; max: number }) => ({
  id,
  system: 'woocommerce',
  exportTo,
  baseUrl: 'https://shop.example',
  consumerKey: { env: 'CK' },
  consumerSecret: { env: 'CS' },
  webhookSecret: { env: 'WS' },
  ...(numbering ? { numbering } : {}),
});

const tenant = (shops: unknown[], numbering?: { offset: number; max: number }) => ({
  tenant: 't',
  name: 'T Oy',
  connections: {
    netvisor: { baseUrl: 'sandbox:netvisor', customerId: 'c', customerKey: { env: 'K' }, partnerId: 'p', partnerKey: { env: 'P' }, organisationId: '1234567-1' },
    procountor: { baseUrl: 'sandbox:procountor/api', clientId: 'c', clientSecret: { env: 'S' }, apiKey: { env: 'A' } },
  },
  shops,
  orderExport: numbering ? { numbering } : {},
});

const messages = (input: unknown): string[] => {
  const r = TenantConfig.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('numbering per shop', () => {
  it('refuses overlapping ranges of two shops on one target, naming both shops', () => {
    const issues = messages(tenant([shop('fi', 'netvisor', { offset: 100000, max: 199999 }), shop('se', 'netvisor', { offset: 150000, max: 249999 })]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^shops\.1\.numbering: the number ranges of shops "fi" \(100000–199999\) and "se" \(150000–249999\) overlap, and both export to netvisor/);
  });

  it('refuses a tenant-wide range shared by two shops on one target', () => {
    const issues = messages(tenant([shop('fi', 'netvisor'), shop('se', 'netvisor')], { offset: 900000, max: 999999 }));
    expect(issues).toEqual([
      'shops.0.numbering: shop "fi" exports to netvisor together with shop "se": give each shop its own numbering: { offset, max }, with ranges that do not overlap',
      'shops.1.numbering: shop "se" exports to netvisor together with shop "fi": give each shop its own numbering: { offset, max }, with ranges that do not overlap',
    ]);
  });

  it('accepts disjoint ranges, the same range on different targets, and a tenant range for a shop alone on its target', () => {
    expect(messages(tenant([shop('fi', 'netvisor', { offset: 100000, max: 199999 }), shop('se', 'netvisor', { offset: 200000, max: 299999 })]))).toEqual([]);
    expect(messages(tenant([shop('fi', 'netvisor'), shop('pc', 'procountor')], { offset: 900000, max: 999999 }))).toEqual([]);
  });

  it('refuses a shop with no range at all', () => {
    expect(messages(tenant([shop('fi', 'netvisor')]))).toEqual([
      'shops.0.numbering: shop "fi" has no number range: set orderExport.numbering or the shop\'s own numbering: { offset, max }',
    ]);
  });

  it("numbers each shop's order #1001 in its own range", () => {
    const fi = rangeForShop({ id: 'fi', numbering: { offset: 100000, max: 199999 } }, { offset: 900000, max: 999999 });
    const se = rangeForShop({ id: 'se', numbering: { offset: 200000, max: 299999 } }, { offset: 900000, max: 999999 });
    expect([documentNumber('1001', fi), documentNumber('1001', se)]).toEqual([
      { ok: true, number: '101001' },
      { ok: true, number: '201001' },
    ]);
    expect(rangeForShop({ id: 'only' }, { offset: 900000, max: 999999 })).toEqual({ offset: 900000, max: 999999 });
  });
});
