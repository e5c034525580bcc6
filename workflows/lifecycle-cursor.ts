import { condition, continueAsNew, defineQuery, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SiirtoFlow, SiirtoTenant } from './search-attributes';

/**
 * The order-lifecycle pick-up cursor of one tenant, `lifecycle-cursor/<tenant>`: the newest 24SO DateChanged that a
 * pick-up poll has handed over. It lives in this entity's durable state, not in the Schedule's short list of recent
 * runs, so a long run of failed polls, a paused or re-created Schedule loses nothing. It only moves forward.
 */
export const lifecycleCursorWorkflowId = (tenant: string): string => `lifecycle-cursor/${tenant}`;
export const advanceCursorSignal = defineSignal<[string | null]>('advance');
export const cursorQuery = defineQuery<string | null>('cursor');

export interface LifecycleCursorInput {
  tenant: string;
  cursor?: string | null;
}

/** Signals taken before the history is handed to a fresh run (continue-as-new), carrying the cursor over. */
const SIGNALS_PER_RUN = 500;

export async function lifecycleCursor(input: LifecycleCursorInput): Promise<never> {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'order-lifecycle-cursor' },
  ]);
  let cursor = input.cursor ?? null;
  let taken = 0;
  setHandler(cursorQuery, () => cursor);
  setHandler(advanceCursorSignal, (next) => {
    taken++;
    if (next && (!cursor || Date.parse(next) > Date.parse(cursor))) cursor = next;
  });
  await condition(() => taken >= SIGNALS_PER_RUN);
  return continueAsNew<typeof lifecycleCursor>({ tenant: input.tenant, cursor });
}
