import { activityInfo, Context } from '@temporalio/activity';
import { pairSettings } from '../../config/sync-schema';
import { isConnectorError } from '../../connectors/kit/errors';
import { parseDirection, sameContent, type PairName, type PlanEntry, type RegisterName, type RegisterRecord } from '../../domain/sync';
import type { Connections } from '../connections';
import { classified } from '../failures';
import { comparable, sourceStream, targetStream, withSourceId, type SourceItem, type StreamContext, type TargetStream } from './streams';

export interface MigrateBatchInput {
  tenant: string;
  pair: PairName;
  register: RegisterName;
  direction: string;
  dryRun: boolean;
  cursor?: string;
  batchSize: number;
}

export interface MigrateBatchResult {
  entries: PlanEntry[];
  /** Where the next batch starts; absent after the last page. */
  next?: string;
  total?: number;
}

const nameOf = (r: RegisterRecord): string => ('name' in r ? r.name : '');
const keyOf = (r: RegisterRecord): string | undefined => ('code' in r ? r.code : undefined);

/**
 * Pairs a list of source records with the target and (unless it is a dry run) writes them. Every write looks
 * first: candidates are looked up by natural key, a paired record whose content already matches is "unchanged"
 * and not written, so running the same batch again after a crash or a lost reply writes nothing twice.
 * A record the target refuses (validation, conflict, business rule) is reported and the batch goes on;
 * transient failures are thrown so that the activity retries the batch.
 */
export async function pairAndWrite(ctx: StreamContext, target: TargetStream, items: SourceItem[], dryRun: boolean, onRecord: () => void = () => undefined): Promise<PlanEntry[]> {
  const entries: PlanEntry[] = [];
  const ready: Array<{ item: SourceItem; record: RegisterRecord }> = [];
  for (const item of items) {
    if ('problem' in item.mapped) {
      entries.push({ sourceId: item.sourceId, action: 'skip', reason: item.mapped.problem });
      continue;
    }
    const refusal = target.refuse?.(ctx, item.mapped.record as never);
    if (refusal) {
      entries.push({ sourceId: item.sourceId, key: keyOf(item.mapped.record), name: nameOf(item.mapped.record), action: 'skip', reason: refusal });
      continue;
    }
    ready.push({ item, record: withSourceId(item.mapped.record, item.sourceId) });
  }
  if (!ready.length) return entries;

  const candidates = await target.lookup(ctx, ready.map((r) => r.record) as never[]);
  const pairings = ready.map((r) => ({ ...r, pairing: target.pair(r.record as never, candidates) }));
  const paired = [...new Set(pairings.flatMap((p) => (p.pairing.action === 'update' ? [p.pairing.targetKey] : [])))];
  const current = paired.length ? await target.details(ctx, paired) : new Map<string, RegisterRecord>();

  for (const { item, record, pairing: first } of pairings) {
    onRecord();
    const base = { sourceId: item.sourceId, key: keyOf(record), name: nameOf(record) };
    // A record created earlier in this batch may be the one a later record pairs with.
    const pairing = first.action === 'create' ? target.pair(record as never, candidates) : first;
    if (pairing.action === 'skip' || pairing.action === 'conflict') {
      entries.push({ ...base, action: pairing.action, reason: pairing.reason, ...(pairing.action === 'conflict' && pairing.targetKey ? { targetKey: pairing.targetKey } : {}) });
      continue;
    }
    if (pairing.action === 'update' || pairing.action === 'unchanged') {
      const now = current.get(pairing.targetKey);
      const linked = !target.expectedLink || candidates.some((c) => c.targetKey === pairing.targetKey && c.link === target.expectedLink!(record as never));
      const unchanged = linked && now !== undefined && sameContent(comparable(target, record), now);
      const action = unchanged ? 'unchanged' : 'update';
      if (!unchanged && !dryRun) {
        const failed = await write(() => target.update(ctx, pairing.targetKey, record as never));
        if (failed) {
          entries.push({ ...base, action: failed.action, reason: failed.reason, targetKey: pairing.targetKey });
          continue;
        }
        current.set(pairing.targetKey, record);
      }
      entries.push({ ...base, action, rule: pairing.rule, targetKey: pairing.targetKey });
      continue;
    }
    if (dryRun) {
      entries.push({ ...base, action: 'create' });
      candidates.push(target.candidate(`(new ${item.sourceId})`, record as never));
      continue;
    }
    let targetKey = '';
    const failed = await write(async () => {
      targetKey = await target.create(ctx, record as never);
    });
    if (failed) {
      entries.push({ ...base, action: failed.action, reason: failed.reason });
      continue;
    }
    candidates.push(target.candidate(targetKey, record as never));
    current.set(targetKey, record);
    entries.push({ ...base, action: 'create', targetKey });
  }
  return entries;
}

/**
 * Failures that are about the connection, not the record: every later record would fail the same way, so they stop
 * the batch (the migration parks as needs-attention with the system's sentence) instead of skipping record by record.
 */
const CONNECTION_CLASSES: ReadonlySet<string> = new Set(['credentials', 'permission']);

/**
 * Runs one write; a refusal of this record the operator must look at comes back as a reported outcome. Anything
 * retryable, and revoked credentials or write permission, is thrown.
 */
async function write(body: () => Promise<void>): Promise<{ action: 'skip' | 'conflict'; reason: string } | null> {
  try {
    await body();
    return null;
  } catch (err) {
    if (isConnectorError(err) && !err.retryable && !CONNECTION_CLASSES.has(err.errorClass)) {
      return { action: err.errorClass === 'conflict' ? 'conflict' : 'skip', reason: err.message };
    }
    throw err;
  }
}

export function streamContext(connections: Connections, tenant: string, pair: PairName): StreamContext {
  return { connections, tenant, settings: pairSettings(connections.tenant(tenant).sync, pair) };
}

export function createRegisterMigrationActivities(connections: Connections) {
  return {
    /** One batch of a register migration: a page from the source, paired and written to the target. */
    async migrateBatch(input: MigrateBatchInput): Promise<MigrateBatchResult> {
      return classified(async () => {
        const { source, target } = parseDirection(input.direction);
        const ctx = streamContext(connections, input.tenant, input.pair);
        const page = await sourceStream(source, input.register).page(ctx, input.cursor, input.batchSize);
        let done = 0;
        const heartbeat = () => {
          if (!inActivity()) return;
          const activity = Context.current();
          // A cancelled batch (worker shutting down, workflow cancelled) stops between records; the retry starts the
          // batch again and finds what this attempt already wrote.
          if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason ?? new Error('batch cancelled');
          // Heartbeats carry only the batch's own progress; the cursor lives in the workflow.
          activity.heartbeat({ cursor: input.cursor ?? null, done: done++ });
        };
        const entries = await pairAndWrite(ctx, targetStream(target, input.register, input.pair), page.items, input.dryRun, heartbeat);
        return { entries, ...(page.next !== undefined ? { next: page.next } : {}), ...(page.total !== undefined ? { total: page.total } : {}) };
      });
    },
  };
}

function inActivity(): boolean {
  try {
    activityInfo();
    return true;
  } catch {
    return false;
  }
}
