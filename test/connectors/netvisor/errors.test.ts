import { signedHeaders } from '../../../connectors/netvisor';
import { toNetvisorSalesDocument } from '../../../connectors/netvisor';
import type { SalesDocument } from '../../../domain/model';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { caught, sandboxClient, sandboxIdentity } from './helpers';

let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor'], 1);
  url = started.sandboxes.netvisor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const identity = sandboxIdentity('raw test');

/** A hand-made request, for what the client never does on purpose (reused ids, misordered XML). */
async function raw(method: 'GET' | 'POST', pathAndQuery: string, body?: string, transactionId?: string) {
  const full = `${url}/${pathAndQuery}`;
  const res = await fetch(full, { method, headers: signedHeaders(full, identity, new Date(), transactionId), body });
  return { status: res.status, text: await res.text() };
}

const invoice = (overrides: Partial<SalesDocument> = {}): SalesDocument => ({
  kind: 'invoice',
  source: { system: 'shopify', id: '9', number: '#1009' },
  date: '2026-01-31',
  currency: 'EUR',
  customer: { kind: 'customer', name: 'Temporary customer', address: { street: '', postalCode: '', city: '', country: 'FI' } },
  lines: [{ productCode: 'P1000', name: 'Tuote', quantity: '1', unitPrice: '10.00', priceIncludesVat: false, vatRate: '25.5', kind: 'product' }],
  payments: [],
  totals: { net: '10.00', vat: '2.55', gross: '12.55' },
  ...overrides,
});

describe('credentials', () => {
  it('a wrong customer key is AUTHENTICATION_FAILED → the standard credentials sentence', async () => {
    const err = await caught(sandboxClient(url, { customerKey: 'wrong' }).listCustomers());
    expect(err).toMatchObject({ errorClass: 'credentials', code: 'AUTHENTICATION_FAILED', retryable: false });
    expect(err.message).toBe('Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.');
  });

  it('a wrong partner key or organisation fails the same way', async () => {
    expect((await caught(sandboxClient(url, { partnerKey: 'nope' }).listProducts())).errorClass).toBe('credentials');
    expect((await caught(sandboxClient(url, { organisationId: '7654321-0' }).listProducts())).errorClass).toBe('credentials');
  });

  it('the sandbox answers the documented envelope with HTTP 401 when status codes are asked for', async () => {
    const full = `${url}/customerlist.nv`;
    const headers = signedHeaders(full, { ...identity, customerKey: 'bad' });
    const res = await fetch(full, { headers });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toContain('<Status>FAILED</Status><Status>AUTHENTICATION_FAILED :: Integration keys are not valid.');
    delete (headers as Record<string, string>)['X-Netvisor-Authentication-UseHTTPResponseStatusCodes'];
    const legacy = await fetch(full, { headers: { ...headers, 'X-Netvisor-Authentication-TransactionId': 'other' } });
    expect(legacy.status).toBe(200);
  });

  it('a timestamp far from now is refused', async () => {
    const full = `${url}/customerlist.nv`;
    const res = await fetch(full, { headers: signedHeaders(full, identity, new Date(Date.now() - 3_600_000)) });
    expect(await res.text()).toContain('AUTHENTICATION_FAILED');
  });

  it('the MAC covers the query string: a tampered URL is refused', async () => {
    const signed = `${url}/customerlist.nv?keyword=a`;
    const res = await fetch(`${url}/customerlist.nv?keyword=b`, { headers: signedHeaders(signed, identity) });
    expect(await res.text()).toContain('AUTHENTICATION_FAILED');
  });

  it('accepts a MAC over the percent-decoded query and case-insensitive resource names', async () => {
    const decoded = `${url}/CustomerList.nv?keyword=Temporary customer`;
    const res = await fetch(`${url}/CustomerList.nv?keyword=Temporary%20customer`, { headers: signedHeaders(decoded, identity) });
    const text = await res.text();
    expect(text).toContain('<Status>OK</Status>');
    expect(text).toContain('<Code>TEMP</Code>');
  });
});

describe('transaction ids', () => {
  it('a reused transaction id is REQUEST_NOT_UNIQUE', async () => {
    const first = await raw('GET', 'customerlist.nv', undefined, 'same-id-1');
    expect(first.text).toContain('<Status>OK</Status>');
    const second = await raw('GET', 'customerlist.nv', undefined, 'same-id-1');
    expect(second.text).toContain('REQUEST_NOT_UNIQUE ::');
  });

  it('the client signs every call afresh, so repeating a call never collides', async () => {
    const nv = sandboxClient(url);
    await nv.listCustomers();
    await nv.listCustomers();
    await expect(nv.listCustomers()).resolves.toHaveLength(6);
  });
});

describe('element order', () => {
  it('refuses a customer.nv body out of DTD order with "Could not validate xml"', async () => {
    const body = '<root><customer><customerbaseinformation><name>Oy Testi Ab</name><internalidentifier>77</internalidentifier></customerbaseinformation></customer></root>';
    const res = await raw('POST', 'customer.nv?method=add', body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('INVALID_DATA :: Data form incorrect:. XML message validation failed: Could not validate xml');
  });

  it('refuses product.nv and salesinvoice.nv bodies out of order, accepts them in order (any case)', async () => {
    const badProduct = '<root><product><productbaseinformation><name>X</name><productgroup>G</productgroup><unitprice type="net">1,00</unitprice><isactive>1</isactive><issalesproduct>1</issalesproduct></productbaseinformation></product></root>';
    expect((await raw('POST', 'product.nv?method=add', badProduct)).text).toContain('Could not validate xml');
    const goodProduct = '<Root><Product><ProductBaseInformation><ProductGroup>G</ProductGroup><Name>X</Name><UnitPrice type="net">1,00</UnitPrice><IsActive>1</IsActive><IsSalesProduct>1</IsSalesProduct></ProductBaseInformation></Product></Root>';
    expect((await raw('POST', 'product.nv?method=add', goodProduct)).text).toContain('<InsertedDataIdentifier>');
    const badInvoice =
      '<root><salesinvoice><salesinvoicestatus type="netvisor">open</salesinvoicestatus><salesinvoicedate format="ansi">2026-02-01</salesinvoicedate>' +
      '<salesinvoiceamount></salesinvoiceamount><invoicingcustomeridentifier type="customer">TEMP</invoicingcustomeridentifier><paymenttermnetdays>14</paymenttermnetdays>' +
      '<invoicelines><invoiceline><salesinvoiceproductline><productidentifier type="customer">P1000</productidentifier><productname>X</productname>' +
      '<productunitprice type="net">1</productunitprice><productvatpercentage vatcode="KOMY">25,5</productvatpercentage><salesinvoiceproductlinequantity>1</salesinvoiceproductlinequantity>' +
      '</salesinvoiceproductline></invoiceline></invoicelines></salesinvoice></root>';
    expect((await raw('POST', 'salesinvoice.nv?method=add', badInvoice)).text).toContain('Could not validate xml');
    const fixed = badInvoice.replace(
      '<salesinvoicestatus type="netvisor">open</salesinvoicestatus><salesinvoicedate format="ansi">2026-02-01</salesinvoicedate><salesinvoiceamount></salesinvoiceamount>',
      '<salesinvoicedate format="ansi">2026-02-01</salesinvoicedate><salesinvoiceamount></salesinvoiceamount><salesinvoicestatus type="netvisor">open</salesinvoicestatus>',
    );
    expect((await raw('POST', 'salesinvoice.nv?method=add', fixed)).text).toContain('<InsertedDataIdentifier>');
  });

  it('a row without a vat code gets Netvisor\'s posting-suggestion refusal', async () => {
    const body =
      '<root><salesinvoice><salesinvoicedate>2026-02-01</salesinvoicedate><salesinvoiceamount /><salesinvoicestatus type="netvisor">open</salesinvoicestatus>' +
      '<invoicingcustomeridentifier type="customer">TEMP</invoicingcustomeridentifier><paymenttermnetdays>14</paymenttermnetdays><invoicelines><invoiceline><salesinvoiceproductline>' +
      '<productidentifier type="customer">P1000</productidentifier><productname>X</productname><productunitprice type="net">1</productunitprice>' +
      '<productvatpercentage>24</productvatpercentage><salesinvoiceproductlinequantity>1</salesinvoiceproductlinequantity></salesinvoiceproductline></invoiceline></invoicelines></salesinvoice></root>';
    expect((await raw('POST', 'salesinvoice.nv?method=add', body)).text).toContain('VAT code cannot be retrieved from posting suggestion');
  });
});

describe('classified refusals', () => {
  it('INVALID_DATA → validation, with Netvisor\'s text and the resource', async () => {
    const err = await caught(sandboxClient(url).addSalesDocument(toNetvisorSalesDocument(invoice(), { customerCode: 'NO-SUCH', status: 'open' })));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'INVALID_DATA', resource: 'salesinvoice.nv', retryable: false });
    expect(err.message).toContain('salesinvoice.nv');
    expect(err.message).toContain('Customer not found with identifier: NO-SUCH');
  });

  it('PERIOD_LOCK → business, for invoice dates in the locked period only', async () => {
    await control(url, 'netvisor/period-lock', { lockedUntil: '2026-01-31' });
    const nv = sandboxClient(url);
    const err = await caught(nv.addSalesDocument(toNetvisorSalesDocument(invoice(), { customerCode: 'TEMP', status: 'open' })));
    expect(err).toMatchObject({ errorClass: 'business', code: 'PERIOD_LOCK', retryable: false });
    expect(err.message).toContain('locked');
    await expect(nv.addSalesDocument(toNetvisorSalesDocument(invoice({ date: '2026-02-01' }), { customerCode: 'TEMP', status: 'open' }))).resolves.toMatch(/^\d+$/);
    await control(url, 'netvisor/period-lock', { lockedUntil: null });
    await expect(nv.addSalesDocument(toNetvisorSalesDocument(invoice(), { customerCode: 'TEMP', status: 'open' }))).resolves.toMatch(/^\d+$/);
  });

  it('SERVICE_ACCESS_ERROR → permission, and the probe names the registers', async () => {
    await control(url, 'netvisor/permissions', { denied: ['salesinvoice.nv', 'customerlist.nv', 'getvendor.nv'] });
    const nv = sandboxClient(url);
    const err = await caught(nv.addSalesDocument(toNetvisorSalesDocument(invoice(), { customerCode: 'TEMP', status: 'open' })));
    expect(err).toMatchObject({ errorClass: 'permission', code: 'SERVICE_ACCESS_ERROR', retryable: false });
    expect(err.message).toContain('salesinvoice.nv');
    const probe = await nv.probePermissions();
    expect(probe.filter((p) => !p.allowed).map((p) => p.name)).toEqual(['Asiakasrekisteri / customerlist.nv', 'Toimittajarekisteri / getvendor.nv']);
    expect(probe.filter((p) => p.allowed).map((p) => p.resource)).toEqual([
      'productlist.nv', 'salesinvoicelist.nv', 'salesinvoicelist.nv', 'salespaymentlist.nv', 'dimensionlist.nv', 'inventorybywarehouse.nv',
    ]);
    await control(url, 'reset', {});
    expect((await nv.probePermissions()).every((p) => p.allowed)).toBe(true);
  });

  it('the probe only reads', async () => {
    const before = await control(url, 'state');
    await sandboxClient(url).probePermissions();
    expect(await control(url, 'state')).toEqual(before);
  });
});

describe('transient failures', () => {
  afterEach(() => control(url, 'faults', { rate: 0 }));

  it('an injected 500 is TECHNICAL_ERROR → transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['500'] });
    const err = await caught(sandboxClient(url).listProducts());
    expect(err).toMatchObject({ errorClass: 'transient', code: 'TECHNICAL_ERROR', retryable: true });
  });

  it('an injected 429 is rate-limit with the Retry-After hint', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 7 });
    const err = await caught(sandboxClient(url).listProducts());
    expect(err).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 7000, retryable: true });
  });

  it('a timeout and a dropped connection are transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 400 });
    expect(await caught(sandboxClient(url, {}, 100).listProducts())).toMatchObject({ errorClass: 'transient', retryable: true });
    await control(url, 'faults', { rate: 1, kinds: ['reset'] });
    expect(await caught(sandboxClient(url).listProducts())).toMatchObject({ errorClass: 'transient' });
  });

  it('commit-then-fail stores the invoice; looking it up by number finds the first write', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['salesinvoice.nv'] });
    const nv = sandboxClient(url);
    const err = await caught(nv.addSalesDocument(toNetvisorSalesDocument(invoice({ date: '2026-02-02', number: '8001' }), { customerCode: 'TEMP', status: 'open' })));
    expect(err.errorClass).toBe('transient');
    await control(url, 'faults', { rate: 0 });
    expect(await nv.findSalesDocumentByNumber('invoice', '8001')).toMatchObject({ number: '8001', customerCode: 'TEMP' });
  });

  it('an unknown resource is HTTP 404 → not-found', async () => {
    const nv = sandboxClient(url);
    const err = await caught(nv.connection.get('nosuchresource.nv'));
    expect(err).toMatchObject({ errorClass: 'not-found', code: 'HTTP_404' });
  });
});
