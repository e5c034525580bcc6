import { MockActivityEnvironment } from '@temporalio/testing';
import { Client } from 'pg';
import { apiCallsInLastHour, apiCallsLastHour, flushCallCounts, recordApiCall, shareCallCounts } from '../../connectors/kit/call-log';
import { PostgresLimits } from '../../connectors/kit/cluster-limits';

/** The console's "API calls in the last hour": per tenant (from the activity's workflow id), and across processes. */
const BASE = 'https://integration.netvisor.fi';
const inActivity = (workflowId: string, fn: () => void) =>
  new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'r' } } as never).run(async () => fn());

describe('API call counts', () => {
  it('counts tenants that share one API address apart, by the workflow their activity serves', async () => {
    const before = { a: apiCallsLastHour('calls-a', 'netvisor', BASE), b: apiCallsLastHour('calls-b', 'netvisor', BASE) };
    await inActivity('order-export/calls-a/woo/1', () => {
      recordApiCall('netvisor', BASE);
      recordApiCall('netvisor', `${BASE}/`);
    });
    await inActivity('migration/calls-b/rackbeat-netvisor/products', () => recordApiCall('netvisor', BASE));
    expect(apiCallsLastHour('calls-a', 'netvisor', BASE) - before.a).toBe(2);
    expect(apiCallsLastHour('calls-b', 'netvisor', BASE) - before.b).toBe(1);
    // An hour later they are gone.
    expect(apiCallsLastHour('calls-a', 'netvisor', BASE, Date.now() + 3_600_001)).toBe(0);
  });

  describe('shared through PostgreSQL', () => {
    const db = `siirto_calls_${process.pid}_${Date.now()}`;
    const url = `postgres://postgres@127.0.0.1:5432/${db}`;
    const stores: PostgresLimits[] = [];
    const store = () => {
      const s = new PostgresLimits(url);
      stores.push(s);
      return s;
    };

    afterAll(async () => {
      shareCallCounts(undefined);
      await Promise.all(stores.map((s) => s.close()));
      const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.end();
    });

    it('a console in another process sees every worker’s calls for its tenant', async () => {
      // Two "workers", each sharing its counts, then a reader that made no call itself.
      shareCallCounts(store());
      await inActivity('order-export/shared-a/woo/1', () => {
        for (let i = 0; i < 3; i++) recordApiCall('netvisor', BASE);
      });
      await inActivity('order-export/shared-b/woo/1', () => recordApiCall('netvisor', BASE));
      await flushCallCounts();
      shareCallCounts(store());
      await inActivity('sync/shared-a/rackbeat-netvisor/products', () => recordApiCall('netvisor', BASE));
      await flushCallCounts();
      const reader = store();
      expect(await apiCallsInLastHour('shared-a', 'netvisor', BASE, reader)).toEqual({ calls: 4, scope: 'cluster' });
      expect(await apiCallsInLastHour('shared-b', 'netvisor', BASE, reader)).toEqual({ calls: 1, scope: 'cluster' });
      expect(await apiCallsInLastHour('shared-a', 'rackbeat', BASE, reader)).toEqual({ calls: 0, scope: 'cluster' });
      // Without the shared store, only this process's own count.
      expect((await apiCallsInLastHour('shared-a', 'netvisor', BASE)).scope).toBe('process');
    });
  });
});
