import type { SandboxContext } from '../kit/server';
import { norwegianCompany, product, SeededRandom } from '../kit/random';
import type { CompanyRecord } from './companies';
import { computeTotals, type InvoiceRecord } from './invoices';
import type { CategoryRecord, ProductRecord } from './products';
import { CLIENTS, restoreIdentities } from './state';

const PRODUCT_WORDS = ['Skrue', 'Lampe', 'Stol', 'Bord', 'Kabel', 'Ullsokker', 'Kaffe', 'Lys', 'Hylle', 'Sekk'];
const PRODUCT_KINDS = ['S', 'M', 'L', 'svart', 'hvit', 'eik', '10 stk', 'premium'];
const CATEGORY_NAMES = ['Verktøy', 'Belysning', 'Møbler', 'Kontorrekvisita', 'Klær', 'Emballasje'];

/**
 * Statuses the seeded orders cycle through. The order lifecycle picks up Confirmed ("Bekreftet", what the
 * operator calls Accepted), Production and Pack, and marks shipped orders OrderState_Sent ("Utsendt").
 */
const ORDER_CYCLE = ['Confirmed', 'Production', 'Pack', 'OrderState_Sent', 'Web', 'Offer', 'Invoiced', 'Draft'];

/** Seeded records are stamped in 2025 so that anything written during a run is "changed after" them. */
const BASE = Date.parse('2025-01-06T08:00:00Z');
const stamp = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();

export function seedClients(ctx: SandboxContext, seed: number, counts: Record<string, number>): void {
  restoreIdentities(ctx);
  const n = (k: string, d: number) => counts[k] ?? d;
  for (const [ci, c] of CLIENTS.entries()) {
    const rng = new SeededRandom(seed * 31 + ci);
    const owner = { clientId: c.clientId, client: c.name };
    const companies: CompanyRecord[] = [];
    const total = n('companies', 10);
    for (let i = 0; i < total; i++) {
      const co = norwegianCompany(rng);
      const supplier = i >= Math.ceil(total * 0.7);
      const consumer = !supplier && i % 5 === 4;
      const address = { Street: co.street, PostalCode: co.postalCode, PostalArea: co.city, City: co.city, Country: co.country };
      companies.push(
        ctx.store.insert<CompanyRecord>('companies', {
          ...owner,
          Id: ctx.store.nextId(`company:${c.clientId}`),
          OrganizationNumber: consumer ? undefined : co.businessId,
          Name: co.name,
          Addresses: { Post: address, Invoice: address },
          PhoneNumbers: { Work: { Value: co.phone } },
          EmailAddresses: { Invoice: { Value: co.email } },
          Country: 'NO',
          Type: supplier ? 'Supplier' : consumer ? 'Consumer' : 'Business',
          DateCreated: stamp(i),
          DateChanged: stamp(i),
          PaymentTime: 14,
        }),
      );
    }
    const categories: CategoryRecord[] = [];
    for (let i = 0; i < Math.min(n('categories', 4), CATEGORY_NAMES.length); i++) {
      categories.push(
        ctx.store.insert<CategoryRecord>('categories', { ...owner, Id: ctx.store.nextId(`category:${c.clientId}`), Name: CATEGORY_NAMES[i], No: String(10 * (i + 1)) }),
      );
    }
    const products: ProductRecord[] = [];
    for (let i = 0; i < n('products', 12); i++) {
      const p = product(rng, i);
      products.push(
        ctx.store.insert<ProductRecord>('products', {
          ...owner,
          Id: ctx.store.nextId(`product:${c.clientId}`),
          // The kit's product names are Finnish; a Norwegian company's catalogue reads Norwegian.
          Name: `${rng.pick(PRODUCT_WORDS)} ${rng.pick(PRODUCT_KINDS)}`,
          TaxRate: '25',
          StatusId: 1,
          CategoryId: categories.length ? categories[i % categories.length].Id : undefined,
          Cost: p.cost,
          InPrice: p.cost,
          Price: p.price,
          No: p.code,
          EAN1: `70${rng.digits(11)}`,
          DateChanged: stamp(100 + i),
        }),
      );
    }
    const customers = companies.filter((co) => co.Type !== 'Supplier');
    for (let i = 0; i < n('invoices', 8) && customers.length && products.length; i++) {
      const customer = customers[i % customers.length];
      const rows = Array.from({ length: rng.int(1, 3) }, () => {
        const p = rng.pick(products);
        return {
          ProductId: p.Id,
          RowId: ctx.store.nextId(`row:${c.clientId}`),
          VatRate: '25',
          Price: p.Price,
          Name: p.Name,
          Quantity: String(rng.int(1, 6)),
          ProductNo: p.No,
        };
      });
      const status = ORDER_CYCLE[i % ORDER_CYCLE.length];
      const order: InvoiceRecord = {
        ...owner,
        OrderId: ctx.store.nextId(`order:${c.clientId}`, 10001),
        CustomerId: customer.Id,
        CustomerName: customer.Name,
        Addresses: customer.Addresses,
        OrderStatus: status,
        DateOrdered: stamp(200 + i),
        DateChanged: stamp(200 + i),
        IncludeVAT: false,
        YourReference: `PO-${1000 + i}`,
        InvoiceRows: rows,
      };
      if (status === 'Invoiced') {
        order.InvoiceId = ctx.store.nextId(`invoice:${c.clientId}`, 50001);
        order.DateInvoiced = stamp(201 + i);
      }
      computeTotals(order);
      ctx.store.insert('invoices', order);
    }
  }
}
