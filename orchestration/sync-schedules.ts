import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { upsertSchedule } from './schedule-upsert';
import { PairSyncSettings } from '../config/sync-schema';
import { parseDirection, type PairName, type RegisterName } from '../domain/sync';
import { TASK_QUEUE } from './task-queue';
import { watchRegister } from '../workflows/register-watch';

/** `sync/<tenant>/<pair>/<register>`: the Schedule id of a register's change poll (and the id of its sync entity). */
export const syncScheduleId = (tenant: string, pair: string, register: string): string => `sync/${tenant}/${pair}/${register}`;

/**
 * One Schedule per tenant × pair × register whose master is polled (everything but Rackbeat, whose changes come by
 * webhook), created when missing and brought in line with the configuration when it exists. Each run asks the
 * register's sync entity to poll changed-since from its durable cursor. Schedules of registers no longer
 * configured are left alone: removing them is an operator's decision.
 */
export async function ensureSyncSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  const ids: string[] = [];
  for (const tenant of tenants.values()) {
    for (const raw of tenant.sync?.pairs ?? []) {
      const p = raw as unknown as PairSyncSettings;
      for (const [register, settings] of Object.entries(p.registers)) {
        if (!settings) continue;
        const master = settings.master ?? parseDirection(settings.direction).source;
        if (master === 'rackbeat') continue;
        const scheduleId = syncScheduleId(tenant.tenant, p.pair, register);
        const options = {
          scheduleId,
          spec: { intervals: [{ every: p.pollEvery as `${number}m` }] },
          action: {
            type: 'startWorkflow' as const,
            workflowType: watchRegister,
            args: [{ tenant: tenant.tenant, pair: p.pair as PairName, register: register as RegisterName, taskQueue }] as [Parameters<typeof watchRegister>[0]],
            taskQueue,
            workflowId: `${scheduleId}/poll`,
          },
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
          state: { note: `change poll of ${register} (${p.pair}, master ${master}) for ${tenant.tenant} (config/${tenant.tenant}.yaml)` },
        };
        ids.push(await upsertSchedule(client, options));
      }
    }
  }
  return ids;
}
