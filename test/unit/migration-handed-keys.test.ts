import type { MigrateBatchResult } from '../../activities/registers/engine';
import { handedKeys, hintedEnd, keySlice } from '../../activities/registers/streams';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { productMigrationBatches } from '../support/migration-batches';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * Issue #14: a migration batch hands the next batches their Netvisor keys (`nextKeys`), so a worker that has no key
 * list of the register (the attempt after a killed or failed one, or another worker) reads its own records first and
 * the whole list (50,000 rows for a big product register) while it writes them, instead of before; handed two
 * batches' keys, the first of them leaves the list to the second, so the attempt after a kill waits only for the
 * target's index.
 */
describe('where a page read from handed-over keys ends', () => {
  const keys = [10, 20, 30, 40, 50, 60, 70];

  it('hands over the keys of the next two pages when they fit, else of the next one, else none', () => {
    expect([handedKeys(2), handedKeys(250), handedKeys(251), handedKeys(500), handedKeys(501)]).toEqual([4, 500, 251, 500, 0]);
  });

  it('keySlice hands over the keys of the slices after the next cursor', () => {
    expect(keySlice(keys, '20', 2)).toEqual({ slice: ['30', '40'], next: '40', total: 7, nextKeys: ['50', '60', '70'] });
    expect(keySlice(keys, '40', 3)).toEqual({ slice: ['50', '60', '70'], total: 7 });
  });

  it('ends after the last handed-over key, with the keys after it', () => {
    expect(hintedEnd(keys, '20', 2, ['30', '40'])).toEqual({ next: '40', total: 7, nextKeys: ['50', '60', '70'] });
    // A handed-over key deleted since: the rest of the page is read, and the next page starts after it.
    expect(hintedEnd(keys, '20', 2, ['30', '35'])).toEqual({ next: '35', total: 7, nextKeys: ['40', '50', '60', '70'] });
    expect(hintedEnd(keys, '50', 2, ['60', '70'])).toEqual({ total: 7 });
  });

  it('stays at the cursor when the list holds a key inside the page that was not handed over, so none is left out', () => {
    expect(hintedEnd(keys, '20', 3, ['30', '50'])).toEqual({ next: '20', total: 7 });
  });
});

describe('batches with handed-over keys on a worker without the key list', () => {
  let sandboxes: Record<string, StartedSandbox>;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ sandboxes, stop } = await startTestSandboxes(['netvisor', 'rackbeat', 'severa', '24so']));
  });
  afterAll(async () => stop?.());

  it('write their records before the whole list is read, and a retry finds them written', async () => {
    const { urls, migrateBatch, env, input } = await productMigrationBatches(sandboxes, 't-handed', 43, 40);
    const products = async () => ((await control(urls.rackbeat, 'state')) as { products: Array<{ number: string }> }).products;

    const first: MigrateBatchResult = await env(1).run(migrateBatch, input);
    expect(first.next).toBeDefined();
    expect(first.nextKeys).toHaveLength(20);
    expect(await products()).toHaveLength(10);

    // Attempt 2 forgets what this worker knew of the run (as a new worker after a kill does), and Netvisor refuses
    // the whole-register list. Handed two batches' keys, the batch needs no list: it writes its ten products, ends
    // after them and hands the other ten keys on.
    await control(urls.netvisor, 'faults', { rate: 1, kinds: ['500'], paths: ['/productlist.nv'] });
    const second: MigrateBatchResult = await env(2).run(migrateBatch, { ...input, cursor: first.next, keys: first.nextKeys });
    expect(second.entries.map((e) => e.action)).toEqual(Array(10).fill('create'));
    expect(second.next).toBe(first.nextKeys![9]);
    expect(second.nextKeys).toEqual(first.nextKeys!.slice(10));
    expect(await products()).toHaveLength(20);

    // The batch after, handed one batch's keys, reads its records first and the list while it writes them: the
    // list still refused, it writes its ten products, then fails so it is retried.
    await expect(env(1).run(migrateBatch, { ...input, cursor: second.next, keys: second.nextKeys })).rejects.toThrow();
    expect(await products()).toHaveLength(30);

    await control(urls.netvisor, 'faults', { rate: 0 });
    const retried: MigrateBatchResult = await env(2).run(migrateBatch, { ...input, cursor: second.next, keys: second.nextKeys });
    expect(retried.entries.map((e) => e.action)).toEqual(Array(10).fill('unchanged'));
    expect(retried.next).toBe(second.nextKeys![9]);
    const last: MigrateBatchResult = await env(1).run(migrateBatch, { ...input, cursor: retried.next, keys: retried.nextKeys });
    expect(last.next).toBeUndefined();
    expect(last.entries.map((e) => e.action)).toEqual(Array(10).fill('create'));
    const numbers = (await products()).map((p) => p.number);
    expect(new Set(numbers).size).toBe(40);
    expect(numbers).toHaveLength(40);
  });
});
