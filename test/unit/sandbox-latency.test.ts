import { Latency } from '../../sandbox/kit/latency';
import { control, startTestSandboxes } from '../support/sandboxes';

/** POST /__sandbox/latency: off by default, validated, holds every API request (not the control endpoints), reset clears it. */
let url: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  const s = await startTestSandboxes(['woocommerce']);
  url = s.sandboxes.woocommerce.url;
  stop = s.stop;
});
afterAll(() => stop());

const timed = async (path: string): Promise<number> => {
  const t0 = performance.now();
  await (await fetch(`${url}${path}`)).arrayBuffer();
  return performance.now() - t0;
};

it('is off by default and refuses a jitter larger than the delay', async () => {
  expect(await control(url, 'latency')).toEqual({ ms: 0, jitterMs: 0 });
  const res = await fetch(`${url}/__sandbox/latency`, { method: 'POST', body: JSON.stringify({ ms: 10, jitterMs: 40 }) });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(/jitterMs must not exceed ms/);
});

it('holds every API request at least ms - jitterMs, and a reset switches it off', async () => {
  await control(url, 'latency', { ms: 120, jitterMs: 40 });
  expect(await control(url, 'latency')).toEqual({ ms: 120, jitterMs: 40 });
  // setTimeout never fires early, so the lower bound holds on any machine (1 ms allowed for timer rounding).
  for (let i = 0; i < 5; i++) expect(await timed('/wp-json/wc/v3/orders?consumer_key=ck_sandbox&consumer_secret=cs_sandbox')).toBeGreaterThanOrEqual(79);
  await control(url, 'reset', {});
  expect(await control(url, 'latency')).toEqual({ ms: 0, jitterMs: 0 });
});

describe('the delay is the whole response time: the handling runs inside it', () => {
  const handle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('waits less before a kind of request whose handling takes time, and never answers sooner than the delay', async () => {
    const latency = new Latency(1);
    latency.configure({ ms: 100, jitterMs: 0 });
    const aheads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const held = await latency.hold('POST /salesinvoice.nv', '/salesinvoice.nv');
      aheads.push(held.ahead);
      await handle(30); // the handler's own work (a timer never fires early: at least 30 ms)
      await held.release();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(99);
    }
    // The first waits the whole delay (nothing learnt yet); later ones leave at least half, then three quarters, of
    // the 30 ms handling inside the delay instead of after it.
    expect(aheads[0]).toBe(100);
    expect(aheads[1]).toBeLessThanOrEqual(85);
    expect(aheads[4]).toBeLessThanOrEqual(78);
    // A kind of request handled at once is not held back by another kind's handling.
    expect((await latency.hold('GET /bare', '/bare')).ahead).toBe(100);
  });

  it("learns nothing from a reply that was an injected fault's (release(false))", async () => {
    const latency = new Latency(1);
    latency.configure({ ms: 40, jitterMs: 0 });
    const held = await latency.hold('k', '/k');
    await handle(30); // e.g. a timeout fault's wait, not the handler's work
    await held.release(false);
    expect((await latency.hold('k', '/k')).ahead).toBe(40);
  });

  it('a quicker handling than learnt still answers the full delay after arrival', async () => {
    const latency = new Latency(1);
    latency.configure({ ms: 60, jitterMs: 0 });
    for (let i = 0; i < 3; i++) {
      const held = await latency.hold('k', '/k');
      await handle(25);
      await held.release();
    }
    const t0 = performance.now();
    const held = await latency.hold('k', '/k');
    expect(held.ahead).toBeLessThan(60);
    await held.release(); // handled at once this time
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
  });
});
