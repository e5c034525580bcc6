import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TwentyFourSevenClient } from '../../../connectors/twentyfourseven';
import { ADDRESS_FIELDS, COMPANY_FIELDS, COMPANY_SEARCH_FIELDS, COMPANY_SYNC_FIELDS, EMAIL_FIELDS, PHONE_FIELDS } from '../../../connectors/twentyfourseven/companies';
import { INVOICE_ORDER_FIELDS, INVOICE_ROW_FIELDS, INVOICE_SEARCH_FIELDS } from '../../../connectors/twentyfourseven/invoices';
import { CATEGORY_FIELDS, PRODUCT_FIELDS, PRODUCT_SEARCH_FIELDS } from '../../../connectors/twentyfourseven/products';
import { SERVICE_PATHS, text } from '../../../connectors/twentyfourseven/soap';
import { isConnectorError } from '../../../connectors/kit/errors';
import { control, startTestSandboxes } from '../../support/sandboxes';

/**
 * The 24SevenOffice sandbox and client against the documented wire (docs/wire/twentyfourseven.md): every service's
 * WSDL, the connector's requests held against it, SOAP framing (content type, SOAPAction), XML text safety (forbidden
 * characters, `]]>`), and the quarantine fault of the hourly limit.
 */

const NS = 'http://24sevenOffice.com/webservices';
let url: string;
let stop: () => Promise<void>;
const creds = () => ({
  baseUrl: url,
  applicationId: '00000000-0000-0000-0000-000000000024',
  username: 'sandbox@siirto.test',
  password: 'sandbox',
  identityId: '1d000000-0000-4000-8000-000000024001',
});

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 3);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const wsdlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: (name) => ['element', 'complexType', 'simpleType', 'operation', 'message', 'enumeration'].includes(name) });

interface Wsdl {
  operations: string[];
  actions: Record<string, string>;
  location: string;
  /** complexType name → its sequence's element names, in order. */
  types: Record<string, string[]>;
}

async function wsdl(path: string, query = 'WSDL'): Promise<Wsdl> {
  const res = await fetch(`${url}/${path}?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const body = await res.text();
  expect(XMLValidator.validate(body)).toBe(true);
  const doc = wsdlParser.parse(body).definitions;
  const schema = doc.types.schema;
  const types: Record<string, string[]> = {};
  for (const t of schema.complexType ?? []) types[t.name] = (t.sequence?.element ?? []).map((e: { name: string }) => e.name);
  // Operation elements: their inline complexType lists the parameters.
  for (const e of schema.element ?? []) types[`element:${e.name}`] = (e.complexType?.[0]?.sequence?.element ?? []).map((x: { name: string }) => x.name);
  const binding = doc.binding;
  return {
    operations: doc.portType.operation.map((o: { name: string }) => o.name),
    actions: Object.fromEntries(binding.operation.map((o: { name: string; operation: Array<{ soapAction: string }> }) => [o.name, o.operation[0].soapAction])),
    location: doc.service.port.address.location,
    types,
  };
}

/** `names` appear in `sequence`, in the same order (a subsequence): what XmlSerializer needs to read them. */
function inSequenceOrder(names: string[], sequence: string[] | undefined): void {
  expect(sequence).toBeDefined();
  let at = -1;
  for (const name of names) {
    const found = sequence!.indexOf(name, at + 1);
    if (found < 0) throw new Error(`${name} is not in the WSDL sequence after position ${at}: ${sequence!.join(', ')}`);
    at = found;
  }
}
const wires = (fields: ReadonlyArray<{ wire: string }>) => fields.map((f) => f.wire);

describe('WSDL', () => {
  test('every service the connector uses publishes its WSDL at ?WSDL (any case), pointing at itself', async () => {
    const expected: Record<string, string[]> = {
      authenticate: ['Login', 'HasSession', 'GetIdentitiesWithCredential', 'GetIdentities', 'GetIdentity', 'SetIdentityById'],
      company: ['GetCompanies', 'SaveCompanies', 'GetCompanySyncList'],
      product: ['GetProducts', 'SaveProducts', 'GetCategories', 'SaveCategories'],
      invoice: ['GetInvoices', 'SaveInvoices', 'GetOrderSyncList'],
    };
    for (const [service, path] of Object.entries(SERVICE_PATHS)) {
      const w = await wsdl(path, service === 'invoice' ? 'wsdl' : 'WSDL');
      expect(w.operations).toEqual(expected[service]);
      for (const op of w.operations) expect(w.actions[op]).toBe(`${NS}/${op}`);
      expect(w.location).toBe(`${url}/${path}`);
    }
    // Unknown services are IIS's 404; a plain GET is the service's help page.
    expect((await fetch(`${url}/CRM/Nothing/V001/NoService.asmx?WSDL`)).status).toBe(404);
    const help = await fetch(`${url}/${SERVICE_PATHS.company}`);
    expect(help.status).toBe(200);
    expect(await help.text()).toContain('SaveCompanies');
  });

  test('every type a WSDL refers to (tns:…) is defined in it, once', async () => {
    for (const path of Object.values(SERVICE_PATHS)) {
      const body = await (await fetch(`${url}/${path}?WSDL`)).text();
      const defined = [...body.matchAll(/<s:(?:complexType|simpleType) name="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(defined).size).toBe(defined.length);
      const schemaPart = body.slice(0, body.indexOf('</wsdl:types>'));
      for (const m of schemaPart.matchAll(/type="tns:([^"]+)"/g)) expect(defined).toContain(m[1]);
    }
  });

  test("the connector's request elements are declared in the WSDL, in its sequence order", async () => {
    const company = await wsdl(SERVICE_PATHS.company);
    inSequenceOrder(wires(COMPANY_FIELDS), company.types.Company);
    inSequenceOrder(wires(ADDRESS_FIELDS), company.types.Address);
    inSequenceOrder(wires(PHONE_FIELDS), company.types.PhoneNumber);
    inSequenceOrder(wires(EMAIL_FIELDS), company.types.EmailAddress);
    inSequenceOrder(wires(COMPANY_SEARCH_FIELDS), company.types.CompanySearchParameters);
    inSequenceOrder(wires(COMPANY_SYNC_FIELDS), company.types.CompanySyncSearchParameters);
    inSequenceOrder(['searchParams', 'returnProperties'], company.types['element:GetCompanies']);
    const product = await wsdl(SERVICE_PATHS.product);
    inSequenceOrder(wires(PRODUCT_FIELDS), product.types.Product);
    inSequenceOrder(wires(PRODUCT_SEARCH_FIELDS), product.types.ProductSearchParameters);
    inSequenceOrder(wires(CATEGORY_FIELDS), product.types.Category);
    const invoice = await wsdl(SERVICE_PATHS.invoice);
    inSequenceOrder(wires(INVOICE_ORDER_FIELDS), invoice.types.InvoiceOrder);
    inSequenceOrder(wires(INVOICE_ROW_FIELDS), invoice.types.InvoiceRow);
    inSequenceOrder(wires(INVOICE_SEARCH_FIELDS), invoice.types.InvoiceSearchParameters);
    inSequenceOrder(['searchParams', 'invoiceReturnProperties', 'rowReturnProperties'], invoice.types['element:GetInvoices']);
    const auth = await wsdl(SERVICE_PATHS.authenticate);
    inSequenceOrder(['ApplicationId', 'IdentityId', 'Password', 'Username'], auth.types.Credential);
  });
});

describe('credit-note references (docs/wire/twentyfourseven.md "Credit notes")', () => {
  test('InvoiceOrder declares DeliveryDate, ReferenceInvoiceId, ReferenceOrderId, ReferenceNumber in the vendor order, the ids as s:int', async () => {
    const invoice = await wsdl(SERVICE_PATHS.invoice);
    const order = invoice.types.InvoiceOrder;
    expect(order.slice(order.indexOf('DeliveryDate'), order.indexOf('ReferenceNumber') + 1)).toEqual(['DeliveryDate', 'ReferenceInvoiceId', 'ReferenceOrderId', 'ReferenceNumber']);
    const body = await (await fetch(`${url}/${SERVICE_PATHS.invoice}?WSDL`)).text();
    expect(body).toMatch(/<s:element minOccurs="1" maxOccurs="1" name="ReferenceInvoiceId" type="s:int"\s*\/>/);
    expect(body).toMatch(/<s:element minOccurs="1" maxOccurs="1" name="ReferenceOrderId" type="s:int"\s*\/>/);
    expect(body).toMatch(/<s:element minOccurs="0" maxOccurs="1" name="ReferenceNumber" type="s:string"\s*\/>/);
  });

  test('GetInvoices returns the references only when asked for, and an order without them leaves them out', async () => {
    const c = new TwentyFourSevenClient(creds());
    const customer = await c.saveCompany({ name: 'Referansekunde AS', type: 'Business' });
    const invoice = await c.saveInvoiceOrder({ customerId: customer.id, orderStatus: 'Invoiced', invoiceRows: [{ name: 'Tjeneste', quantity: '1', price: '100' }] });
    const credit = await c.saveInvoiceOrder({
      customerId: customer.id,
      orderStatus: 'Invoiced',
      referenceInvoiceId: invoice.invoiceId,
      referenceOrderId: invoice.orderId,
      invoiceRows: [{ name: 'Tjeneste', quantity: '-1', price: '100' }],
    });
    const [bare] = await c.getInvoices({ orderIds: [credit.orderId!] }, { order: ['orderId'] });
    expect(bare).toEqual(expect.objectContaining({ orderId: credit.orderId, referenceInvoiceId: undefined, referenceOrderId: undefined }));
    const [full] = await c.getInvoices({ orderIds: [credit.orderId!] }, { order: ['orderId', 'referenceInvoiceId', 'referenceOrderId'] });
    expect(full).toMatchObject({ referenceInvoiceId: invoice.invoiceId, referenceOrderId: invoice.orderId });
    const [plain] = await c.getInvoices({ orderIds: [invoice.orderId!] }, { order: ['orderId', 'referenceInvoiceId', 'referenceOrderId'] });
    expect(plain).toMatchObject({ referenceInvoiceId: undefined, referenceOrderId: undefined });
  });
});

describe('SOAP framing', () => {
  const call = (body: string, headers: Record<string, string>) =>
    fetch(`${url}/${SERVICE_PATHS.authenticate}`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }));
  const hasSession = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><HasSession xmlns="${NS}" /></soap:Body></soap:Envelope>`;

  test('text/xml; charset=utf-8 both ways; the SOAPAction header routes; faults are HTTP 500 soap:Client', async () => {
    const ok = await call(hasSession, { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/HasSession"` });
    expect(ok).toMatchObject({ status: 200, type: 'text/xml; charset=utf-8' });
    expect(ok.text).toContain('<HasSessionResult>false</HasSessionResult>');
    const noAction = await call(hasSession, { 'content-type': 'text/xml; charset=utf-8' });
    expect(noAction.status).toBe(500);
    expect(noAction.text).toMatch(/<faultcode>soap:Client<\/faultcode>/);
    const json = await call('{}', { 'content-type': 'application/json', soapaction: `"${NS}/HasSession"` });
    expect(json.status).toBe(415);
  });

  test('a request holding a character XML 1.0 forbids is refused as .NET refuses it, raw or as a reference', async () => {
    for (const name of ['A\u001bB', 'A&#x1B;B', 'A&#27;B']) {
      const body = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Login xmlns="${NS}"><credential><Username>${name}</Username></credential></Login></soap:Body></soap:Envelope>`;
      const res = await call(body, { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/Login"` });
      expect(res.status).toBe(500);
      expect(res.text).toContain('hexadecimal value 0x1B, is an invalid character');
    }
  });
});

describe('XML text', () => {
  test('the builder escapes markup, makes "]]>" harmless and drops forbidden characters', () => {
    expect(text('Name', 'a]]>b & <c> "d"')).toBe('<Name>a]]&gt;b &amp; &lt;c&gt; &quot;d&quot;</Name>');
    expect(text('Name', 'Oy\u0000 Ab\u001b\ufffe')).toBe('<Name>Oy Ab</Name>');
    expect(text('Name', '\u0007')).toBe('<Name />');
  });

  test('a name with a control character and "]]>" round-trips through the sandbox (the control character dropped)', async () => {
    const client = new TwentyFourSevenClient(creds());
    const name = 'Kahvila ]]> & <Pavut> \u001bOy';
    const saved = await client.saveCompany({ name, type: 'Business', organizationNumber: '2077474-0' });
    expect(saved.id).toBeGreaterThan(0);
    const read = await client.getCompany(saved.id!);
    expect(read?.name).toBe('Kahvila ]]> & <Pavut> Oy');
    // What the sandbox stored is what a strict XML reader would have read.
    const stored = (await control(url, 'state')).companies.find((c: { Id: number }) => c.Id === saved.id);
    expect(stored.Name).toBe('Kahvila ]]> & <Pavut> Oy');
  });
});

describe('the hourly limit', () => {
  test('past 7,200 an hour every call is the quarantine fault, and the client reports rate-limit until its end', async () => {
    await control(url, 'limits', { perHour: 3 });
    const client = new TwentyFourSevenClient(creds());
    let err: unknown;
    try {
      for (let i = 0; i < 6; i++) await client.hasSession();
    } catch (e) {
      err = e;
    }
    expect(isConnectorError(err) && err.errorClass).toBe('rate-limit');
    const raw = await fetch(`${url}/${SERVICE_PATHS.authenticate}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/HasSession"` },
      body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><HasSession xmlns="${NS}" /></soap:Body></soap:Envelope>`,
    });
    expect(raw.status).toBe(500);
    // The FAQ's sentence, alone in the faultstring.
    expect(await raw.text()).toMatch(/<faultstring>Limit exceeded by \d+\. Request is blocked\. Quarantine ends at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/faultstring>/);
  });
});
