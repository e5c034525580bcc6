import { z } from 'zod';

/** POST /__sandbox/limits body: replaces the published rate limit (e.g. scaled down for a benchmark). */
export const LimitConfig = z
  .object({
    perSecond: z.number().positive().optional(),
    perMinute: z.number().positive().optional(),
    perHour: z.number().positive().optional(),
  })
  .refine((v) => v.perSecond !== undefined || v.perMinute !== undefined || v.perHour !== undefined, {
    message: 'give one of perSecond, perMinute or perHour',
  });
export type LimitConfig = z.infer<typeof LimitConfig>;

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export function toWindow(config: LimitConfig): RateWindow {
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

  constructor(public window: RateWindow) {}

  hit(key: string, now = Date.now()): number | null {
    const windowStart = now - (now % this.window.windowMs);
    const entry = this.counts.get(key);
    if (!entry || entry.windowStart !== windowStart) {
      this.counts.set(key, { windowStart, count: 1 });
      return null;
    }
    entry.count++;
    if (entry.count <= this.window.limit) return null;
    return Math.max(1, Math.ceil((windowStart + this.window.windowMs - now) / 1000));
  }

  reset(): void {
    this.counts.clear();
  }
}
