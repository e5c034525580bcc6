import { z } from 'zod';

/**
 * POST /__sandbox/limits body: replaces the published rate limit (e.g. scaled down for a benchmark). Besides
 * perSecond/perMinute/perHour, `{"limit": 480, "windowMs": 3000}` keeps a published count but shortens its window
 * (a benchmark scaled down in time, not in window).
 */
export const LimitConfig = z
  .object({
    perSecond: z.number().positive().optional(),
    perMinute: z.number().positive().optional(),
    perHour: z.number().positive().optional(),
    limit: z.number().int().positive().optional(),
    windowMs: z.number().int().min(100).max(86_400_000).optional(),
  })
  .refine((v) => v.perSecond !== undefined || v.perMinute !== undefined || v.perHour !== undefined || (v.limit !== undefined && v.windowMs !== undefined), {
    message: 'give one of perSecond, perMinute or perHour, or limit with windowMs',
  })
  .refine((v) => (v.limit === undefined) === (v.windowMs === undefined), { message: 'limit and windowMs go together' });
export type LimitConfig = z.infer<typeof LimitConfig>;

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export function toWindow(config: LimitConfig): RateWindow {
  if (config.limit !== undefined && config.windowMs !== undefined) return { limit: config.limit, windowMs: config.windowMs };
  if (config.perSecond !== undefined) return { limit: config.perSecond, windowMs: 1000 };
  if (config.perMinute !== undefined) return { limit: config.perMinute, windowMs: 60_000 };
  return { limit: config.perHour!, windowMs: 3_600_000 };
}

/**
 * Fixed windows aligned to the clock, per key, as the documented limits are stated ("480 per minute",
 * "7,200 per hour"). `hit` returns null when allowed, else the seconds until the window resets.
 */
export class RateCounter {
  private readonly counts = new Map<string, { windowStart: number; count: number }>();
  /** The most requests one key made in one window, refused ones included; at most `limit` means never over. */
  private busiestWindow = 0;
  private refused = 0;

  constructor(public window: RateWindow) {}

  hit(key: string, now = Date.now()): number | null {
    const windowStart = now - (now % this.window.windowMs);
    let entry = this.counts.get(key);
    if (!entry || entry.windowStart !== windowStart) {
      entry = { windowStart, count: 0 };
      this.counts.set(key, entry);
    }
    entry.count++;
    this.busiestWindow = Math.max(this.busiestWindow, entry.count);
    if (entry.count <= this.window.limit) return null;
    this.refused++;
    return Math.max(1, Math.ceil((windowStart + this.window.windowMs - now) / 1000));
  }

  /** For GET /__sandbox/stats: the limit in force and how close the callers came to it. */
  stats(): RateStats {
    return { limit: this.window.limit, windowMs: this.window.windowMs, busiestWindow: this.busiestWindow, refused: this.refused };
  }

  reset(): void {
    this.counts.clear();
    this.busiestWindow = 0;
    this.refused = 0;
  }
}

export interface RateStats {
  limit: number;
  windowMs: number;
  /** The most requests one key sent within one window (clock-aligned), refused ones included. */
  busiestWindow: number;
  /** Requests refused for exceeding the limit. */
  refused: number;
}
