import { toNetvisorSalesDocument } from '../../../connectors/netvisor';
import type { SalesDocument } from '../../../domain/model';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { caught, sandboxClient } from './helpers';

let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor'], 7);
  url = started.sandboxes.netvisor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const party = {
  kind: 'customer' as const,
  code: '2001',
  name: 'Tammisaaren Puutarha Oy',
  businessId: '1234567-1',
  email: 'laskut@tammipuutarha.fi',
  phone: '+358 40 1234567',
  address: { street: 'Kauppakatu 3', postalCode: '10600', city: 'Tammisaari', country: 'FI' },
};

describe('customers', () => {
  it('lists the seeded customers with the TEMP customer first', async () => {
    const nv = sandboxClient(url);
    const all = await nv.listCustomers();
    expect(all[0]).toEqual({ netvisorKey: '1', code: 'TEMP', name: 'Temporary customer' });
    expect(all).toHaveLength(6);
    expect(all.slice(1).every((c) => /^\d+$/.test(c.code) && /^\d{7}-\d$/.test(c.businessId ?? ''))).toBe(true);
  });

  it('adds, reads back, edits and finds a customer by keyword and by code', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addCustomer(party);
    const got = await nv.getCustomer(key);
    expect(got).toMatchObject({ netvisorKey: key, code: '2001', name: party.name, businessId: '1234567-1', email: party.email, address: party.address, active: true });

    await nv.editCustomer(key, { ...party, name: 'Tammisaaren Puutarha Ab', email: undefined });
    const edited = await nv.getCustomer(key);
    expect(edited.name).toBe('Tammisaaren Puutarha Ab');
    expect(edited.email).toBe(party.email); // omitted element keeps its value

    expect((await nv.listCustomers({ keyword: '1234567-1' })).map((c) => c.netvisorKey)).toEqual([key]);
    expect(await nv.findCustomerByCode('2001')).toMatchObject({ netvisorKey: key });
    expect(await nv.findCustomerByCode('9999')).toBeNull();
    expect((await nv.getCustomers(['1', key])).map((c) => c.code)).toEqual(['TEMP', '2001']);
  });

  it('signs queries with spaces and Scandinavian letters so that the sandbox accepts them', async () => {
    const nv = sandboxClient(url);
    expect(await nv.listCustomers({ keyword: 'Temporary customer' })).toEqual([{ netvisorKey: '1', code: 'TEMP', name: 'Temporary customer' }]);
    const key = await nv.addCustomer({ ...party, code: '2002', name: 'Äänekosken Sähkö & Valo Oy' });
    expect((await nv.listCustomers({ keyword: 'äänekosken sähkö & valo' })).map((c) => c.netvisorKey)).toEqual([key]);
    expect((await nv.getCustomer(key)).name).toBe('Äänekosken Sähkö & Valo Oy');
  });

  it('gives the next free number when the party has no code', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addCustomer({ ...party, code: undefined, businessId: undefined });
    expect((await nv.getCustomer(key)).code).toBe('1006');
  });

  it('reports an unknown customer as not-found', async () => {
    const err = await caught(sandboxClient(url).getCustomer('999'));
    expect(err.errorClass).toBe('not-found');
  });

  it('refuses a customer code already in use as a conflict', async () => {
    const err = await caught(sandboxClient(url).addCustomer({ ...party, code: '1001' }));
    expect(err).toMatchObject({ errorClass: 'conflict', code: 'DUPLICATE_DATA', retryable: false });
    expect(err.message).toContain('customer.nv');
  });
});

describe('products', () => {
  const product = { code: 'VS-01', name: 'Villasukka harmaa', unitPrice: '12.40', vatRate: '25.5', unit: 'pari', active: true };

  it('adds, gets, edits and lists products with decimal commas on the wire', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addProduct(product);
    expect(await nv.getProduct(key)).toMatchObject({ netvisorKey: key, code: 'VS-01', name: 'Villasukka harmaa', unitPrice: '12.4', vatRate: '25.5', unit: 'pari', groupCode: 'Tuotteet', active: true });
    await nv.editProduct(key, { ...product, unitPrice: '13.90' });
    expect((await nv.findProductByCode('VS-01'))?.unitPrice).toBe('13.9');
    const listed = await nv.listProducts({ keyword: 'harmaa' });
    expect(listed).toEqual([{ netvisorKey: key, code: 'VS-01', name: 'Villasukka harmaa', unitPrice: '13.90' }]);
    const state = await control(url, 'state');
    expect(state.products.find((p: any) => p.code === 'VS-01')).toMatchObject({ unitPrice: '13.9', vatPercent: '25.5' });
  });

  it('answers an unknown product with null (Netvisor replies OK with an empty element)', async () => {
    const nv = sandboxClient(url);
    expect(await nv.getProduct('9999')).toBeNull();
    expect(await nv.findProductByCode('NOPE')).toBeNull();
  });
});

const order = (overrides: Partial<SalesDocument> = {}): SalesDocument => ({
  kind: 'invoice',
  source: { system: 'woocommerce', id: '501', number: 'WC-501' },
  date: '2026-03-02',
  currency: 'EUR',
  customer: { ...party, code: '1001' },
  delivery: { name: 'Matti Meikäläinen', address: { street: 'Rantatie 5', postalCode: '00100', city: 'Helsinki', country: 'FI' } },
  lines: [
    { productCode: 'P1000', name: 'Tuote', quantity: '2', unitPrice: '12.55', priceIncludesVat: true, vatRate: '25.5', kind: 'product', discountPercent: '10' },
    { productCode: 'P1001', name: 'Toimitus', quantity: '1', unitPrice: '5.00', priceIncludesVat: false, vatRate: '0', kind: 'shipping' },
  ],
  payments: [],
  paymentMethod: 'Pankkikortti',
  comment: 'Jätä ovelle',
  totals: { net: '25.00', vat: '4.59', gross: '27.59' },
  ...overrides,
});

describe('sales documents', () => {
  it('adds an invoice with the next free number and reads it back', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addSalesDocument(toNetvisorSalesDocument(order(), { customerCode: '1001', status: 'unsent' }));
    const doc = await nv.getSalesDocument('invoice', key);
    expect(doc).toMatchObject({
      netvisorKey: key,
      kind: 'invoice',
      number: '1003', // seed 7 holds invoices 1001-1002 and order 5001
      date: '2026-03-02',
      dueDate: '2026-03-16',
      status: 'unsent',
      amount: '27.59',
      currency: 'EUR',
      ourReference: 'WC-501',
      customerCode: '1001',
      delivery: { name: 'Matti Meikäläinen', street: 'Rantatie 5', postalCode: '00100', city: 'Helsinki', country: 'FI' },
    });
    expect(doc?.lines).toEqual([
      expect.objectContaining({ type: 'product', productCode: 'P1000', quantity: '2', unitPrice: '12.55', vatPercent: '25.5', vatCode: 'KOMY', discountPercent: '10' }),
      expect.objectContaining({ type: 'product', productCode: 'P1001', vatPercent: '0', vatCode: 'NONE' }),
      { type: 'comment', text: 'Maksutapa: Pankkikortti' },
      { type: 'comment', text: 'Jätä ovelle' },
    ]);
    const state = await control(url, 'state');
    const stored = state.salesInvoices.find((d: any) => String(d.netvisorKey) === key);
    expect(stored).toMatchObject({ type: 'invoice', number: '1003', status: 'unsent', customerCode: '1001', ourReference: 'WC-501', payments: [] });
    // gross 12.55 × 2 less 10 % = 22.59; net 5.00 at 0 % = 5.00
    expect(stored.lines.filter((l: any) => l.type === 'product').map((l: any) => l.sum)).toEqual(['22.59', '5.00']);
  });

  it('finds invoices and orders by number in their own series', async () => {
    const nv = sandboxClient(url);
    const orderKey = await nv.addSalesDocument(toNetvisorSalesDocument(order({ kind: 'order', number: '1001' }), { customerCode: '1001', status: 'undelivered' }));
    const asOrder = await nv.findSalesDocumentByNumber('order', '1001');
    expect(asOrder).toMatchObject({ netvisorKey: orderKey, kind: 'order', number: '1001', status: 'undelivered', customerCode: '1001', sum: '27.59' });
    const asInvoice = await nv.findSalesDocumentByNumber('invoice', '1001');
    expect(asInvoice?.netvisorKey).not.toBe(orderKey);
    expect(await nv.findSalesDocumentByNumber('invoice', '424242')).toBeNull();
    expect((await nv.getSalesDocument('order', orderKey))?.status).toBe('undelivered');
    expect(await nv.getSalesDocument('order', '999')).toBeNull();
    expect(await nv.getSalesDocument('invoice', orderKey)).toBeNull();
  });

  it('refuses an invoice number already in use as a conflict, per kind', async () => {
    const nv = sandboxClient(url);
    const err = await caught(nv.addSalesDocument(toNetvisorSalesDocument(order({ number: '1001' }), { customerCode: '1001', status: 'open' })));
    expect(err).toMatchObject({ errorClass: 'conflict', code: 'DUPLICATE_DATA' });
    await nv.addSalesDocument(toNetvisorSalesDocument(order({ kind: 'order', number: '7001' }), { customerCode: '1001', status: 'delivered' }));
    const again = await caught(nv.addSalesDocument(toNetvisorSalesDocument(order({ kind: 'order', number: '7001' }), { customerCode: '1001', status: 'delivered' })));
    expect(again.errorClass).toBe('conflict');
  });

  it('lists with filters and edits by replacing the document', async () => {
    const nv = sandboxClient(url);
    const input = toNetvisorSalesDocument(order({ number: '3001' }), { customerCode: 'TEMP', status: 'open' });
    const key = await nv.addSalesDocument(input);
    expect((await nv.listSalesDocuments({ kind: 'invoice', customerCode: 'TEMP' })).map((d) => d.number)).toEqual(['3001']);
    await nv.editSalesDocument(key, { ...input, lines: input.lines.slice(0, 1), amount: undefined });
    const doc = await nv.getSalesDocument('invoice', key);
    expect(doc?.lines).toHaveLength(1);
    expect(doc?.amount).toBe('22.59');
    const open = await nv.listSalesDocuments({ kind: 'invoice', status: 'open' });
    expect(open.every((d) => d.status === 'open')).toBe(true);
  });
});

describe('sales payments', () => {
  it('books a payment on an open invoice and lists it', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addSalesDocument(toNetvisorSalesDocument(order({ number: '4001' }), { customerCode: '1001', status: 'open' }));
    const paymentKey = await nv.addSalesPayment({ invoiceNumber: '4001', date: '2026-03-03', amount: '27.59', method: 'Pankkikortti', reference: 'WC-501' });
    expect(paymentKey).toMatch(/^\d+$/);
    expect(await nv.findSalesDocumentByNumber('invoice', '4001')).toMatchObject({ status: 'paid', openSum: '0.00' });
    expect(await nv.listSalesPayments({ invoiceNumber: '4001' })).toEqual([
      { netvisorKey: paymentKey, name: 'WC-501', date: '3.3.2026', sum: '27.59', invoiceNumber: '4001', referenceNumber: expect.any(String) },
    ]);
    const state = await control(url, 'state');
    expect(state.salesInvoices.find((d: any) => String(d.netvisorKey) === key).payments).toEqual([{ netvisorKey: Number(paymentKey), sum: '27.59', date: '2026-03-03' }]);
    expect(state.salesPayments).toHaveLength(1);
  });

  it('leaves a payment to an unsent invoice untargeted unless the invoice expects partial payments', async () => {
    const nv = sandboxClient(url);
    await nv.addSalesDocument(toNetvisorSalesDocument(order({ number: '4101' }), { customerCode: '1001', status: 'unsent' }));
    const paid = { date: '2026-03-01', amount: '27.59', method: 'Pankkikortti' };
    await nv.addSalesDocument(
      toNetvisorSalesDocument(order({ number: '4102', payments: [paid] }), { customerCode: '1001', status: 'unsent' }),
    );
    await nv.addSalesPayment({ invoiceNumber: '4101', ...paid });
    await nv.addSalesPayment({ invoiceNumber: '4102', ...paid });
    const state = await control(url, 'state');
    const byNumber = (n: string) => state.salesInvoices.find((d: any) => d.number === n && d.type === 'invoice');
    expect(byNumber('4101')).toMatchObject({ expectPartialPayments: false, payments: [], openSum: '27.59' });
    expect(byNumber('4102')).toMatchObject({ expectPartialPayments: true, openSum: '0.00' });
    expect(state.salesPayments.map((p: any) => p.invoiceNetvisorKey === null)).toEqual([true, false]);
  });

  it('needs the prepayment account for a payment to a sales order', async () => {
    const nv = sandboxClient(url);
    await nv.addSalesDocument(toNetvisorSalesDocument(order({ kind: 'order', number: '6100' }), { customerCode: '1001', status: 'undelivered' }));
    const base = { invoiceNumber: '6100', date: '2026-03-01', amount: '10.00', method: 'Verkkomaksu', targetType: 'order' as const };
    expect((await caught(nv.addSalesPayment(base))).errorClass).toBe('validation');
    await expect(nv.addSalesPayment({ ...base, overrideSalesReceivableAccountNumber: '2871' })).resolves.toMatch(/^\d+$/);
    expect((await nv.findSalesDocumentByNumber('order', '6100'))?.openSum).toBe('17.59');
  });

  it('refuses a payment to an invoice that does not exist', async () => {
    const err = await caught(sandboxClient(url).addSalesPayment({ invoiceNumber: '999999', date: '2026-03-03', amount: '1.00', method: 'Lasku' }));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'INVALID_DATA' });
  });
});

describe('dimensions, vendors, inventory', () => {
  it('lists Kustannuspaikka and adds a cost centre under a parent', async () => {
    const nv = sandboxClient(url);
    const before = await nv.listDimensions();
    const kp = before.find((d) => d.name === 'Kustannuspaikka')!;
    expect(kp.items.map((i) => i.name)).toEqual(['Hallinto', 'Myynti', 'Tuotanto', 'Verkkokauppa']);
    await nv.addDimensionItem('Kustannuspaikka', { code: '210', name: 'Myynti Pohjoinen', parentCode: '200', active: true });
    const added = (await nv.listDimensions()).find((d) => d.name === 'Kustannuspaikka')!.items.find((i) => i.name === 'Myynti Pohjoinen');
    const parent = kp.items.find((i) => i.code === '200')!;
    expect(added).toMatchObject({ code: '210', level: 2, fatherId: parent.netvisorKey, hidden: false });
    const err = await caught(nv.addDimensionItem('Eiolemassa', { code: '1', name: 'X', active: true }));
    expect(err.errorClass).toBe('validation');
  });

  it('reads, adds and edits vendors', async () => {
    const nv = sandboxClient(url);
    const first = await nv.getVendor('1');
    expect(first).toMatchObject({ kind: 'supplier', netvisorKey: '1', code: '5001' });
    expect(first.businessId).toMatch(/^\d{7}-\d$/);
    const key = await nv.addVendor({ ...party, kind: 'supplier', code: '5100' });
    await nv.editVendor(key, { ...party, kind: 'supplier', code: '5100', name: 'Uusi Nimi Oy' });
    expect(await nv.getVendor(key)).toMatchObject({ name: 'Uusi Nimi Oy', businessId: '1234567-1', address: party.address });
    expect((await nv.listVendors('2000-01-01')).length).toBe(4);
    expect((await caught(nv.getVendor('999'))).errorClass).toBe('not-found');
  });

  it('reports inventory by warehouse', async () => {
    const nv = sandboxClient(url);
    const rows = await nv.inventoryByWarehouse();
    expect(rows).toHaveLength(8);
    expect(rows[0].warehouses[0]).toMatchObject({ netvisorKey: '1', name: 'Päävarasto' });
    expect(rows[0].totalAmount).toBe(rows[0].warehouses[0].inventoryAmount);
    const one = await nv.inventoryByWarehouse({ productId: rows[1].productNetvisorKey, changedSince: new Date('2026-01-01T00:00:00Z') });
    expect(one.map((r) => r.productCode)).toEqual([rows[1].productCode]);
  });
});

describe('seeding', () => {
  it('honours counts and always restores the TEMP customer', async () => {
    await control(url, 'seed', { seed: 3, counts: { customers: 2, products: 1, vendors: 0, salesInvoices: 0 } });
    const state = await control(url, 'state');
    expect(state.customers.map((c: any) => c.code)).toEqual(['TEMP', '1001', '1002']);
    expect(state.products).toHaveLength(1);
    expect(state.vendors).toHaveLength(0);
    expect(state.salesInvoices).toHaveLength(0);
    expect(state.dimensions.map((d: any) => d.name)).toContain('Kustannuspaikka');
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['customers', 'products', 'salesInvoices', 'salesPayments', 'dimensions', 'vendors', 'inventory']));
  });
});
