import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SyncChange, SyncRoute } from '../activities/registers/sync';
import type { PlanEntry, SyncSystem } from '../domain/sync';
import { apiCall, pagingCall } from './profiles';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

/**
 * Ongoing sync of one register, as a long-lived entity `sync/<tenant>/<pair>/<register>`. It owns what must be
 * durable between changes: the changed-since cursor of each polled system and the echo memory (a content hash of
 * what we last wrote per target record). Changes arrive as `change` signals (Rackbeat webhooks, signal-with-start)
 * or are found when a `poll` signal (sent by the register's Schedule through `watchRegister`) runs a changed-since
 * poll. They are applied one at a time, so a record never races with itself. Deletions and changes on the
 * non-master side are reported in the state and the memo, not propagated.
 */
export interface SyncReport {
  at: string;
  system: SyncSystem;
  sourceId: string;
  kind: 'deleted' | 'not-master' | 'skipped' | 'conflict' | 'not-configured';
  reason: string;
}

export interface SyncState {
  cursors: Partial<Record<SyncSystem, string>>;
  /** `<system>:<key>` → content hash of our last write there. */
  echo: Record<string, string>;
  counts: { changes: number; written: number; unchanged: number; echoes: number; reported: number; polls: number; overflowed?: number };
  reports: SyncReport[];
  last?: PlanEntry;
}

export interface RegisterSyncInput extends SyncRoute {
  state?: SyncState;
  pending?: SyncChange[];
  /** Most changes waiting at once (default 500); see the change handler. Smaller only in tests. */
  maxPending?: number;
}

export const changeSignal = defineSignal<[SyncChange]>('change');
export const pollSignal = defineSignal<[]>('poll');
export const syncStateQuery = defineQuery<SyncState & { pending: number; idle: boolean }>('syncState');

const { syncChange } = proxyActivities<Activities>(apiCall);
const { pollChanges, requestPoll } = proxyActivities<Activities>(pagingCall);

const MAX_REPORTS = 200;
const MAX_ECHO = 5000;
const CHANGES_PER_RUN = 500;
const MAX_PENDING = 500;
/** Systems whose changes the entity can find again with a changed-since poll (Rackbeat has no changed-since read). */
const POLLABLE: ReadonlySet<SyncSystem> = new Set(['netvisor', '24so', 'severa']);

export async function registerSync(input: RegisterSyncInput): Promise<void> {
  const state: SyncState = input.state ?? { cursors: {}, echo: {}, counts: { changes: 0, written: 0, unchanged: 0, echoes: 0, reported: 0, polls: 0 }, reports: [] };
  const queue: SyncChange[] = [...(input.pending ?? [])];
  let pollRequested = false;
  let busy = false;
  /** True while queue[0] is being written (only on the path of entities started before 'sync-in-flight-leaves-queue'). */
  let headInFlight = false;
  let overflowReported = false;
  const maxPending = Math.max(1, input.maxPending ?? MAX_PENDING);
  setHandler(changeSignal, (c) => {
    // A webhook delivered twice while the first is still queued is one change.
    if (queue.some((q) => q.system === c.system && q.sourceId === c.sourceId && q.event === c.event)) return;
    // The queue is bounded, so a burst cannot grow the entity's state (carried over continue-as-new) without end.
    // A full queue collapses: changes of a system that can be polled become one changed-since poll (which reads
    // them again, with any newer ones); Rackbeat's cannot be read again, so its newest ones are kept and the
    // overflow is reported. Entities whose history predates the bound replay without it (patch marker).
    if (queue.length - (headInFlight ? 1 : 0) >= maxPending && patched('sync-queue-bounded')) {
      state.counts.overflowed = (state.counts.overflowed ?? 0) + 1;
      if (POLLABLE.has(c.system)) {
        for (let i = queue.length - 1; i >= (headInFlight ? 1 : 0); i--) if (queue[i].system === c.system) queue.splice(i, 1);
        pollRequested = true;
        return;
      }
      queue.splice(headInFlight ? 1 : 0, 1);
      if (!overflowReported) {
        overflowReported = true;
        report({
          system: c.system,
          sourceId: c.sourceId,
          kind: 'skipped',
          reason: `more than ${maxPending} ${c.system} changes waiting: the oldest are dropped, the newest ${maxPending} kept; run a full sync of ${input.register} to catch up`,
        });
      }
    }
    queue.push(c);
  });
  setHandler(pollSignal, () => {
    pollRequested = true;
  });
  setHandler(syncStateQuery, () => ({ ...state, pending: queue.length, idle: !busy && queue.length === 0 && !pollRequested }));

  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'register-sync' },
    { key: SiirtoEntity, value: input.register },
    { key: SiirtoSourceId, value: input.pair },
    { key: SiirtoStatus, value: 'running' },
  ]);
  const publish = () =>
    upsertMemo({
      summary: `${input.register} sync ${input.pair} for ${input.tenant}: ${state.counts.changes} changes, ${state.counts.written} written, ${state.counts.unchanged} unchanged, ${state.counts.echoes} own echoes ignored, ${state.counts.reported} reported${state.counts.overflowed ? `, ${state.counts.overflowed} changes over the ${maxPending}-change queue bound` : ''}`,
      lastReport: state.reports[state.reports.length - 1]?.reason ?? null,
    });
  // A declaration (hoisted): the change handler may report before this line runs (signals buffered across continue-as-new).
  function report(r: Omit<SyncReport, 'at'>) {
    state.counts.reported++;
    state.reports.push({ ...r, at: new Date().toISOString() });
    if (state.reports.length > MAX_REPORTS) state.reports.shift();
  }

  // A change (or poll) that cannot go — revoked credentials, bad data — parks the register as needs-attention until
  // `siirto retry` or `siirto skip`; nothing behind it is lost, and credentials failures pause the tenant's polling.
  const transfer = new Transfer(`${input.register} sync ${input.pair} for ${input.tenant}`, input.tenant);
  let processed = 0;
  for (;;) {
    await condition(() => queue.length > 0 || pollRequested);
    busy = true;
    if (pollRequested) {
      pollRequested = false;
      state.counts.polls++;
      transfer.step('poll changes');
      const polled = await transfer.runUntilDone(async () => {
        const res = await pollChanges({ tenant: input.tenant, pair: input.pair, register: input.register, cursors: state.cursors });
        state.cursors = res.cursors;
        for (const c of res.changes) if (!queue.some((q) => q.system === c.system && q.sourceId === c.sourceId)) queue.push(c);
      });
      if (!polled) transfer.resume();
    }
    while (queue.length) {
      const change = queue[0];
      // The change being written leaves the queue first: a change to the same record signalled meanwhile is a new
      // change (its content may differ from what is being written) and is applied afterwards, never deduplicated
      // against the write in flight. Older runs kept it queued during the write (patch marker for their replay).
      const inFlightLeavesQueue = patched('sync-in-flight-leaves-queue');
      if (inFlightLeavesQueue) queue.shift();
      else headInFlight = true;
      transfer.step(`${change.system} ${change.sourceId}`);
      let res: Awaited<ReturnType<typeof syncChange>> | undefined;
      const applied = await transfer.runUntilDone(async () => {
        res = await syncChange({ tenant: input.tenant, pair: input.pair, register: input.register, change, echoHash: state.echo[`${change.system}:${change.sourceId}`] });
      });
      if (!inFlightLeavesQueue) queue.shift();
      headInFlight = false;
      if (!applied || !res) {
        transfer.resume();
        report({ system: change.system, sourceId: change.sourceId, kind: 'skipped', reason: 'skipped by the operator after it needed attention' });
        publish();
        continue;
      }
      state.counts.changes++;
      processed++;
      if (res.outcome === 'echo') state.counts.echoes++;
      else if (res.outcome === 'written' || res.outcome === 'unchanged') {
        state.counts[res.outcome]++;
        state.last = res.entry;
        const key = `${res.targetSystem}:${res.targetKey}`;
        delete state.echo[key];
        state.echo[key] = res.writtenHash;
        const keys = Object.keys(state.echo);
        if (keys.length > MAX_ECHO) delete state.echo[keys[0]];
      } else if ('reason' in res) {
        report({ system: change.system, sourceId: change.sourceId, kind: res.outcome, reason: res.reason });
      }
      publish();
    }
    busy = false;
    overflowReported = false;
    if (processed >= CHANGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registerSync>({ ...input, state, pending: queue });
    }
  }
}

export interface WatchRegisterInput extends SyncRoute {
  taskQueue?: string;
}

/** What the register's Schedule (`sync/<tenant>/<pair>/<register>`) runs: asks the entity to poll now. */
export async function watchRegister(input: WatchRegisterInput): Promise<void> {
  await requestPoll({ tenant: input.tenant, pair: input.pair, register: input.register, taskQueue: input.taskQueue ?? workflowInfo().taskQueue });
}
