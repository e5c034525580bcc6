import { MockActivityEnvironment } from '@temporalio/testing';
import { Connections } from '../../activities/connections';
import { createRegisterMigrationActivities, type MigrateBatchInput } from '../../activities/registers/engine';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { registerTenant } from './register-harness';
import { control } from './sandboxes';

/**
 * Netvisor products → Rackbeat batches run as activities outside a worker (MockActivityEnvironment), for tests of
 * what a batch reads and writes: `products` Netvisor products seeded, Rackbeat empty, one worker's activities (one
 * RunMemo), and an environment per attempt of one workflow run, so batches share the run's memory on this "worker".
 */
export async function productMigrationBatches(sandboxes: Record<string, StartedSandbox>, tenantId: string, seed: number, products: number) {
  const urls = { netvisor: sandboxes.netvisor.url, rackbeat: sandboxes.rackbeat.url, severa: sandboxes.severa.url, so: sandboxes['24so'].url };
  const tenant = registerTenant(tenantId, urls, [{ pair: 'rackbeat-netvisor', registers: { products: { direction: 'netvisor-to-rackbeat' } } }]);
  await control(urls.netvisor, 'seed', { seed, counts: { products, customers: 0, salesInvoices: 0 } });
  await control(urls.rackbeat, 'seed', { seed, counts: { products: 0, customers: 0, suppliers: 0, orders: 0 } });
  const { migrateBatch } = createRegisterMigrationActivities(new Connections(new Map([[tenant.tenant, tenant]])));
  const env = (attempt = 1) => new MockActivityEnvironment({ workflowExecution: { workflowId: `migration/${tenantId}/rackbeat-netvisor/products`, runId: 'run-1' }, attempt });
  const input: MigrateBatchInput = { tenant: tenant.tenant, pair: 'rackbeat-netvisor', register: 'products', direction: 'netvisor-to-rackbeat', dryRun: false, batchSize: 10 };
  return { urls, migrateBatch, env, input };
}
