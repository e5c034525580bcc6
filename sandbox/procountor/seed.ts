import { finnishCompany, product, SeededRandom } from '../kit/random';
import type { SandboxContext } from '../kit/server';
import { storePartner } from './partners';
import { storeProduct } from './products';

const VAT_FOR_SEED = [25.5, 25.5, 25.5, 14, 10];

/** Finnish customers with valid business IDs and customer numbers 1001…, and sales products P1000…. */
export function seedProcountor(ctx: SandboxContext, seed: number, counts: Record<string, number>): void {
  const rng = new SeededRandom(seed);
  const partnerCount = counts.businessPartners ?? 10;
  for (let i = 0; i < partnerCount; i++) {
    const c = finnishCompany(rng);
    storePartner(ctx, {
      name: c.name,
      type: 'CUSTOMER',
      address: { name: c.name, street: c.street, zip: c.postalCode, city: c.city, country: 'FINLAND' },
      invoicingInfo: {
        customerNumber: String(1001 + i),
        identifier: c.businessId,
        identifierType: 'FI',
        invoiceChannel: rng.chance(0.7) ? 'EMAIL' : 'MAIL',
        language: 'FINNISH',
        email: c.email,
      },
      paymentInfo: { paymentMethod: 'BANK_TRANSFER', paymentTermDays: rng.pick([7, 14, 14, 30]), currency: 'EUR' },
      registryInfo: { active: true, phone: c.phone },
    });
  }
  const productCount = counts.products ?? 10;
  for (let i = 0; i < productCount; i++) {
    const p = product(rng, i);
    storeProduct(ctx, {
      type: 'SALES',
      name: p.name,
      code: p.code,
      unit: 'PIECE',
      price: Number(p.price),
      vat: rng.pick(VAT_FOR_SEED),
      discount: 0,
      active: true,
      currency: 'EUR',
    });
  }
}
