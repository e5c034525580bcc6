import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { upsertSchedule } from './schedule-upsert';
import { ensureLifecycleSchedules } from '../client/lifecycle-schedules';
import { ensureSyncSchedules } from './sync-schedules';
import { ensureStockSchedules } from './stock-schedules';
import { ensureInvoiceSchedules } from './invoice-schedules';
import { reconcileScheduleId, reconcileShop } from '../workflows/reconcile-shop';
import { TASK_QUEUE } from './task-queue';

/**
 * One reconciliation Schedule per tenant shop, created when missing and brought in line with the configuration
 * when it exists (interval and lookback may have changed). Schedules for shops no longer configured are left
 * alone: deleting is an operator's decision.
 */
export async function ensureReconcileSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  const ids: string[] = [];
  for (const tenant of tenants.values()) {
    const settings = tenant.orderExport;
    if (!settings) continue;
    for (const shop of tenant.shops) {
      const scheduleId = reconcileScheduleId(tenant.tenant, shop.id);
      const options = {
        scheduleId,
        spec: { intervals: [{ every: settings.reconcileEvery as `${number}m` }] },
        action: {
          type: 'startWorkflow' as const,
          workflowType: reconcileShop,
          args: [{ tenant: tenant.tenant, shop: shop.id, lookback: settings.reconcileLookback }] as [Parameters<typeof reconcileShop>[0]],
          taskQueue,
          workflowId: `reconcile/${tenant.tenant}/${shop.id}`,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
        state: { note: `reconciliation of ${tenant.tenant}/${shop.id} (config/${tenant.tenant}.yaml)` },
      };
      ids.push(await upsertSchedule(client, options));
    }
  }
  return ids;
}

/**
 * Every Schedule the tenants' configuration implies: shop reconciliation, register sync polling, the order
 * lifecycle's pick-up, stock polls and invoice reconciliation. Onboarding's go-live calls the per-flow functions for one tenant; `siirto stack` calls this
 * for the tenants it loads, because a local stack is live by definition.
 */
export async function ensureAllSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  return [
    ...(await ensureReconcileSchedules(client, tenants, taskQueue)),
    ...(await ensureSyncSchedules(client, tenants, taskQueue)),
    ...(await ensureLifecycleSchedules(client, tenants, taskQueue)),
    ...(await ensureStockSchedules(client, tenants, taskQueue)),
    ...(await ensureInvoiceSchedules(client, tenants, taskQueue)),
  ];
}
