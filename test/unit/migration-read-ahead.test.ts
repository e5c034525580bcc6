import type { MigrateBatchResult } from '../../activities/registers/engine';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { productMigrationBatches } from '../support/migration-batches';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * activities/registers/engine.ts: a batch reads the next batch's source page while it writes, so the next batch of the
 * run on this worker starts writing at once instead of waiting for a source read; every page is still read once.
 */
let sandboxes: Record<string, StartedSandbox>;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ sandboxes, stop } = await startTestSandboxes(['netvisor', 'rackbeat', 'severa', '24so']));
});
afterAll(async () => stop?.());

const pageReads = async () => ((await control(sandboxes.netvisor.url, 'stats')).byPath as Record<string, number>)['GET /getproduct.nv'] ?? 0;

it("reads the next page during a batch's writes; the next batch takes it and reads nothing from the source", async () => {
  // One workflow run: the batches share the run's memory on this worker.
  const { urls, migrateBatch, env, input } = await productMigrationBatches(sandboxes, 't-ahead', 41, 30);

  const reads0 = await pageReads();
  const first: MigrateBatchResult = await env().run(migrateBatch, input);
  // Its own page and the next one.
  expect(await pageReads()).toBe(reads0 + 2);
  const second: MigrateBatchResult = await env().run(migrateBatch, { ...input, cursor: first.next });
  // The second batch's page was already read; it read the third.
  expect(await pageReads()).toBe(reads0 + 3);
  const third: MigrateBatchResult = await env().run(migrateBatch, { ...input, cursor: second.next });
  expect(third.next).toBeUndefined();
  // The last page has no next one to read: each of the three pages was read once.
  expect(await pageReads()).toBe(reads0 + 3);
  expect([...first.entries, ...second.entries, ...third.entries].map((e) => e.action)).toEqual(Array(30).fill('create'));
  expect(((await control(urls.rackbeat, 'state')) as { products: unknown[] }).products).toHaveLength(30);
});
