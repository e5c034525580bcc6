import type { Client } from '@temporalio/client';
import { exportOrderWorkflowId } from '../workflows/order-export';
import { TASK_QUEUE } from '../orchestration/task-queue';
import { exportState, startOrderExport, startOrderExportAgain, type ExportState } from '../orchestration/temporal';

export interface ManualExportRequest {
  tenant: string;
  shop: string;
  orderId: string;
  /** `--again`: run a finished export once more, on purpose; who and why go into the new run's memo. */
  again?: { by: string; reason: string };
}

export interface ManualExportAnswer {
  workflowId: string;
  /**
   * started: it had never run, and now does. running: it runs already (nothing started). already-finished: it
   * finished before, and without --again nothing is started. started-again: the finished export runs once more.
   */
  outcome: 'started' | 'running' | 'already-finished' | 'started-again';
  /** How the earlier run ended, for already-finished and started-again: done, skipped or failed. */
  previous?: Exclude<ExportState, 'none' | 'running'>;
  again?: { by: string; reason: string };
}

/**
 * `siirto export`: the operator's own start of one order's export, on the one workflow id of the order. Without
 * `again` it behaves like a webhook (a finished export is not run twice) and says what it found. With `again`, a
 * finished export (done, skipped or failed) is started once more; a running one is left alone. A second run
 * never writes a second document: the document step looks for the number it stamped and reuses what it finds.
 */
export async function manualExport(client: Client, req: ManualExportRequest, taskQueue = TASK_QUEUE): Promise<ManualExportAnswer> {
  const workflowId = exportOrderWorkflowId(req.tenant, req.shop, req.orderId);
  const input = { tenant: req.tenant, shop: req.shop, orderId: req.orderId, trigger: 'manual' as const };
  const before = await exportState(client, workflowId);
  if (before === 'running') return { workflowId, outcome: 'running' };
  if (before === 'none') {
    const { alreadyFinished } = await startOrderExport(client, input, taskQueue);
    if (!alreadyFinished) return { workflowId, outcome: 'started' };
    return manualExport(client, req, taskQueue); // it finished in between: answer as for a finished one
  }
  if (!req.again) return { workflowId, outcome: 'already-finished', previous: before };
  const { started } = await startOrderExportAgain(client, { ...input, again: req.again }, taskQueue);
  return started ? { workflowId, outcome: 'started-again', previous: before, again: req.again } : { workflowId, outcome: 'running' };
}

export function describeManualExport(a: ManualExportAnswer, cmd: string): string {
  switch (a.outcome) {
    case 'started':
      return `${a.workflowId}: export started (it had never run)`;
    case 'running':
      return `${a.workflowId}: the export is running already; nothing started`;
    case 'already-finished':
      return `${a.workflowId}: the export already finished (${a.previous}); nothing started. To run it again on purpose: ${cmd} --again --reason "<why>"`;
    case 'started-again':
      return `${a.workflowId}: export started again (the previous run was ${a.previous}), by ${a.again!.by}: ${a.again!.reason}`;
  }
}
