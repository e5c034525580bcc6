import { currentCall } from '../connectors/kit/call-context';
import { clusterLimits } from '../connectors/kit/limiter';

/**
 * Runs look-then-create steps for one key one at a time (one customer number, one product code, one document in
 * one tenant's target), so that concurrent orders of one new customer do not all see "missing" and all create.
 *
 * Inside this worker always; across every worker process when the cluster-wide limits are on (SIIRTO_POSTGRES_URL:
 * a PostgreSQL advisory lock, freed when its holder dies). Locally a holder that hangs is waited for at most
 * `maxWaitMs`, after which the next one goes ahead anyway. Creation stays safe without the lock, in the targets that
 * refuse a duplicate (Netvisor): the code is derived from the customer's identity and a refused duplicate is looked
 * up again (activities/customers.ts, activities/products.ts). Procountor accepts duplicates, so there the lock is
 * what keeps one partner, product or invoice per key between workers.
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
      const cluster = clusterLimits();
      if (!cluster) return await body();
      const releaseCluster = await cluster.lock(`keyed:${key}`, currentCall());
      try {
        return await body();
      } finally {
        await releaseCluster();
      }
    } finally {
      clearTimeout(timer);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
