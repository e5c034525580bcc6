import { control, startTestSandboxes } from '../../support/sandboxes';

/** The sandbox on the wire, with hand-written requests: what a client other than ours would send. */
const NS = 'http://24sevenOffice.com/webservices';
const PATHS = {
  auth: '/authenticate/v001/authenticate.asmx',
  company: '/CRM/Company/V001/CompanyService.asmx',
  product: '/Logistics/Product/V001/ProductService.asmx',
  invoice: '/Economy/InvoiceOrder/V001/InvoiceService.asmx',
};

let url: string;
let stop: () => Promise<void>;
let cookie: string;

async function soap(path: string, action: string, body: string, options: { cookie?: string; contentType?: string; envelope?: boolean } = {}) {
  const xml =
    options.envelope === false
      ? body
      : `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>${body}</soap:Body></soap:Envelope>`;
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'text/xml; charset=utf-8',
      soapaction: `"${NS}/${action}"`,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: xml,
  });
  return { status: res.status, text: await res.text(), setCookie: res.headers.get('set-cookie') };
}

const login = (user = 'sandbox@siirto.test', password = 'sandbox') =>
  soap(
    PATHS.auth,
    'Login',
    `<Login xmlns="${NS}"><credential><ApplicationId>00000000-0000-0000-0000-000000000024</ApplicationId><Password>${password}</Password><Username>${user}</Username></credential></Login>`,
  );

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 11);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
  const res = await login();
  const id = /<LoginResult>([^<]+)<\/LoginResult>/.exec(res.text)![1];
  expect(res.setCookie).toContain(`ASP.NET_SessionId=${id}`);
  cookie = `ASP.NET_SessionId=${id}`;
});
afterAll(() => stop());

describe('24SevenOffice sandbox wire format', () => {
  test('a failed login answers an empty LoginResult with HTTP 200', async () => {
    const res = await login('sandbox@siirto.test', 'nope');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<LoginResult />');
  });

  test('HasSession tells a live session from none', async () => {
    expect((await soap(PATHS.auth, 'HasSession', `<HasSession xmlns="${NS}" />`)).text).toContain('<HasSessionResult>false</HasSessionResult>');
    expect((await soap(PATHS.auth, 'HasSession', `<HasSession xmlns="${NS}" />`, { cookie })).text).toContain('<HasSessionResult>true</HasSessionResult>');
  });

  test('binds by namespace URI: a prefixed request reads the same; elements in another namespace are skipped', async () => {
    const prefixed = await soap(
      PATHS.product,
      'GetProducts',
      `<web:GetProducts xmlns:web="${NS}"><web:searchParams><web:No>P1001</web:No></web:searchParams><web:returnProperties><web:string>No</web:string><web:string>Price</web:string></web:returnProperties></web:GetProducts>`,
      { cookie },
    );
    expect(prefixed.status).toBe(200);
    expect(prefixed.text.match(/<Product>/g)).toHaveLength(1);
    expect(prefixed.text).toMatch(/<Product><Price>[\d.]+<\/Price><No>P1001<\/No><\/Product>/);
    const foreign = await soap(
      PATHS.product,
      'GetProducts',
      `<GetProducts xmlns="${NS}"><searchParams xmlns="urn:other"><No>P1001</No></searchParams><returnProperties><string>No</string></returnProperties></GetProducts>`,
      { cookie },
    );
    expect((foreign.text.match(/<Product>/g) ?? []).length).toBeGreaterThan(1);
  });

  test('paths are case-insensitive as on IIS; unknown paths are 404', async () => {
    const res = await soap(PATHS.product.toLowerCase(), 'GetCategories', `<GetCategories xmlns="${NS}"><returnProperties><string>Name</string></returnProperties></GetCategories>`, { cookie });
    expect(res.status).toBe(200);
    expect((await soap('/CRM/Nothing.asmx', 'GetCompanies', '')).status).toBe(404);
  });

  test('protocol errors are ASMX faults or HTTP errors', async () => {
    const wrongAction = await soap(PATHS.company, 'GetProducts', `<GetProducts xmlns="${NS}" />`, { cookie });
    expect(wrongAction.status).toBe(500);
    expect(wrongAction.text).toMatch(/<faultcode>soap:Client<\/faultcode><faultstring>System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction/);
    const mismatch = await soap(PATHS.company, 'GetCompanies', `<SaveCompanies xmlns="${NS}" />`, { cookie });
    expect(mismatch.text).toContain('was not expected');
    const soap12 = await soap(PATHS.company, 'GetCompanies', `<GetCompanies xmlns="${NS}" />`, { cookie, contentType: 'application/soap+xml; charset=utf-8' });
    expect(soap12.status).toBe(415);
    const noSession = await soap(PATHS.company, 'GetCompanies', `<GetCompanies xmlns="${NS}" />`);
    expect(noSession.status).toBe(500);
    expect(noSession.text).toContain('Client is not authenticated on this identity');
    const broken = await soap(PATHS.company, 'GetCompanies', '<soap:Envelope><oops', { cookie, envelope: false });
    expect(broken.text).toContain('Server was unable to read request');
  });

  test('a value the schema does not allow fails the whole request; a refused item is an APIException at HTTP 200', async () => {
    const badEnum = await soap(PATHS.invoice, 'SaveInvoices', `<SaveInvoices xmlns="${NS}"><invoices><InvoiceOrder><CustomerId>1</CustomerId><OrderStatus>Accepted</OrderStatus></InvoiceOrder></invoices></SaveInvoices>`, { cookie });
    expect(badEnum.status).toBe(500);
    expect(badEnum.text).toContain("'Accepted' is not a valid value for OrderSlipStateType");
    const refused = await soap(PATHS.company, 'SaveCompanies', `<SaveCompanies xmlns="${NS}"><companies><Company><OrganizationNumber>1</OrganizationNumber></Company></companies></SaveCompanies>`, { cookie });
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/<Company><APIException><Type>ValidationException<\/Type><Message>Name: a company needs a name<\/Message><StackTrace \/><\/APIException><OrganizationNumber>1<\/OrganizationNumber><\/Company>/);
  });

  test('sentinels in a save mean "no change"; values equal to the WSDL default are not written back', async () => {
    const before = await soap(PATHS.product, 'GetProducts', `<GetProducts xmlns="${NS}"><searchParams><Id>3</Id></searchParams><returnProperties><string>Price</string><string>CategoryId</string><string>Name</string></returnProperties></GetProducts>`, { cookie });
    const price = /<Price>([^<]+)<\/Price>/.exec(before.text)![1];
    const saved = await soap(
      PATHS.product,
      'SaveProducts',
      `<SaveProducts xmlns="${NS}"><products><Product><Id>3</Id><Name>Omdøpt</Name><Price>-79228162514264337593543950335</Price><CategoryId>-2147483648</CategoryId><DateChanged>0001-01-01T00:00:00</DateChanged></Product></products></SaveProducts>`,
      { cookie },
    );
    expect(saved.text).not.toContain('APIException');
    const after = await soap(PATHS.product, 'GetProducts', `<GetProducts xmlns="${NS}"><searchParams><Id>3</Id></searchParams><returnProperties><string>Price</string><string>CategoryId</string><string>Name</string></returnProperties></GetProducts>`, { cookie });
    expect(after.text).toContain(`<Price>${price}</Price>`);
    expect(after.text).toContain('<Name>Omdøpt</Name>');
    expect(after.text).toMatch(/<CategoryId>\d+<\/CategoryId>/);

    await soap(PATHS.company, 'SaveCompanies', `<SaveCompanies xmlns="${NS}"><companies><Company><ExternalId>RAW-1</ExternalId><Name>Uten Type AS</Name></Company></companies></SaveCompanies>`, { cookie });
    const company = await soap(PATHS.company, 'GetCompanies', `<GetCompanies xmlns="${NS}"><searchParams><ExternalId>RAW-1</ExternalId></searchParams><returnProperties><string>Name</string><string>Type</string><string>TypeGroup</string><string>BlockInvoice</string></returnProperties></GetCompanies>`, { cookie });
    expect(company.text).toContain('<GetCompaniesResult><Company><Name>Uten Type AS</Name></Company></GetCompaniesResult>');
  });

  test('IncludeVAT (minOccurs=1, nillable) is written as xsi:nil when unset', async () => {
    const saved = await soap(PATHS.invoice, 'SaveInvoices', `<SaveInvoices xmlns="${NS}"><invoices><InvoiceOrder><CustomerId>1</CustomerId><IncludeVAT xsi:nil="true" /></InvoiceOrder></invoices></SaveInvoices>`, { cookie });
    const orderId = /<OrderId>(\d+)<\/OrderId>/.exec(saved.text)![1];
    const read = await soap(PATHS.invoice, 'GetInvoices', `<GetInvoices xmlns="${NS}"><searchParams><OrderIds><int>${orderId}</int></OrderIds></searchParams><invoiceReturnProperties><string>IncludeVAT</string><string>OrderStatus</string></invoiceReturnProperties></GetInvoices>`, { cookie });
    // OrderStatus defaulted to Web, the WSDL default, so XmlSerializer leaves it out.
    expect(read.text).toContain('<InvoiceOrder><IncludeVAT xsi:nil="true" /></InvoiceOrder>');
  });

  test('SetIdentityById moves the session to the other company', async () => {
    const { text } = await login();
    const other = `ASP.NET_SessionId=${/<LoginResult>([^<]+)/.exec(text)![1]}`;
    const names = async () => (await soap(PATHS.company, 'GetCompanies', `<GetCompanies xmlns="${NS}"><searchParams /><returnProperties><string>Name</string></returnProperties></GetCompanies>`, { cookie: other })).text;
    const as = await names();
    const switched = await soap(PATHS.auth, 'SetIdentityById', `<SetIdentityById xmlns="${NS}"><identityId>1d000000-0000-4000-8000-000000024002</identityId></SetIdentityById>`, { cookie: other });
    expect(switched.text).toContain('<SetIdentityByIdResult>true</SetIdentityByIdResult>');
    expect(await names()).not.toBe(as);
    const refused = await soap(PATHS.auth, 'SetIdentityById', `<SetIdentityById xmlns="${NS}"><identityId>1d000000-0000-4000-8000-000000124001</identityId></SetIdentityById>`, { cookie: other });
    expect(refused.text).toContain('<SetIdentityByIdResult>false</SetIdentityByIdResult>');
  });
});

describe('24SevenOffice sandbox state and seeding', () => {
  test('state shows every collection, each record with the company it belongs to', async () => {
    const s = await control(url, 'state');
    for (const name of ['identities', 'sessions', 'companies', 'categories', 'products', 'invoices', 'requestCounter']) expect(s).toHaveProperty(name);
    for (const name of ['companies', 'categories', 'products', 'invoices']) {
      expect(new Set(s[name].map((r: { client: string }) => r.client))).toEqual(new Set(['Siirto Demo AS', 'Siirto Demo Oy']));
    }
    for (const clientId of [24001, 24002]) {
      const statuses = new Set(s.invoices.filter((o: { clientId: number }) => o.clientId === clientId).map((o: { OrderStatus: string }) => o.OrderStatus));
      for (const st of ['Confirmed', 'Production', 'Pack', 'OrderState_Sent', 'Invoiced']) expect(statuses).toContain(st);
      const types = new Set(s.companies.filter((c: { clientId: number }) => c.clientId === clientId).map((c: { Type: string }) => c.Type));
      for (const t of ['Business', 'Consumer', 'Supplier']) expect(types).toContain(t);
    }
    expect(s.requestCounter[0].requests).toBeGreaterThan(0);
  });

  test('seeding is deterministic and takes counts per company', async () => {
    await control(url, 'seed', { seed: 5, counts: { companies: 4, products: 3, invoices: 2 } });
    const first = await control(url, 'state');
    expect(first.companies).toHaveLength(8);
    expect(first.products).toHaveLength(6);
    expect(first.invoices).toHaveLength(4);
    await control(url, 'seed', { seed: 5, counts: { companies: 4, products: 3, invoices: 2 } });
    const second = await control(url, 'state');
    expect(second.companies).toEqual(first.companies);
    expect(second.invoices).toEqual(first.invoices);
    await control(url, 'reset', {});
    expect((await control(url, 'state')).companies).toHaveLength(20);
  });
});
