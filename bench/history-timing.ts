import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Where an order's time went, read from its workflow history (event times are the Temporal server's): how long each
 * workflow task and each activity waited in its queue and ran. For the benches' latency lines; the worker and the
 * server share this machine's clock.
 */
const E = temporal.api.enums.v1.EventType;

export interface OrderTiming {
  /** Workflow started → first workflow task started, and every later workflow task: waiting in the queue, running. */
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
  workflowTasks: number;
  /** Per activity type: scheduled → started (queue) and started → completed (run). */
  activities: Map<string, { queueMs: number; runMs: number }>;
  startedAt: number;
  /** Wall-clock times (server) of the workflow's start, of each workflow task's start and completion, and of each activity's schedule, start and completion. */
  events: Array<{ what: string; at: number }>;
}

const ms = (t: temporal.api.history.v1.IHistoryEvent['eventTime']): number => Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

export async function orderTiming(client: Client, workflowId: string): Promise<OrderTiming> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const at = new Map<number, number>();
  const name = new Map<number, string>();
  const timing: OrderTiming = { workflowTaskQueueMs: 0, workflowTaskRunMs: 0, workflowTasks: 0, activities: new Map(), startedAt: events.length ? ms(events[0].eventTime) : NaN, events: [] };
  if (events.length) timing.events.push({ what: 'workflow started', at: timing.startedAt });
  for (const e of events) {
    const id = Number(e.eventId);
    const t = ms(e.eventTime);
    at.set(id, t);
    switch (e.eventType) {
      case E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        timing.workflowTaskQueueMs += t - (at.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId)) ?? t);
        timing.workflowTasks++;
        timing.events.push({ what: `workflow task ${timing.workflowTasks} started`, at: t });
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        timing.workflowTaskRunMs += t - (at.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? t);
        timing.events.push({ what: `workflow task ${timing.workflowTasks} completed`, at: t });
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        name.set(id, e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
        timing.events.push({ what: `${name.get(id)} scheduled`, at: t });
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        timing.events.push({ what: `${name.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId)) ?? '?'} started`, at: t });
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = e.activityTaskCompletedEventAttributes;
        const scheduled = Number(a?.scheduledEventId);
        const started = at.get(Number(a?.startedEventId)) ?? t;
        const type = name.get(scheduled) ?? '?';
        timing.events.push({ what: `${type} completed`, at: t });
        const entry = timing.activities.get(type) ?? { queueMs: 0, runMs: 0 };
        entry.queueMs += started - (at.get(scheduled) ?? started);
        entry.runMs += t - started;
        timing.activities.set(type, entry);
        break;
      }
    }
  }
  return timing;
}

/** Mean figures over many orders, as one line. */
export function describeTimings(timings: OrderTiming[], startDelays: number[]): string {
  const n = timings.length || 1;
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / (xs.length || 1));
  const types = [...new Set(timings.flatMap((t) => [...t.activities.keys()]))];
  const acts = types.map((type) => {
    const of = timings.map((t) => t.activities.get(type)).filter((x): x is { queueMs: number; runMs: number } => Boolean(x));
    return `${type} queued ${mean(of.map((x) => x.queueMs))} + ran ${mean(of.map((x) => x.runMs))}`;
  });
  return (
    `webhook → workflow started ${mean(startDelays)} ms; ${(timings.reduce((a, t) => a + t.workflowTasks, 0) / n).toFixed(1)} workflow tasks: queued ${mean(timings.map((t) => t.workflowTaskQueueMs))} + ran ${mean(timings.map((t) => t.workflowTaskRunMs))} ms in all; ` +
    `activities (ms): ${acts.join(', ')}`
  );
}

/** The order whose document call started first, its path from `t0` (wall clock): where a burst's ramp-up goes. */
export function describeFirstToTarget(timings: OrderTiming[], t0: number, activity: string): string {
  const startOf = (t: OrderTiming) => t.events.find((e) => e.what === `${activity} started`)?.at ?? Infinity;
  const first = [...timings].sort((a, b) => startOf(a) - startOf(b))[0];
  if (!first || !Number.isFinite(startOf(first))) return `no ${activity} started`;
  return first.events
    .filter((e) => e.at <= startOf(first))
    .map((e) => `${e.what} +${Math.round(e.at - t0)}`)
    .join(', ');
}
