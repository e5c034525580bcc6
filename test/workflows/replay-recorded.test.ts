import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { loadRecordedHistories } from '../support/recorded-histories';
import { workflowBundle } from '../support/order-export-harness';
import { installRuntime } from '../../worker/worker';

/**
 * The committed histories of this release's workflows (test/histories/, recorded with `npm run record-histories`)
 * replay against today's workflow code. A change that alters the commands a running workflow already issued
 * (without patched()) fails here, before it reaches a tenant.
 */
describe('recorded histories', () => {
  const recorded = loadRecordedHistories();

  it('cover every workflow the worker registers', () => {
    const types = new Set(recorded.map((r) => r.workflowType));
    expect(Object.keys(workflows).filter((name) => !types.has(name))).toEqual([]);
  });

  it('replay without nondeterminism', async () => {
    installRuntime('ERROR');
    const failures: string[] = [];
    const replays = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      recorded.map((r) => ({ workflowId: r.workflowId, history: r.history })),
    );
    for await (const result of replays) if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    expect(failures).toEqual([]);
  }, 300_000);
});
