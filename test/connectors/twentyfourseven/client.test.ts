import { TwentyFourSevenClient, type TwentyFourSevenCredentials } from '../../../connectors/twentyfourseven';
import { cents, dec, toDecimalString } from '../../../domain/money';
import { control, startTestSandboxes } from '../../support/sandboxes';

const AS = '1d000000-0000-4000-8000-000000024001';
const OY = '1d000000-0000-4000-8000-000000024002';

let url: string;
let stop: () => Promise<void>;
const creds = (extra: Partial<TwentyFourSevenCredentials> = {}): TwentyFourSevenCredentials => ({
  baseUrl: url,
  applicationId: '00000000-0000-0000-0000-000000000024',
  username: 'sandbox@siirto.test',
  password: 'sandbox',
  identityId: AS,
  ...extra,
});
const state = () => control(url, 'state');

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 7);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
});
afterAll(() => stop());

describe('Authenticate', () => {
  test('logs in lazily, works in the configured identity and lists the others', async () => {
    const client = new TwentyFourSevenClient(creds());
    expect(await client.hasSession()).toBe(false);
    const identity = await client.connect();
    expect(identity).toMatchObject({ id: AS, clientName: 'Siirto Demo AS', clientId: 24001, isCurrent: true });
    expect(await client.hasSession()).toBe(true);
    const identities = await client.getIdentities();
    expect(identities.map((i) => [i.clientName, i.isCurrent])).toEqual([
      ['Siirto Demo AS', true],
      ['Siirto Demo Oy', false],
    ]);
    const sessions = (await state()).sessions;
    expect(sessions.some((s: { identityId: string; username: string }) => s.identityId === AS && s.username === 'sandbox@siirto.test')).toBe(true);
  });

  test('selects a non-default identity with SetIdentityById, and data is per company', async () => {
    const oy = new TwentyFourSevenClient(creds({ identityId: OY }));
    const as = new TwentyFourSevenClient(creds());
    expect((await oy.connect()).clientName).toBe('Siirto Demo Oy');
    const [oyNames, asNames] = [(await oy.getCompanies({}, ['name'])).map((c) => c.name), (await as.getCompanies({}, ['name'])).map((c) => c.name)];
    const s = await state();
    expect(oyNames).toEqual(s.companies.filter((c: { clientId: number }) => c.clientId === 24002).map((c: { Name: string }) => c.Name));
    expect(asNames).toEqual(s.companies.filter((c: { client: string }) => c.client === 'Siirto Demo AS').map((c: { Name: string }) => c.Name));
    expect(oyNames).not.toEqual(asNames);
  });

  test('setIdentity switches the company the client works in', async () => {
    const client = new TwentyFourSevenClient(creds({ username: 'SANDBOX@siirto.test' }));
    const before = await client.getProducts({}, ['no', 'name']);
    await client.setIdentity(OY);
    expect((await client.connect()).clientName).toBe('Siirto Demo Oy');
    const after = await client.getProducts({}, ['no', 'name']);
    expect(after.map((p) => p.name)).not.toEqual(before.map((p) => p.name));
    await expect(client.setIdentity('1d000000-0000-4000-8000-000000999999')).rejects.toMatchObject({ errorClass: 'credentials', message: expect.stringContaining('Siirto Demo Oy') });
  });

  test('a login that sees only one company needs no identity', async () => {
    const client = new TwentyFourSevenClient(creds({ username: 'single@siirto.test', identityId: undefined }));
    expect((await client.connect()).clientName).toBe('Siirto Demo AS');
  });
});

describe('CompanyService', () => {
  const client = () => new TwentyFourSevenClient(creds());

  test('returns only the requested properties', async () => {
    const [c] = await client().getCompanies({ companyId: 1 }, ['id', 'name', 'type']);
    expect(Object.entries(c).filter(([, v]) => v !== undefined).map(([k]) => k).sort()).toEqual(['id', 'name', 'type']);
    const full = await client().getCompany(1);
    expect(full).toMatchObject({ id: 1, organizationNumber: expect.stringMatching(/^\d{9}$/), country: 'NO', addresses: { post: { city: expect.any(String) } } });
  });

  test('customers and suppliers: create with ExternalId, find by it, update, changed-since', async () => {
    const c = client();
    const since = new Date();
    const created = await c.saveCompany({
      externalId: 'RB-C-1001',
      name: 'Fjordlys Handel AS',
      organizationNumber: '923609016',
      type: 'Business',
      country: 'NO',
      addresses: { post: { street: 'Kaigaten 1', postalCode: '5015', city: 'Bergen', country: 'NO' } },
      emailAddresses: { invoice: { value: 'faktura@fjordlys.no' } },
    });
    expect(created.id).toEqual(expect.any(Number));
    const supplier = await c.saveCompany({ externalId: 'RB-S-2001', name: 'Nordkapp Leverandør AS', type: 'Supplier' });

    const found = await c.findCompanyByExternalId('RB-C-1001');
    expect(found).toMatchObject({ id: created.id, name: 'Fjordlys Handel AS', type: 'Business', emailAddresses: { invoice: { value: 'faktura@fjordlys.no' } } });
    expect(await c.findCompanyByExternalId('RB-none')).toBeNull();
    expect(await new TwentyFourSevenClient(creds({ identityId: OY })).findCompanyByExternalId('RB-C-1001')).toBeNull();

    await c.saveCompany({ id: created.id, name: 'Fjordlys Handel og Import AS', addresses: { delivery: { street: 'Lager 9', city: 'Bergen' } } });
    const updated = await c.getCompany(created.id!);
    expect(updated).toMatchObject({ name: 'Fjordlys Handel og Import AS', externalId: 'RB-C-1001', addresses: { post: { street: 'Kaigaten 1' }, delivery: { street: 'Lager 9' } } });

    const changed = await c.getCompaniesChangedSince(since, ['id', 'type', 'dateChanged']);
    expect(changed.map((x) => x.id).sort()).toEqual([created.id, supplier.id].sort());
    expect(changed.find((x) => x.id === supplier.id)?.type).toBe('Supplier');
    // ChangedAfter goes out with whole seconds: the boundary second is read again (a duplicate, never a miss).
    const again = await c.getCompaniesChangedSince(updated!.dateChanged!, ['id']);
    expect(again.map((x) => x.id)).toContain(created.id);
    expect(await c.getCompaniesChangedSince(new Date(Date.parse(updated!.dateChanged!) + 2000), ['id'])).toEqual([]);

    const record = (await state()).companies.find((r: { Id: number; clientId: number }) => r.Id === created.id && r.clientId === 24001);
    expect(record).toMatchObject({ client: 'Siirto Demo AS', ExternalId: 'RB-C-1001' });
  });

  test('full sync: the company sync list pages through every company of the identity', async () => {
    await control(url, 'paging', { syncPageSize: 4 });
    const c = client();
    const first = await c.getCompanySyncPage();
    const ids = [...first.items.map((i) => i.companyId)];
    for (let page = 2; page <= first.totalPages; page++) ids.push(...(await c.getCompanySyncPage({}, page)).items.map((i) => i.companyId));
    const stored = (await state()).companies.filter((r: { clientId: number }) => r.clientId === 24001);
    expect(first).toMatchObject({ currentPage: 1, itemsPerPage: 4, totalItems: stored.length, totalPages: Math.ceil(stored.length / 4) });
    expect(ids).toEqual(stored.map((r: { Id: number }) => r.Id));
    const recent = await c.getCompanySyncPage({ changedAfter: '2025-12-31T00:00:00Z' });
    expect(recent.items.every((i) => Date.parse(i.dateChanged!) > Date.parse('2025-12-31T00:00:00Z'))).toBe(true);
    expect(recent.totalItems).toBeLessThan(stored.length);
  });

  test('SaveCompanies reports each refused item with its field while the others are saved', async () => {
    const results = await client().saveCompanies([{ name: 'Gyldig AS', externalId: 'RB-OK' }, { name: 'x'.repeat(201), externalId: 'RB-LONG' }, { id: 987654, name: 'Finnes Ikke AS' }]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    const [, long, missing] = results;
    if (long.ok || missing.ok) throw new Error('expected failures');
    expect(long.error).toMatchObject({ errorClass: 'validation', field: 'Name', resource: 'companies' });
    expect(long.error.message).toMatch(/^24SevenOffice refused company "x+" \(item 2 of 3\): Name: must be at most 200 characters$/);
    expect(missing.error).toMatchObject({ errorClass: 'validation', field: 'Id' });
    await expect(client().saveCompany({ country: 'Norway', name: 'Feil Land AS' })).rejects.toMatchObject({ errorClass: 'validation', field: 'Country' });
    expect(await client().findCompanyByExternalId('RB-OK')).not.toBeNull();
  });
});

describe('ProductService', () => {
  const client = () => new TwentyFourSevenClient(creds());

  test('categories, product create/find by number/update, changed-since', async () => {
    const c = client();
    const categories = await c.getProductCategories();
    expect(categories.length).toBeGreaterThanOrEqual(4);
    const [cat] = await c.saveProductCategories([{ name: 'Reservedeler', no: '90' }]);
    if (!cat.ok) throw cat.error;
    expect((await c.getProductCategories()).map((x) => x.name)).toContain('Reservedeler');

    const since = new Date();
    const created = await c.saveProduct({ no: 'RB-P-1', name: 'Tauverk 12 mm', price: '149.90', cost: '61.20', categoryId: cat.item.id, taxRate: '25' });
    const found = await c.findProductByNo('RB-P-1');
    expect(found).toMatchObject({ id: created.id, name: 'Tauverk 12 mm', price: '149.9', cost: '61.2', categoryId: cat.item.id, statusId: 1, taxRate: '25' });
    expect(await c.findProductByNo('NO-SUCH')).toBeNull();

    await c.saveProduct({ id: created.id, price: '159.00' });
    expect((await c.getProducts({ id: created.id }, ['price', 'no']))[0]).toEqual(expect.objectContaining({ price: '159', no: 'RB-P-1' }));
    const changed = await c.getProductsChangedSince(since, ['id']);
    expect(changed.map((p) => p.id)).toEqual([created.id]);
    const byCategory = await c.getProducts({ categoryId: cat.item.id }, ['id']);
    expect(byCategory.map((p) => p.id)).toEqual([created.id]);
  });

  test('a new product needs a category that exists; numbers stay unique', async () => {
    const results = await client().saveProducts([{ no: 'RB-P-2', name: 'Uten kategori' }, { no: 'RB-P-3', name: 'Feil kategori', categoryId: 9999 }, { no: 'P1000', name: 'Dublett', categoryId: 1 }]);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.errorClass}:${r.error.field}`))).toEqual(['validation:CategoryId', 'validation:CategoryId', 'validation:No']);
    expect(results[1].ok ? '' : results[1].error.message).toBe('24SevenOffice refused product "RB-P-3" (item 2 of 3): CategoryId: category 9999 does not exist');
  });
});

describe('InvoiceService', () => {
  const client = () => new TwentyFourSevenClient(creds());

  test('polls orders by status and changed-after', async () => {
    const picked = await client().getOrdersChangedSince('2000-01-01T00:00:00Z', ['Confirmed', 'Production', 'Pack']);
    expect(new Set(picked.map((o) => o.orderStatus))).toEqual(new Set(['Confirmed', 'Production', 'Pack']));
    const all = (await state()).invoices.filter((o: { clientId: number; OrderStatus: string }) => o.clientId === 24001 && ['Confirmed', 'Production', 'Pack'].includes(o.OrderStatus));
    expect(picked.map((o) => o.orderId).sort()).toEqual(all.map((o: { OrderId: number }) => o.OrderId).sort());
    expect(picked[0].invoiceRows?.length).toBeGreaterThan(0);
    expect(await client().getOrdersChangedSince(new Date(Date.now() + 60_000), ['Confirmed'])).toEqual([]);
  });

  test('full sync: order ids from the sync list, details in chunks by id', async () => {
    const c = client();
    const ids = await c.getOrderSyncList({ registeredAfter: '2000-01-01T00:00:00Z' });
    const stored = (await state()).invoices.filter((o: { clientId: number }) => o.clientId === 24001).map((o: { OrderId: number }) => o.OrderId);
    expect(ids).toEqual(stored);
    const orders = await c.getInvoices({ orderIds: ids }, { order: ['orderId'], rows: ['rowId'] });
    expect(orders.map((o) => o.orderId)).toEqual(ids);
    expect(await c.getOrderSyncList({ changedAfter: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  test('honours invoice and row return properties', async () => {
    const [o] = await client().getInvoices({ orderStatuses: ['Pack'] }, { order: ['orderId', 'orderStatus', 'invoiceRows'], rows: ['rowId', 'quantity'] });
    expect(Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).sort()).toEqual(['invoiceRows', 'orderId', 'orderStatus']);
    for (const row of o.invoiceRows!) expect(Object.entries(row).filter(([, v]) => v !== undefined).map(([k]) => k).sort()).toEqual(['quantity', 'rowId']);
  });

  test('creates an order, sets status and ExternalStatus, edits, deletes and adds rows', async () => {
    const c = client();
    const customer = await c.saveCompany({ name: 'Ordrekunde AS', externalId: 'RB-C-ORD', type: 'Business' });
    const [p1, p2, p3] = await c.getProducts({}, ['id', 'no', 'price']);
    const order = await c.saveInvoiceOrder({
      customerId: customer.id,
      orderStatus: 'Confirmed',
      yourReference: 'RB-ORDER-77',
      invoiceRows: [
        { productId: p1.id, quantity: '2' },
        { productId: p2.id, quantity: '1', price: '100.00' },
      ],
    });
    expect(order.orderId).toEqual(expect.any(Number));

    const read = await c.getInvoiceOrder(order.orderId!);
    expect(read).toMatchObject({ customerId: customer.id, customerName: 'Ordrekunde AS', orderStatus: 'Confirmed', yourReference: 'RB-ORDER-77' });
    expect(read!.invoiceRows!.map((r) => [r.productId, r.quantity])).toEqual([
      [p1.id, '2'],
      [p2.id, '1'],
    ]);
    expect(read!.invoiceRows![0].price).toBe(p1.price);

    const [r1, r2] = read!.invoiceRows!;
    const edited = await c.updateOrderRows(order.orderId!, { edit: [{ rowId: r1.rowId!, quantity: '5' }], remove: [r2.rowId!], add: [{ productId: p3.id, quantity: '3' }] }, { orderStatus: 'Confirmed' });
    expect(edited.invoiceRows!.map((r) => [r.productId, r.quantity])).toEqual([
      [p1.id, '5'],
      [p3.id, '3'],
    ]);
    const net = dec(p1.price!).times(5).plus(dec(p3.price!).times(3));
    expect(edited.orderTotalIncVat).toBe(toDecimalString(cents(net.times('1.25'))));

    const sent = await c.setOrderStatus(order.orderId!, 'OrderState_Sent', 7);
    expect(sent).toMatchObject({ orderStatus: 'OrderState_Sent', externalStatus: 7 });
    expect((await c.getInvoices({ externalStatuses: [7] }, { order: ['orderId'] })).map((o) => o.orderId)).toEqual([order.orderId]);
    expect(await c.getInvoiceOrder(987654)).toBeNull();

    const stored = (await state()).invoices.find((o: { OrderId: number; clientId: number }) => o.OrderId === order.orderId && o.clientId === 24001);
    expect(stored).toMatchObject({ OrderStatus: 'OrderState_Sent', ExternalStatus: 7, client: 'Siirto Demo AS' });
  });

  test('refuses changes to an invoiced order and unknown customers or rows, per item', async () => {
    const c = client();
    const [invoiced] = await c.getInvoices({ orderStatuses: ['Invoiced'] }, { order: ['orderId', 'invoiceId'] });
    expect(invoiced.invoiceId).toEqual(expect.any(Number));
    await expect(c.setOrderStatus(invoiced.orderId!, 'Confirmed')).rejects.toMatchObject({ errorClass: 'validation', field: 'OrderId', message: expect.stringContaining(`order ${invoiced.orderId}`) });
    await expect(c.saveInvoiceOrder({ customerId: 999999, invoiceRows: [{ name: 'Frakt', quantity: '1', price: '99' }] })).rejects.toMatchObject({ errorClass: 'validation', field: 'CustomerId' });
    const [open] = await c.getInvoices({ orderStatuses: ['Production'] }, { order: ['orderId'] });
    await expect(c.updateOrderRows(open.orderId!, { remove: [424242] })).rejects.toMatchObject({ errorClass: 'validation', field: 'InvoiceRows.RowId' });
  });
});
