import { RackbeatClient } from '../../../connectors/rackbeat';
import { control } from '../../support/sandboxes';
import { failure, startRackbeat } from './harness';

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;

beforeAll(async () => {
  env = await startRackbeat(2);
  rb = env.client();
});
afterAll(() => env.stop());
afterEach(async () => {
  await control(env.url, 'faults', { rate: 0 });
  await control(env.url, 'limits', { perMinute: 480 });
});

const CREDENTIALS = 'Invalid Rackbeat API token: connection cannot be established. Check the API token.';

describe('Rackbeat error classes', () => {
  test('401 without a token and with a wrong one → credentials, with the operator sentence', async () => {
    const raw = await fetch(`${env.url}/api/products`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ message: 'Unauthenticated.' });
    const err = await failure(env.client({}, 'wrong-token').checkCredentials());
    expect(err).toMatchObject({ errorClass: 'credentials', message: CREDENTIALS, code: '401' });
    expect(err.retryable).toBe(false);
  });

  test('credentials must be given: the zod schema refuses an empty token', () => {
    expect(() => new RackbeatClient({ baseUrl: `${env.url}/api`, apiToken: '' })).toThrow(/API token is empty/);
  });

  test('422 → validation naming the field and Rackbeat message, not retryable', async () => {
    const err = await failure(rb.customers.create({ company_name: 'Viklys AS', payment_terms_id: 99 }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'payment_terms_id', code: '422', resource: 'customer' });
    expect(err.message).toContain('payment_terms_id: The selected payment terms id is invalid.');
    expect(err.retryable).toBe(false);
    const many = await failure(rb.products.create({ number: '', name: '', group: 99 } as never));
    expect(many.field).toBe('number');
    expect(many.message).toMatch(/also name: .*group: The selected group is invalid/);
  });

  test('404 → not-found; the find* lookups turn it into null', async () => {
    expect(await failure(rb.products.get('NO/SUCH'))).toMatchObject({ errorClass: 'not-found', code: '404' });
    expect(await failure(rb.orders.book(99999))).toMatchObject({ errorClass: 'not-found' });
    expect(await rb.products.findByNumber('NO/SUCH')).toBeNull();
  });

  test('429 from the published limit → rate-limit with the wait the server asks for', async () => {
    await control(env.url, 'limits', { perMinute: 3 });
    for (let i = 0; i < 3; i++) await rb.paymentTerms.list();
    const raw = await fetch(`${env.url}/api/payment-terms`, { headers: { authorization: 'Bearer sandbox-rackbeat-token' } });
    expect(raw.status).toBe(429);
    const retryAfter = Number(raw.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('0');
    // Not resent (the window's end may be within the client's resend wait, then the resend would pass).
    const err = await failure(env.client({ rateLimitResendMs: 0 }).paymentTerms.list());
    expect(err).toMatchObject({ errorClass: 'rate-limit', code: '429' });
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.retryable).toBe(true);
  });

  test('an injected 429 carries its Retry-After into retryAfterMs', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 7 });
    expect(await failure(rb.customers.list())).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 7000 });
  });

  test('a 429 with a short Retry-After is waited out and the write sent again: every record written once, none failed', async () => {
    // The server's window is smaller than the client's pacing, as when two processes share a token.
    await control(env.url, 'limits', { limit: 3, windowMs: 1000 });
    const eager = env.client({ pacing: { limit: 100, windowMs: 1000 } });
    const before = (await control(env.url, 'stats')).rateLimit as { refused: number };
    const numbers = ['RL/1', 'RL/2', 'RL/3', 'RL/4', 'RL/5'];
    const made = await Promise.all(numbers.map((number) => eager.products.create({ number, name: `Rate ${number}`, group: 1 })));
    expect(made.map((p) => p.number)).toEqual(numbers);
    const after = (await control(env.url, 'stats')).rateLimit as { refused: number };
    expect(after.refused - before.refused).toBeGreaterThanOrEqual(2);
    for (const number of numbers) expect((await rb.products.findByNumber(number))?.name).toBe(`Rate ${number}`);
  });

  test('a 429 that goes on is resent twice, then reported as rate-limit', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 1, paths: ['/api/customers'] });
    const before = (await control(env.url, 'stats')).byPath as Record<string, number>;
    expect(await failure(rb.customers.list())).toMatchObject({ errorClass: 'rate-limit', retryAfterMs: 1000 });
    const after = (await control(env.url, 'stats')).byPath as Record<string, number>;
    expect((after['GET /api/customers'] ?? 0) - (before['GET /api/customers'] ?? 0)).toBe(3);
  });

  test('5xx → transient', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['500'], paths: ['/api/customers'] });
    const err = await failure(rb.customers.get(1001));
    expect(err).toMatchObject({ errorClass: 'transient', code: '500' });
    expect(err.retryable).toBe(true);
    // Other paths are untouched.
    expect((await rb.suppliers.get(5001)).number).toBe(5001);
  });

  test('a dropped connection → transient', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['reset'] });
    expect(await failure(rb.products.list())).toMatchObject({ errorClass: 'transient' });
  });

  test('a reply slower than the client timeout → transient', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 1500 });
    const err = await failure(env.client({ timeoutMs: 300 }).products.list());
    expect(err).toMatchObject({ errorClass: 'transient' });
    expect(err.message).toContain('timed out');
  });

  test('commit-then-fail: the write landed although the reply failed; looking before writing again finds it', async () => {
    await control(env.url, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/api/products'] });
    expect(await failure(rb.products.create({ number: 'CTF/1', name: 'Committed', group: 1 }))).toMatchObject({ errorClass: 'transient' });
    await control(env.url, 'faults', { rate: 0 });
    expect((await rb.products.findByNumber('CTF/1'))?.name).toBe('Committed');
    // Writing blindly again would be refused: the number is taken.
    expect(await failure(rb.products.create({ number: 'CTF/1', name: 'Again', group: 1 }))).toMatchObject({ field: 'number' });
  });

  test('a body that does not match the schema is reported with its path', async () => {
    const client = new RackbeatClient(
      { baseUrl: 'http://rackbeat.invalid/api', apiToken: 't' },
      { transport: { request: async () => ({ status: 200, headers: {}, body: JSON.stringify({ product: { number: 5, name: 'x' } }) }) } },
    );
    const err = await failure(client.products.get('5'));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'UNEXPECTED_RESPONSE', field: 'product.number' });
  });
});

describe('Rackbeat client pacing', () => {
  test('clients sharing a token share one limiter and stay under the server limit', async () => {
    // The server counts fixed clock seconds and sees requests after network jitter, so the client keeps a margin
    // (4/s against 6/s), as production does (450 against 480 per minute).
    await control(env.url, 'limits', { perSecond: 6 });
    const pacing = { limit: 2, windowMs: 500 };
    const a = env.client({ pacing });
    const b = env.client({ pacing });
    const started = Date.now();
    // Promise.all rejects on the first 429, so passing means the server never refused.
    await Promise.all([0, 1, 2, 3].flatMap(() => [a.customerGroups.list(), b.customerGroups.list()]));
    // 8 requests at 2 per 500 ms: the last pair cannot start before 3 windows have passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});
