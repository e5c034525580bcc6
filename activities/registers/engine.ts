import { activityInfo, Context } from '@temporalio/activity';
import { pairSettings } from '../../config/sync-schema';
import { isConnectorError } from '../../connectors/kit/errors';
import { parseDirection, sameContent, type PairName, type PlanEntry, type RegisterName, type RegisterRecord } from '../../domain/sync';
import type { Connections } from '../connections';
import { classified } from '../failures';
import { comparable, sourceStream, targetStream, withSourceId, type Candidate, type SourceItem, type StreamContext, type TargetStream } from './streams';
import type { PageEnd, SourcePage } from './stream-types';
import { lockKeys, RunMemo, TargetIndex, type IndexQuery } from './target-index';

export interface MigrateBatchInput {
  tenant: string;
  pair: PairName;
  register: RegisterName;
  direction: string;
  dryRun: boolean;
  cursor?: string;
  batchSize: number;
  /**
   * Writes in flight at once within the batch (default 4), for targets whose limit is a rate, not one request at a
   * time (Rackbeat); the client's pacing still holds. Netvisor's client sends one request at a time whatever this says.
   */
  writeConcurrency?: number;
  /**
   * The first run of the migration's chain of runs (Temporal's firstExecutionRunId): what the worker learnt of the
   * target (its index) is kept for the whole chain, so a continue-as-new does not list the target again. Absent
   * (batches scheduled before it was passed): the run's own id, as then.
   */
  chain?: string;
  /**
   * This batch's source keys as the previous batch saw them (its result's `nextKeys`), where the source pages by a
   * key list it reads whole (Netvisor): a worker without that list (the attempt after a killed one, another worker)
   * reads these records first and the list while it writes them, instead of before; handed the batch after's keys
   * too, it leaves the list to that batch.
   */
  keys?: string[];
}

export interface MigrateBatchResult {
  entries: PlanEntry[];
  /** Where the next batch starts; absent after the last page. */
  next?: string;
  /** The next batch's source keys, for its `keys`, and the one after's when they fit (Netvisor sources; at most 500). */
  nextKeys?: string[];
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
 * What the index looks a record up by, and what its write waits on: the keys its pairing rule compares. Parties pair
 * by code, business ID and name (and a link where the target keeps one); products, cost centres and groups by code
 * (and link) only, so two products that merely share a name never wait for each other.
 */
function queryOf(target: TargetStream, record: RegisterRecord): IndexQuery {
  const r = record as Partial<{ kind: string; code: string; name: string; businessId: string; organisationNumber: string }>;
  const link = target.expectedLink?.(record as never);
  const party = r.kind === 'customer' || r.kind === 'supplier';
  return { code: r.code, ...(party ? { name: r.name, businessId: r.businessId ?? r.organisationNumber } : {}), ...(link ? { link } : {}) };
}

/** Reads the whole target register once into an index (heartbeating per record read, so a long list shows progress). */
export async function buildTargetIndex(ctx: StreamContext, target: TargetStream, beat: () => void = () => undefined): Promise<TargetIndex> {
  const index = new TargetIndex();
  for await (const { candidate, content } of target.listAll!(ctx)) {
    index.put(candidate, content === undefined ? undefined : comparable(target, content));
    if (index.size % 500 === 0) beat();
  }
  return index;
}

/**
 * The migration's engine when the target can be listed: pairs every record against the run's index (no look-up
 * call per record) and writes. Same outcomes as `pairAndWrite`: paired records whose content matches are
 * "unchanged", refusals are reported, transient failures thrown (the activity retries the batch, and the retry
 * lists the target again, so it finds whatever this attempt wrote).
 *
 * Writes may overlap (`concurrency`), except that a record waits for any write in flight that shares one of its
 * natural keys (code, business ID, name, link): a record created earlier in the batch may be the one a later record
 * pairs with. Where the target writes in batches (`createMany`), new records are gathered and written together.
 */
export async function pairAndWriteIndexed(
  ctx: StreamContext,
  target: TargetStream,
  index: TargetIndex,
  items: SourceItem[],
  dryRun: boolean,
  onRecord: () => void = () => undefined,
  concurrency = 4,
): Promise<PlanEntry[]> {
  const entries: Array<PlanEntry | undefined> = new Array(items.length);
  const ready: Array<{ at: number; item: SourceItem; record: RegisterRecord; query: IndexQuery }> = [];
  items.forEach((item, at) => {
    if ('problem' in item.mapped) {
      entries[at] = { sourceId: item.sourceId, action: 'skip', reason: item.mapped.problem };
      return;
    }
    const refusal = target.refuse?.(ctx, item.mapped.record as never);
    if (refusal) {
      entries[at] = { sourceId: item.sourceId, key: keyOf(item.mapped.record), name: nameOf(item.mapped.record), action: 'skip', reason: refusal };
      return;
    }
    const record = withSourceId(item.mapped.record, item.sourceId);
    ready.push({ at, item, record, query: queryOf(target, record) });
  });
  // A dry run's planned creates are seen by later records of the batch only; the run's index stays what the target holds.
  const planned = new TargetIndex();
  const candidatesOf = (q: IndexQuery): Candidate[] => (dryRun ? [...index.candidatesFor(q), ...planned.candidatesFor(q)] : index.candidatesFor(q));

  // Content of paired records the list did not carry, in one call per batch where the target reads in batches.
  const current = new Map<string, RegisterRecord>();
  const missing = [...new Set(ready.flatMap((r) => {
    const p = target.pair(r.record as never, candidatesOf(r.query));
    return (p.action === 'update' || p.action === 'unchanged') && index.content(p.targetKey) === undefined ? [p.targetKey] : [];
  }))];
  if (missing.length) for (const [k, v] of await target.details(ctx, missing)) current.set(k, v);
  const contentOf = async (key: string): Promise<RegisterRecord | undefined> => {
    const known = index.content(key) ?? current.get(key);
    if (known !== undefined || current.has(key)) return known;
    const fetched = (await target.details(ctx, [key])).get(key);
    if (fetched) current.set(key, fetched);
    return fetched;
  };

  const inFlight = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  const start = (keys: string[], body: () => Promise<void>) => {
    const p: Promise<void> = body()
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => {
        running.delete(p);
        for (const k of keys) if (inFlight.get(k) === p) inFlight.delete(k);
      });
    running.add(p);
    for (const k of keys) inFlight.set(k, p);
  };

  // Batch creates (createMany): gathered until a record shares a key with one of them, or the batch ends.
  let pending: Array<{ at: number; item: SourceItem; record: RegisterRecord; keys: string[] }> = [];
  const pendingKeys = new Set<string>();
  let pendingIndex = new TargetIndex();
  const flush = async () => {
    if (!pending.length) return;
    const group = pending;
    pending = [];
    pendingKeys.clear();
    pendingIndex = new TargetIndex();
    const results = await target.createMany!(ctx, group.map((g) => g.record as never));
    group.forEach((g, i) => {
      const base = { sourceId: g.item.sourceId, key: keyOf(g.record), name: nameOf(g.record) };
      const r = results[i];
      if (r && r.ok) {
        index.put(target.candidate(r.targetKey, g.record as never), comparable(target, g.record));
        entries[g.at] = { ...base, action: 'create', targetKey: r.targetKey };
        return;
      }
      const refused = refusal(r ? r.error : new Error('no outcome came back for this record'));
      entries[g.at] = { ...base, action: refused.action, reason: refused.reason };
    });
  };

  for (const r of ready) {
    if (failure) break;
    const keys = lockKeys(r.query);
    const waits = keys.map((k) => inFlight.get(k)).filter((p): p is Promise<void> => !!p);
    if (waits.length) await Promise.all(waits);
    if (failure) break;
    if (keys.some((k) => pendingKeys.has(k))) {
      // It shares a key with a record waiting to be created: it waits only if it would pair with that record.
      const withPending = target.pair(r.record as never, [...candidatesOf(r.query), ...pendingIndex.candidatesFor(r.query)]);
      if (withPending.action !== 'create') await flush();
    }
    onRecord();
    const { item, record, at } = r;
    const base = { sourceId: item.sourceId, key: keyOf(record), name: nameOf(record) };
    const candidates = candidatesOf(r.query);
    const pairing = target.pair(record as never, candidates);
    if (pairing.action === 'skip' || pairing.action === 'conflict') {
      entries[at] = { ...base, action: pairing.action, reason: pairing.reason, ...(pairing.action === 'conflict' && pairing.targetKey ? { targetKey: pairing.targetKey } : {}) };
      continue;
    }
    if (pairing.action === 'update' || pairing.action === 'unchanged') {
      const targetKey = pairing.targetKey;
      const now = await contentOf(targetKey);
      const linked = !target.expectedLink || candidates.some((c) => c.targetKey === targetKey && c.link === target.expectedLink!(record as never));
      const unchanged = linked && now !== undefined && sameContent(comparable(target, record), now);
      if (unchanged || dryRun) {
        entries[at] = { ...base, action: unchanged ? 'unchanged' : 'update', rule: pairing.rule, targetKey };
        continue;
      }
      while (running.size >= concurrency) await Promise.race(running);
      start(keys, async () => {
        const failed = await write(() => target.update(ctx, targetKey, record as never));
        if (failed) {
          entries[at] = { ...base, action: failed.action, reason: failed.reason, targetKey };
          return;
        }
        index.setContent(targetKey, comparable(target, record));
        current.delete(targetKey);
        entries[at] = { ...base, action: 'update', rule: pairing.rule, targetKey };
      });
      continue;
    }
    if (dryRun) {
      entries[at] = { ...base, action: 'create' };
      planned.put(target.candidate(`(new ${item.sourceId})`, record as never));
      continue;
    }
    if (target.createMany) {
      pending.push({ at, item, record, keys });
      for (const k of keys) pendingKeys.add(k);
      pendingIndex.put(target.candidate(`(pending ${item.sourceId})`, record as never));
      if (pending.length >= 100) await flush();
      continue;
    }
    while (running.size >= concurrency) await Promise.race(running);
    start(keys, async () => {
      let targetKey = '';
      const failed = await write(async () => {
        targetKey = await target.create(ctx, record as never);
      });
      if (failed) {
        entries[at] = { ...base, action: failed.action, reason: failed.reason };
        return;
      }
      index.put(target.candidate(targetKey, record as never), comparable(target, record));
      entries[at] = { ...base, action: 'create', targetKey };
    });
  }
  // Nothing is left on the wire when the batch ends, also when it fails.
  await Promise.all([...running]);
  if (!failure) {
    try {
      await flush();
    } catch (err) {
      failure = { err };
    }
  }
  if (failure) throw failure.err;
  return entries.filter((e): e is PlanEntry => e !== undefined);
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
    return refusal(err);
  }
}

/** A refusal of this record as a reported outcome; anything else (retryable, credentials, permission) thrown. */
function refusal(err: unknown): { action: 'skip' | 'conflict'; reason: string } {
  if (isConnectorError(err) && !err.retryable && !CONNECTION_CLASSES.has(err.errorClass)) {
    return { action: err.errorClass === 'conflict' ? 'conflict' : 'skip', reason: err.message };
  }
  throw err;
}

export function streamContext(connections: Connections, tenant: string, pair: PairName): StreamContext {
  return { connections, tenant, settings: pairSettings(connections.tenant(tenant).sync, pair) };
}

export function createRegisterMigrationActivities(connections: Connections, memo = new RunMemo()) {
  return {
    /** One batch of a register migration: a page from the source, paired and written to the target. */
    async migrateBatch(input: MigrateBatchInput): Promise<MigrateBatchResult> {
      return classified(async () => {
        const { source, target } = parseDirection(input.direction);
        const ctx = streamContext(connections, input.tenant, input.pair);
        const targetSide = targetStream(target, input.register, input.pair);
        const info = inActivity() ? activityInfo() : undefined;
        const run = info?.workflowExecution;
        // The run's memory in this worker: the target listed once per chain of runs (continue-as-new keeps it; any
        // attempt after a failed one, or another worker, e.g. after a kill, lists again and finds what was written).
        const runKey = run ? `${run.workflowId}\u0000${input.chain ?? run.runId}\u0000${input.direction}` : undefined;
        if (runKey && info) {
          memo.dropOthers(`${run!.workflowId}\u0000`, runKey);
          if (info.attempt > 1) memo.drop(runKey);
          ctx.run = memo.of(runKey);
        }
        let done = 0;
        const beat = (details: Record<string, unknown>) => {
          if (!inActivity()) return;
          const activity = Context.current();
          // A cancelled batch (worker shutting down, workflow cancelled) stops between records; the retry starts the
          // batch again and finds what this attempt already wrote.
          if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason ?? new Error('batch cancelled');
          // Heartbeats carry only the batch's own progress; the cursor lives in the workflow.
          activity.heartbeat({ cursor: input.cursor ?? null, ...details });
        };
        const heartbeat = () => beat({ done: done++ });
        try {
          // The first batch of a run on this worker reads its source page and lists the target at the same time
          // (two systems, so neither waits for the other); nothing is written before both are in.
          const indexed = targetSide.listAll && ctx.run;
          const sourceSide = sourceStream(source, input.register);
          let listed = 0;
          // The page the previous batch of this run read ahead on this worker, if it did (see below).
          const ahead = ctx.run ? takeReadAhead(ctx.run, input.cursor, input.batchSize) : undefined;
          const [page, built] = await Promise.all([
            ahead ?? sourceSide.page(ctx, input.cursor, input.batchSize, input.keys),
            indexed && !ctx.run!.get('target') ? buildTargetIndex(ctx, targetSide, () => beat({ listing: (listed += 500) })) : Promise.resolve(undefined),
          ]);
          // The next page is read while this batch writes (source and target are two systems, so neither waits for
          // the other), and kept for the next batch of the run on this worker: without it the target sits idle for
          // one source read between every two batches. Within this attempt, so it heartbeats and is cancelled with it;
          // a failed read ahead is only a missed shortcut (the next batch reads its page itself). A page read from the
          // keys the previous batch handed over learns where it ends (the source's whole key list) while this batch
          // writes, so the read ahead follows that.
          const end: Promise<PageEnd> = page.end ?? Promise.resolve(page);
          const readAhead = ctx.run
            ? end
                .then((e) => (e.next === undefined ? undefined : sourceSide.page(ctx, e.next, input.batchSize, e.nextKeys).then((next) => keepReadAhead(ctx.run!, e.next!, input.batchSize, next))))
                .catch(() => undefined)
            : Promise.resolve();
          let entries: PlanEntry[];
          try {
            if (indexed) {
              if (built) ctx.run!.set('target', built);
              const index = ctx.run!.get('target') as TargetIndex;
              entries = await pairAndWriteIndexed(ctx, targetSide, index, page.items, input.dryRun, heartbeat, input.writeConcurrency ?? 4);
            } else {
              entries = await pairAndWrite(ctx, targetSide, page.items, input.dryRun, heartbeat);
            }
          } finally {
            await readAhead;
          }
          const { next, total, nextKeys } = await end;
          return { entries, ...(next !== undefined ? { next, ...(nextKeys?.length ? { nextKeys } : {}) } : {}), ...(total !== undefined ? { total } : {}) };
        } catch (err) {
          // Whatever this attempt wrote last is not certain: the next attempt lists the target again.
          if (runKey) memo.drop(runKey);
          throw err;
        }
      });
    },
  };
}

/** A source page read ahead by the previous batch, for the batch that starts at `cursor` with the same size; taken once. */
function takeReadAhead(run: Map<string, unknown>, cursor: string | undefined, size: number): SourcePage | undefined {
  const kept = run.get(READ_AHEAD) as { cursor: string; size: number; page: SourcePage } | undefined;
  run.delete(READ_AHEAD);
  return kept && kept.cursor === cursor && kept.size === size ? kept.page : undefined;
}

function keepReadAhead(run: Map<string, unknown>, cursor: string, size: number, page: SourcePage): void {
  run.set(READ_AHEAD, { cursor, size, page });
}

const READ_AHEAD = 'source read ahead';

function inActivity(): boolean {
  try {
    activityInfo();
    return true;
  } catch {
    return false;
  }
}
