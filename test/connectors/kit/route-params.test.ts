import { MAX_PARAM_LENGTH } from '../../../sandbox/kit/server';
import { startTestSandboxes } from '../../support/sandboxes';

/**
 * Every sandbox takes route parameters far longer than Fastify's default 100 characters (sandbox/kit/server.ts):
 * a long parameter reaches the system's own handler and gets that system's own reply, never a framework 414.
 * Procountor's batch read (200 ids in one path segment) is checked end to end in
 * test/connectors/procountor/conformance.test.ts. Netvisor and 24SevenOffice route everything through one wildcard
 * (`/*`), which the limit never touched; Netvisor's long query (idlist of 500 keys) is in its conformance test.
 */
let stop: () => Promise<void>;
let urls: Record<string, string>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor', 'procountor', 'rackbeat', '24so', 'severa', 'woocommerce', 'shopify'], 1);
  stop = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, s]) => [k, s.url]));
});
afterAll(() => stop());

// 200 comma-separated 19-digit ids: what Procountor documents for one batch read, about 4,000 characters.
const longIds = Array.from({ length: 200 }, (_, i) => String(9_000_000_000_000_000_000n + BigInt(i))).join(',');
const long = 'x'.repeat(300);

const cases: Array<{ system: string; method: string; path: string; headers?: Record<string, string>; expectStatus: number; body: RegExp }> = [
  // Without a token: the system's own 401, which runs after routing, so the route (and its parameter) was accepted.
  { system: 'procountor', method: 'GET', path: `/api/invoices/${longIds}`, expectStatus: 401, body: /"errors"/ },
  { system: 'severa', method: 'GET', path: `/v1/customers/${long}`, expectStatus: 401, body: /"AuthenticationRequired"/ },
  { system: 'rackbeat', method: 'GET', path: `/api/products/${long}`, headers: { authorization: 'Bearer sandbox-rackbeat-token' }, expectStatus: 404, body: /message/ },
  { system: 'woocommerce', method: 'GET', path: `/wp-json/wc/v3/orders/${long}`, expectStatus: 401, body: /"code"/ },
  { system: 'shopify', method: 'GET', path: `/admin/api/2024-01/orders/${long}.json`, expectStatus: 401, body: /errors/ },
];

describe('route parameters longer than 100 characters', () => {
  it('the kit allows parameters up to 16 KiB', () => {
    expect(MAX_PARAM_LENGTH).toBeGreaterThanOrEqual(longIds.length);
  });

  it.each(cases)('$system: a long path parameter gets the system reply, not 414', async ({ system, method, path, headers, expectStatus, body }) => {
    const res = await fetch(`${urls[system]}${path}`, { method, headers });
    const text = await res.text();
    expect(res.status).not.toBe(414);
    expect(res.status).toBe(expectStatus);
    expect(text).toMatch(body);
  });

});
