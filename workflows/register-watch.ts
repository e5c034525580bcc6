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
  counts: { changes: number; written: number; unchanged: number; echoes: number; reported: number; polls: number };
  reports: SyncReport[];
  last?: PlanEntry;
}

export interface RegisterSyncInput extends SyncRoute {
  state?: SyncState;
  pending?: SyncChange[];
}

export const changeSignal = defineSignal<[SyncChange]>('change');
export const pollSignal = defineSignal<[]>('poll');
export const syncStateQuery = defineQuery<SyncState & { pending: number; idle: boolean }>('syncState');

const { syncChange } = proxyActivities<Activities>(apiCall);
const { pollChanges, requestPoll } = proxyActivities<Activities>(pagingCall);

const MAX_REPORTS = 200;
const MAX_ECHO = 5000;
const CHANGES_PER_RUN = 500;

export async function registerSync(input: RegisterSyncInput): Promise<void> {
  const state: SyncState = input.state ?? { cursors: {}, echo: {}, counts: { changes: 0, written: 0, unchanged: 0, echoes: 0, reported: 0, polls: 0 }, reports: [] };
  const queue: SyncChange[] = [...(input.pending ?? [])];
  let pollRequested = false;
  let busy = false;
  setHandler(changeSignal, (c) => {
    // A webhook delivered twice while the first is still queued is one change.
    if (!queue.some((q) => q.system === c.system && q.sourceId === c.sourceId && q.event === c.event)) queue.push(c);
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
      summary: `${input.register} sync ${input.pair} for ${input.tenant}: ${state.counts.changes} changes, ${state.counts.written} written, ${state.counts.unchanged} unchanged, ${state.counts.echoes} own echoes ignored, ${state.counts.reported} reported`,
      lastReport: state.reports[state.reports.length - 1]?.reason ?? null,
    });
  const report = (r: Omit<SyncReport, 'at'>) => {
    state.counts.reported++;
    state.reports.push({ ...r, at: new Date().toISOString() });
    if (state.reports.length > MAX_REPORTS) state.reports.shift();
  };

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
      transfer.step(`${change.system} ${change.sourceId}`);
      let res: Awaited<ReturnType<typeof syncChange>> | undefined;
      const applied = await transfer.runUntilDone(async () => {
        res = await syncChange({ tenant: input.tenant, pair: input.pair, register: input.register, change, echoHash: state.echo[`${change.system}:${change.sourceId}`] });
      });
      if (!inFlightLeavesQueue) queue.shift();
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
