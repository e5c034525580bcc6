/**
 * Client-side pacing. Staying under a published limit is cheaper than backing off after it: 24SevenOffice
 * quarantines for the rest of the hour and Procountor may suspend the client (DESIGN.md §9).
 * These live per process and are keyed by tenant × API environment.
 */

/** Runs tasks one at a time per key (Netvisor wants one request in flight per environment). */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** A sliding-window limiter: at most `limit` starts per `windowMs`; `acquire` waits for a free slot. */
export class WindowLimiter {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.starts.length && this.starts[0] <= t - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(t);
        return;
      }
      await new Promise((r) => setTimeout(r, this.starts[0] + this.windowMs - t + 1));
    }
  }
}

const limiters = new Map<string, WindowLimiter>();

/** One shared limiter per key for the whole process. */
export function sharedLimiter(key: string, limit: number, windowMs: number): WindowLimiter {
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new WindowLimiter(limit, windowMs);
    limiters.set(key, limiter);
  }
  return limiter;
}
