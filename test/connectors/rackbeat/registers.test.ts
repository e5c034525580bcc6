import { control } from '../../support/sandboxes';
import { encodeProductNumber, PRODUCT_NUMBER_MAX, RackbeatClient } from '../../../connectors/rackbeat';
import { collect, failure, startRackbeat, TOKEN } from './harness';

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;

beforeAll(async () => {
  env = await startRackbeat(7);
  rb = env.client();
});
afterAll(() => env.stop());

describe('Rackbeat registers against the sandbox', () => {
  test('checkCredentials answers with the account behind the token', async () => {
    const self = await rb.checkCredentials();
    expect(self.accountId).toBeGreaterThan(0);
  });

  test('lists are 206 pages with total/pages/limit/page, and iterate walks every page', async () => {
    const raw = await fetch(`${env.url}/api/products?limit=5&page=2`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(raw.status).toBe(206);
    const body = (await raw.json()) as any;
    expect(body).toMatchObject({ total: 12, pages: 3, limit: 5, page: 2 });
    expect(body.products).toHaveLength(5);

    const page = await rb.products.list({ limit: 5, page: 3 });
    expect(page).toMatchObject({ total: 12, pages: 3, limit: 5, page: 3 });
    expect(page.items).toHaveLength(2);
    const all = await collect(rb.products.iterate({}, 5));
    expect(all).toHaveLength(12);
    expect(new Set(all.map((p) => p.number)).size).toBe(12);
    // Default page size is 20.
    expect((await rb.customers.list()).limit).toBe(20);
  });

  test('product numbers with / and + are double encoded and found again', async () => {
    expect(encodeProductNumber('ABC/123+DEF')).toBe('ABC%252F123%252BDEF');
    const seeded = (await collect(rb.products.iterate())).map((p) => p.number);
    const slashed = seeded.filter((n) => /[/+ ]/.test(n));
    expect(slashed.length).toBeGreaterThanOrEqual(3);
    for (const n of slashed) expect((await rb.products.get(n)).number).toBe(n);
    // The sandbox also accepts the SDK's single encoding, as Rackbeat decodes until stable.
    const single = await fetch(`${env.url}/api/products/${encodeURIComponent(slashed[0])}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await single.json()) as any).product.number).toBe(slashed[0]);
  });

  test('product create, update, find by number, delete', async () => {
    const created = await rb.products.create({ number: 'SK/1+2 X', name: 'Skruer', group: 1, sales_price: '12.50', recommended_cost_price: 6.25 });
    expect(created).toMatchObject({ number: 'SK/1+2 X', name: 'Skruer', sales_price: '12.5', recommended_cost_price: '6.25', group_id: 1 });
    expect(created.group?.number).toBe(1);
    const updated = await rb.products.update('SK/1+2 X', { sales_price: '13.90', name: 'Skruer 10 stk' });
    expect(updated).toMatchObject({ sales_price: '13.9', name: 'Skruer 10 stk' });
    expect((await rb.products.findByNumber('SK/1+2 X'))?.name).toBe('Skruer 10 stk');
    await rb.products.delete('SK/1+2 X');
    expect(await rb.products.findByNumber('SK/1+2 X')).toBeNull();
  });

  test('a product number longer than 25 characters is refused with 422 on number', async () => {
    const number = 'X'.repeat(PRODUCT_NUMBER_MAX + 1);
    const err = await failure(rb.products.create({ number, name: 'Too long', group: 1 }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'number', code: '422' });
    expect(err.message).toContain('must not be greater than 25 characters');
    expect((await rb.products.create({ number: 'Y'.repeat(25), name: 'Exactly 25', group: 1 })).number).toHaveLength(25);
  });

  test('product groups CRUD', async () => {
    const g = await rb.productGroups.create({ name: 'Verktøy', vat_domestic: 25 });
    expect(g.number).toBeGreaterThan(2);
    expect((await rb.productGroups.update(g.number, { name: 'Verktøy og utstyr' })).name).toBe('Verktøy og utstyr');
    expect((await rb.productGroups.get(g.number)).vat_domestic).toBe(25);
    expect((await collect(rb.productGroups.iterate())).map((x) => x.number)).toContain(g.number);
    await rb.productGroups.delete(g.number);
    expect(await rb.productGroups.find(g.number)).toBeNull();
  });

  test('customers: Norwegian and Finnish seeds, create with number, find by number and by VAT, update, delete', async () => {
    const seeded = await collect(rb.customers.iterate());
    expect(seeded.map((c) => c.address_country)).toEqual(expect.arrayContaining(['NO', 'FI']));
    expect(seeded[0].company_name).toBeTruthy();

    const c = await rb.customers.create({ number: 77001, company_name: 'Fjordbygg AS', company_vat: '923456783', payment_terms_id: 1, address_country: 'NO' });
    expect(c).toMatchObject({ number: 77001, company_name: 'Fjordbygg AS', customer_group_id: 1, payment_terms_id: 1 });
    expect((await rb.customers.findByNumber(77001))?.company_vat).toBe('923456783');
    expect((await rb.customers.findByVat('923456783')).map((x) => x.number)).toEqual([77001]);
    expect((await rb.customers.update(77001, { contact_email: 'post@fjordbygg.no' })).contact_email).toBe('post@fjordbygg.no');
    expect(await rb.customers.findByNumber(99999)).toBeNull();
    await rb.customers.delete(77001);
    expect(await rb.customers.findByNumber(77001)).toBeNull();
  });

  test('suppliers: create, find by number and VAT, update, list, delete', async () => {
    const s = await rb.suppliers.create({ company_name: 'Karjalan Tekstiili Oy', company_vat: '1234567-1', payment_terms_id: 1, currency: 'EUR' });
    expect(s.number).toBeGreaterThan(5000);
    expect(s.supplier_group_id).toBe(1);
    expect((await rb.suppliers.findByNumber(s.number))?.company_name).toBe('Karjalan Tekstiili Oy');
    expect((await rb.suppliers.findByVat('1234567-1'))[0].number).toBe(s.number);
    expect((await rb.suppliers.update(s.number, { address_city: 'Joensuu' })).address_city).toBe('Joensuu');
    expect((await rb.suppliers.list()).total).toBe(5);
    await rb.suppliers.delete(s.number);
    expect(await rb.suppliers.find(s.number)).toBeNull();
  });

  test('customer groups, supplier groups and payment terms CRUD', async () => {
    expect((await rb.customerGroups.get(1)).name).toBe('Standard');
    expect((await rb.supplierGroups.get(1)).number).toBe(1);
    const term = await rb.paymentTerms.create({ name: 'Netto 30', maturity_days: 30, type: 'net' });
    expect(term).toMatchObject({ name: 'Netto 30', maturity_days: 30, type: 'net' });
    expect((await rb.paymentTerms.update(term.number, { maturity_days: 45 })).maturity_days).toBe(45);
    expect((await rb.paymentTerms.list()).items.map((t) => t.number)).toContain(term.number);
    await rb.paymentTerms.delete(term.number);

    const cg = await rb.customerGroups.create({ name: 'Forhandlere' });
    expect((await rb.customerGroups.update(cg.number, { name: 'Forhandlere NO' })).name).toBe('Forhandlere NO');
    expect((await rb.customerGroups.list()).total).toBe(2);
    await rb.customerGroups.delete(cg.number);
    const sg = await rb.supplierGroups.create({ number: 9, name: 'Import' });
    expect(sg.number).toBe(9);
    expect((await rb.supplierGroups.update(9, { name: 'Import EU' })).name).toBe('Import EU');
    expect((await collect(rb.supplierGroups.iterate())).length).toBe(2);
    await rb.supplierGroups.delete(9);
    expect(await rb.supplierGroups.find(9)).toBeNull();
  });

  test('customer group 1, supplier group 1 and the payment term can be seeded absent; creating a party then fails', async () => {
    const other = await startRackbeat(3);
    try {
      await control(other.url, 'seed', { seed: 3, counts: { customerGroups: 0, supplierGroups: 0, paymentTerms: 0 } });
      const c = other.client();
      expect(await c.customerGroups.find(1)).toBeNull();
      expect(await c.supplierGroups.find(1)).toBeNull();
      expect((await c.paymentTerms.list()).total).toBe(0);
      const err = await failure(c.customers.create({ company_name: 'Nordhandel AS', payment_terms_id: 1 }));
      expect(err).toMatchObject({ errorClass: 'validation', field: 'payment_terms_id' });
      expect(err.message).toContain('customer_group_id');
      // Onboarding creates the prerequisites, after which the same write goes through.
      await c.paymentTerms.create({ number: 1, name: 'Netto 14', maturity_days: 14, type: 'net' });
      await c.customerGroups.create({ number: 1, name: 'Standard' });
      expect((await c.customers.create({ company_name: 'Nordhandel AS', payment_terms_id: 1 })).customer_group_id).toBe(1);
    } finally {
      await other.stop();
    }
  });

  test('seeding is deterministic: the same seed gives the same records', async () => {
    const other = await startRackbeat(3);
    try {
      await control(other.url, 'seed', { seed: 21 });
      const first = await control(other.url, 'state');
      await control(other.url, 'seed', { seed: 21 });
      expect(await control(other.url, 'state')).toEqual(first);
      await control(other.url, 'seed', { seed: 22 });
      expect((await control(other.url, 'state')).customers).not.toEqual(first.customers);
      expect(first.orders.some((o: any) => o.is_booked) && first.orders.some((o: any) => !o.is_booked)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  test('state shows every documented collection', async () => {
    const state = await control(env.url, 'state');
    for (const k of ['products', 'productGroups', 'customers', 'suppliers', 'customerGroups', 'supplierGroups', 'paymentTerms', 'fields', 'fieldValues', 'orders', 'invoices', 'webhooks']) {
      expect(state).toHaveProperty(k);
    }
    expect(state.customers.length).toBeGreaterThan(0);
  });
});
