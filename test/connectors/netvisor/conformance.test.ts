import { XMLParser } from 'fast-xml-parser';
import { signedHeaders } from '../../../connectors/netvisor';
import { sha256Mac } from '../../../connectors/netvisor/auth';
import { CUSTOMER_CODES_PER_CALL } from '../../../connectors/netvisor/customers';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { caught, sandboxClient, sandboxIdentity } from './helpers';

/**
 * Netvisor conformance: what docs/wire/netvisor.md states, checked against the sandbox over HTTP and against the
 * client. Each block names the section it checks.
 */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor'], 1);
  url = started.sandboxes.netvisor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const identity = sandboxIdentity('conformance');
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'Status' });

/** A signed request; `codes: false` leaves out UseHTTPResponseStatusCodes, as older clients do. */
async function raw(pathAndQuery: string, opts: { method?: 'GET' | 'POST'; body?: string; codes?: boolean; transactionId?: string; lowerCaseHeaders?: boolean; key?: string } = {}) {
  const full = `${url}/${pathAndQuery}`;
  const signed = signedHeaders(full, { ...identity, ...(opts.key ? { customerKey: opts.key } : {}) }, new Date(), opts.transactionId);
  if (opts.codes === false) delete signed['X-Netvisor-Authentication-UseHTTPResponseStatusCodes'];
  const headers = opts.lowerCaseHeaders ? Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v])) : signed;
  const res = await fetch(full, { method: opts.method ?? 'GET', headers, body: opts.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

const statuses = (xml: string): string[] => (parser.parse(xml) as { Root: { ResponseStatus: { Status: string[] } } }).Root.ResponseStatus.Status;

describe('envelope (docs/wire/netvisor.md "Response envelope")', () => {
  it('a success is Root/ResponseStatus with Status OK and a Finnish d.M.yyyy H:mm:ss TimeStamp, after a standalone utf-8 declaration', async () => {
    const res = await raw('customerlist.nv');
    expect(res.status).toBe(200);
    expect(res.text.startsWith('<?xml version="1.0" encoding="utf-8" standalone="yes"?><Root><ResponseStatus><Status>OK</Status>')).toBe(true);
    const ts = (parser.parse(res.text) as { Root: { ResponseStatus: { TimeStamp: string } } }).Root.ResponseStatus.TimeStamp;
    expect(ts).toMatch(/^[1-9]\d?\.[1-9]\d?\.\d{4} \d{1,2}:\d{2}:\d{2}$/);
    // The list keeps Netvisor's own casing: Customerlist and Netvisorkey, not CustomerList / NetvisorKey.
    expect(res.text).toContain('<Customerlist><Customer><Netvisorkey>');
  });

  it('a failure carries two Status elements: FAILED and "CATEGORY :: text"', async () => {
    const res = await raw('getcustomer.nv?id=999999');
    expect(statuses(res.text)).toEqual(['FAILED', 'INVALID_DATA :: Data form incorrect:. Customer not found with Netvisor identifier: 999999']);
  });

  it('header names are matched without regard to case', async () => {
    expect((await raw('productlist.nv', { lowerCaseHeaders: true })).status).toBe(200);
  });
});

describe('HTTP status codes (docs/wire/netvisor.md "HTTP status codes")', () => {
  it('with UseHTTPResponseStatusCodes: 1 the announced codes: 401 authentication, 400 data, 403 access; the body is the same envelope', async () => {
    const auth = await raw('customerlist.nv', { key: 'wrong' });
    expect(auth.status).toBe(401);
    expect(statuses(auth.text)[1]).toMatch(/^AUTHENTICATION_FAILED :: /);

    const data = await raw('getcustomer.nv?id=999999');
    expect(data.status).toBe(400);

    await control(url, 'netvisor/permissions', { denied: ['productlist.nv'] });
    const access = await raw('productlist.nv');
    expect(access.status).toBe(403);
    expect(statuses(access.text)[1]).toMatch(/^SERVICE_ACCESS_ERROR :: /);
  });

  it('only announced codes are used: a reused transaction id is a 400, not an invented 409', async () => {
    const first = await raw('productlist.nv', { transactionId: 'conformance-tx-1' });
    expect(first.status).toBe(200);
    const again = await raw('productlist.nv', { transactionId: 'conformance-tx-1' });
    expect(again.status).toBe(400);
    expect(statuses(again.text)[1]).toMatch(/^REQUEST_NOT_UNIQUE :: /);
  });

  it('without the header every reply is HTTP 200, failures included, even for a resource that does not exist', async () => {
    expect((await raw('customerlist.nv', { key: 'wrong', codes: false })).status).toBe(200);
    expect((await raw('getcustomer.nv?id=999999', { codes: false })).status).toBe(200);
    expect((await raw('nosuchresource.nv', { codes: false })).status).toBe(200);
    expect((await raw('nosuchresource.nv')).status).toBe(404);
  });

  it('an injected server failure is TECHNICAL_ERROR: HTTP 500 with the header, HTTP 200 without; the client retries it', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['500'], paths: ['productlist.nv'] });
    const withCodes = await raw('productlist.nv');
    expect(withCodes.status).toBe(500);
    expect(statuses(withCodes.text)[1]).toMatch(/^TECHNICAL_ERROR :: /);
    const without = await raw('productlist.nv', { codes: false });
    expect(without.status).toBe(200);
    expect(statuses(without.text)[1]).toMatch(/^TECHNICAL_ERROR :: /);
    await expect(sandboxClient(url).listProducts()).rejects.toMatchObject({ errorClass: 'transient', code: 'TECHNICAL_ERROR' });
  });

  it('the client reads the category, so an auth failure is the credentials error with either form', async () => {
    const err = await caught(sandboxClient(url, { customerKey: 'wrong' }).listCustomers());
    expect(err).toMatchObject({ errorClass: 'credentials', code: 'AUTHENTICATION_FAILED' });
  });
});

describe('rate limiting (docs/wire/netvisor.md "Limits"; docs/wire/open-points.md)', () => {
  it('an injected throttle is a plain 429 with Retry-After and no invented Netvisor category; the client backs off by it', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 7 });
    const res = await raw('productlist.nv');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.text).not.toContain('REQUEST_LIMIT_EXCEEDED');
    expect(res.text).not.toContain('<Root>');

    const err = await caught(sandboxClient(url).listProducts());
    expect(err).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 7000, retryable: true });
  });
});

describe('batch parameters (docs/wire/netvisor.md "Customers")', () => {
  it('customercodelist takes at most 100 codes: 101 is refused as INVALID_DATA, and the client splits longer lists', async () => {
    await control(url, 'seed', { seed: 1, counts: { customers: 150 } });
    const codes = Array.from({ length: 150 }, (_, i) => String(1001 + i));
    const over = await raw(`customerlist.nv?customercodelist=${codes.slice(0, CUSTOMER_CODES_PER_CALL + 1).join(',')}`);
    expect(over.status).toBe(400);
    expect(statuses(over.text)[1]).toMatch(/^INVALID_DATA :: .*100/);

    const found = await sandboxClient(url).listCustomers({ customerCodes: codes });
    expect(found.map((c) => c.code)).toEqual(codes);
    const stats = await control(url, 'stats');
    expect(stats.byPath['GET /customerlist.nv']).toBe(2 + 1);
  });

  it('getcustomer.nv takes 500 keys in one idlist (a query far beyond 100 characters)', async () => {
    await control(url, 'seed', { seed: 1, counts: { customers: 499 } });
    const keys = Array.from({ length: 500 }, (_, i) => String(i + 1));
    const res = await raw(`getcustomer.nv?idlist=${keys.join(',')}`);
    expect(res.status).toBe(200);
    expect((res.text.match(/<Customer>/g) ?? []).length).toBe(500);
  });
});

describe('XML text (docs/wire/netvisor.md "Request bodies"; XML 1.0 characters)', () => {
  it('a name with a control character and "]]>" round-trips through the sandbox: the control character is dropped, the rest kept', async () => {
    const client = sandboxClient(url);
    const name = 'Kauppa\u0007 ]]> & <Oy> "Ä\'';
    const key = await client.addCustomer({ kind: 'customer', code: 'X-1', name, address: { street: 'Katu\u0000 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } });
    const back = await client.getCustomer(key);
    expect(back.name).toBe('Kauppa ]]> & <Oy> "Ä\'');
    expect(back.address.street).toBe('Katu 1');
    // What went over the wire is well-formed XML 1.0: the sandbox stored exactly the cleaned text.
    const state = await control(url, 'state');
    expect(state.customers.find((c: { netvisorKey: number }) => String(c.netvisorKey) === key).name).toBe('Kauppa ]]> & <Oy> "Ä\'');
  });

  it('the sandbox refuses a body holding a character XML 1.0 forbids, raw or as a character reference, as Netvisor refuses malformed XML', async () => {
    for (const bad of ['Bad\u001bName', 'Bad&#x1B;Name', 'Bad&#0;Name']) {
      const res = await raw('customer.nv?method=add', { method: 'POST', body: `<root><customer><customerbaseinformation><name>${bad}</name></customerbaseinformation></customer></root>` });
      expect(res.status).toBe(400);
      expect(statuses(res.text)[1]).toBe('INVALID_DATA :: Data form incorrect:. XML message validation failed: Could not validate xml');
    }
  });
});

describe('algorithms (docs/wire/netvisor.md "Authentication")', () => {
  const signedWith = (algorithm: 'SHA256' | 'MD5', full: string) => {
    const h = signedHeaders(full, identity);
    const mac = sha256Mac({
      url: full, sender: identity.sender, customerId: identity.customerId, timestamp: h['X-Netvisor-Authentication-Timestamp'], language: identity.language,
      organisationId: identity.organisationId, transactionId: h['X-Netvisor-Authentication-TransactionId'], customerKey: identity.customerKey, partnerKey: identity.partnerKey,
    });
    return { ...h, 'X-Netvisor-Authentication-MACHashCalculationAlgorithm': algorithm, 'X-Netvisor-Authentication-MAC': mac };
  };

  it('plain SHA256 is still accepted; MD5, being withdrawn, is refused as AUTHENTICATION_FAILED', async () => {
    const full = `${url}/productlist.nv`;
    expect((await fetch(full, { headers: signedWith('SHA256', full) })).status).toBe(200);
    const md5 = await fetch(full, { headers: signedWith('MD5', full) });
    expect(md5.status).toBe(401);
    expect(statuses(await md5.text())[1]).toMatch(/^AUTHENTICATION_FAILED :: /);
  });
});

describe('import replies and "not found" (docs/wire/netvisor.md "Response envelope")', () => {
  it('add answers Replies/InsertedDataIdentifier, edit the bare OK envelope; getproduct with an unknown id is OK with an empty element', async () => {
    const body = (name: string) => `<root><customer><customerbaseinformation><name>${name}</name></customerbaseinformation></customer></root>`;
    const added = await raw('customer.nv?method=add', { method: 'POST', body: body('Uusi Oy') });
    const key = /<Replies><InsertedDataIdentifier>(\d+)<\/InsertedDataIdentifier><\/Replies>/.exec(added.text)?.[1];
    expect(key).toBeDefined();
    const edited = await raw(`customer.nv?method=edit&id=${key}`, { method: 'POST', body: body('Uusi Oy Ab') });
    expect(edited.status).toBe(200);
    expect(edited.text).not.toContain('<Replies>');
    expect(edited.text).toMatch(/<\/ResponseStatus><\/Root>$/);

    const missing = await raw('getproduct.nv?id=999999');
    expect(statuses(missing.text)).toEqual(['OK']);
    expect(missing.text).toMatch(/<Product(\/>|><\/Product>)<\/Root>$/);
    expect(await sandboxClient(url).getProduct('999999')).toBeNull();
  });
});

describe('vendor paging (docs/wire/netvisor.md "Vendors and inventory")', () => {
  it('getvendor.nv pages by 500 and says so in the X-Netvisor-Pagination-* response headers', async () => {
    await control(url, 'seed', { seed: 1, counts: { vendors: 501 } });
    const first = await raw('getvendor.nv?changedsince=2000-01-01');
    expect(first.headers.get('x-netvisor-pagination-current-page')).toBe('1');
    expect(first.headers.get('x-netvisor-pagination-next-page')).toBe('2');
    expect(first.headers.get('x-netvisor-pagination-limit')).toBe('500');
    expect(first.headers.get('x-netvisor-pagination-total-count')).toBe('501');
    expect((first.text.match(/<Vendor>/g) ?? []).length).toBe(500);
    const second = await raw('getvendor.nv?changedsince=2000-01-01&page=2');
    expect(second.headers.get('x-netvisor-pagination-previous-page')).toBe('1');
    expect(second.headers.get('x-netvisor-pagination-next-page')).toBe('');
    expect((second.text.match(/<Vendor>/g) ?? []).length).toBe(1);
    expect((await sandboxClient(url).listVendors('2000-01-01')).length).toBe(501);
  });

  it('the client follows X-Netvisor-Pagination-Next-Page: exactly 500 vendors take one call, not a second empty one', async () => {
    await control(url, 'seed', { seed: 1, counts: { vendors: 500 } });
    const before = (await control(url, 'stats')).byPath['GET /getvendor.nv'] ?? 0;
    expect((await sandboxClient(url).listVendors('2000-01-01')).length).toBe(500);
    expect((await control(url, 'stats')).byPath['GET /getvendor.nv'] - before).toBe(1);
  });
});

describe('credit notes (docs/wire/netvisor.md "Credit notes")', () => {
  const doc = (number: string, quantity: string, status = 'open') =>
    `<root><salesinvoice><salesinvoicenumber>${number}</salesinvoicenumber><salesinvoicedate format="ansi">2026-03-02</salesinvoicedate>` +
    `<salesinvoiceamount iso4217currencycode="EUR"></salesinvoiceamount><salesinvoicestatus type="netvisor">${status}</salesinvoicestatus>` +
    `<invoicingcustomeridentifier type="customer">TEMP</invoicingcustomeridentifier><paymenttermnetdays>14</paymenttermnetdays>` +
    `<invoicelines><invoiceline><salesinvoiceproductline><productidentifier type="customer">P1000</productidentifier><productname>Tuote</productname>` +
    `<productunitprice type="net">10,00</productunitprice><productvatpercentage vatcode="KOMY">25,5</productvatpercentage>` +
    `<salesinvoiceproductlinequantity>${quantity}</salesinvoiceproductlinequantity></salesinvoiceproductline></invoiceline></invoicelines></salesinvoice></root>`;
  const add = async (number: string, quantity: string, status?: string) => {
    const r = await raw('salesinvoice.nv?method=add', { method: 'POST', body: doc(number, quantity, status) });
    return /<InsertedDataIdentifier>(\d+)</.exec(r.text)![1];
  };

  it('a credit note is the same salesinvoice message with a negative quantity; the empty total is computed negative', async () => {
    const key = await add('7002', '-1');
    const got = await raw(`getsalesinvoice.nv?netvisorkey=${key}`);
    expect(got.text).toContain('<SalesInvoiceAmount iso4217currencycode="EUR" currencyrate="1">-12,55</SalesInvoiceAmount>');
    expect(got.text).toContain('<SalesInvoiceProductLineQuantity>-1</SalesInvoiceProductLineQuantity>');
  });

  it('matchcreditnote.nv takes the documented element (any case, in order), answers the bare OK envelope, and getsalesinvoice replyoption 32 shows the credited invoice', async () => {
    const invoiceKey = await add('7001', '1');
    const creditKey = await add('7002', '-1');
    const outOfOrder = await raw('matchcreditnote.nv', { method: 'POST', body: `<root><matchcreditnote><invoicenetvisorkey>${invoiceKey}</invoicenetvisorkey><creditnotenetvisorkey>${creditKey}</creditnotenetvisorkey></matchcreditnote></root>` });
    expect(statuses(outOfOrder.text)).toEqual(['FAILED', expect.stringMatching(/^INVALID_DATA :: .*Could not validate xml/)]);
    // The casing of Heltti's request fixture (SalesInvoiceMatchCreditNote.xml).
    const matched = await raw('matchcreditnote.nv', { method: 'POST', body: `<Root><MatchCreditNote><CreditNoteNetvisorKey>${creditKey}</CreditNoteNetvisorKey><InvoiceNetvisorKey>${invoiceKey}</InvoiceNetvisorKey></MatchCreditNote></Root>` });
    expect(statuses(matched.text)).toEqual(['OK']);
    expect(matched.text).toMatch(/<\/ResponseStatus><\/Root>$/);

    const plain = await raw(`getsalesinvoice.nv?netvisorkey=${creditKey}`);
    expect(plain.text).not.toContain('CreditedInvoice');
    const withOption = await raw(`getsalesinvoice.nv?netvisorkey=${creditKey}&replyoption=32`);
    expect(withOption.text).toContain(`<CreditedInvoiceNetvisorKey>${invoiceKey}</CreditedInvoiceNetvisorKey><CreditedInvoiceNumber>7001</CreditedInvoiceNumber>`);
    expect(withOption.text.indexOf('CreditedInvoiceNumber')).toBeLessThan(withOption.text.indexOf('<InvoiceLines>'));
    expect((await raw(`getsalesinvoice.nv?netvisorkey=${invoiceKey}&replyoption=63`)).text).not.toContain('CreditedInvoice');
  });

  it('matching needs both documents sent; updatesalesinvoicestatus.nv (POST, no body) marks one sent', async () => {
    const invoiceKey = await add('7001', '1', 'unsent');
    const creditKey = await add('7002', '-1');
    const body = `<root><matchcreditnote><creditnotenetvisorkey>${creditKey}</creditnotenetvisorkey><invoicenetvisorkey>${invoiceKey}</invoicenetvisorkey></matchcreditnote></root>`;
    const early = await raw('matchcreditnote.nv', { method: 'POST', body });
    expect(early.status).toBe(400);
    expect(statuses(early.text)).toEqual(['FAILED', expect.stringMatching(/^INVALID_DATA :: .*7001 has not been sent/)]);
    const update = await raw(`updatesalesinvoicestatus.nv?netvisorkey=${invoiceKey}&status=open`, { method: 'POST' });
    expect(statuses(update.text)).toEqual(['OK']);
    expect(update.text).not.toContain('<Replies>');
    expect(statuses((await raw(`updatesalesinvoicestatus.nv?netvisorkey=${invoiceKey}&status=unsent`, { method: 'POST' })).text)[0]).toBe('FAILED');
    expect(statuses((await raw('matchcreditnote.nv', { method: 'POST', body })).text)).toEqual(['OK']);
  });
});
