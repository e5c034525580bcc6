import { Client, Connection, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { exportOrder, exportOrderWorkflowId, type ExportOrderInput } from '../workflows/order-export';
import { TASK_QUEUE } from '../worker/worker';

export async function connectClient(address: string, codec: PayloadCodec, namespace = 'default'): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, dataConverter: { payloadCodecs: [codec] } });
}

/**
 * Starts the export of one shop order, or joins the one already running: the workflow id is the order's natural
 * key, a running execution is reused (USE_EXISTING) and a finished one is never started again (REJECT_DUPLICATE).
 * Duplicate webhooks and the reconciliation poll can all call this safely.
 */
export async function startOrderExport(
  client: Client,
  input: ExportOrderInput,
  taskQueue = TASK_QUEUE,
): Promise<{ workflowId: string; alreadyFinished: boolean }> {
  const workflowId = exportOrderWorkflowId(input.tenant, input.shop, input.orderId);
  try {
    await client.workflow.start(exportOrder, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { workflowId, alreadyFinished: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyFinished: true };
    throw err;
  }
}
