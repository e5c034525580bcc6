import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import type { ShopStockSettings } from '../config/stock-schema';
import { stockWorkflowId } from '../activities/stock';
import { watchStock } from '../workflows/stock-sync';
import { upsertSchedule } from './schedule-upsert';
import { TASK_QUEUE } from './task-queue';

/** `stock/<tenant>/<shop>`: the Schedule id of a shop's stock poll (and the id of its stock entity). */
export const stockScheduleId = stockWorkflowId;

/**
 * One Schedule per tenant × shop under `stock.shops`, created when missing and brought in line with the
 * configuration when it exists. Each run asks the shop's stock entity to poll Netvisor from its durable cursor.
 * Schedules of shops no longer configured are left alone: removing them is an operator's decision.
 */
export async function ensureStockSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  const ids: string[] = [];
  for (const tenant of tenants.values()) {
    for (const raw of tenant.stock?.shops ?? []) {
      const s = raw as unknown as ShopStockSettings;
      const scheduleId = stockScheduleId(tenant.tenant, s.shop);
      const options = {
        scheduleId,
        spec: { intervals: [{ every: s.pollEvery as `${number}m` }] },
        action: {
          type: 'startWorkflow' as const,
          workflowType: watchStock,
          args: [{ tenant: tenant.tenant, shop: s.shop, taskQueue }] as [Parameters<typeof watchStock>[0]],
          taskQueue,
          workflowId: `${scheduleId}/poll`,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
        state: { note: `stock levels Netvisor (${s.warehouses.join(s.mode === 'sum' ? ' + ' : ', ')}) → ${s.shop} for ${tenant.tenant} (config/${tenant.tenant}.yaml)` },
      };
      ids.push(await upsertSchedule(client, options));
    }
  }
  return ids;
}
