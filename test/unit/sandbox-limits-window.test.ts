import { LimitConfig, RateCounter, toWindow } from '../../sandbox/kit/limits';

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
