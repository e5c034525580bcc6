import { z } from 'zod';
import { SeededRandom } from './random';

/** POST /__sandbox/faults body (docs/design.md §6). `{"rate": 0}` switches faults off. */
export const FaultKind = z.enum(['500', '429', 'timeout', 'reset', 'commit-then-fail']);
export type FaultKind = z.infer<typeof FaultKind>;

export const FaultConfig = z.object({
  rate: z.number().min(0).max(1),
  kinds: z.array(FaultKind).min(1).default(['500']),
  /** Substrings of the request path; faults hit only matching requests. All requests when absent. */
  paths: z.array(z.string().min(1)).optional(),
  /** HTTP methods faults hit, e.g. ["POST"] to fail writes but not the lookups on the same path. All when absent. */
  methods: z.array(z.string().min(1).transform((m) => m.toUpperCase())).optional(),
  /** How long a "timeout" fault stalls before the request is processed anyway (the write may still land). */
  timeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  /** Retry-After seconds sent with an injected 429. */
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  /** Seed for the fault dice, so that a failing test replays the same faults. */
  seed: z.number().int().optional(),
});
export type FaultConfig = z.infer<typeof FaultConfig>;

export class FaultInjector {
  private config: FaultConfig = FaultConfig.parse({ rate: 0 });
  private dice = new SeededRandom(1);
  /** Injected faults by kind, for tests that must know a fault really happened. */
  readonly injected: Record<FaultKind, number> = { '500': 0, '429': 0, timeout: 0, reset: 0, 'commit-then-fail': 0 };

  configure(config: FaultConfig, defaultSeed: number): void {
    this.config = config;
    this.dice = new SeededRandom(config.seed ?? defaultSeed);
    for (const k of Object.keys(this.injected) as FaultKind[]) this.injected[k] = 0;
  }

  get settings(): FaultConfig {
    return this.config;
  }

  /** Decides whether this request gets a fault, and which. */
  draw(path: string, method = 'GET'): FaultKind | null {
    const { rate, kinds, paths, methods } = this.config;
    if (rate <= 0) return null;
    if (paths && !paths.some((p) => path.includes(p))) return null;
    if (methods && !methods.includes(method.toUpperCase())) return null;
    if (this.dice.next() >= rate) return null;
    const kind = kinds[Math.floor(this.dice.next() * kinds.length)];
    this.injected[kind]++;
    return kind;
  }
}
