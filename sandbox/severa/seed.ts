import { finnishCompany, product, SeededRandom } from '../kit/random';
import type { SandboxContext } from '../kit/server';
import type { Row } from './resources';

/** A GUID from the seeded generator, so that the same seed gives the same GUIDs. */
function guid(rng: SeededRandom): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[rng.int(0, 3)]}${hex(3)}-${hex(12)}`;
}

// Seeded rows are older than anything a test touches, so changedSince separates them cleanly.
const BASE = Date.parse('2025-01-02T08:00:00Z');
const at = (i: number) => new Date(BASE + i * 60_000).toISOString();

const CENTRES: Array<[string, string]> = [
  ['100', 'Myynti'], ['200', 'Tuotanto'], ['300', 'Hallinto'], ['400', 'Asennus'], ['500', 'Huolto'],
];

const user = { guid: '00000000-0000-4000-8000-000000000001', name: 'Sandbox Admin', firstName: 'Sandbox', lastName: 'Admin' };
const EUR = { guid: '00000000-0000-4000-8000-0000000000e1', name: 'Euro', code: 'EUR', symbol: '€' };
const FINNISH = { guid: '00000000-0000-4000-8000-0000000000f1', name: 'suomi', code: 'fi' };

export function seedSevera(ctx: SandboxContext, seed: number, counts: Record<string, number>): void {
  const rng = new SeededRandom(seed);
  const customerCount = counts.customers ?? 25;
  for (let i = 0; i < customerCount; i++) {
    const c = finnishCompany(rng);
    ctx.store.insert<Row>('customers', {
      guid: guid(rng),
      name: c.name,
      number: 1001 + i,
      isActive: !rng.chance(0.1),
      isInternal: false,
      notes: null,
      email: c.email,
      website: null,
      vatNumber: c.businessId,
      kvkNumber: null,
      language: FINNISH,
      currency: EUR,
      owner: user,
      headquarterAddress: { guid: guid(rng), addressline: c.street, postalCode: c.postalCode, city: c.city, country: 'Finland' },
      paymentTerm: rng.pick([7, 14, 14, 30]),
      overdueInterest: 8,
      invoicingVat: { guid: null, percentage: 25.5, code: null },
      eInvoiceAddress: null,
      eInvoiceOperator: null,
      organizationUnitNumber: null,
      createdDateTime: at(i),
      createdBy: user,
      lastUpdatedDateTime: at(i),
      lastUpdatedBy: user,
    });
  }
  const productCount = counts.products ?? 25;
  for (let i = 0; i < productCount; i++) {
    const p = product(rng, i);
    ctx.store.insert<Row>('products', {
      guid: guid(rng),
      name: p.name,
      code: p.code,
      unitPrice: { amount: Number(p.price), currencyCode: 'EUR', multiCurrencyInfo: [] },
      unitCost: { amount: Number(p.cost), currencyCode: 'EUR', multiCurrencyInfo: [] },
      vatRate: 25.5,
      measurementUnit: 'kpl',
      isActive: true,
      productCategory: null,
      salesAccount: { guid: null, name: 'Myynti 25,5 %', number: '3000' },
      type: rng.pick(['Materials', 'Materials', 'FixedFees', 'Subcontracting']),
      proposalDescription: null,
      createdDateTime: at(i),
      createdBy: user,
      lastUpdatedDateTime: at(i),
      lastUpdatedBy: user,
    });
  }
  const centreCount = counts.costCenters ?? CENTRES.length;
  for (let i = 0; i < centreCount; i++) {
    const [identifier, name] = CENTRES[i] ?? [String(100 * (i + 1)), `Kustannuspaikka ${i + 1}`];
    ctx.store.insert<Row>('costCenters', {
      guid: guid(rng),
      name,
      identifier,
      isActive: true,
      isDefault: i === 0,
      createdDateTime: at(i),
      createdBy: user,
      lastUpdatedDateTime: at(i),
      lastUpdatedBy: user,
    });
  }
}
