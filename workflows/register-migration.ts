import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addCounts, countEntry, emptyCounts, type MigrationCounts, type PairName, type PlanEntry, type RegisterName } from '../domain/sync';
import { migrationBatch } from './profiles';
import { SiirtoEntity, SiirtoFlow, SiirtoProgress, SiirtoSourceId, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

export interface MigrationCheckpoint {
  /** The source cursor of the next batch; absent before the first. */
  cursor?: string;
  /** The next batch's source keys as the previous batch saw them (Netvisor sources), handed to it. */
  keys?: string[];
  counts: MigrationCounts;
  total?: number;
  batches: number;
  runs: number;
  startedAt: number;
  /** Problems and (on a dry run) plan lines kept so far, capped; counts stay exact. */
  entries: PlanEntry[];
  entriesDropped: number;
}

export interface RegisterMigrationInput {
  tenant: string;
  pair: PairName;
  register: RegisterName;
  /** e.g. "rackbeat-to-netvisor". */
  direction: string;
  dryRun?: boolean;
  /** Records per batch (default 100; Severa pages at most 100). */
  batchSize?: number;
  /** Writes in flight at once within a batch where the target allows it (default 4; Netvisor takes one at a time anyway). */
  writeConcurrency?: number;
  /** Continue-as-new after this many batches even if the server does not suggest it yet (default 500). */
  batchesPerRun?: number;
  checkpoint?: MigrationCheckpoint;
  /** Shorter heartbeat timeout and first retry for the batch activity (tests, small deployments); the profile's otherwise. */
  tuning?: { heartbeatTimeout?: string; retryInterval?: string };
}

export interface MigrationProgress {
  dryRun: boolean;
  done: number;
  total?: number;
  percent?: number;
  counts: MigrationCounts;
  batches: number;
  runs: number;
  startedAt: number;
  finished: boolean;
  cursor?: string;
}

export interface RegisterMigrationResult {
  status: 'done' | 'skipped';
  dryRun: boolean;
  counts: MigrationCounts;
  total?: number;
  batches: number;
  runs: number;
  /** Dry run: the plan line of every record (up to the cap). Real run: the records that were not written, with reasons. */
  entries: PlanEntry[];
  entriesDropped: number;
}

export const progressQuery = defineQuery<MigrationProgress>('progress');

/** `migration/<tenant>/<pair>/<register>`: one migration per register; a dry run gets its own id. */
export const migrationWorkflowId = (tenant: string, pair: string, register: string, dryRun = false): string =>
  `migration/${tenant}/${pair}/${register}${dryRun ? '/dry-run' : ''}`;

const MAX_ENTRIES = 1000;

/**
 * The initial migration of one register: batch after batch from the source's cursor, each batch paired with the
 * target by the pair's rules and written (or, on a dry run, only planned). The cursor is saved in workflow state
 * after every batch, so a worker kill or a server restart resumes at the last saved batch; the batch itself is
 * idempotent (look before write), so re-running it writes nothing twice. Long runs continue as new, carrying the
 * checkpoint. Progress is the `progress` query and the SiirtoProgress search attribute (percent when the source
 * knows its total, else records done).
 */
export async function migrateRegister(input: RegisterMigrationInput): Promise<RegisterMigrationResult> {
  const dryRun = input.dryRun ?? false;
  const batchSize = input.batchSize ?? 100;
  const batchesPerRun = input.batchesPerRun ?? 500;
  const { migrateBatch } = proxyActivities<Activities>({
    ...migrationBatch,
    ...(input.tuning?.heartbeatTimeout ? { heartbeatTimeout: input.tuning.heartbeatTimeout as '1s' } : {}),
    retry: { ...migrationBatch.retry, ...(input.tuning?.retryInterval ? { initialInterval: input.tuning.retryInterval as '1s', maximumInterval: input.tuning.retryInterval as '1s' } : {}) },
  });
  const cp: MigrationCheckpoint = input.checkpoint
    ? { ...input.checkpoint, runs: input.checkpoint.runs + 1 }
    : { counts: emptyCounts(), batches: 0, runs: 1, startedAt: Date.now(), entries: [], entriesDropped: 0 };
  let finished = false;

  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: dryRun ? 'migration-plan' : 'migration' },
    { key: SiirtoEntity, value: input.register },
    { key: SiirtoSourceId, value: `${input.pair}/${input.direction}` },
  ]);
  const what = `${dryRun ? 'plan of the ' : ''}${input.register} migration ${input.direction} for ${input.tenant}`;
  const transfer = new Transfer(what, input.tenant);

  const progress = (): MigrationProgress => {
    const done = cp.counts.read;
    const percent = cp.total ? Math.min(100, Math.floor((done * 100) / cp.total)) : undefined;
    return { dryRun, done, ...(cp.total !== undefined ? { total: cp.total } : {}), ...(percent !== undefined ? { percent } : {}), counts: cp.counts, batches: cp.batches, runs: cp.runs, startedAt: cp.startedAt, finished, ...(cp.cursor !== undefined ? { cursor: cp.cursor } : {}) };
  };
  setHandler(progressQuery, progress);

  const publish = () => {
    const p = progress();
    upsertSearchAttributes([{ key: SiirtoProgress, value: p.percent ?? p.done }]);
    const problems = cp.entries.filter((e) => e.action === 'conflict' || e.action === 'skip');
    upsertMemo({
      summary: `${what}: ${summarize(p)}`,
      problems: cp.counts.conflict + cp.counts.skip,
      // The latest few, in operator words; the workflow result lists them all (up to the cap).
      recentProblems: problems.slice(-5).map((e) => `${e.action} ${e.sourceId}${e.key && e.key !== e.sourceId ? ` (${e.key})` : ''}: ${e.reason ?? ''}`),
      cursor: cp.cursor ?? null,
    });
  };
  publish();

  let batchesThisRun = 0;
  const completed = await transfer.runUntilDone(async () => {
    for (;;) {
      transfer.step(`batch ${cp.batches + 1}${cp.cursor ? ` (cursor ${cp.cursor})` : ''}`);
      const result = await migrateBatch({ tenant: input.tenant, pair: input.pair, register: input.register, direction: input.direction, dryRun, cursor: cp.cursor, ...(cp.keys ? { keys: cp.keys } : {}), batchSize, ...(input.writeConcurrency ? { writeConcurrency: input.writeConcurrency } : {}), chain: workflowInfo().firstExecutionRunId });
      const counts = emptyCounts();
      for (const e of result.entries) {
        countEntry(counts, e);
        // A dry run keeps its whole plan; a real run keeps what an operator must look at.
        if (dryRun || e.action === 'skip' || e.action === 'conflict') {
          if (cp.entries.length < MAX_ENTRIES) cp.entries.push(e);
          else cp.entriesDropped++;
        }
      }
      cp.counts = addCounts(cp.counts, counts);
      if (result.total !== undefined) cp.total = result.total;
      cp.batches++;
      batchesThisRun++;
      cp.cursor = result.next;
      cp.keys = result.nextKeys;
      publish();
      if (result.next === undefined) return;
      if (batchesThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof migrateRegister>({ ...input, checkpoint: cp });
      }
    }
  });
  finished = true;
  if (!completed) {
    publish();
    return { status: 'skipped', dryRun, counts: cp.counts, total: cp.total, batches: cp.batches, runs: cp.runs, entries: cp.entries, entriesDropped: cp.entriesDropped };
  }
  transfer.done(`${what}: ${summarize(progress())}`);
  upsertSearchAttributes([{ key: SiirtoProgress, value: cp.total ? 100 : cp.counts.read }]);
  return { status: 'done', dryRun, counts: cp.counts, ...(cp.total !== undefined ? { total: cp.total } : {}), batches: cp.batches, runs: cp.runs, entries: cp.entries, entriesDropped: cp.entriesDropped };
}

function summarize(p: MigrationProgress): string {
  const c = p.counts;
  const verb = p.dryRun ? 'to ' : '';
  const rules = Object.entries(c.matchedBy).map(([k, v]) => `${k} ${v}`).join(', ');
  return (
    `${p.done}${p.total !== undefined ? `/${p.total}` : ''} read; ${verb}create ${c.create}, ${verb}update ${c.update}, unchanged ${c.unchanged}` +
    `${rules ? ` (matched by ${rules})` : ''}, conflicts ${c.conflict}, skipped ${c.skip}`
  );
}
