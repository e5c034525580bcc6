import { LimitConfig, RateCounter, toWindow } from '../../sandbox/kit/limits';
import { control, startTestSandboxes } from '../support/sandboxes';

/** Issue #14: a benchmark keeps a published count and shortens its window (`{limit, windowMs}`). */
describe('sandbox limits: a published count in a shortened window', () => {
  it('takes {limit, windowMs} and counts in clock-aligned windows of that length', () => {
    const window = toWindow(LimitConfig.parse({ limit: 480, windowMs: 3000 }));
    expect(window).toEqual({ limit: 480, windowMs: 3000 });
    const counter = new RateCounter(window);
    const start = 3_000_000; // aligned to 3 s
    for (let i = 0; i < 480; i++) expect(counter.hit('token', start + i)).toBeNull();
    expect(counter.hit('token', start + 2000)).toBe(1);
    // The next window starts afresh.
    expect(counter.hit('token', start + 3000)).toBeNull();
    expect(counter.stats()).toMatchObject({ limit: 480, windowMs: 3000, busiestWindow: 481, refused: 1 });
  });

  it('refuses limit without windowMs, and keeps the old forms', () => {
    expect(LimitConfig.safeParse({ limit: 480 }).success).toBe(false);
    expect(LimitConfig.safeParse({ windowMs: 3000 }).success).toBe(false);
    expect(toWindow(LimitConfig.parse({ perMinute: 480 }))).toEqual({ limit: 480, windowMs: 60_000 });
  });
});

describe('sandbox limits count a request when it arrives, before its latency', () => {
  let stop: () => Promise<void>;
  let url: string;
  beforeAll(async () => {
    const started = await startTestSandboxes(['rackbeat'], 3);
    stop = started.stop;
    url = started.sandboxes.rackbeat.url;
  });
  afterAll(() => stop());

  const list = () => fetch(`${url}/api/payment-terms`, { headers: { authorization: 'Bearer sandbox-rackbeat-token' } }).then((r) => r.status);
  /** Waits until `at` ms into a window of `windowMs` (Date.now() aligned, as the counter is). */
  const until = async (at: number, windowMs: number) => {
    const wait = (at - (Date.now() % windowMs) + windowMs) % windowMs;
    await new Promise((r) => setTimeout(r, wait));
  };

  it('a caller that keeps the limit by when it sends is not refused because the reply was slow', async () => {
    await control(url, 'limits', { limit: 2, windowMs: 1000 });
    await control(url, 'latency', { ms: 400 });
    try {
      // (Rackbeat answers a list with 206.) Two late in one window and two early in the next: two per window as sent. Counted after the 400 ms, all four
      // would land in the second window and two would be refused.
      await until(650, 1000);
      const late = [list(), list()];
      await until(50, 1000);
      const early = [list(), list()];
      expect(await Promise.all([...late, ...early])).toEqual([206, 206, 206, 206]);
      expect((await control(url, 'stats')).rateLimit).toMatchObject({ refused: 0 });
    } finally {
      await control(url, 'latency', { ms: 0 });
      await control(url, 'limits', { perMinute: 480 });
    }
  });
});
