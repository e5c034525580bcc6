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
