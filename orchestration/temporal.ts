import {
  Client,
  Connection,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { PayloadCodec, Workflow } from '@temporalio/common';
import { exportOrder, exportOrderWorkflowId, type ExportOrderInput } from '../workflows/order-export';
import { SiirtoStatus } from '../workflows/search-attributes';
import { TASK_QUEUE } from './task-queue';
import { connectionInterceptors } from './grpc-interceptors';

/**
 * `lazy`: do not wait for the server at start (the HTTP server must come up, and answer, while Temporal is down;
 * its calls then fail within their deadline instead). Commands that only talk to Temporal connect eagerly, so an
 * unreachable server is reported at once.
 */
export async function connectClient(address: string, codec: PayloadCodec, namespace = 'default', opts: { lazy?: boolean } = {}): Promise<Client> {
  const connection = opts.lazy ? Connection.lazy({ interceptors: connectionInterceptors(), address }) : await Connection.connect({ interceptors: connectionInterceptors(), address });
  return new Client({ connection, namespace, dataConverter: { payloadCodecs: [codec] } });
}

/** Temporal could not be reached (or did not answer) in time: the caller should come back later. */
export class TemporalUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Temporal did not answer: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'TemporalUnavailableError';
  }
}

// gRPC status codes (grpc.status): CANCELLED 1, DEADLINE_EXCEEDED 4, RESOURCE_EXHAUSTED 8, UNAVAILABLE 14.
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([1, 4, 8, 14]);

/** True for "the server is down, overloaded or too slow", as opposed to a refusal that retrying would not change. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TemporalUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  }
  return false;
}

/** Runs `fn` with every Temporal call in it bounded by `deadlineMs`; a missed deadline or a down server throws TemporalUnavailableError. */
export async function bounded<R>(client: Client, deadlineMs: number | undefined, fn: () => Promise<R>): Promise<R> {
  if (deadlineMs === undefined) return fn();
  try {
    return await client.withDeadline(Date.now() + deadlineMs, fn);
  } catch (err) {
    throw isTemporalUnavailable(err) ? new TemporalUnavailableError(err) : err;
  }
}

/**
 * What became of an order's export so far: never started, running, or closed. A closed one is `done` (a document
 * was written), `skipped` (an operator skipped it: nothing was written), or `failed` (failed, terminated, cancelled
 * or timed out: nothing may have been written).
 */
export type ExportState = 'none' | 'running' | 'done' | 'skipped' | 'failed';

export async function exportState(client: Client, workflowId: string): Promise<ExportState> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'none';
    throw err;
  }
  const status = description.status.name;
  if (status === 'RUNNING') return 'running';
  if (status !== 'COMPLETED' && status !== 'CONTINUED_AS_NEW') return 'failed';
  return description.typedSearchAttributes.get(SiirtoStatus) === 'skipped' ? 'skipped' : 'done';
}

export interface StartedExport {
  workflowId: string;
  /** True when an earlier run had already finished: nothing was started. */
  alreadyFinished: boolean;
}

/**
 * Starts the export of one shop order, or joins the one already running: the workflow id is the order's natural
 * key, a running execution is reused (USE_EXISTING) and a finished one is never started again (REJECT_DUPLICATE).
 * Duplicate webhooks and the reconciliation poll can all call this safely; only `siirto export --again`
 * (startOrderExportAgain) runs a finished one once more. With `deadlineMs`, an unreachable or slow Temporal server
 * throws TemporalUnavailableError within that time instead of holding the caller.
 */
export async function startOrderExport(client: Client, input: ExportOrderInput, taskQueue = TASK_QUEUE, opts: { deadlineMs?: number } = {}): Promise<StartedExport> {
  const workflowId = exportOrderWorkflowId(input.tenant, input.shop, input.orderId);
  const started = await startOnce(client, exportOrder, { workflowId, taskQueue, args: [input] }, opts.deadlineMs);
  return { workflowId, alreadyFinished: !started };
}

/**
 * The one start of a workflow whose id is its work's natural key: a running execution is joined (USE_EXISTING) and
 * a closed one is never started again (REJECT_DUPLICATE). Resolves false when that id had already closed. Order
 * exports and invoice transfers start through this, so duplicate webhooks and polls land on one workflow.
 */
export async function startOnce<W extends Workflow>(
  client: Client,
  workflow: W,
  options: WorkflowStartOptions<W>,
  deadlineMs?: number,
): Promise<boolean> {
  try {
    await bounded(client, deadlineMs, () =>
      client.workflow.start(workflow, {
        ...options,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * The explicit re-run of a finished export (`siirto export --again`): the same workflow id, started once more with
 * ALLOW_DUPLICATE, for this call only. A running export is never started twice (FAIL on a conflict): the caller
 * hears it is running. Writing twice is ruled out by the workflow itself: the document step looks for the
 * document it stamped before writing, and reuses it.
 */
export async function startOrderExportAgain(client: Client, input: ExportOrderInput, taskQueue = TASK_QUEUE): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = exportOrderWorkflowId(input.tenant, input.shop, input.orderId);
  try {
    await client.workflow.start(exportOrder, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
