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
 * POST /__sandbox/latency body: every API request (control endpoints excepted) is answered `ms` ± `jitterMs` after it
 * arrived, as a request to the real service over the internet would be: the delay is the whole response time, the
 * sandbox's own handling inside it (it runs at the end of the delay, as late as it lately took), not added on top.
 * Off (0 ms) by default and after a reset.
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
    this.pair = new Map();
    this.byPath = Object.entries(config.paths ?? {}).sort((a, b) => b[0].length - a[0].length);
  }

  /** The delay a request to `path` gets (the query string, if any, is ignored). */
  delayFor(path = '/'): LatencyDelay {
    const bare = path.split('?')[0];
    for (const [prefix, delay] of this.byPath) if (bare.startsWith(prefix)) return delay;
    return this.config;
  }

  /**
   * This request's delay in ms: uniform in [ms - jitterMs, ms + jitterMs], drawn from the sandbox's seeded dice in
   * antithetic pairs per setting (a draw u, then 1 - u for the next request under the same setting), so that a run's
   * mean delay is the setting's mean and not the luck of its dice: a benchmark holds its figures against that mean.
   */
  draw(path?: string): number {
    const delay = this.delayFor(path);
    const { ms, jitterMs } = delay;
    if (ms <= 0) return 0;
    if (!jitterMs) return ms;
    const pending = this.pair.get(delay);
    let u: number;
    if (pending === undefined) {
      u = this.dice.next();
      this.pair.set(delay, 1 - u);
    } else {
      u = pending;
      this.pair.delete(delay);
    }
    return Math.max(0, ms + Math.round((u * 2 - 1) * jitterMs));
  }

  /** The second half of each setting's antithetic pair, until drawn. */
  private pair = new Map<LatencyDelay, number>();

  /**
   * The first half of holding one request for its delay, measured from its arrival: waits the delay less what the
   * sandbox's own handling of that kind of request (`kind`, e.g. "POST /salesinvoice.nv") has lately taken, so that
   * the handler runs where the vendor's own work would, inside the response time, not after it. `release()` (when
   * the reply is about to leave) waits whatever is left of the delay, so a reply never leaves sooner than the delay
   * after its request arrived, and learns how long the handling took.
   */
  async hold(kind: string, path?: string): Promise<{ delay: number; ahead: number; release(learn?: boolean): Promise<void> }> {
    const arrived = performance.now();
    const delay = this.draw(path);
    if (delay <= 0) return { delay, ahead: 0, release: async () => undefined };
    const handling = this.handlingMs.get(kind) ?? 0;
    const ahead = Math.max(0, Math.round(delay - handling));
    await sleep(ahead);
    const handlerFrom = performance.now();
    return {
      delay,
      ahead,
      // learn = false: this reply's time is not the handler's (an injected fault's), so it teaches nothing.
      release: async (learn = true) => {
        const now = performance.now();
        if (learn) {
          // Kinds are method and path, ids included: forget them all now and then rather than grow without end.
          if (this.handlingMs.size >= 1000 && !this.handlingMs.has(kind)) this.handlingMs.clear();
          // Half the last estimate and half this request's time: one slow request (a GC pause) moves the next only so far.
          this.handlingMs.set(kind, Math.min(delay, 0.5 * handling + 0.5 * (now - handlerFrom)));
        }
        const left = arrived + delay - now;
        if (left >= 1) await sleep(left);
      },
    };
  }

  /** What handling each kind of request has lately taken the sandbox (ms), for `hold`. */
  private readonly handlingMs = new Map<string, number>();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
