import { z } from 'zod';
import { SeededRandom } from './random';

/**
 * POST /__sandbox/latency body: every API request (control endpoints excepted) waits `ms` ± `jitterMs` before it is
 * handled, as a request to the real service over the internet would. Off (0 ms) by default and after a reset.
 */
export const LatencyConfig = z
  .object({
    ms: z.number().int().min(0).max(60_000),
    jitterMs: z.number().int().min(0).max(60_000).default(0),
  })
  .strict()
  .refine((c) => c.jitterMs <= c.ms, { message: 'jitterMs must not exceed ms (a delay cannot be negative)' });
export type LatencyConfig = z.infer<typeof LatencyConfig>;

export class Latency {
  private config: LatencyConfig = { ms: 0, jitterMs: 0 };
  private readonly dice: SeededRandom;

  constructor(seed: number) {
    this.dice = new SeededRandom(seed ^ 0x1a7e);
  }

  get settings(): LatencyConfig {
    return this.config;
  }

  configure(config: LatencyConfig): void {
    this.config = config;
  }

  /** Resolves after this request's delay: uniform in [ms - jitterMs, ms + jitterMs]. */
  async wait(): Promise<void> {
    const { ms, jitterMs } = this.config;
    if (ms <= 0) return;
    const delay = ms + (jitterMs ? Math.round((this.dice.next() * 2 - 1) * jitterMs) : 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }
}
