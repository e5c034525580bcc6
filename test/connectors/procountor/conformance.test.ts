import { ProcountorClient } from '../../../connectors/procountor';
import { control, startTestSandboxes } from '../../support/sandboxes';

/**
 * Procountor conformance: what docs/wire/procountor.md states, checked against the sandbox over HTTP and against
 * the client. Each block names the section it checks.
 */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['procountor'], 3);
  url = started.sandboxes.procountor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function token(): Promise<string> {
  const res = await fetch(`${url}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret', api_key: 'sandbox-api-key', redirect_uri: 'https://example.invalid/cb' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function get(path: string, bearer?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/${path}`, { headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe('authentication (procountor.md "Authentication")', () => {
  it('M2M token: form-encoded client credentials plus api_key (redirect_uri accepted and ignored) → access_token and expires_in', async () => {
    const res = await fetch(`${url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret', api_key: 'sandbox-api-key' }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(typeof body.access_token).toBe('string');
    expect(body.expires_in).toBe(3600);
  });

  it('a call without a bearer token is 401 in the usual error body', async () => {
    const res = await get('products');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ errors: [{ status: 401, field: null, message: expect.any(String) }] });
  });
});

describe('paging (procountor.md "Paging")', () => {
  it('results + meta; page is 0-based, size defaults to 50 and may be at most 200', async () => {
    await control(url, 'seed', { seed: 3, counts: { products: 120 } });
    const t = await token();
    const first = await get('products', t);
    expect(first.status).toBe(200);
    expect(first.json.meta).toEqual({ pageNumber: 0, pageSize: 50, resultCount: 50, totalCount: 120 });
    const last = await get('products?page=2&size=50', t);
    expect(last.json.meta).toMatchObject({ pageNumber: 2, resultCount: 20 });
    expect((await get('products?size=200', t)).status).toBe(200);
    const over = await get('products?size=201', t);
    expect(over.status).toBe(400);
    expect(over.json.errors[0]).toMatchObject({ status: 400, field: 'size' });
  });
});

describe('batch reads (procountor.md "Batch reads")', () => {
  it('GET /products/{ids} takes 200 comma-separated ids in one path segment: invalid ids dropped, result ordered by id, no duplicates', async () => {
    await control(url, 'seed', { seed: 3, counts: { products: 5 } });
    const t = await token();
    const all = (await get('products', t)).json.results as Array<{ id: number }>;
    const valid = all.map((p) => p.id);
    // 200 ids, the valid ones reversed and repeated among ids that do not exist (long ids: ~3,800 characters).
    const ids = [...valid.slice().reverse(), valid[0], ...Array.from({ length: 200 - valid.length - 1 }, (_, i) => String(9_000_000_000_000_000_000n + BigInt(i)))];
    expect(ids.length).toBe(200);
    const res = await get(`products/${ids.join(',')}`, t);
    expect(res.status).toBe(200);
    expect((res.json as Array<{ id: number }>).map((p) => p.id)).toEqual([...valid].sort((a, b) => a - b));
  });

  it('more than 200 ids is a 400; only invalid ids is a 404; one id is the object itself', async () => {
    const t = await token();
    const tooMany = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
    for (const resource of ['products', 'invoices', 'businesspartners']) {
      const res = await get(`${resource}/${tooMany}`, t);
      expect(res.status).toBe(400);
      expect(res.json.errors[0].status).toBe(400);
    }
    expect((await get('products/8999999999,8999999998', t)).status).toBe(404);
    const one = (await get('products', t)).json.results[0] as { id: number };
    const single = await get(`products/${one.id}`, t);
    expect(single.json).toMatchObject({ id: one.id });
    expect(Array.isArray(single.json)).toBe(false);
  });
});

describe('search values in headers (procountor.md "Business partners")', () => {
  it('GET /businesspartners filters by the name and identifier headers, not by query parameters', async () => {
    const t = await token();
    const all = (await get('businesspartners', t)).json.results as Array<{ name: string; invoicingInfo: { identifier: string } }>;
    const target = all[2];
    const byHeader = await get('businesspartners', t, { identifier: target.invoicingInfo.identifier });
    expect(byHeader.json.results.map((p: { name: string }) => p.name)).toEqual([target.name]);
    const byQuery = await get(`businesspartners?identifier=${encodeURIComponent(target.invoicingInfo.identifier)}`, t);
    expect(byQuery.json.results.length).toBe(all.length);
  });
});

describe('rate limit (procountor.md "Request limits"; docs/wire/open-points.md)', () => {
  it('over 20 requests per second per client is refused with 429, Retry-After and the usual error body; the client classifies it', async () => {
    const t = await token();
    // 45 at once: however a clock-aligned second splits them, one second holds more than 20.
    const replies = await Promise.all(Array.from({ length: 45 }, () => fetch(`${url}/api/sessioninfo`, { headers: { authorization: `Bearer ${t}` } })));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused[0].json()) as any).errors[0].status).toBe(429);

    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 3, paths: ['/api/sessioninfo'] });
    const client = new ProcountorClient({ baseUrl: `${url}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' });
    await expect(client.checkConnection()).rejects.toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 3000 });
  });
});

describe('formats (procountor.md "Formats and encoding")', () => {
  it('text outside Windows-1252 is refused with the field named; Finnish letters and the euro sign are accepted', async () => {
    const t = await token();
    const body = (name: string) => JSON.stringify({ type: 'SALES', name, code: `C-${name.length}`, unit: 'PIECE', price: 1, vat: 25.5, discount: 0, active: true, currency: 'EUR' });
    const post = (name: string) => fetch(`${url}/api/products`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: body(name) });
    const ok = await post('Äänikirja € ö');
    expect(ok.status).toBe(200);
    const bad = await post('Kirja ೠ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].field).toBe('name');
  });
});
