/**
 * The polling budget (issue #14): per tenant, the calls per hour each system receives from Siirto's Schedules at the
 * default intervals, measured by counting, not copied: the Schedules are the ones `ensureAllSchedules`
 * (orchestration/schedules.ts) builds for a tenant whose settings come through the config schemas with their
 * defaults, and each Schedule's poll is run against the sandboxes and its API calls counted (GET /__sandbox/stats).
 * Calls per hour = polls per hour (from the Schedule's interval) × calls of a steady-state poll (the second one: the
 * first may log in or start from the first-poll lookback).
 *
 * Used by bench/polling-budget.ts (prints it against the published limits) and test/unit/polling-budget.test.ts
 * (asserts 24SevenOffice's share). Not a benchmark by itself (bench/run.ts skips it).
 */
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { Connections } from '../activities/connections';
import type { ResolvedTenant } from '../config/load';
import { LifecycleSettings } from '../config/lifecycle-schema';
import { OrderExportSettings } from '../config/schema';
import { StockSettings } from '../config/stock-schema';
import { SyncSettings } from '../config/sync-schema';
import { durationMs } from '../domain/duration';
import type { PairName, RegisterName, SyncSystem } from '../domain/sync';
import { ensureAllSchedules } from '../orchestration/schedules';

export type PolledSystem = 'netvisor' | 'rackbeat' | '24so' | 'severa' | 'woocommerce';
export const POLLED_SYSTEMS: readonly PolledSystem[] = ['24so', 'rackbeat', 'netvisor', 'severa', 'woocommerce'];
export type BudgetUrls = Record<PolledSystem, string>;

/**
 * A tenant using every polled flow, each setting left at its default: a WooCommerce shop exporting to Netvisor
 * (reconciliation), the 24SevenOffice ↔ Rackbeat order lifecycle, register sync 24SO → Rackbeat for every register
 * of the pair (the most 24SO polling a tenant can configure: each is polled from 24SO) and Severa → Netvisor, and
 * the shop's stock levels from Netvisor's warehouse.
 */
export function budgetTenant(id: string, urls: BudgetUrls): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: { baseUrl: urls.netvisor, customerId: 'SIIRTO-SANDBOX', customerKey: 'sandbox-customer-key', partnerId: 'SIIRTO_SANDBOX', partnerKey: 'sandbox-partner-key', organisationId: '1234567-1', language: 'FI' },
      rackbeat: { baseUrl: `${urls.rackbeat}/api`, apiToken: 'sandbox-rackbeat-token' },
      twentyfourseven: { baseUrl: urls['24so'], applicationId: '00000000-0000-0000-0000-000000000024', username: 'single@siirto.test', password: 'sandbox' },
      severa: { baseUrl: urls.severa, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
    },
    shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing', 'completed'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: 'sandbox-webhook-secret' }],
    orderExport: OrderExportSettings.parse({ numbering: { offset: 900000, max: 999999 } }),
    lifecycle: LifecycleSettings.parse({}),
    sync: SyncSettings.parse({
      pairs: [
        {
          pair: 'rackbeat-24so',
          registers: {
            customers: { direction: '24so-to-rackbeat' },
            suppliers: { direction: '24so-to-rackbeat' },
            products: { direction: '24so-to-rackbeat' },
            'product-groups': { direction: '24so-to-rackbeat' },
          },
        },
        { pair: 'severa-netvisor', registers: { customers: { direction: 'severa-to-netvisor' }, products: { direction: 'severa-to-netvisor' }, 'cost-centres': { direction: 'severa-to-netvisor' } } },
      ],
    }),
    stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] }),
  } as unknown as ResolvedTenant;
}

type ScheduleOptions = Parameters<Client['schedule']['create']>[0];

/** The Schedules `ensureAllSchedules` would create for these tenants, captured instead of sent to Temporal. */
export async function scheduledPolls(tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue: string): Promise<ScheduleOptions[]> {
  const captured: ScheduleOptions[] = [];
  const recorder = { schedule: { create: async (options: ScheduleOptions) => void captured.push(options) } } as unknown as Client;
  await ensureAllSchedules(recorder, tenants, taskQueue);
  return captured;
}

export interface MeasuredPoll {
  scheduleId: string;
  workflowType: string;
  every: string;
  pollsPerHour: number;
  /** API calls of one steady-state poll, per system. */
  calls: Partial<Record<PolledSystem, number>>;
}

export interface PollingBudget {
  polls: MeasuredPoll[];
  /** Calls per hour per system, all Schedules of the tenant together. */
  perHour: Record<PolledSystem, number>;
  /** Not a Schedule: each open lifecycle order's Rackbeat read every `rackbeatCheckEvery` (default), per hour. */
  openOrderChecksPerHour: number;
}

const workflowTypeName = (t: unknown): string => (typeof t === 'function' ? t.name : String(t));

async function requestsBySystem(urls: BudgetUrls): Promise<Record<PolledSystem, number>> {
  const out = {} as Record<PolledSystem, number>;
  for (const s of POLLED_SYSTEMS) out[s] = ((await (await fetch(`${urls[s]}/__sandbox/stats`)).json()) as { requests: number }).requests;
  return out;
}

/**
 * Runs every Schedule's poll twice against the sandboxes (a worker must be running on `taskQueue` with `tenant`)
 * and counts the second run's calls. The Schedule's workflow itself runs where it makes the calls (lifecycle
 * pick-up, shop reconciliation); a register's change poll is the sync entity's `pollChanges` activity, run here with
 * the cursors the previous poll returned, exactly as the entity hands them on.
 */
export async function measurePollingBudget(opts: { client: Client; taskQueue: string; tenant: ResolvedTenant; urls: BudgetUrls; progress?: (line: string) => void }): Promise<PollingBudget> {
  const tenants = new Map([[opts.tenant.tenant, opts.tenant]]);
  const schedules = await scheduledPolls(tenants, opts.taskQueue);
  const activities = createActivities(new Connections(tenants), () => opts.client);
  const polls: MeasuredPoll[] = [];
  for (const s of schedules) {
    const action = s.action as { workflowType: unknown; args?: unknown[] };
    const type = workflowTypeName(action.workflowType);
    const every = String((s.spec.intervals?.[0] as { every: string | number } | undefined)?.every ?? '');
    const intervalMs = durationMs(every);
    let runOnce: () => Promise<void>;
    if (type === 'watchRegister') {
      const arg = action.args![0] as { tenant: string; pair: PairName; register: RegisterName };
      let cursors: Partial<Record<SyncSystem, string>> = {};
      runOnce = async () => {
        const res = (await new MockActivityEnvironment().run(activities.pollChanges, { tenant: arg.tenant, pair: arg.pair, register: arg.register, cursors })) as Awaited<ReturnType<typeof activities.pollChanges>>;
        cursors = res.cursors;
      };
    } else if (type === 'watchStock') {
      // The Schedule's run signals the shop's stock entity, which runs pollStock from its cursor (workflows/stock-sync.ts).
      const arg = action.args![0] as { tenant: string; shop: string };
      let cursor: string | undefined;
      runOnce = async () => {
        const res = (await new MockActivityEnvironment().run(activities.pollStock, { tenant: arg.tenant, shop: arg.shop, cursor, knownMissing: [] })) as Awaited<ReturnType<typeof activities.pollStock>>;
        cursor = res.cursor;
      };
    } else if (type === 'pollLifecycleOrders' || type === 'reconcileShop') {
      let first = true;
      runOnce = async () => {
        // The Schedule was captured, not created: the lifecycle's very first poll (no stored cursor yet) would look
        // for the Schedule's earlier runs, so it is given its window explicitly; the measured poll runs as scheduled.
        const args = first && type === 'pollLifecycleOrders' ? [{ ...(action.args![0] as object), since: new Date(Date.now() - 3_600_000).toISOString() }] : action.args;
        first = false;
        const handle = await opts.client.workflow.start(type, { args, taskQueue: opts.taskQueue, workflowId: `budget/${s.scheduleId}/${crypto.randomUUID()}` });
        const timer = setTimeout(async () => {
          const d = await handle.describe().catch(() => null);
          const pending = d?.raw.pendingActivities?.map((a) => `${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? ''}`);
          opts.progress?.(`${s.scheduleId} still running after 15 s: ${pending?.join('; ') ?? 'no pending activity'}`);
        }, 15_000);
        try {
          await handle.result();
        } finally {
          clearTimeout(timer);
        }
      };
    } else {
      throw new Error(`polling budget: Schedule ${s.scheduleId} runs ${type}, which the budget does not know how to run; add it to bench/polling-model.ts`);
    }
    opts.progress?.(`${s.scheduleId}: ${type} every ${every}`);
    await runOnce();
    const before = await requestsBySystem(opts.urls);
    await runOnce();
    const after = await requestsBySystem(opts.urls);
    const calls: Partial<Record<PolledSystem, number>> = {};
    for (const sys of POLLED_SYSTEMS) if (after[sys] > before[sys]) calls[sys] = after[sys] - before[sys];
    polls.push({ scheduleId: s.scheduleId, workflowType: type, every, pollsPerHour: 3_600_000 / intervalMs, calls });
  }
  const perHour = Object.fromEntries(POLLED_SYSTEMS.map((sys) => [sys, polls.reduce((sum, p) => sum + p.pollsPerHour * (p.calls[sys] ?? 0), 0)])) as Record<PolledSystem, number>;
  const lifecycle = opts.tenant.lifecycle as LifecycleSettings | undefined;
  return { polls, perHour, openOrderChecksPerHour: lifecycle ? 3_600_000 / durationMs(lifecycle.rackbeatCheckEvery) : 0 };
}
