import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { budgetTenant, measurePollingBudget, POLLED_SYSTEMS, scheduledPolls, type BudgetUrls, type PollingBudget } from '../../bench/polling-model';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { startTestSandboxes } from '../support/sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * The polling budget at the default intervals (issue #14): a tenant with every polled flow (shop reconciliation, the
 * 24SO ↔ Rackbeat lifecycle pick-up, register sync polled from 24SO for every register and from Severa, stock levels
 * from Netvisor) stays within
 * a stated share of 24SevenOffice's 7,200 calls/hour, leaving the rest to the customer's other integrations. The
 * Schedules are the ones orchestration/schedules.ts builds; each poll's calls are counted on the sandboxes.
 */
const SO_LIMIT_PER_HOUR = 7_200;
/** The share of 24SO's hourly limit one tenant's idle polling may use. */
const SO_SHARE = 0.05;

jest.setTimeout(120_000);

let budget: PollingBudget;
let stop: () => Promise<void> = async () => {};

beforeAll(async () => {
  installRuntime('ERROR');
  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['24so', 'rackbeat', 'netvisor', 'severa', 'woocommerce']);
  // An idle shop: no orders waiting (reconciliation would start exports for them).
  await fetch(`${sandboxes.woocommerce.url}/__sandbox/seed`, { method: 'POST', body: JSON.stringify({ seed: 3, counts: { orders: 0 } }) });
  const urls = Object.fromEntries(POLLED_SYSTEMS.map((s) => [s, sandboxes[s].url])) as BudgetUrls;
  const tenant = budgetTenant('budget', urls);
  const address = temporalAddress();
  const codec = new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });
  const taskQueue = `polling-budget-${crypto.randomUUID()}`;
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const { worker, close } = await createWorker({ address, tenants: new Map([[tenant.tenant, tenant]]), codec, taskQueue, options: { workflowBundle: await workflowBundle() } });
  const running = worker.run();
  stop = async () => {
    worker.shutdown();
    await running;
    await close();
    await connection.close();
    await stopSandboxes();
  };
  budget = await measurePollingBudget({ client, taskQueue, tenant, urls, progress: process.env.BUDGET_DEBUG ? (l) => process.stderr.write(`${l}\n`) : undefined });
  if (process.env.BUDGET_DEBUG) process.stderr.write(`${JSON.stringify(budget, null, 1)}\n`);
});
afterAll(() => stop());

it('counts every Schedule the tenant gets: reconciliation, lifecycle pick-up, one change poll per polled register', async () => {
  const ids = budget.polls.map((p) => p.scheduleId).sort();
  const expected = (await scheduledPolls(new Map([['budget', budgetTenant('budget', { '24so': 'x', rackbeat: 'x', netvisor: 'x', severa: 'x', woocommerce: 'x' })]]), 'q')).map((s) => s.scheduleId).sort();
  expect(ids).toEqual(expected);
  expect(budget.polls.map((p) => p.workflowType).sort()).toEqual(expect.arrayContaining(['pollLifecycleOrders', 'reconcileShop', 'watchRegister', 'watchStock']));
  // The measurement saw the polls' calls: the shop's reconciliation reads WooCommerce, the lifecycle pick-up 24SO,
  // the Severa-mastered registers Severa (a register without changed-since in its source, e.g. 24SO product
  // categories, is not polled at all and rightly costs nothing).
  const byId = new Map(budget.polls.map((p) => [p.scheduleId, p]));
  expect(byId.get('reconcile/budget/woo')!.calls.woocommerce).toBeGreaterThan(0);
  expect(byId.get('lifecycle/budget')!.calls['24so']).toBeGreaterThan(0);
  expect(byId.get('sync/budget/severa-netvisor/customers')!.calls.severa).toBeGreaterThan(0);
  expect(byId.get('sync/budget/rackbeat-24so/customers')!.calls['24so']).toBeGreaterThan(0);
});

it(`uses at most ${SO_SHARE * 100} % of 24SevenOffice's ${SO_LIMIT_PER_HOUR}/hour at the default intervals`, () => {
  // Calls per hour are polls per hour (the Schedule's interval) × the calls one steady-state poll made.
  const expected = budget.polls.reduce((sum, p) => sum + p.pollsPerHour * (p.calls['24so'] ?? 0), 0);
  expect(budget.perHour['24so']).toBe(expected);
  expect(expected).toBeGreaterThan(0);
  expect(budget.polls.find((p) => p.scheduleId === 'lifecycle/budget')!.pollsPerHour).toBe(60);
  expect(budget.perHour['24so']).toBeLessThanOrEqual(SO_SHARE * SO_LIMIT_PER_HOUR);
});

it('polls nothing of Rackbeat on a schedule (its changes come by webhook); an open lifecycle order adds one check per rackbeatCheckEvery', () => {
  expect(budget.perHour.rackbeat).toBe(0);
  expect(budget.openOrderChecksPerHour).toBe(12);
});
