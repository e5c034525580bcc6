import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { upsertSchedule } from '../orchestration/schedule-upsert';
import { lifecycleScheduleId, pollLifecycleOrders, type PollLifecycleInput } from '../workflows/order-lifecycle';
import { TASK_QUEUE } from '../orchestration/task-queue';

/**
 * One pick-up Schedule per tenant with lifecycle settings, `lifecycle/<tenant>`, every `pollEvery` (default 1m):
 * it runs `pollLifecycleOrders`, which hands every 24SO order at the pick-up status changed since the previous run's
 * cursor to its lifecycle workflow. Created when missing, brought in line with the configuration when it exists;
 * overlapping runs are skipped (a slow 24SO never piles polls up). Schedules of tenants no longer configured are left
 * alone: deleting is an operator's decision.
 *
 * Called at go-live (onboarding) and by the stack (`ensureAllSchedules` in orchestration/schedules.ts).
 */
export async function ensureLifecycleSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  const ids: string[] = [];
  for (const tenant of tenants.values()) {
    const settings = tenant.lifecycle;
    if (!settings || !tenant.connections.rackbeat || !tenant.connections.twentyfourseven) continue;
    const scheduleId = lifecycleScheduleId(tenant.tenant);
    const input: PollLifecycleInput = { tenant: tenant.tenant, taskQueue, scheduleId };
    const options = {
      scheduleId,
      spec: { intervals: [{ every: settings.pollEvery as `${number}m` }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: pollLifecycleOrders,
        args: [input] as [PollLifecycleInput],
        taskQueue,
        workflowId: `lifecycle-poll/${tenant.tenant}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5m' },
      state: { note: `24SO → Rackbeat order pick-up for ${tenant.tenant} (config/${tenant.tenant}.yaml, lifecycle.pollEvery ${settings.pollEvery})` },
    };
    ids.push(await upsertSchedule(client, options));
  }
  return ids;
}
