/**
 * Runs look-then-create steps for one key one at a time inside this worker (one customer number, one product code
 * in one tenant's target), so that concurrent orders of one new customer do not all see "missing" and all create.
 *
 * It is a courtesy, not the guarantee: another worker process does not see it, and a holder that hangs is waited
 * for at most `maxWaitMs`, after which the next one goes ahead anyway. What makes creation safe across workers is
 * that the code is derived from the customer's identity and a duplicate refused by the target is looked up again
 * (activities/customers.ts, activities/products.ts).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs = 30_000) {}

  async run<T>(key: string, body: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([previous, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.maxWaitMs)))]);
      return await body();
    } finally {
      clearTimeout(timer);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
