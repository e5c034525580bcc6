import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorError } from '../../../connectors/kit/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../connectors/kit/http';
import { ProcountorClient } from '../../../connectors/procountor';

/** Replies written from Procountor's documentation (fixtures/), served by a transport that records requests. */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

type Route = { match: string; reply: Partial<HttpResponse> & { fixture?: string } };

function fakeTransport(routes: Route[]): HttpTransport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(req) {
      requests.push(req);
      const key = `${req.method} ${req.url}`;
      const route = routes.find((r) => key === r.match) ?? routes.find((r) => key.startsWith(r.match));
      if (!route) return { status: 404, headers: {}, body: '{"errors":[{"status":404,"field":null,"message":"Not found"}]}' };
      const { fixture: f, ...reply } = route.reply;
      return { status: 200, headers: {}, body: f ? fixture(f) : '', ...reply };
    },
  };
}

const token: Route = { match: 'POST oauth/token', reply: { fixture: 'token.json' } };
let n = 0;
// A fresh limiter key per client keeps tests independent of each other's pacing.
const clientWith = (routes: Route[]) => {
  const transport = fakeTransport([token, ...routes]);
  const client = new ProcountorClient(
    { baseUrl: `https://pts-api.procountor.com/api/${++n}`, clientId: 'c', clientSecret: 's', apiKey: 'k' },
    { transport },
  );
  return { client, transport };
};

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return e as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('Procountor replies as documented', () => {
  it('sends the M2M token form and a bearer header', async () => {
    const { client, transport } = clientWith([{ match: 'GET sessioninfo', reply: { fixture: 'sessioninfo.json' } }]);
    expect(await client.checkConnection()).toMatchObject({ companyId: 100234, name: 'Esimerkki Oy' });
    const [tokenReq, call] = transport.requests;
    expect(tokenReq.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', api_key: 'k' });
    expect(call.headers?.authorization).toBe('Bearer eyJhbGciOiJSUzI1NiJ9.doc-example.sig');
  });

  it('parses a partner search and the full partner; the business ID goes in a header', async () => {
    const { client, transport } = clientWith([
      { match: 'GET businesspartners/812', reply: { fixture: 'partner.json' } },
      { match: 'GET businesspartners', reply: { fixture: 'partner-search.json' } },
    ]);
    const partner = await client.findBusinessPartner({ businessId: '0737546-2' });
    expect(partner).toMatchObject({ id: 812, invoicingInfo: { customerNumber: '10020', einvoiceOperator: 'E204503' }, paymentInfo: { paymentTermDays: 14 } });
    const search = transport.requests.find((r) => r.url === 'businesspartners')!;
    expect(search.headers?.identifier).toBe('0737546-2');
    expect(search.searchParams).not.toHaveProperty('identifier');
  });

  it('matches the customer number exactly among loose search hits', async () => {
    const { client } = clientWith([
      { match: 'GET businesspartners/815', reply: { fixture: 'partner.json' } },
      { match: 'GET businesspartners', reply: { fixture: 'partner-search.json' } },
    ]);
    expect(await client.findBusinessPartner({ customerNumber: '1002' })).toBeNull();
    expect(await client.findBusinessPartner({ customerNumber: '100201' })).not.toBeNull();
  });

  it('accepts the batch form (a list) of a single-id GET', async () => {
    const { client } = clientWith([{ match: 'GET businesspartners/812', reply: { body: `[${fixture('partner.json')}]` } }]);
    expect((await client.getBusinessPartner(812)).name).toBe('Kivikonepaja Oy');
  });

  it('picks the exact product code from a substring search', async () => {
    const { client } = clientWith([{ match: 'GET products', reply: { fixture: 'product-search.json' } }]);
    expect(await client.findProductByCode('VS-100')).toMatchObject({ id: 3301, price: 19.9, vat: 25.5 });
    expect(await client.findProductByCode('VS-10')).toBeNull();
  });

  it('parses an invoice, skips invalidated twins in the number search, and reads payments and VAT defaults', async () => {
    const { client } = clientWith([
      { match: 'GET invoices/2150331/paymentevents', reply: { body: JSON.stringify({ results: [JSON.parse(fixture('payment-event.json'))], meta: { pageNumber: 0, pageSize: 200, resultCount: 1, totalCount: 1 } }) } },
      { match: 'GET invoices/2150331', reply: { fixture: 'invoice.json' } },
      { match: 'GET invoices', reply: { fixture: 'invoice-search.json' } },
      { match: 'PUT invoices/2150331/paymentevents/markpaid', reply: { fixture: 'payment-event.json' } },
      { match: 'PUT invoices/2150331/approve', reply: { fixture: 'info-message.json' } },
      { match: 'GET vats/default', reply: { fixture: 'vats-default.json' } },
    ]);
    const invoice = await client.getInvoice(2150331);
    expect(invoice).toMatchObject({ status: 'UNFINISHED', originalInvoiceNumber: 'WEB-10045', invoiceSumInfo: [{ invoiceSumTotal: 49.95 }] });
    expect(invoice.invoiceRows?.[0]).toMatchObject({ productCode: 'VS-100', vatPercent: 25.5 });
    expect((await client.findInvoiceByOriginalNumber('WEB-10045'))?.id).toBe(2150331);
    expect(await client.approveInvoice(2150331)).toBe('The invoice was successfully approved.');
    expect(await client.markInvoicePaid(2150331, { paymentDate: '2026-05-05', amount: '49.95', currency: 'EUR' })).toMatchObject({ id: 99001, amount: 49.95 });
    expect(await client.listPaymentEvents(2150331)).toHaveLength(1);
    expect((await client.getVatDefaults()).vatInformation[0].percentages.map((p) => p.vatPercent)).toContain(25.5);
  });
});

describe('Procountor errors as documented', () => {
  it('names every field of a 400 and keeps the first as the field', async () => {
    const { client } = clientWith([{ match: 'POST invoices', reply: { status: 400, fixture: 'error-due-date.json' } }]);
    const e = await rejection(client.createSalesInvoice({ originalInvoiceNumber: 'WEB-1' } as never));
    expect(e).toMatchObject({ errorClass: 'validation', field: 'paymentInfo.dueDate', code: 'DUE_DATE_BEFORE_BILL_DATE', resource: 'sales invoice WEB-1' });
    expect(e.message).toBe(
      "Procountor rejected sales invoice WEB-1: paymentInfo.dueDate: DUE_DATE_BEFORE_BILL_DATE; deliveryAddress.country: Value of the 'deliveryAddress.country' cannot be blank.",
    );
  });

  it('reports a closed fiscal period as a business problem with its fix', async () => {
    const { client } = clientWith([{ match: 'POST invoices', reply: { status: 400, fixture: 'error-closed-period.json' } }]);
    const e = await rejection(client.createSalesInvoice({ originalInvoiceNumber: 'WEB-1' } as never));
    expect(e).toMatchObject({ errorClass: 'business', code: 'CLOSED_FISCAL_PERIOD' });
    expect(e.message).toContain('open it in Procountor');
  });

  it('reads a 403 as a status problem on invoice actions and as missing rights elsewhere', async () => {
    const { client } = clientWith([
      { match: 'PUT invoices/1/send', reply: { status: 403, fixture: 'error-forbidden.json' } },
      { match: 'GET businesspartners/1', reply: { status: 403, fixture: 'error-forbidden.json' } },
    ]);
    expect((await rejection(client.sendInvoice(1))).errorClass).toBe('business');
    expect((await rejection(client.getBusinessPartner(1))).errorClass).toBe('permission');
  });

  it('classifies 409, 429, 503, a non-JSON body and an unexpected shape', async () => {
    const { client } = clientWith([
      { match: 'GET businesspartners/9', reply: { status: 409, body: '{"errors":[{"status":409,"field":"version","message":"Conflict"}]}' } },
      { match: 'GET products/1', reply: { status: 429, headers: { 'retry-after': '7' }, body: '' } },
      { match: 'GET products/2', reply: { status: 503, body: '<html>Service Unavailable</html>' } },
      { match: 'GET products/3', reply: { status: 200, body: '<html>maintenance</html>' } },
      { match: 'GET invoices/4', reply: { status: 200, body: '{"id":4,"type":"SALES_INVOICE","date":"2026-05-04"}' } },
    ]);
    expect(await rejection(client.getBusinessPartner(9))).toMatchObject({ errorClass: 'conflict', field: 'version' });
    expect(await rejection(client.getProduct(1))).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 7000 });
    expect(await rejection(client.getProduct(2))).toMatchObject({ errorClass: 'transient', code: '503' });
    expect(await rejection(client.getProduct(3))).toMatchObject({ errorClass: 'transient' });
    expect(await rejection(client.getInvoice(4))).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE', field: 'status' });
  });

  it('turns a refused token request into the credentials sentence', async () => {
    const transport = fakeTransport([{ match: 'POST oauth/token', reply: { status: 400, body: '{"error":"invalid_client"}' } }]);
    const client = new ProcountorClient({ baseUrl: 'https://api.procountor.com/api', clientId: 'c', clientSecret: 'bad', apiKey: 'k' }, { transport });
    const e = await rejection(client.checkConnection());
    expect(e.message).toBe('Invalid Procountor credentials: connection cannot be established. Check the client id, client secret and API key.');
  });
});
