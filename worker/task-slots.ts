import { z } from 'zod';

/**
 * How many workflow tasks one worker works on at once (the SDK's `maxConcurrentWorkflowTaskExecutions`, 40 by
 * default). Siirto's workflow tasks are short and CPU-bound on the worker's one workflow thread, and each passes the
 * payload codec before and after it runs. Forty at once make a burst of new orders advance in lock-step: every
 * order's first task is decoded, then every one runs, then every one is encoded, so the first order reaches its ERP
 * only when all of them have had their turn. Measured with bench/order-export.ts (a), a 60-order burst on two cores:
 * the first Netvisor document 1.3 s after the burst began with 40, 0.6 s with 8; 0.80× of the ceiling against
 * 0.89×, and twenty tenants at once no slower. Eight keep the thread busy while the other tasks' replies travel to a
 * Temporal server nearby; with a distant one (tens of milliseconds a round trip) raise it.
 */
export const DEFAULT_WORKFLOW_TASK_SLOTS = 8;

const Slots = z.coerce.number().int().min(2).max(1000);

/** SIIRTO_WORKFLOW_TASK_SLOTS, or the default; a value that is not a whole number from 2 to 1000 is refused. */
export function workflowTaskSlotsFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SIIRTO_WORKFLOW_TASK_SLOTS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_WORKFLOW_TASK_SLOTS;
  const parsed = Slots.safeParse(raw.trim());
  if (!parsed.success) {
    throw new Error(`SIIRTO_WORKFLOW_TASK_SLOTS must be a whole number from 2 to 1000 (the workflow tasks a worker works on at once), not "${raw}"`);
  }
  return parsed.data;
}
