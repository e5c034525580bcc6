import { RateCounter, type RateStats, type RateWindow } from '../kit/limits';

/**
 * Shopify's REST leaky bucket (docs/wire/shopify.md, "Rate limit"): each app × store has a bucket that drains
 * continuously at the plan's rate and holds 20 seconds of it (standard plan: 2 per second, 40 requests; the window
 * {limit: 40, windowMs: 20 000}). A request that finds the bucket full is refused with 429; every other request adds
 * one. `level(key)` is what X-Shopify-Shop-Api-Call-Limit reports as "used". POST /__sandbox/limits sets the leak
 * rate and the bucket keeps Shopify's shape: {"perSecond": 5} = 5 per second into a bucket of 100.
 */
export class LeakyBucket extends RateCounter {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private highest = 0;
  private throttled = 0;

  constructor(window: RateWindow) {
    super(window);
  }

  get size(): number {
    return Math.max(1, Math.round(this.leakPerMs() * 20_000));
  }

  private leakPerMs(): number {
    return this.window.limit / this.window.windowMs;
  }

  private drained(key: string, now: number): { level: number; at: number } {
    const b = this.buckets.get(key) ?? { level: 0, at: now };
    b.level = Math.max(0, b.level - (now - b.at) * this.leakPerMs());
    b.at = now;
    this.buckets.set(key, b);
    return b;
  }

  /** null when admitted; else the whole seconds until one request fits again. */
  override hit(key: string, now = Date.now()): number | null {
    const b = this.drained(key, now);
    if (b.level + 1 > this.size) {
      this.throttled++;
      // Whole seconds, as Shopify prints it ("2.0").
      const ms = (b.level + 1 - this.size) / this.leakPerMs();
      return Math.max(1, Math.ceil(ms / 1000));
    }
    b.level += 1;
    this.highest = Math.max(this.highest, Math.ceil(b.level));
    return null;
  }

  /** Requests in the bucket now, rounded up as Shopify prints them (0..size). */
  level(key: string, now = Date.now()): number {
    return Math.min(this.size, Math.ceil(this.drained(key, now).level - 1e-9));
  }

  override stats(): RateStats {
    // For a bucket, "busiestWindow" is the fullest the bucket ever was: at most `limit` means never over.
    return { limit: this.window.limit, windowMs: this.window.windowMs, busiestWindow: this.highest, refused: this.throttled };
  }

  override reset(): void {
    this.buckets.clear();
    this.highest = 0;
    this.throttled = 0;
  }
}
