import { XMLParser } from 'fast-xml-parser';
import { NetvisorClient, hmacSha256Mac, netvisorTimestamp, signedHeaders, toNetvisorSalesDocument } from '../../../connectors/netvisor';
import { sha256Mac } from '../../../connectors/netvisor/auth';
import { customerBody } from '../../../connectors/netvisor/customers';
import { productBody } from '../../../connectors/netvisor/products';
import { salesDocumentBody } from '../../../connectors/netvisor/sales-documents';
import { fromNetvisorDecimal, toNetvisorDecimal } from '../../../connectors/netvisor/xml';
import type { HttpTransport } from '../../../connectors/kit/http';
import type { SalesDocument } from '../../../domain/model';
import { sandboxCredentials } from './helpers';

describe('MAC (docs/wire/netvisor.md, the MAC test vector)', () => {
  const input = {
    url: 'https://isvapi.netvisor.fi/customerlist.nv?keyword=abc',
    sender: 'Testiclient',
    customerId: 'customerid',
    timestamp: '2024-01-01 12:00:00.000',
    language: 'FI',
    organisationId: '1234567-8',
    transactionId: 'txid123',
    timestampUnix: 1704110400,
    customerKey: 'customerkey',
    partnerKey: 'partnerkey',
  };

  it('HMACSHA256 matches the documented vector', () => {
    expect(hmacSha256Mac(input)).toBe('cc36f037e276bbbac07139466b6bdd63cf3da0847ce72d245165fc5bc283aefa');
  });

  it('plain SHA256 matches the documented vector', () => {
    expect(sha256Mac(input)).toBe('f2a754b300615451a3c2db78ab958e32ef80301ce11b8dce7864820a8df69270');
  });

  it('signs with every documented header, a UTC ANSI timestamp and the unix time', () => {
    const now = new Date('2024-01-01T12:00:00.000Z');
    const h = signedHeaders(input.url, { ...input, partnerId: 'pid' }, now, 'txid123');
    expect(h).toEqual({
      'X-Netvisor-Authentication-Sender': 'Testiclient',
      'X-Netvisor-Authentication-CustomerId': 'customerid',
      'X-Netvisor-Authentication-PartnerId': 'pid',
      'X-Netvisor-Authentication-Timestamp': '2024-01-01 12:00:00.000',
      'X-Netvisor-Authentication-TimestampUnix': '1704110400',
      'X-Netvisor-Authentication-TransactionId': 'txid123',
      'X-Netvisor-Interface-Language': 'FI',
      'X-Netvisor-Organisation-ID': '1234567-8',
      'X-Netvisor-Authentication-MAC': 'cc36f037e276bbbac07139466b6bdd63cf3da0847ce72d245165fc5bc283aefa',
      'X-Netvisor-Authentication-MACHashCalculationAlgorithm': 'HMACSHA256',
      'X-Netvisor-Authentication-UseHTTPResponseStatusCodes': '1',
    });
    expect(netvisorTimestamp(new Date('2024-03-05T06:07:08.009Z'))).toBe('2024-03-05 06:07:08.009');
  });
});

describe('transport discipline', () => {
  const ok = '<Root><ResponseStatus><Status>OK</Status></ResponseStatus><ProductList/></Root>';

  it('signs every attempt with a fresh transaction id and a MAC over the exact requested URL', async () => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = [];
    const transport: HttpTransport = { request: async (r) => (seen.push({ url: r.url, headers: r.headers ?? {} }), { status: 200, headers: {}, body: ok }) };
    const nv = new NetvisorClient(sandboxCredentials('https://isvapi.netvisor.fi/'), { sender: 'S' }, transport);
    await nv.listProducts({ keyword: 'a b' });
    await nv.listProducts({ keyword: 'a b' });
    expect(seen[0].url).toBe('https://isvapi.netvisor.fi/productlist.nv?keyword=a%20b');
    const ids = seen.map((s) => s.headers['X-Netvisor-Authentication-TransactionId']);
    expect(new Set(ids).size).toBe(2);
    for (const s of seen) {
      const h = s.headers;
      expect(h['X-Netvisor-Authentication-MAC']).toBe(
        hmacSha256Mac({
          url: s.url,
          sender: 'S',
          customerId: 'SIIRTO-SANDBOX',
          timestamp: h['X-Netvisor-Authentication-Timestamp'],
          language: 'FI',
          organisationId: '1234567-1',
          transactionId: h['X-Netvisor-Authentication-TransactionId'],
          timestampUnix: h['X-Netvisor-Authentication-TimestampUnix'],
          customerKey: 'sandbox-customer-key',
          partnerKey: 'sandbox-partner-key',
        }),
      );
    }
  });

  it('keeps one request in flight per Netvisor environment, across client instances', async () => {
    let inFlight = 0;
    let max = 0;
    const transport: HttpTransport = {
      async request() {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return { status: 200, headers: {}, body: ok };
      },
    };
    const a = new NetvisorClient(sandboxCredentials('https://isvapi.netvisor.fi'), {}, transport);
    const b = new NetvisorClient(sandboxCredentials('https://isvapi.netvisor.fi'), {}, transport);
    const other = new NetvisorClient(sandboxCredentials('https://isvapi.netvisor.fi', { organisationId: '7654321-0' }), {}, transport);
    await Promise.all([a.listProducts(), b.listProducts(), a.listProducts(), b.listProducts()]);
    expect(max).toBe(1);
    max = 0;
    await Promise.all([a.listProducts(), other.listProducts()]);
    expect(max).toBe(2); // a different company is a different environment
  });
});

describe('decimals', () => {
  it('writes a decimal comma and reads comma, dot and spaced forms', () => {
    expect(toNetvisorDecimal('12.50')).toBe('12,50');
    expect(toNetvisorDecimal('-3')).toBe('-3');
    expect(fromNetvisorDecimal('42,5')).toBe('42.5');
    expect(fromNetvisorDecimal('244.12')).toBe('244.12');
    expect(fromNetvisorDecimal('1 234,50')).toBe('1234.50');
    expect(fromNetvisorDecimal('abc')).toBeNull();
  });
});

const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false });
/** Child element names of a path in document order. */
function childNames(xml: string, path: string[]): string[] {
  let nodes = ordered.parse(xml) as Array<Record<string, any>>;
  for (const name of path) nodes = nodes.find((n) => name in n)![name];
  return nodes.map((n) => Object.keys(n).find((k) => k !== ':@')!).filter((k) => k !== '#text');
}

describe('ordered XML bodies', () => {
  const party = {
    kind: 'customer' as const,
    // keys deliberately in a different order from the DTD
    email: 'a@b.fi',
    address: { city: 'Oulu', street: 'Tie 1', postalCode: '90100', country: 'FI' },
    name: 'Oulun Sähkö Oy',
    code: '1200',
    businessId: '1234567-1',
    einvoiceOperator: 'OKOYFIHH',
    einvoiceAddress: '003712345671',
  };

  it('customer.nv follows the DTD order whatever order the input has', () => {
    const xml = customerBody(party, 'add');
    expect(childNames(xml, ['root', 'customer'])).toEqual(['customerbaseinformation', 'customerfinvoicedetails']);
    expect(childNames(xml, ['root', 'customer', 'customerbaseinformation'])).toEqual([
      'internalidentifier', 'externalidentifier', 'name', 'streetaddress', 'city', 'postnumber', 'country', 'email', 'isactive', 'isprivatecustomer',
    ]);
    expect(xml).toContain('<country type="ISO-3166">FI</country>');
  });

  it('customer.nv edit leaves out what must be kept, add asks for an automatic code when there is none', () => {
    expect(customerBody({ ...party, email: undefined }, 'edit')).not.toContain('<email>');
    expect(customerBody({ ...party, code: undefined }, 'add')).toContain('<internalidentifier type="automatic"></internalidentifier>');
  });

  it('product.nv writes a net price with a decimal comma', () => {
    const xml = productBody({ name: 'Lamppu', code: 'L-1', unitPrice: '19.90', vatRate: '25.5', active: true }, 'add', 'Tuotteet');
    expect(childNames(xml, ['root', 'product', 'productbaseinformation'])).toEqual(['productcode', 'productgroup', 'name', 'unitprice', 'isactive', 'issalesproduct']);
    expect(xml).toContain('<unitprice type="net">19,90</unitprice>');
    expect(xml).toContain('<defaultvatpercentage>25,5</defaultvatpercentage>');
  });

  it('escapes text', () => {
    expect(customerBody({ ...party, name: 'Smith & <Sons>' }, 'add')).toContain('<name>Smith &amp; &lt;Sons&gt;</name>');
  });
});

describe('toNetvisorSalesDocument', () => {
  const doc: SalesDocument = {
    kind: 'order',
    number: '5100',
    source: { system: 'shopify', id: 'gid://1', number: '#1001' },
    date: '2026-04-01',
    dueDate: '2026-04-15',
    currency: 'EUR',
    customer: { kind: 'customer', name: 'Kuluttaja Asiakas', email: 'k@a.fi', address: { street: 'Koti 1', postalCode: '33100', city: 'Tampere', country: 'FI' } },
    lines: [
      { productCode: 'P1', name: 'Paita', quantity: '1', unitPrice: '25.10', priceIncludesVat: true, vatRate: '25.5', discountPercent: '10', kind: 'product', comment: 'Koko L' },
      { productCode: 'SHIP', name: 'Postitus', quantity: '1', unitPrice: '4.90', priceIncludesVat: true, vatRate: '25.5', kind: 'shipping' },
      { productCode: 'GIFT', name: 'Lahjakortti', quantity: '1', unitPrice: '10', priceIncludesVat: false, vatRate: '0', kind: 'product' },
    ],
    payments: [],
    paymentMethod: 'Klarna',
    comment: 'Soita ennen toimitusta',
    totals: { net: '33.90', vat: '5.47', gross: '37.49' },
  };

  it('maps kind, number, status, rows, VAT codes, comments and our reference', () => {
    const input = toNetvisorSalesDocument(doc, { customerCode: 'TEMP', status: 'undelivered' });
    expect(input).toMatchObject({ kind: 'order', number: '5100', status: 'undelivered', dueDate: '2026-04-15', amount: '37.49', customerCode: 'TEMP', ourReference: '#1001' });
    expect(input.paymentTermNetDays).toBeUndefined();
    expect(input.lines).toEqual([
      { type: 'product', productCode: 'P1', name: 'Paita', unitPrice: '25.10', priceType: 'gross', vatPercent: '25.5', vatCode: 'KOMY', quantity: '1', discountPercent: '10', freeText: 'Koko L' },
      { type: 'product', productCode: 'SHIP', name: 'Postitus', unitPrice: '4.90', priceType: 'gross', vatPercent: '25.5', vatCode: 'KOMY', quantity: '1' },
      { type: 'product', productCode: 'GIFT', name: 'Lahjakortti', unitPrice: '10', priceType: 'net', vatPercent: '0', vatCode: 'NONE', quantity: '1' },
      { type: 'comment', text: 'Maksutapa: Klarna' },
      { type: 'comment', text: 'Soita ennen toimitusta' },
    ]);
    const xml = salesDocumentBody(input);
    expect(childNames(xml, ['root', 'salesinvoice'])).toEqual([
      'salesinvoicenumber', 'salesinvoicedate', 'salesinvoiceduedate', 'salesinvoiceamount', 'invoicetype', 'salesinvoicestatus', 'salesinvoiceourreference',
      'invoicingcustomeridentifier', 'invoicingcustomername', 'invoicingcustomeraddressline', 'invoicingcustomerpostnumber', 'invoicingcustomertown',
      'invoicingcustomercountrycode', 'invoicelines',
    ]);
    expect(xml).toContain('<invoicetype>order</invoicetype><salesinvoicestatus type="netvisor">undelivered</salesinvoicestatus>');
    expect(xml).toContain('<productunitprice type="gross">25,10</productunitprice><productvatpercentage vatcode="KOMY">25,5</productvatpercentage>');
    expect(xml).toContain('<salesinvoicecommentline><comment>Maksutapa: Klarna</comment></salesinvoicecommentline>');
  });

  it('uses a payment term when there is no due date, and refuses a status of the other kind', () => {
    const input = toNetvisorSalesDocument({ ...doc, kind: 'invoice', dueDate: undefined }, { customerCode: '1001', status: 'open', paymentTermNetDays: 21 });
    expect(input.paymentTermNetDays).toBe(21);
    expect(salesDocumentBody(input)).toContain('<paymenttermnetdays>21</paymenttermnetdays>');
    expect(() => toNetvisorSalesDocument(doc, { customerCode: '1', status: 'open' })).toThrow(/cannot have status "open"/);
  });
});
