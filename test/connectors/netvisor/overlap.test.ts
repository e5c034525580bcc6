import { signedHeaders } from '../../../connectors/netvisor';
import { customerBody } from '../../../connectors/netvisor/customers';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { caught, sandboxClient, sandboxIdentity } from './helpers';

/**
 * Netvisor: "send one request at a time per customer environment; overlapping calls cause errors". The sandbox
 * refuses a call that arrives while another one for the same environment is being processed, counts the largest
 * overlap in GET /__sandbox/stats, and Siirto's client never overlaps its own calls.
 */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor'], 3);
  url = started.sandboxes.netvisor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const identity = sandboxIdentity('overlap test');

/** A hand-made request, bypassing the client's one-at-a-time rule (as a second worker process would). */
async function raw(method: 'GET' | 'POST', pathAndQuery: string, body?: string) {
  const full = `${url}/${pathAndQuery}`;
  const res = await fetch(full, { method, headers: signedHeaders(full, identity), body });
  return { status: res.status, text: await res.text() };
}

const party = (n: number) => ({
  kind: 'customer' as const,
  code: String(3000 + n),
  name: `Limiitti ${n} Oy`,
  address: { street: 'Kauppakatu 3', postalCode: '10600', city: 'Tammisaari', country: 'FI' },
});

const overlapStats = async () => (await control(url, 'stats')).overlap;

it('refuses the second of two overlapping calls the way Netvisor fails, writes nothing for it, and counts the overlap', async () => {
  await control(url, 'netvisor/processing-time', { ms: 300 });
  const before = (await control(url, 'state')).customers.length;
  const first = raw('POST', 'customer.nv?method=add', customerBody(party(1), 'add'));
  // The first call is being processed when the second one arrives.
  for (let i = 0; i < 100 && (await overlapStats()).inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const second = await raw('POST', 'customer.nv?method=add', customerBody(party(2), 'add'));

  expect(second.status).toBe(500);
  expect(second.text).toContain('<Status>FAILED</Status>');
  expect(second.text).toContain('TECHNICAL_ERROR :: Another request for this customer environment is still being processed.');
  const ok = await first;
  expect(ok.status).toBe(200);
  expect(ok.text).toContain('<Status>OK</Status>');

  const customers = (await control(url, 'state')).customers as Array<{ name: string }>;
  expect(customers).toHaveLength(before + 1);
  expect(customers.map((c) => c.name)).toContain('Limiitti 1 Oy');
  expect(customers.map((c) => c.name)).not.toContain('Limiitti 2 Oy');

  const stats = await control(url, 'stats');
  expect(stats.overlap).toEqual({ maxInFlight: 2, refused: 1, inFlight: 0, processingMs: 300 });
  // The existing counters are still there.
  expect(stats.requests).toBe(2);
  expect(stats.byPath['POST /customer.nv']).toBe(2);
});

it("the client reads the refusal as a passing (retryable) Netvisor error", async () => {
  await control(url, 'netvisor/processing-time', { ms: 400 });
  const other = raw('GET', 'customerlist.nv');
  for (let i = 0; i < 100 && (await overlapStats()).inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const err = await caught(sandboxClient(url).listCustomers());
  await other;
  expect(err).toMatchObject({ system: 'netvisor', errorClass: 'transient', code: 'TECHNICAL_ERROR' });
  expect(err.message).toContain('Another request for this customer environment is still being processed');
});

it('calls one after another are not an overlap', async () => {
  await control(url, 'netvisor/processing-time', { ms: 5 });
  for (let i = 0; i < 3; i++) expect((await raw('GET', 'customerlist.nv')).status).toBe(200);
  expect(await overlapStats()).toMatchObject({ maxInFlight: 1, refused: 0 });
});

it('many concurrent calls through clients of one process go one at a time: no overlap, none refused', async () => {
  await control(url, 'netvisor/processing-time', { ms: 20 });
  // Two client instances for the same environment, as two activities in one worker would have.
  const a = sandboxClient(url);
  const b = sandboxClient(url);
  const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).addCustomer(party(10 + i))));
  expect(new Set(keys).size).toBe(12);
  expect(await overlapStats()).toMatchObject({ maxInFlight: 1, refused: 0, inFlight: 0 });
});

it('reset zeroes the counters; seeding switches the processing time off', async () => {
  await control(url, 'netvisor/processing-time', { ms: 200 });
  const first = raw('GET', 'customerlist.nv');
  for (let i = 0; i < 100 && (await overlapStats()).inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await raw('GET', 'customerlist.nv');
  await first;
  expect(await overlapStats()).toMatchObject({ maxInFlight: 2, refused: 1 });
  await control(url, 'reset', {});
  expect(await overlapStats()).toEqual({ maxInFlight: 0, refused: 0, inFlight: 0, processingMs: 0 });
  await control(url, 'netvisor/processing-time', { ms: 50 });
  await control(url, 'seed', { seed: 3 });
  expect((await overlapStats()).processingMs).toBe(0);
});

it('refuses a malformed processing time with the expected body', async () => {
  const res = await fetch(`${url}/__sandbox/netvisor/processing-time`, { method: 'POST', body: JSON.stringify({ ms: -1 }), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: 'body must be {"ms": <milliseconds from 0 to 60000>}' });
});
