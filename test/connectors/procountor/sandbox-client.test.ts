import { ConnectorError } from '../../../connectors/kit/errors';
import { ProcountorClient, toProcountorInvoice, type ProcountorClientOptions } from '../../../connectors/procountor';
import { Party, Product, SalesDocument } from '../../../domain/model';
import { control, startTestSandboxes } from '../../support/sandboxes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['procountor'], 7);
  url = started.sandboxes.procountor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const creds = (over: Partial<{ clientId: string; clientSecret: string; apiKey: string }> = {}) => ({
  baseUrl: `${url}/api`,
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  apiKey: 'sandbox-api-key',
  ...over,
});
const client = (options?: ProcountorClientOptions) => new ProcountorClient(creds(), options);

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return e as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

const state = async () => control(url, 'state');

const order = (over: Record<string, unknown> = {}) =>
  SalesDocument.parse({
    kind: 'invoice',
    number: 'WEB-10045',
    source: { system: 'woocommerce', id: '45', number: '10045' },
    date: '2026-05-04',
    dueDate: '2026-05-18',
    customer: {
      kind: 'customer',
      code: '1001',
      name: 'Asiakas Oy',
      email: 'billing@asiakas.fi',
      address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' },
    },
    lines: [
      { productCode: 'P1000', name: 'Widget', quantity: '2', unitPrice: '10.00', priceIncludesVat: false, vatRate: '25.5' },
      { productCode: 'SHIP', name: 'Toimitus', quantity: '1', unitPrice: '5.00', priceIncludesVat: false, vatRate: '25.5', kind: 'shipping' },
    ],
    paymentMethod: 'Klarna',
    totals: { net: '25.00', vat: '6.38', gross: '31.38' },
    ...over,
  });

describe('authentication', () => {
  it('gets one token and reuses it across calls', async () => {
    const c = client();
    const info = await c.checkConnection();
    expect(info.name).toBe('Siirto Sandbox Oy');
    await c.getVatDefaults();
    expect((await state()).tokens).toHaveLength(1);
  });

  it.each([{ clientSecret: 'wrong' }, { apiKey: 'revoked' }, { clientId: 'other' }])('reports bad credentials %o with the operator sentence', async (over) => {
    const e = await rejection(new ProcountorClient(creds(over)).checkConnection());
    expect(e.errorClass).toBe('credentials');
    expect(e.message).toBe('Invalid Procountor credentials: connection cannot be established. Check the client id, client secret and API key.');
    expect(e.retryable).toBe(false);
  });

  it('renews the token before it lapses', async () => {
    await control(url, 'procountor/token-ttl', { seconds: 1 });
    const c = client();
    await c.checkConnection();
    await sleep(950); // past 90 % of the lifetime, still before the server's expiry
    await c.checkConnection();
    expect((await state()).tokens).toHaveLength(2);
  });

  it('renews once when Procountor says the token expired before our clock did', async () => {
    await control(url, 'procountor/token-ttl', { seconds: 0.3 });
    const frozen = Date.now();
    const c = client({ now: () => frozen }); // our clock never advances: only the 401 can reveal the expiry
    await c.checkConnection();
    await sleep(400);
    await expect(c.checkConnection()).resolves.toMatchObject({ companyId: 12345 });
    expect((await state()).tokens).toHaveLength(2);
  });

  it('treats a 401 on a fresh token as bad credentials instead of looping', async () => {
    await control(url, 'procountor/token-ttl', { seconds: 0.001 });
    const e = await rejection(client().checkConnection());
    expect(e.errorClass).toBe('credentials');
    expect((await state()).tokens).toHaveLength(2);
  });
});

describe('business partners', () => {
  it('finds seeded partners by customer number, business ID and name, exactly', async () => {
    const seeded = (await state()).businessPartners[2];
    const c = client();
    expect((await c.findBusinessPartner({ customerNumber: '1003' }))?.id).toBe(seeded.id);
    const byId = await c.findBusinessPartner({ businessId: seeded.invoicingInfo.identifier });
    expect(byId?.name).toBe(seeded.name);
    expect((await c.findBusinessPartner({ name: seeded.name.toUpperCase() }))?.id).toBe(seeded.id);
    expect(await c.findBusinessPartner({ customerNumber: '9999', name: seeded.name.slice(0, 4) })).toBeNull();
  });

  it('falls through the criteria in order: number, business ID, name', async () => {
    const seeded = (await state()).businessPartners[4];
    const hit = await client().findBusinessPartner({ customerNumber: '8888', businessId: seeded.invoicingInfo.identifier });
    expect(hit?.id).toBe(seeded.id);
  });

  it('creates a partner from a canonical party and updates it with its version', async () => {
    const c = client();
    const party = Party.parse({
      kind: 'customer',
      code: '2001',
      name: 'Järvikahvila Oy',
      businessId: '0737546-2',
      email: 'laskut@jarvikahvila.fi',
      address: { street: 'Rantatie 3', postalCode: '33100', city: 'Tampere', country: 'FI' },
    });
    const created = await c.createBusinessPartner(party);
    expect(created).toMatchObject({ type: 'CUSTOMER', invoicingInfo: { customerNumber: '2001', identifier: '0737546-2', invoiceChannel: 'EMAIL' } });
    expect(created.address).toMatchObject({ street: 'Rantatie 3', zip: '33100', city: 'Tampere', country: 'FINLAND' });

    const updated = await c.updateBusinessPartner(created.id, { ...party, name: 'Järvikahvila Oy Ab', email: 'uusi@jarvikahvila.fi' });
    expect(updated.name).toBe('Järvikahvila Oy Ab');
    expect(updated.invoicingInfo?.email).toBe('uusi@jarvikahvila.fi');
    expect(updated.version).not.toBe(created.version);
    expect((await c.findBusinessPartner({ businessId: '07375462' as string }))).toBeNull(); // not a valid ID form
    expect((await c.findBusinessPartner({ businessId: 'FI07375462' }))?.id).toBe(created.id);
  });

  it('searches names beyond Latin-1 (allowed by Windows-1252) without breaking the header', async () => {
    const c = client();
    const created = await c.createBusinessPartner(Party.parse({ kind: 'customer', name: 'Œuvre € Oy', address: { street: 'Katu 2', postalCode: '00100', city: 'Helsinki' } }));
    expect((await c.findBusinessPartner({ name: 'Œuvre € Oy' }))?.id).toBe(created.id);
  });

  it('names the field Procountor rejects', async () => {
    const c = client();
    const long = Party.parse({ kind: 'customer', name: 'X'.repeat(81), address: { street: 'a', postalCode: '00100', city: 'Helsinki' } });
    const e = await rejection(c.createBusinessPartner(long));
    expect(e).toMatchObject({ errorClass: 'validation', field: 'name' });
    expect(e.message).toContain("Value of the 'name' is too long");

    const badId = Party.parse({ kind: 'customer', name: 'Virhe Oy', organisationNumber: '1234567-2', address: { street: 'a', postalCode: '00100', city: 'Helsinki' } });
    const e2 = await rejection(c.createBusinessPartner(badId));
    expect(e2).toMatchObject({ errorClass: 'validation', field: 'invoicingInfo.identifier', code: 'ERROR_BRN_CODE' });

    const emoji = Party.parse({ kind: 'customer', name: 'Kahvila ☕ Oy', address: { street: 'a', postalCode: '00100', city: 'Helsinki' } });
    expect(await rejection(c.createBusinessPartner(emoji))).toMatchObject({ errorClass: 'validation', field: 'name' });
  });

  it('answers not-found for an unknown partner id', async () => {
    expect(await rejection(client().getBusinessPartner(424242))).toMatchObject({ errorClass: 'not-found' });
  });
});

describe('products', () => {
  it('finds by exact code, not by the substring Procountor matches', async () => {
    const c = client();
    expect((await c.findProductByCode('P1003'))?.code).toBe('P1003');
    expect(await c.findProductByCode('P100')).toBeNull();
  });

  it('creates a product from the canonical model and finds it afterwards', async () => {
    const c = client();
    const created = await c.createProduct(Product.parse({ code: 'SHIP', name: 'Toimitus', unitPrice: '5.90', vatRate: '25.5', unit: 'kpl' }));
    expect(created).toMatchObject({ type: 'SALES', code: 'SHIP', price: 5.9, vat: 25.5, unit: 'PIECE', currency: 'EUR', active: true });
    expect((await c.findProductByCode('SHIP'))?.id).toBe(created.id);
    expect(await c.getProduct(created.id)).toMatchObject({ name: 'Toimitus' });
  });

  it('rejects a VAT rate the company does not use', async () => {
    const e = await rejection(client().createProduct(Product.parse({ code: 'OLD', name: 'Vanha', unitPrice: '1', vatRate: '24' })));
    expect(e).toMatchObject({ errorClass: 'validation', field: 'vat' });
  });
});

describe('sales invoices', () => {
  it('runs create (UNFINISHED) → approve → send → mark paid, and finds the invoice by our number', async () => {
    const c = client();
    const partner = (await c.findBusinessPartner({ customerNumber: '1001' }))!;
    expect(await c.findInvoiceByOriginalNumber('WEB-10045')).toBeNull();

    const body = toProcountorInvoice(order(), { partnerId: partner.id, useRegisterCustomerData: false, channel: 'MAIL' });
    const created = await c.createSalesInvoice(body);
    expect(created).toMatchObject({ status: 'UNFINISHED', originalInvoiceNumber: 'WEB-10045', invoiceChannel: 'EMAIL', invoiceNumber: null });
    expect(created.invoiceSumInfo?.[0]).toMatchObject({ excludingVatTotal: 25, vatSumTotal: 6.38, invoiceSumTotal: 31.38 });
    expect(created.paymentInfo?.bankReferenceCode).toMatch(/^\d+$/);

    const found = await c.findInvoiceByOriginalNumber('WEB-10045');
    expect(found?.id).toBe(created.id);

    await c.approveInvoice(created.id);
    const approved = await c.getInvoice(created.id);
    expect(approved.status).toBe('NOT_SENT');
    expect(approved.invoiceNumber).toEqual(expect.any(Number));
    const again = await rejection(c.approveInvoice(created.id));
    expect(again).toMatchObject({ errorClass: 'business' });

    expect(await c.sendInvoice(created.id)).toContain('EMAIL');
    expect((await c.getInvoice(created.id)).status).toBe('SENT');

    const first = await c.markInvoicePaid(created.id, { paymentDate: '2026-05-05', amount: '30.00', currency: 'EUR', description: 'Klarna' });
    expect(first).toMatchObject({ invoiceId: created.id, amount: 30 });
    expect((await c.getInvoice(created.id)).status).toBe('PARTLY_PAID');
    const over = await rejection(c.markInvoicePaid(created.id, { paymentDate: '2026-05-05', amount: '5.00', currency: 'EUR' }));
    expect(over).toMatchObject({ errorClass: 'validation', field: 'amount' });
    await c.markInvoicePaid(created.id, { paymentDate: '2026-05-06', amount: '1.38', currency: 'EUR' });
    expect((await c.getInvoice(created.id)).status).toBe('MARKED_PAID');
    expect((await c.listPaymentEvents(created.id)).map((p) => p.amount)).toEqual([30, 1.38]);
  });

  it('cannot send or pay an unapproved invoice', async () => {
    const c = client();
    const partner = (await c.findBusinessPartner({ customerNumber: '1002' }))!;
    const inv = await c.createSalesInvoice(toProcountorInvoice(order({ number: 'WEB-2' }), { partnerId: partner.id, useRegisterCustomerData: true, registerPartner: partner, channel: 'MAIL' }));
    expect(await rejection(c.sendInvoice(inv.id))).toMatchObject({ errorClass: 'business' });
    expect(await rejection(c.markInvoicePaid(inv.id, { paymentDate: '2026-05-05', amount: '1', currency: 'EUR' }))).toMatchObject({ errorClass: 'business' });
    expect(inv.counterParty?.counterPartyAddress?.name).toBe(partner.name);
  });

  it('names the field of each invoice rule Procountor enforces', async () => {
    const c = client();
    const partner = (await c.findBusinessPartner({ customerNumber: '1001' }))!;
    const base = toProcountorInvoice(order(), { partnerId: partner.id, useRegisterCustomerData: false, channel: 'MAIL' });

    const early = await rejection(c.createSalesInvoice({ ...base, paymentInfo: { ...base.paymentInfo, dueDate: '2026-05-01' } }));
    expect(early).toMatchObject({ errorClass: 'validation', field: 'paymentInfo.dueDate', code: 'DUE_DATE_BEFORE_BILL_DATE' });

    const noEmail = await rejection(c.createSalesInvoice({ ...base, counterParty: { ...base.counterParty, email: undefined } }));
    expect(noEmail).toMatchObject({ field: 'counterParty.email' });

    const oldVat = await rejection(c.createSalesInvoice({ ...base, invoiceRows: [{ ...base.invoiceRows[0], vatPercent: 24 }] }));
    expect(oldVat).toMatchObject({ field: 'invoiceRows[0].vatPercent' });
    expect(oldVat.message).toContain('Procountor rejected sales invoice WEB-10045');

    const noCountry = await rejection(c.createSalesInvoice({ ...base, deliveryAddress: { name: 'Varasto', street: 'Tie 1', zip: '00100', city: 'Helsinki', country: '' } }));
    expect(noCountry.message).toContain("Value of the 'deliveryAddress.country' cannot be blank.");

    const einvoice = await rejection(c.createSalesInvoice({ ...base, invoiceChannel: 'ELECTRONIC_INVOICE' }));
    expect(einvoice.message).toContain('counterParty.einvoiceAddress.address');

    const noRows = await rejection(c.createSalesInvoice({ ...base, invoiceRows: [] }));
    expect(noRows).toMatchObject({ field: 'invoiceRows' });
    expect((await state()).invoices).toHaveLength(0);
  });

  it('answers not-found for an unknown invoice', async () => {
    expect(await rejection(client().getInvoice(999999))).toMatchObject({ errorClass: 'not-found' });
  });
});

describe('limits and faults', () => {
  it('the sandbox enforces 20 requests per second per client with a 429', async () => {
    const token = await (await fetch(`${url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret&api_key=sandbox-api-key&redirect_uri=https%3A%2F%2Fexample.com',
    }).then((r) => r.json() as Promise<{ access_token: string }>)).access_token;
    await sleep(1000 - (Date.now() % 1000) + 5); // the sandbox counts in clock-aligned seconds: start a fresh one
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => fetch(`${url}/api/sessioninfo`, { headers: { authorization: `Bearer ${token}` } })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited[0].json()) as { errors: Array<{ status: number }> }).errors[0].status).toBe(429);
  });

  it('the client paces itself under the limit, so a burst never sees a 429', async () => {
    const c = client();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 45 }, () => c.findProductByCode('P1001')));
    expect(results.every((p) => p?.code === 'P1001')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('maps a 429 to rate-limit with the server wait', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['429'], paths: ['/api/products'], retryAfterSeconds: 3 });
    const e = await rejection(client().findProductByCode('P1000'));
    expect(e).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 3000 });
    expect(e.retryable).toBe(true);
  });

  it.each(['500', 'reset'])('maps a %s to transient', async (kind) => {
    await control(url, 'faults', { rate: 1, kinds: [kind], paths: ['/api/products'] });
    const e = await rejection(client().findProductByCode('P1000'));
    expect(e.errorClass).toBe('transient');
  });

  it('maps a timeout to transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['timeout'], paths: ['/api/products'], timeoutMs: 500 });
    const e = await rejection(client({ timeoutMs: 200 }).findProductByCode('P1000'));
    expect(e.errorClass).toBe('transient');
    expect(e.message).toContain('timed out');
  });

  it('finds the invoice a commit-then-fail stored, so a retry does not duplicate it', async () => {
    const c = client();
    const partner = (await c.findBusinessPartner({ customerNumber: '1001' }))!;
    await control(url, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/api/invoices'] });
    const body = toProcountorInvoice(order({ number: 'WEB-77' }), { partnerId: partner.id, useRegisterCustomerData: false, channel: 'EMAIL' });
    expect((await rejection(c.createSalesInvoice(body))).errorClass).toBe('transient');
    await control(url, 'faults', { rate: 0 });
    const existing = await c.findInvoiceByOriginalNumber('WEB-77');
    expect(existing?.status).toBe('UNFINISHED');
    expect((await state()).invoices).toHaveLength(1);
  });
});
