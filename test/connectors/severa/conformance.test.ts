import { SeveraClient } from '../../../connectors/severa';
import { control, startTestSandboxes } from '../../support/sandboxes';

/**
 * Visma Severa conformance: what docs/wire/severa.md states, checked against the sandbox over HTTP and against
 * the client. Each block names the section it checks.
 */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['severa'], 5);
  url = started.sandboxes.severa.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

async function token(body: Record<string, unknown> = { client_id: 'sandbox-client', client_secret: 'sandbox-secret', scope: 'customers:read settings:read' }) {
  const res = await fetch(`${url}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

async function get(path: string, bearer?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/${path}`, { headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.startsWith('[') || text.startsWith('{') ? JSON.parse(text) : undefined };
}

const exceptionModel = (status: number, type: string) => ({ error: { httpStatusCode: status, type, details: expect.any(Array), stack: null } });

describe('authentication (severa.md "Authentication")', () => {
  it('POST /v1/token takes JSON (member names in any case) and answers the PublicAuthenticationOutputModel', async () => {
    const res = await token({ client_Id: 'sandbox-client', client_Secret: 'sandbox-secret', scope: 'customers:read', grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.any(String),
      access_token_type: 'Bearer',
      access_token_expires_in: expect.any(Number),
      access_token_expires_utc: expect.any(String),
      refresh_token: expect.any(String),
      refresh_token_expires_in: expect.any(Number),
      refresh_token_expires_utc: expect.any(String),
      scope: 'customers:read',
    });
  });

  it('no token → 401 AuthenticationRequired; a Client_Id that does not match → 401; a missing scope → 403 InsufficientApiScope', async () => {
    const none = await get('customers');
    expect(none.status).toBe(401);
    expect(none.json).toEqual(exceptionModel(401, 'AuthenticationRequired'));

    const t = (await token({ client_id: 'sandbox-client', client_secret: 'sandbox-secret', scope: 'customers:read' })).json.access_token;
    expect((await get('customers', t, { Client_Id: 'sandbox-client' })).status).toBe(200);
    expect((await get('customers', t, { Client_Id: 'someone-else' })).status).toBe(401);
    const scope = await get('products', t);
    expect(scope.status).toBe(403);
    expect(scope.json).toEqual(exceptionModel(403, 'InsufficientApiScope'));
  });
});

describe('paging (severa.md "Paging")', () => {
  it('token paging: a plain JSON array, NextPageToken in the response headers, absent on the last page; rowCount default 20, at most 100', async () => {
    await control(url, 'seed', { seed: 5, counts: { customers: 45 } });
    const t = (await token()).json.access_token;
    const first = await get('customers', t);
    expect(Array.isArray(first.json)).toBe(true);
    expect(first.json.length).toBe(20);
    const next = first.headers.get('NextPageToken');
    expect(next).toBeTruthy();
    const rest = await get(`customers?rowCount=100&pageToken=${encodeURIComponent(next!)}`, t);
    expect(rest.json.length).toBe(25);
    expect(rest.headers.get('NextPageToken')).toBeNull();
    const over = await get('customers?rowCount=101', t);
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({ type: 'InvalidParameter', details: [{ location: { type: 'UriParameter', name: 'rowCount' } }] });
  });

  it('offset paging on cost centres: firstRow / rowCount, no NextPageToken', async () => {
    const t = (await token()).json.access_token;
    const all = await get('costcenters?rowCount=100', t);
    const second = await get('costcenters?firstRow=1&rowCount=1', t);
    expect(second.json).toEqual([all.json[1]]);
    expect(second.headers.get('NextPageToken')).toBeNull();
  });

  it('changedSince (a date-time with an offset) returns rows changed at or after it', async () => {
    const t = (await token()).json.access_token;
    const rows = (await get('customers?rowCount=100', t)).json as Array<{ guid: string }>;
    await control(url, 'severa/touch', { collection: 'customers', guid: rows[3].guid, patch: {}, lastUpdatedDateTime: '2031-05-06T07:08:09Z' });
    const since = await get(`customers?changedSince=${encodeURIComponent('2031-05-06T10:08:09+03:00')}`, t);
    expect(since.json.map((r: { guid: string }) => r.guid)).toEqual([rows[3].guid]);
  });
});

describe('path parameters (severa.md "Conventions")', () => {
  it('an unknown guid is a 404 in the ExceptionModel, even when the parameter is longer than 100 characters', async () => {
    const t = (await token()).json.access_token;
    const res = await get(`customers/${'f'.repeat(240)}`, t);
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ httpStatusCode: 404, details: [{ location: { type: 'PathParameter', name: 'guid' } }] });
  });
});

describe('rate limit (severa.md "Rate limit")', () => {
  it('over 10 requests per second: 429, plain-text quota message and Retry-After, no JSON; the client waits as told', async () => {
    const t = (await token()).json.access_token;
    // 30 at once: however a clock-aligned second splits them, one second holds more than 10.
    const replies = await Promise.all(Array.from({ length: 30 }, () => fetch(`${url}/v1/customers`, { headers: { authorization: `Bearer ${t}` } })));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused[0].text()).toBe('API calls quota exceeded! maximum admitted 10 per 1s.');

    await control(url, 'reset', {});
    await control(url, 'faults', { rate: 1, kinds: ['429'], paths: ['/v1/customers'], retryAfterSeconds: 4 });
    const client = new SeveraClient({ baseUrl: url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' });
    await expect(client.listCustomersPage()).rejects.toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 4000 });
  });
});
