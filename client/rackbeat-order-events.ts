import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { TASK_QUEUE } from '../orchestration/task-queue';

/** A Rackbeat order webhook as the route parsed it: event name (from the Rackbeat-Webhook-Event header), order number, raw body. */
export interface RackbeatOrderEvent {
  event: string;
  key: string | number;
  body: unknown;
}

/** Workflow type (workflows/order-lifecycle.ts) that finds the 24SO order behind a Rackbeat order and signals its lifecycle. */
export const ROUTE_RACKBEAT_ORDER_EVENT = 'routeRackbeatOrderEvent';

/**
 * Hands one Rackbeat order event to the order lifecycle. A Rackbeat delivery carries only the order number, and
 * the lifecycle workflow is keyed by the 24SevenOffice order id stamped on the Rackbeat order, so a tiny routing
 * workflow looks that stamp up (an activity, with the worker's credentials) and signals
 * `order/<tenant>/24so/<id>`. Orders that did not come from 24SO are ignored there.
 *
 * Rackbeat sends `{key_name, key}` and the `Rackbeat-Webhook-Event` header, and no delivery id, so a true duplicate
 * cannot be told from a second real event. The event id is therefore what the delivery carries, `<event>:<number>`:
 * identical deliveries collapse while one is still pending (the routing workflow of the same id is reused while it
 * runs, and the lifecycle merges an identical event still waiting for its check), and a later identical event, once
 * the first was checked, is processed again. That is safe because every check reads the Rackbeat order's actual
 * state before it writes anything.
 */
export async function handleRackbeatOrderEvent(
  temporal: Client,
  tenantId: string,
  event: { event: string; key: string | number; body: unknown },
  taskQueue: string = TASK_QUEUE,
): Promise<void> {
  const number = String(event.key).trim();
  if (!/^\d+$/.test(number)) throw new Error(`Rackbeat order event ${event.event} has no order number (key ${JSON.stringify(event.key)})`);
  if (!event.event.startsWith('order.')) return;
  const receivedAt = new Date().toISOString();
  const eventId = `${event.event}:${number}`;
  await temporal.workflow.start(ROUTE_RACKBEAT_ORDER_EVENT, {
    taskQueue,
    workflowId: `rackbeat-order-event/${tenantId}/${number}/${eventId}`,
    args: [{ tenant: tenantId, rackbeatNumber: Number(number), event: event.event, eventId, receivedAt }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}
