import { control } from '../../support/sandboxes';
import type { RackbeatClient } from '../../../connectors/rackbeat';
import { collect, failure, startRackbeat } from './harness';

/**
 * A whole-register walk reads the pages after the first a few at a time (RackbeatApi.all `ahead`): the same
 * records in the same order as page by page, at most `ahead` requests in flight, and a failed page fails the walk.
 */
let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;

beforeAll(async () => {
  env = await startRackbeat(9);
  rb = env.client();
  await control(env.url, 'seed', { seed: 9, counts: { products: 230, customers: 0, suppliers: 0, orders: 0 } });
});
afterAll(() => env.stop());

/** Counts the list requests in flight at once while `body` runs. */
async function inFlight<T>(body: () => Promise<T>): Promise<{ value: T; most: number; pages: number }> {
  const page = rb.api.page.bind(rb.api);
  let now = 0;
  let most = 0;
  let pages = 0;
  const spy = jest.spyOn(rb.api, 'page').mockImplementation(async (...args: Parameters<typeof page>) => {
    now++;
    pages++;
    most = Math.max(most, now);
    try {
      return await page(...args);
    } finally {
      now--;
    }
  });
  try {
    return { value: await body(), most, pages };
  } finally {
    spy.mockRestore();
  }
}

it('reads up to `ahead` pages at once after the first, and yields every record once, in page order', async () => {
  await control(env.url, 'latency', { ms: 30 });
  try {
    const sequential = await inFlight(() => collect(rb.products.iterate({}, 20)));
    const ahead = await inFlight(() => collect(rb.products.iterate({}, 20, 4)));
    expect(sequential.value).toHaveLength(230);
    expect(ahead.value.map((p) => p.number)).toEqual(sequential.value.map((p) => p.number));
    expect(sequential.most).toBe(1);
    expect(ahead.most).toBe(4);
    expect(ahead.pages).toBe(12);
  } finally {
    await control(env.url, 'latency', { ms: 0 });
  }
});

it('a later page that fails fails the walk with its error, once the reads in flight are settled', async () => {
  const page = rb.api.page.bind(rb.api);
  let open = 0;
  const spy = jest.spyOn(rb.api, 'page').mockImplementation(async (...args: Parameters<typeof page>) => {
    open++;
    try {
      if (args[3].query?.page === 3) {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('page 3 refused');
      }
      await new Promise((r) => setTimeout(r, 60));
      return await page(...args);
    } finally {
      open--;
    }
  });
  try {
    const seen: string[] = [];
    const err = await failure((async () => {
      for await (const p of rb.products.iterate({}, 20, 4)) seen.push(p.number);
    })());
    expect((err as Error).message).toBe('page 3 refused');
    expect(seen).toHaveLength(40);
    expect(open).toBe(0);
  } finally {
    spy.mockRestore();
  }
});
