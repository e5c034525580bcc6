import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorError } from '../../../connectors/kit/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../connectors/kit/http';
import { SeveraClient } from '../../../connectors/severa';

/** Replies written from Severa's OpenAPI description (fixtures/), served by a transport that records requests. */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

type Reply = Partial<HttpResponse> & { fixture?: string };

function fakeTransport(route: (req: HttpRequest) => Reply | undefined): HttpTransport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(req) {
      requests.push(req);
      if (req.url === 'v1/token') return { status: 200, headers: {}, body: fixture('token.json') };
      const r = route(req) ?? { status: 404, fixture: 'error-invalid-parameter.json' };
      const { fixture: f, ...rest } = r;
      return { status: 200, headers: {}, body: f ? fixture(f) : '', ...rest };
    },
  };
}

let n = 0;
const clientWith = (route: (req: HttpRequest) => Reply | undefined) => {
  const transport = fakeTransport(route);
  const client = new SeveraClient({ baseUrl: `https://api.severa.stag.visma.com/rest-api/${++n}`, clientId: 'doc-client', clientSecret: 'doc-secret' }, { transport });
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

describe('Severa replies as documented', () => {
  it('posts JSON credentials with space-separated scopes and sends Bearer plus Client_Id', async () => {
    const { client, transport } = clientWith(() => ({ fixture: 'costcenters-page.json' }));
    await client.listCostCentersPage();
    const [tokenReq, call] = transport.requests;
    expect(tokenReq.method).toBe('POST');
    expect(JSON.parse(tokenReq.body!)).toEqual({ client_id: 'doc-client', client_secret: 'doc-secret', scope: 'customers:read settings:read' });
    expect(call.headers).toMatchObject({ authorization: 'Bearer severa-doc-access-token', client_id: 'doc-client' });
    expect(call.url).toBe('v1/costcenters?firstRow=0&rowCount=20');
  });

  it('follows NextPageToken and sends array filters as repeated keys', async () => {
    const { client, transport } = clientWith((req) =>
      req.url.includes('pageToken=abc') ? { body: '[]' } : { fixture: 'customers-page.json', headers: { nextpagetoken: 'abc' } },
    );
    const seen = [];
    for await (const c of client.customers({ numbers: [10020, 10021], changedSince: new Date('2026-04-12T11:20:00Z') })) seen.push(c);
    expect(seen.map((c) => c.name)).toEqual(['Kivikonepaja Oy', 'Sisäinen projekti']);
    expect(seen[0]).toMatchObject({ number: 10020, vatNumber: '0737546-2', headquarterAddress: { city: 'Tampere' }, currency: { code: 'EUR' } });
    const urls = transport.requests.slice(1).map((r) => new URL(r.url, 'https://x/'));
    expect(urls[0].searchParams.getAll('numbers')).toEqual(['10020', '10021']);
    expect(urls[0].searchParams.get('changedSince')).toBe('2026-04-12T11:20:00.000Z');
    expect(urls[1].searchParams.get('pageToken')).toBe('abc');
  });

  it('parses products and cost centres, and stops offset paging on a short page', async () => {
    const { client, transport } = clientWith((req) =>
      req.url.startsWith('v1/products') ? { fixture: 'products-page.json' } : { fixture: 'costcenters-page.json' },
    );
    const [product] = (await client.listProductsPage()).items;
    expect(product).toMatchObject({ code: 'ASENNUS', type: 'FixedFees', unitPrice: { amount: 85 }, salesAccount: { number: '3010' } });
    const page = await client.listCostCentersPage({ rowCount: 2 });
    expect(page.nextFirstRow).toBe(2);
    expect(page.items.map((c) => c.identifier)).toEqual(['100', '200']);
    const walked = [];
    for await (const c of client.costCenters({ rowCount: 5 })) walked.push(c);
    expect(walked).toHaveLength(2);
    expect(transport.requests.filter((r) => r.url.startsWith('v1/costcenters'))).toHaveLength(2);
  });
});

describe('Severa errors as documented', () => {
  it('names the parameter of an InvalidParameter error', async () => {
    const { client } = clientWith(() => ({ status: 400, fixture: 'error-invalid-parameter.json' }));
    const e = await rejection(client.listCustomersPage({ changedSince: 'yesterday' }));
    expect(e).toMatchObject({ errorClass: 'validation', field: 'changedSince', code: 'InvalidParameter' });
    expect(e.message).toContain("The value 'yesterday' is not valid for changedSince.");
  });

  it('tells a missing scope from a missing add-on', async () => {
    const scope = clientWith(() => ({ status: 403, fixture: 'error-insufficient-scope.json' }));
    expect(await rejection(scope.client.listProductsPage())).toMatchObject({ errorClass: 'permission', code: 'InsufficientApiScope' });
    const addon = clientWith(() => ({ status: 403, fixture: 'error-addon-missing.json' }));
    expect(await rejection(addon.client.listProductsPage())).toMatchObject({ errorClass: 'business', code: 'AddonMissing' });
  });

  it('reads the quota reply, with or without Retry-After', async () => {
    const withHeader = clientWith(() => ({ status: 429, headers: { 'retry-after': '3' }, body: 'API calls quota exceeded! maximum admitted 10 per 1s.' }));
    expect(await rejection(withHeader.client.listCustomersPage())).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 3000 });
    const bare = clientWith(() => ({ status: 429, body: '{"message":"API calls quota exceeded! maximum admitted 10 per 1s."}' }));
    const e = await rejection(bare.client.listCustomersPage());
    expect(e).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 1000 });
    expect(e.message).toContain('API calls quota exceeded! maximum admitted 10 per 1s.');
  });

  it('classifies 404, 5xx and shapes it cannot read', async () => {
    const { client } = clientWith((req) => {
      if (req.url.endsWith('/missing')) return { status: 404, fixture: 'error-invalid-parameter.json' };
      if (req.url.endsWith('/broken')) return { status: 502, body: '<html>Bad gateway</html>' };
      if (req.url.endsWith('/odd')) return { status: 200, body: '{"guid":"x"}' };
      return undefined;
    });
    expect(await rejection(client.getCustomer('missing'))).toMatchObject({ errorClass: 'not-found' });
    expect(await rejection(client.getCustomer('broken'))).toMatchObject({ errorClass: 'transient', code: '502' });
    expect(await rejection(client.getCostCenter('odd'))).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE', field: 'name' });
  });

  it('turns a refused token request into the credentials sentence', async () => {
    const transport: HttpTransport = { request: async () => ({ status: 401, headers: {}, body: '{"error":{"httpStatusCode":401,"type":"AuthenticationRequired"}}' }) };
    const client = new SeveraClient({ baseUrl: 'https://api.severa.visma.com/rest-api', clientId: 'x', clientSecret: 'y' }, { transport });
    const e = await rejection(client.checkConnection());
    expect(e.message).toBe('Invalid Severa API key: connection cannot be established. Check the API key.');
  });
});
