import { z } from 'zod';
import { SeededRandom } from './random';

const Millis = z.number().int().min(0).max(60_000);
const noNegativeDelay = { message: 'jitterMs must not exceed ms (a delay cannot be negative)' };

/** One delay: `ms` ± `jitterMs`, uniform. */
export const LatencyDelay = z
  .object({ ms: Millis, jitterMs: Millis.default(0) })
  .strict()
  .refine((c) => c.jitterMs <= c.ms, noNegativeDelay);
export type LatencyDelay = z.infer<typeof LatencyDelay>;

/**
 * POST /__sandbox/latency body: every API request (control endpoints excepted) waits `ms` ± `jitterMs` before it is
 * handled, as a request to the real service over the internet would. Off (0 ms) by default and after a reset.
 *
 * `paths` (optional) gives some paths their own delay: a key is a path prefix starting with "/" (the query string is
 * not matched), the longest matching prefix wins, and requests matching none take the top-level delay. E.g.
 * `{"ms":120,"jitterMs":40,"paths":{"/customerlist.nv":{"ms":250}}}` — list calls are slower than the rest.
 */
export const LatencyConfig = z
  .object({
    ms: Millis,
    jitterMs: Millis.default(0),
    paths: z
      .record(z.string(), LatencyDelay)
      .superRefine((paths, ctx) => {
        if (Object.keys(paths).length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 path settings' });
        for (const key of Object.keys(paths)) {
          if (!/^\/[^?#\s]*$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'a path key must start with "/" and carry no query string' });
        }
      })
      .optional(),
  })
  .strict()
  .refine((c) => c.jitterMs <= c.ms, noNegativeDelay);
export type LatencyConfig = z.infer<typeof LatencyConfig>;

export const LATENCY_OFF: LatencyConfig = { ms: 0, jitterMs: 0 };

export class Latency {
  private config: LatencyConfig = LATENCY_OFF;
  /** Path settings, longest prefix first, so the first match is the most specific one. */
  private byPath: Array<[string, LatencyDelay]> = [];
  private readonly dice: SeededRandom;

  constructor(seed: number) {
    this.dice = new SeededRandom(seed ^ 0x1a7e);
  }

  /** The setting in force, as it was given (GET /__sandbox/latency). */
  get settings(): LatencyConfig {
    return this.config;
  }

  configure(config: LatencyConfig): void {
    this.config = config;
    this.byPath = Object.entries(config.paths ?? {}).sort((a, b) => b[0].length - a[0].length);
  }

  /** The delay a request to `path` gets (the query string, if any, is ignored). */
  delayFor(path = '/'): LatencyDelay {
    const bare = path.split('?')[0];
    for (const [prefix, delay] of this.byPath) if (bare.startsWith(prefix)) return delay;
    return this.config;
  }

  /** This request's delay in ms: uniform in [ms - jitterMs, ms + jitterMs], drawn from the sandbox's seeded dice. */
  draw(path?: string): number {
    const { ms, jitterMs } = this.delayFor(path);
    if (ms <= 0) return 0;
    return Math.max(0, ms + (jitterMs ? Math.round((this.dice.next() * 2 - 1) * jitterMs) : 0));
  }

  /** Resolves after this request's delay. */
  async wait(path?: string): Promise<void> {
    const delay = this.draw(path);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }
}
