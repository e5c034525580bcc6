import { ConnectorError } from '../../../connectors/kit/errors';
import { createHttpTransport, type HttpTransport } from '../../../connectors/kit/http';
import { SeveraClient, type SeveraClientOptions } from '../../../connectors/severa';
import { control, startTestSandboxes } from '../../support/sandboxes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['severa'], 11);
  url = started.sandboxes.severa.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const client = (options?: SeveraClientOptions, over: Record<string, unknown> = {}) =>
  new SeveraClient({ baseUrl: url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', ...over }, options);
const state = () => control(url, 'state');

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return e as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('authentication', () => {
  it('asks for the configured scopes and reuses one token', async () => {
    const c = client();
    expect(await c.checkConnection()).toEqual({ scopes: ['customers:read', 'settings:read'] });
    await c.listCustomersPage();
    await c.listProductsPage();
    expect((await state()).tokens).toHaveLength(1);
  });

  it('reports bad credentials with the operator sentence', async () => {
    const e = await rejection(client({}, { clientSecret: 'wrong' }).listCustomersPage());
    expect(e).toMatchObject({ errorClass: 'credentials', retryable: false });
    expect(e.message).toBe('Invalid Severa API key: connection cannot be established. Check the API key.');
  });

  it('names the missing scope as a permission problem', async () => {
    const e = await rejection(client({}, { scopes: ['customers:read'] }).listProductsPage());
    expect(e).toMatchObject({ errorClass: 'permission', code: 'InsufficientApiScope' });
    expect(e.message).toContain('settings:read');
  });

  it('renews the token before it lapses', async () => {
    await control(url, 'severa/token-ttl', { seconds: 1 });
    const c = client();
    await c.getCostCenter((await state()).costCenters[0].guid);
    await sleep(950);
    await c.listCostCentersPage();
    expect((await state()).tokens).toHaveLength(2);
  });

  it('renews once on a 401 from a token Severa already expired', async () => {
    await control(url, 'severa/token-ttl', { seconds: 0.3 });
    const frozen = Date.now();
    const c = client({ now: () => frozen });
    await c.listCostCentersPage();
    await sleep(400);
    expect((await c.listCostCentersPage()).items).toHaveLength(5);
    expect((await state()).tokens).toHaveLength(2);
  });

  it('stops after one renewal when every token is refused', async () => {
    await control(url, 'severa/token-ttl', { seconds: 0.001 });
    // Each API request waits past the token's millisecond, so no token is still live when it arrives (a fast
    // machine could otherwise send one within that millisecond).
    const real = createHttpTransport('severa', url);
    const slow: HttpTransport = {
      request: async (req) => {
        if (!req.url.includes('/token')) await sleep(20);
        return real.request(req);
      },
    };
    expect((await rejection(client({ transport: slow }).listCustomersPage())).errorClass).toBe('credentials');
  });

  it('the sandbox checks Client_Id against the token when it is sent', async () => {
    const token = (await (await fetch(`${url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_Id: 'sandbox-client', client_Secret: 'sandbox-secret', grant_type: 'client_credentials', scope: 'customers:read' }),
    }).then((r) => r.json() as Promise<{ access_token: string }>))).access_token;
    const ok = await fetch(`${url}/v1/customers`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${url}/v1/customers`, { headers: { authorization: `Bearer ${token}`, client_id: 'someone-else' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe('AuthenticationRequired');
  });
});

describe('customers (token paging)', () => {
  it('walks every customer across pages following NextPageToken', async () => {
    const seeded = (await state()).customers;
    const c = client();
    const first = await c.listCustomersPage({ rowCount: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await c.listCustomersPage({ rowCount: 10 }, first.nextPageToken);
    expect(second.items[0].guid).toBe(seeded[10].guid);
    const walked = await all(c.customers());
    expect(walked.map((x) => x.guid)).toEqual(seeded.map((x: { guid: string }) => x.guid));
    expect(walked[0].guid).toMatch(GUID);
    expect(walked[0].vatNumber).toMatch(/^\d{7}-\d$/);
  });

  it('gets one customer, filters by number and activity, and reports an unknown guid', async () => {
    const c = client();
    const seeded = (await state()).customers;
    expect(await c.getCustomer(seeded[3].guid)).toMatchObject({ name: seeded[3].name, number: 1004 });
    const page = await c.listCustomersPage({ numbers: [1002, 1005] });
    expect(page.items.map((x) => x.number)).toEqual([1002, 1005]);
    const inactive = await all(c.customers({ isActive: false }));
    expect(inactive.length).toBe(seeded.filter((x: { isActive: boolean }) => !x.isActive).length);
    expect(await rejection(c.getCustomer('00000000-0000-4000-8000-00000000dead'))).toMatchObject({ errorClass: 'not-found' });
  });

  it('returns only what changed since an instant', async () => {
    const c = client();
    const target = (await state()).customers[7];
    const since = new Date();
    expect(await all(c.customers({ changedSince: since }))).toHaveLength(0);
    await control(url, 'severa/touch', { collection: 'customers', guid: target.guid, patch: { name: 'Muutettu Oy', email: 'uusi@muutettu.fi' } });
    const changed = await all(c.customers({ changedSince: since }));
    expect(changed).toEqual([expect.objectContaining({ guid: target.guid, name: 'Muutettu Oy', email: 'uusi@muutettu.fi' })]);
    expect(Date.parse(changed[0].lastUpdatedDateTime!)).toBeGreaterThanOrEqual(since.getTime());
  });

  it('names the query parameter Severa rejects', async () => {
    const c = client();
    expect(await rejection(c.listCustomersPage({ rowCount: 500 }))).toMatchObject({ errorClass: 'validation', field: 'rowCount', code: 'InvalidParameter' });
    expect(await rejection(c.listCustomersPage({ changedSince: 'last tuesday' }))).toMatchObject({ errorClass: 'validation', field: 'changedSince' });
    expect(await rejection(c.listCustomersPage({}, 'not-a-token'))).toMatchObject({ errorClass: 'validation', field: 'pageToken' });
  });
});

describe('products (token paging)', () => {
  it('walks, gets, filters by code and sees changes', async () => {
    const c = client();
    const seeded = (await state()).products;
    const walked = await all(c.products({ rowCount: 7 }));
    expect(walked).toHaveLength(25);
    expect(walked[0]).toMatchObject({ code: 'P1000', unitPrice: { currencyCode: 'EUR' }, vatRate: 25.5 });
    expect((await c.listProductsPage({ code: 'P1004' })).items.map((p) => p.guid)).toEqual([seeded[4].guid]);
    expect(await c.getProduct(seeded[5].guid)).toMatchObject({ code: 'P1005' });
    const since = new Date();
    await control(url, 'severa/touch', { collection: 'products', guid: seeded[2].guid, patch: { unitPrice: { amount: 99.5, currencyCode: 'EUR' } } });
    expect((await all(c.products({ changedSince: since }))).map((p) => p.unitPrice?.amount)).toEqual([99.5]);
  });
});

describe('cost centres (offset paging)', () => {
  it('walks by firstRow, gets one, searches and sees changes', async () => {
    const c = client();
    const seeded = (await state()).costCenters;
    const page = await c.listCostCentersPage({ rowCount: 2 }, 2);
    expect(page.items.map((x) => x.identifier)).toEqual(['300', '400']);
    expect(page.nextFirstRow).toBe(4);
    expect((await all(c.costCenters({ rowCount: 2 }))).map((x) => x.identifier)).toEqual(['100', '200', '300', '400', '500']);
    expect(await c.getCostCenter(seeded[1].guid)).toMatchObject({ name: 'Tuotanto', identifier: '200' });
    expect((await c.listCostCentersPage({ textToSearch: 'huol' })).items.map((x) => x.identifier)).toEqual(['500']);
    const since = new Date();
    await control(url, 'severa/touch', { collection: 'costCenters', guid: seeded[0].guid, patch: { isActive: false } });
    expect(await all(c.costCenters({ changedSince: since }))).toEqual([expect.objectContaining({ identifier: '100', isActive: false })]);
    expect((await all(c.costCenters({ active: true }))).map((x) => x.identifier)).toEqual(['200', '300', '400', '500']);
  });
});

describe('seeding', () => {
  it('gives the same GUIDs for the same seed', async () => {
    const a = await state();
    await control(url, 'seed', { seed: 11 });
    const b = await state();
    expect(b.customers.map((x: { guid: string }) => x.guid)).toEqual(a.customers.map((x: { guid: string }) => x.guid));
    await control(url, 'seed', { seed: 12, counts: { customers: 3 } });
    const c = await state();
    expect(c.customers).toHaveLength(3);
    expect(c.customers[0].guid).not.toBe(a.customers[0].guid);
  });
});

describe('limits and faults', () => {
  it('the sandbox answers 429 with the quota message beyond 10 requests per second', async () => {
    const token = (await (await fetch(`${url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'sandbox-client', client_secret: 'sandbox-secret', scope: 'settings:read' }),
    }).then((r) => r.json() as Promise<{ access_token: string }>))).access_token;
    await sleep(1000 - (Date.now() % 1000) + 5); // a fresh clock-aligned second
    const replies = await Promise.all(Array.from({ length: 16 }, () => fetch(`${url}/v1/costcenters`, { headers: { authorization: `Bearer ${token}` } })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(await limited[0].text()).toContain('API calls quota exceeded! maximum admitted 10 per 1s.');
  });

  it('the client paces itself so a burst never meets the quota', async () => {
    const c = client();
    const started = Date.now();
    const pages = await Promise.all(Array.from({ length: 25 }, () => c.listCostCentersPage()));
    expect(pages.every((p) => p.items.length === 5)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('maps a 429 to rate-limit with the server wait', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['429'], paths: ['/v1/customers'], retryAfterSeconds: 2 });
    const e = await rejection(client().listCustomersPage());
    expect(e).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 2000 });
    expect(e.message).toContain('quota exceeded');
  });

  it.each(['500', 'reset'])('maps a %s to transient', async (kind) => {
    await control(url, 'faults', { rate: 1, kinds: [kind], paths: ['/v1/products'] });
    expect((await rejection(client().listProductsPage())).errorClass).toBe('transient');
  });

  it('maps a timeout to transient', async () => {
    await control(url, 'faults', { rate: 1, kinds: ['timeout'], paths: ['/v1/costcenters'], timeoutMs: 500 });
    const e = await rejection(client({ timeoutMs: 200 }).listCostCentersPage());
    expect(e.errorClass).toBe('transient');
  });
});
