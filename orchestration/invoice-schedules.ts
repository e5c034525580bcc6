import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { reconcileInvoices, reconcileInvoicesWorkflowId } from '../workflows/invoice-transfer';
import { upsertSchedule } from './schedule-upsert';
import { TASK_QUEUE } from './task-queue';

/** `invoices/<tenant>`: the Schedule of a tenant's invoice reconciliation poll. */
export const invoiceScheduleId = (tenant: string): string => `invoices/${tenant}`;

/**
 * The tenant's invoice reconciliation Schedule, created when missing and brought in line with the configuration
 * (`invoices.reconcileEvery`) when it exists; its paused state and note are left alone. Each run lists the invoices
 * booked in Rackbeat since the previous run's cursor and starts each one's transfer (workflows/invoice-transfer.ts).
 * Returns null for a tenant without `invoices:`.
 */
export async function ensureInvoiceSchedule(client: Client, tenant: ResolvedTenant, taskQueue = TASK_QUEUE): Promise<string | null> {
  const settings = tenant.invoices;
  if (!settings) return null;
  const scheduleId = invoiceScheduleId(tenant.tenant);
  return upsertSchedule(client, {
    scheduleId,
    spec: { intervals: [{ every: settings.reconcileEvery as `${number}m` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: reconcileInvoices,
      args: [{ tenant: tenant.tenant, taskQueue, scheduleId }] as [Parameters<typeof reconcileInvoices>[0]],
      taskQueue,
      workflowId: reconcileInvoicesWorkflowId(tenant.tenant),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
    state: { note: `Rackbeat invoices → ${settings.to === '24so' ? '24SevenOffice' : 'Netvisor'} for ${tenant.tenant}: reconciliation behind the webhooks (config/${tenant.tenant}.yaml)` },
  });
}

/** One invoice Schedule per tenant with `invoices:`. Schedules of tenants no longer configured are left alone. */
export async function ensureInvoiceSchedules(client: Client, tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue = TASK_QUEUE): Promise<string[]> {
  const ids: string[] = [];
  for (const tenant of tenants.values()) {
    const id = await ensureInvoiceSchedule(client, tenant, taskQueue);
    if (id) ids.push(id);
  }
  return ids;
}
