import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caught, fixtureClient } from './helpers';

/** Response shapes written from the documentation (docs/wire/netvisor.md), not captured from our sandbox. */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

const envelope = (inner: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: `<?xml version="1.0" encoding="utf-8" standalone="yes"?><Root><ResponseStatus>${inner}<TimeStamp>1.1.2024 12:00:00</TimeStamp></ResponseStatus></Root>`,
});
const failed = (line: string, status = 200, headers: Record<string, string> = {}) => envelope(`<Status>FAILED</Status><Status>${line}</Status>`, status, headers);

describe('customers', () => {
  it('reads customerlist.nv with its `Customerlist`/`Netvisorkey` casing and an empty business id', async () => {
    const { client, requests } = fixtureClient(fixture('customerlist.xml'));
    expect(await client.listCustomers({ keyword: 'Esimerkki Oy' })).toEqual([
      { netvisorKey: '1', code: 'TEMP', name: 'Temporary customer' },
      { netvisorKey: '2', code: '11', name: 'Esimerkki Oy', businessId: '6554467-4' },
    ]);
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/customerlist.nv?keyword=Esimerkki%20Oy');
  });

  it('reads an empty list', async () => {
    expect(await fixtureClient(fixture('customerlist-empty.xml')).client.listCustomers()).toEqual([]);
  });

  it('reads getcustomer.nv into a Party', async () => {
    const { client, requests } = fixtureClient(fixture('getcustomer.xml'));
    expect(await client.getCustomer('5')).toEqual({
      kind: 'customer',
      netvisorKey: '5',
      active: true,
      code: 'MM',
      name: 'Maija Mallikas Tmi',
      businessId: '1234567-1',
      email: 'maija@example.fi',
      phone: '017 123 456',
      address: { street: 'Esimerkkitie 4', postalCode: '70100', city: 'Kuopio', country: 'FI' },
      einvoiceAddress: '003712345671',
      einvoiceOperator: 'NDEAFIHH',
    });
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/getcustomer.nv?id=5');
  });

  it('reads the <Customers> wrapper of getcustomer.nv?idlist, one or many', async () => {
    const one = fixture('getcustomer.xml').replace('<Customer>', '<Customers><Customer>').replace('</Customer>\n</Root>', '</Customer></Customers>\n</Root>');
    const { client, requests } = fixtureClient(one);
    expect((await client.getCustomers(['5'])).map((c) => c.code)).toEqual(['MM']);
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/getcustomer.nv?idlist=5');
    const block = /<Customer>[\s\S]*<\/Customer>/.exec(fixture('getcustomer.xml'))![0];
    const two = fixture('getcustomer.xml').replace(block, `<Customers>${block}${block.replace('<NetvisorKey>5<', '<NetvisorKey>6<')}</Customers>`);
    expect((await fixtureClient(two).client.getCustomers(['5', '6'])).map((c) => c.netvisorKey)).toEqual(['5', '6']);
  });

  it('turns getcustomer\'s FAILED INVALID_DATA "not found" into not-found', async () => {
    const err = await caught(fixtureClient(fixture('getcustomer-notfound.xml')).client.getCustomer('123'));
    expect(err).toMatchObject({ errorClass: 'not-found', resource: 'getcustomer.nv' });
  });

  it('reads the InsertedDataIdentifier of an add and the bare OK of an edit', async () => {
    const party = { kind: 'customer' as const, name: 'Uusi Oy', address: { street: '', postalCode: '', city: '', country: 'FI' } };
    expect(await fixtureClient(fixture('inserted.xml')).client.addCustomer(party)).toBe('8');
    await expect(fixtureClient(fixture('edited.xml')).client.editCustomer('8', party)).resolves.toBeUndefined();
  });
});

describe('products', () => {
  it('reads productlist.nv, with comma decimals and an older reply using a dot', async () => {
    expect(await fixtureClient(fixture('productlist.xml')).client.listProducts()).toEqual([
      { netvisorKey: '10', code: 'TP2', name: 'Testituote 2', unitPrice: '50.00' },
    ]);
    expect((await fixtureClient(fixture('productlist-old.xml')).client.listProducts()).map((p) => p.unitPrice)).toEqual(['1.5', '2.25']);
  });

  it('reads getproduct.nv', async () => {
    expect(await fixtureClient(fixture('getproduct.xml')).client.getProduct('165')).toEqual({
      netvisorKey: '165',
      code: 'CC',
      name: 'Code Complete',
      unitPrice: '42.5',
      vatRate: '24.0',
      unit: 'kpl',
      groupCode: 'Kirjat',
      costPrice: '25.0000',
      active: true,
      inventoryAmount: '2.00',
    });
  });

  it('turns an old "brutto" price into the net price', async () => {
    const p = await fixtureClient(fixture('getproduct-brutto.xml')).client.getProduct('7');
    expect(p).toMatchObject({ unitPrice: '10', active: false, vatRate: '24' });
  });

  it('reads an empty <Product></Product> as null', async () => {
    expect(await fixtureClient(fixture('getproduct-notfound.xml')).client.getProduct('1')).toBeNull();
  });
});

describe('sales documents', () => {
  it('reads salesinvoicelist.nv with `Invoicedate`, status attributes and both decimal forms', async () => {
    const { client, requests } = fixtureClient(fixture('salesinvoicelist.xml'));
    expect(await client.listSalesDocuments({ kind: 'invoice' })).toEqual([
      { netvisorKey: '165', kind: 'invoice', number: '5', date: '2013-11-09', status: 'open', substatus: 'overdue', customerCode: 'MM', customerName: 'Maija Mallikas Tmi', referenceNumber: '1070', sum: '123.45', openSum: '45.67' },
      { netvisorKey: '166', kind: 'invoice', number: '6', date: '2013-11-10', dueDate: '2013-11-24', status: 'paid', customerCode: '11', customerName: 'Esimerkki Oy', referenceNumber: '1083', sum: '244.12', openSum: '0.00' },
    ]);
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/salesinvoicelist.nv');
  });

  it('asks for orders with listtype=preinvoice and filters by invoicenumber', async () => {
    const { client, requests } = fixtureClient(fixture('salesinvoicelist.xml'));
    const found = await client.findSalesDocumentByNumber('order', '6');
    expect(found).toMatchObject({ netvisorKey: '166', kind: 'order', number: '6' });
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/salesinvoicelist.nv?listtype=preinvoice&invoicenumber=6');
    expect(await fixtureClient(fixture('salesinvoicelist-empty.xml')).client.findSalesDocumentByNumber('invoice', '6')).toBeNull();
  });

  it('reads getsalesinvoice.nv with its mixed casing, several lines inside one InvoiceLine and country names', async () => {
    const { client, requests } = fixtureClient(fixture('getsalesinvoice.xml'));
    const doc = await client.getSalesDocument('invoice', '165');
    expect(requests[0].url).toBe('https://isvapi.netvisor.fi/getsalesinvoice.nv?netvisorkey=165&showcommentlines=1');
    expect(doc).toEqual({
      netvisorKey: '165',
      kind: 'invoice',
      number: '3',
      date: '2012-01-27',
      dueDate: '2012-02-10',
      status: 'unsent',
      amount: '244.00',
      currency: 'EUR',
      referenceNumber: '1070',
      ourReference: 'WC-1001',
      billing: { name: 'Maija Mallikas Tmi', street: 'Esimerkkitie 4', postalCode: '70100', city: 'Kuopio', country: 'FI' },
      delivery: { name: 'Maija Mallikas', street: 'Toimitustie 1', postalCode: '70200', city: 'Kuopio', country: 'FI' },
      lines: [
        { type: 'product', productCode: 'OMENA', name: 'Omena', unitPrice: '6.9000', vatPercent: '24', vatCode: 'KOMY', quantity: '2', discountPercent: '0', vatSum: '3.04', sum: '16.84' },
        { type: 'product', productCode: 'PAARYNA', name: 'Päärynä', unitPrice: '10.0000', vatPercent: '24', vatCode: 'KOMY', quantity: '1', discountPercent: '5.5', freeText: 'Kypsä', vatSum: '2.28', sum: '11.72' },
      ],
    });
  });

  it('asks getorder.nv for orders and reads an empty <SalesInvoice /> as null', async () => {
    const { client, requests } = fixtureClient(fixture('getsalesinvoice-notfound.xml'));
    expect(await client.getSalesDocument('order', '9')).toBeNull();
    expect(requests[0].url).toContain('/getorder.nv?netvisorkey=9');
  });
});

describe('payments, dimensions, vendors, inventory', () => {
  it('reads salespaymentlist.nv with its Finnish date', async () => {
    expect(await fixtureClient(fixture('salespaymentlist.xml')).client.listSalesPayments({ invoiceNumber: '5' })).toEqual([
      { netvisorKey: '1', name: 'Maija Mallikas', date: '7.2.2014', sum: '50.00', invoiceNumber: '5', referenceNumber: '1070' },
    ]);
  });

  it('reads dimensionlist.nv with True/False booleans and FatherID, and an empty list', async () => {
    const dims = await fixtureClient(fixture('dimensionlist.xml')).client.listDimensions();
    expect(dims).toEqual([
      {
        netvisorKey: '14',
        name: 'Hinnastoryhmä',
        hidden: false,
        items: [
          { netvisorKey: '17', name: 'Opiskelijat', hidden: false, level: 1 },
          { netvisorKey: '18', name: 'Eläkeläiset', hidden: true, level: 2, fatherId: '17' },
        ],
      },
      { netvisorKey: '20', name: 'Projektit', hidden: false, items: [] },
    ]);
    expect(await fixtureClient(fixture('dimensionlist-empty.xml')).client.listDimensions()).toEqual([]);
  });

  it('reads getvendor.nv into a supplier Party', async () => {
    expect(await fixtureClient(fixture('getvendor.xml')).client.getVendor('67')).toEqual({
      kind: 'supplier',
      netvisorKey: '67',
      code: 'T100',
      name: 'Toimittaja Oy',
      businessId: '6554467-4',
      email: 'myynti@toimittaja.fi',
      phone: '03 123 4567',
      address: { street: 'Tehdaskatu 1', postalCode: '33100', city: 'Tampere', country: 'FI' },
    });
  });

  it('reads inventorybywarehouse.nv', async () => {
    expect(await fixtureClient(fixture('inventorybywarehouse.xml')).client.inventoryByWarehouse()).toEqual([
      {
        productNetvisorKey: '165',
        productCode: 'TT',
        productName: 'Testituote',
        warehouses: [{ netvisorKey: '12', name: 'Päävarasto', inventoryAmount: '10.50', reservedAmount: '1.00', orderedAmount: '0.00' }],
        totalAmount: '10.50',
        totalReservedAmount: '1.00',
        totalOrderedAmount: '0.00',
      },
    ]);
  });
});

describe('error envelope classification', () => {
  it('AUTHENTICATION_FAILED (Finnish text) → credentials with the standard sentence', async () => {
    const err = await caught(fixtureClient(fixture('authentication-failed.xml')).client.listCustomers());
    expect(err).toMatchObject({ errorClass: 'credentials', code: 'AUTHENTICATION_FAILED', retryable: false });
    expect(err.message).toBe('Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.');
  });

  it.each([
    ['INVALID_DATA :: Data form incorrect:. XML message validation failed: Could not validate xml', 'validation'],
    ['INVALID_DATA_SIZE :: Too much data', 'validation'],
    ['DUPLICATE_DATA :: Invoice number already exists', 'conflict'],
    ['PERIOD_LOCK :: Period is locked', 'business'],
    ['SERVICE_ACCESS_ERROR :: No rights', 'permission'],
  ])('%s → %s, not retryable, with Netvisor\'s text and the resource', async (line, errorClass) => {
    const err = await caught(fixtureClient([failed(line)]).client.listProducts());
    expect(err).toMatchObject({ errorClass, retryable: false, resource: 'productlist.nv', code: line.split(' ::')[0] });
    expect(err.message).toContain(line.split(':: ')[1]);
    expect(err.message).toContain('productlist.nv');
  });

  it.each([
    ['REQUEST_NOT_UNIQUE :: Transaction id used'],
    ['SYSTEM_MAINTENANCE :: Huoltokatko'],
    ['SYSTEM_MAINTANANCE :: Huoltokatko'],
    ['TECHNICAL_ERROR :: Tekninen virhe'],
  ])('%s → transient', async (line) => {
    const err = await caught(fixtureClient([failed(line, 503)]).client.listProducts());
    expect(err).toMatchObject({ errorClass: 'transient', retryable: true });
  });

  it('HTTP 5xx without an envelope is transient; 429 is rate-limit with Retry-After', async () => {
    expect(await caught(fixtureClient([{ status: 502, body: '<html>Bad gateway</html>' }]).client.listProducts())).toMatchObject({ errorClass: 'transient' });
    expect(await caught(fixtureClient([{ status: 429, body: '', headers: { 'retry-after': '3' } }]).client.listProducts())).toMatchObject({
      errorClass: 'rate-limit',
      retryAfterMs: 3000,
    });
  });

  it('a reply that does not fit the schema is reported with the offending path', async () => {
    const bad = fixture('productlist.xml').replace('<UnitPrice>50,00</UnitPrice>', '<UnitPrice>viisikymmentä</UnitPrice>');
    const err = await caught(fixtureClient(bad).client.listProducts());
    expect(err).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE' });
    expect(err.message).toContain('productlist.product.0.unitprice');
  });
});
