import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { TASK_QUEUE } from '../orchestration/task-queue';
import { startOnce } from '../orchestration/temporal';
import { invoiceTransfer, invoiceTransferWorkflowId, type InvoiceTransferInput, type InvoiceTransferResult } from '../workflows/invoice-transfer';
import { statusQuery, type TransferState } from '../workflows/transfer';

/** What starts a transfer, checked before anything reaches Temporal. */
export const InvoiceTransferStart = z.object({
  tenant: z.string().min(1, 'the tenant is empty'),
  number: z.number({ message: 'the Rackbeat invoice number must be a number' }).int('the Rackbeat invoice number must be a whole number').positive('the Rackbeat invoice number must be positive'),
  trigger: z.enum(['webhook', 'reconcile', 'credit-note', 'manual']),
  historyBudget: z.number().int().positive().optional(),
});

/**
 * Starts the transfer of one Rackbeat invoice or credit note, or joins the one already running: the workflow id is
 * the document's natural key (`invoice/<tenant>/rackbeat/<number>`), a running execution is reused (USE_EXISTING)
 * and a finished one is never started again (REJECT_DUPLICATE). The webhook route, the reconciliation poll and a
 * credit note waiting for its invoice all call this; duplicates land on the one workflow.
 */
export async function startInvoiceTransfer(
  client: Client,
  raw: InvoiceTransferInput,
  taskQueue = TASK_QUEUE,
): Promise<{ workflowId: string; alreadyFinished: boolean; /** Closed without completing (terminated, timed out …): never started again, and not transferred. */ ended?: string }> {
  const parsed = InvoiceTransferStart.safeParse(raw);
  if (!parsed.success) throw new Error(`cannot start an invoice transfer: ${parsed.error.issues[0].message}`);
  const input: InvoiceTransferInput = parsed.data;
  const workflowId = invoiceTransferWorkflowId(input.tenant, input.number);
  if (await startOnce(client, invoiceTransfer, { workflowId, taskQueue, args: [input] })) return { workflowId, alreadyFinished: false };
  // Closed for good (REJECT_DUPLICATE). Completed is "already transferred"; a terminated or timed-out one is not,
  // and must not pass for it: the caller says so.
  const status = (await client.workflow.getHandle(workflowId).describe()).status.name;
  return { workflowId, alreadyFinished: true, ...(status !== 'COMPLETED' ? { ended: status.toLowerCase().replace(/_/g, ' ') } : {}) };
}

/** Where an invoice's transfer stands: its result once finished, its transfer state while running. */
export type InvoiceTransferProgress =
  | { state: 'none' }
  | { state: 'running'; status: TransferState | null }
  | { state: 'done'; result: InvoiceTransferResult }
  | { state: 'closed'; how: string };

export async function invoiceTransferProgress(client: Client, tenant: string, number: number): Promise<InvoiceTransferProgress> {
  const handle = client.workflow.getHandle(invoiceTransferWorkflowId(tenant, number));
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { state: 'none' };
    throw err;
  }
  const status = description.status.name;
  if (status === 'RUNNING') return { state: 'running', status: await handle.query(statusQuery).catch(() => null) };
  if (status !== 'COMPLETED') return { state: 'closed', how: status.toLowerCase().replace(/_/g, ' ') };
  return { state: 'done', result: (await handle.result()) as InvoiceTransferResult };
}

/** A Rackbeat `customer_invoice.*` delivery, as the webhook route parsed it (token already checked). */
export interface RackbeatInvoiceEvent {
  event: string;
  key: string | number;
}

/**
 * Hands a Rackbeat invoice event to its transfer. Only `customer_invoice.booked` starts one: a draft is not an
 * invoice yet (its booking sends its own event), and other events of a booked invoice change nothing the target
 * holds. Answers what was done, for the route's reply.
 */
export async function handleRackbeatInvoiceEvent(
  temporal: Client,
  tenantId: string,
  event: RackbeatInvoiceEvent,
  taskQueue: string = TASK_QUEUE,
): Promise<{ started?: { workflowId: string; alreadyFinished: boolean }; ignored?: string }> {
  const number = String(event.key).trim();
  if (!/^\d+$/.test(number)) throw new Error(`Rackbeat invoice event ${event.event} has no invoice number (key ${JSON.stringify(event.key)})`);
  if (event.event !== 'customer_invoice.booked') return { ignored: `${event.event}: only a booked invoice is transferred` };
  return { started: await startInvoiceTransfer(temporal, { tenant: tenantId, number: Number(number), trigger: 'webhook' }, taskQueue) };
}
