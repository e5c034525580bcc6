import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { orderLifecycle, orderLifecycleWorkflowId, pickUpSignal, stateQuery, type LifecycleState, type PickUpTrigger } from '../workflows/order-lifecycle';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoTenant } from '../workflows/search-attributes';
import { TASK_QUEUE } from '../orchestration/task-queue';

export interface FollowAnswer {
  workflowId: string;
  /** The workflow has finished (the order was sent, or an operator stopped following it): nothing was started. */
  finished: boolean;
  /** The request id this call sent; the workflow remembers the id that started it. */
  requestId: string;
}

/**
 * Hands a 24SO order to its lifecycle workflow `order/<tenant>/24so/<id>`: signal-with-start, so the running
 * workflow is signalled when there is one (USE_EXISTING) and one is started otherwise. A finished workflow is not
 * started again (REJECT_DUPLICATE): its Rackbeat order exists and the 24SO order was sent. The pick-up poll, the
 * manual GET and tests all come through here, so pressing GET any number of times gives one workflow and one
 * Rackbeat order.
 */
export async function followOrder(
  client: Client,
  input: { tenant: string; orderId: number; trigger: PickUpTrigger },
  taskQueue: string = TASK_QUEUE,
): Promise<FollowAnswer> {
  const workflowId = orderLifecycleWorkflowId(input.tenant, input.orderId);
  const requestId = randomUUID();
  try {
    await client.workflow.signalWithStart(orderLifecycle, {
      taskQueue,
      workflowId,
      args: [{ tenant: input.tenant, orderId: input.orderId, trigger: input.trigger, requestId }],
      signal: pickUpSignal,
      signalArgs: [{ requestId, trigger: input.trigger }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SiirtoTenant, value: input.tenant },
        { key: SiirtoFlow, value: 'order-lifecycle' },
        { key: SiirtoEntity, value: 'order' },
        { key: SiirtoSourceId, value: `24so/${input.orderId}` },
      ],
    });
    return { workflowId, finished: false, requestId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, finished: true, requestId };
    throw err;
  }
}

export interface ManualGetAnswer {
  workflowId: string;
  /** "new": this GET started following the order; "already followed": a workflow for it existed. */
  outcome: 'new' | 'already followed';
  finished: boolean;
  state: LifecycleState | null;
}

/** `siirto orders get`: follow the order whatever its 24SO status, then say whether it was new and where it stands. */
export async function manualGet(client: Client, tenant: string, orderId: number, taskQueue: string = TASK_QUEUE): Promise<ManualGetAnswer> {
  const answer = await followOrder(client, { tenant, orderId, trigger: 'manual' }, taskQueue);
  const handle = client.workflow.getHandle(answer.workflowId);
  let state: LifecycleState | null = null;
  try {
    state = await handle.query(stateQuery);
  } catch {
    state = null;
  }
  const outcome = !answer.finished && state?.startedBy === answer.requestId ? 'new' : 'already followed';
  return { workflowId: answer.workflowId, outcome, finished: answer.finished, state };
}
