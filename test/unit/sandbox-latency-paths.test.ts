import { LATENCY_PROFILES, latencyFor } from '../../bench/latency-profiles';
import { Latency, LatencyConfig } from '../../sandbox/kit/latency';
import { SANDBOX_SYSTEMS } from '../../sandbox/kit/server';
import { control, startTestSandboxes } from '../support/sandboxes';

/** Per-path latency on POST /__sandbox/latency: longest prefix wins, validated, shown by GET, cleared by reset. */
describe('Latency.delayFor / draw', () => {
  const latency = new Latency(7);
  latency.configure(LatencyConfig.parse({ ms: 120, jitterMs: 40, paths: { '/customerlist.nv': { ms: 250 }, '/customer': { ms: 60, jitterMs: 10 } } }));

  it('gives a path the setting of its longest matching prefix, the top level otherwise; the query string is ignored', () => {
    expect(latency.delayFor('/customerlist.nv?keyword=x')).toEqual({ ms: 250, jitterMs: 0 });
    expect(latency.delayFor('/customer.nv')).toEqual({ ms: 60, jitterMs: 10 });
    expect(latency.delayFor('/salesinvoice.nv')).toMatchObject({ ms: 120, jitterMs: 40 });
  });

  it('draws each delay inside ms ± jitterMs of the setting that applies', () => {
    for (let i = 0; i < 200; i++) {
      expect(latency.draw('/customerlist.nv')).toBe(250);
      const c = latency.draw('/customer.nv');
      expect(c).toBeGreaterThanOrEqual(50);
      expect(c).toBeLessThanOrEqual(70);
      const d = latency.draw('/product.nv');
      expect(d).toBeGreaterThanOrEqual(80);
      expect(d).toBeLessThanOrEqual(160);
    }
  });

  it("draws in antithetic pairs per setting, so a run's mean is the setting's mean, whatever else is drawn between", () => {
    const paired = new Latency(3);
    paired.configure(LatencyConfig.parse({ ms: 120, jitterMs: 40, paths: { '/customerlist.nv': { ms: 180, jitterMs: 60 } } }));
    const docs: number[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 0) paired.draw('/customerlist.nv'); // another setting's draws in between do not break the pairs
      docs.push(paired.draw('/salesinvoice.nv'));
    }
    const mean = docs.reduce((a, b) => a + b, 0) / docs.length;
    expect(Math.abs(mean - 120)).toBeLessThanOrEqual(0.5);
    expect(new Set(docs).size).toBeGreaterThan(10); // still jittered
    expect(Math.min(...docs)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...docs)).toBeLessThanOrEqual(160);
  });

  it('delays only the listed paths when the top level is off', () => {
    const only = new Latency(1);
    only.configure(LatencyConfig.parse({ ms: 0, paths: { '/slow': { ms: 30 } } }));
    expect(only.draw('/slow/thing')).toBe(30);
    expect(only.draw('/fast')).toBe(0);
  });
});

describe('POST /__sandbox/latency with paths', () => {
  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const s = await startTestSandboxes(['woocommerce']);
    url = s.sandboxes.woocommerce.url;
    stop = s.stop;
  });
  afterAll(() => stop());

  const post = (body: unknown) => fetch(`${url}/__sandbox/latency`, { method: 'POST', body: JSON.stringify(body) });

  it('refuses a path key without a leading slash, with a query string, or a per-path jitter larger than its delay', async () => {
    for (const [body, message] of [
      [{ ms: 10, paths: { 'wp-json': { ms: 5 } } }, /paths\.wp-json: a path key must start with "\/"/],
      [{ ms: 10, paths: { '/orders?x=1': { ms: 5 } } }, /no query string/],
      [{ ms: 10, paths: { '/orders': { ms: 5, jitterMs: 9 } } }, /paths\.\/orders: jitterMs must not exceed ms/],
      [{ ms: 10, paths: { '/orders': { ms: 5, extra: 1 } } }, /paths\.\/orders/],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    // Nothing refused was put in force.
    expect(await control(url, 'latency')).toEqual({ ms: 0, jitterMs: 0 });
  });

  it('shows the setting in force, holds a listed path at least its own delay, and a reset clears the paths', async () => {
    const setting = { ms: 0, jitterMs: 0, paths: { '/wp-json/wc/v3/products': { ms: 150, jitterMs: 0 } } };
    await control(url, 'latency', setting);
    expect(await control(url, 'latency')).toEqual(setting);
    const t0 = performance.now();
    await (await fetch(`${url}/wp-json/wc/v3/products?consumer_key=ck_sandbox&consumer_secret=cs_sandbox`)).arrayBuffer();
    // setTimeout never fires early: a lower bound holds on any machine (1 ms allowed for timer rounding).
    expect(performance.now() - t0).toBeGreaterThanOrEqual(149);
    await control(url, 'reset', {});
    expect(await control(url, 'latency')).toEqual({ ms: 0, jitterMs: 0 });
  });
});

describe('bench/latency-profiles.ts', () => {
  it('has a profile for every sandbox, each one a body POST /__sandbox/latency accepts, with its source stated', () => {
    for (const system of SANDBOX_SYSTEMS) {
      const p = LATENCY_PROFILES[system];
      expect(LatencyConfig.safeParse(p.latency).success).toBe(true);
      expect(p.latency.ms).toBeGreaterThan(0);
      expect(p.source.length).toBeGreaterThan(10);
    }
  });

  it('scales a profile to another mean, path settings in proportion, and the result is still valid', () => {
    const scaled = latencyFor('netvisor', 60);
    expect(scaled.ms).toBe(60);
    expect(scaled.jitterMs).toBe(20);
    expect(scaled.paths?.['/customerlist.nv']).toEqual({ ms: 90, jitterMs: 30 });
    expect(LatencyConfig.safeParse(scaled).success).toBe(true);
  });
});
