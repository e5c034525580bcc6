import type { Client } from '@temporalio/client';
import { pairSettings } from '../../config/sync-schema';
import { PAIRS, contentHash, parseDirection, type PairName, type PlanEntry, type RegisterName, type SyncSystem } from '../../domain/sync';
import type { Connections } from '../connections';
import { classified } from '../failures';
import { pairAndWrite, streamContext } from './engine';
import { project } from '../../domain/mapping/pairing';
import { comparable, sourceStream, targetStream } from './streams';
import { FIRST_ANCHOR_MARGIN_MS, advanceCursor, formatCursor, parseCursor, queryFrom } from './source-cursor';

/**
 * Ongoing sync after go-live. A change (a Rackbeat webhook, or a row a changed-since poll found) is one small
 * idempotent upsert: the record is read again from its system, mapped, paired and written with the same
 * look-before-write engine as the migration. The register's master wins: changes on the other side are reported,
 * not copied. Our own write coming back as a change (Rackbeat fires webhooks for API writes too) is recognised by
 * the content hash the entity workflow remembers for that record and is neither reported nor written again.
 */
export interface SyncChange {
  system: SyncSystem;
  sourceId: string;
  event: 'upsert' | 'delete';
}

export type SyncOutcome =
  | { outcome: 'written' | 'unchanged'; entry: PlanEntry; targetSystem: SyncSystem; targetKey: string; writtenHash: string }
  | { outcome: 'echo' }
  | { outcome: 'not-master' | 'skipped' | 'conflict' | 'deleted' | 'not-configured'; reason: string; entry?: PlanEntry };

export interface SyncRoute {
  tenant: string;
  pair: PairName;
  register: RegisterName;
}

/** `sync/<tenant>/<pair>/<register>`: the register's sync entity (cursor, echo memory, reports). */
export const syncWorkflowId = (r: SyncRoute): string => `sync/${r.tenant}/${r.pair}/${r.register}`;

/** The master of a configured register and the other system of its pair. */
export function syncRoles(connections: Connections, r: SyncRoute): { master: SyncSystem; other: SyncSystem; propagateDeletes: boolean } | null {
  const settings = pairSettings(connections.tenant(r.tenant).sync, r.pair);
  const reg = settings.registers[r.register];
  if (!reg) return null;
  const master = (reg.master ?? parseDirection(reg.direction).source) as SyncSystem;
  const systems = PAIRS[r.pair].systems as readonly SyncSystem[];
  return { master, other: systems.find((s) => s !== master)!, propagateDeletes: settings.propagateDeletes };
}

export function createRegisterSyncActivities(connections: Connections, temporal: () => Client) {
  return {
    /** Applies one change. `echoHash` is what we last wrote to this very record, if anything. */
    async syncChange(input: SyncRoute & { change: SyncChange; echoHash?: string }): Promise<SyncOutcome> {
      return classified(async () => {
        const roles = syncRoles(connections, input);
        if (!roles) return { outcome: 'not-configured', reason: `${input.register} of ${input.pair} is not in sync.pairs of config/${input.tenant}.yaml` };
        const { change } = input;
        const ctx = streamContext(connections, input.tenant, input.pair);
        const where = `${input.register} ${change.sourceId} in ${change.system}`;
        if (change.event === 'delete') {
          // Deletions are reported: a record gone on one side is an operator's decision on the other, unless the
          // tenant turned propagateDeletes on and the target can retire the record by the same natural key.
          const target = targetStream(roles.other, input.register, input.pair);
          if (roles.propagateDeletes && change.system === roles.master && change.system === 'rackbeat' && input.register === 'products' && target.retire) {
            const done = await target.retire(ctx, change.sourceId);
            return { outcome: 'deleted', reason: `${where} was deleted; ${done ?? `nothing to retire in ${roles.other}`} (propagateDeletes)` };
          }
          const note = roles.propagateDeletes && change.system === roles.master ? ' (propagateDeletes is on, but this register cannot be retired by key on the other side: do it by hand)' : '';
          return { outcome: 'deleted', reason: `${where} was deleted; not deleted on the other side${note}` };
        }
        const item = await sourceStream(change.system, input.register).readOne(ctx, change.sourceId);
        if (!item) {
          // A change that arrives after its record was deleted (a late or repeated delivery): the delete event says
          // what happens on the other side, so this one only reports that it found nothing to copy.
          const retiredByDelete = roles.propagateDeletes && change.system === roles.master && change.system === 'rackbeat' && input.register === 'products';
          return { outcome: 'deleted', reason: `${where} no longer exists; ${retiredByDelete ? 'nothing to copy (its deletion is propagated by the delete event)' : 'not deleted on the other side'}` };
        }
        if ('problem' in item.mapped) return { outcome: 'skipped', reason: item.mapped.problem };
        if (change.system !== roles.master) {
          if (input.echoHash && echoMatches(input.echoHash, item.mapped.record)) return { outcome: 'echo' };
          return { outcome: 'not-master', reason: `${where} changed, but ${roles.master} is the master of ${input.register}: the change is not copied; make it in ${roles.master}` };
        }
        const target = targetStream(roles.other, input.register, input.pair);
        const [entry] = await pairAndWrite(ctx, target, [item], false);
        if (entry.action === 'create' || entry.action === 'update' || entry.action === 'unchanged') {
          return {
            outcome: entry.action === 'unchanged' ? 'unchanged' : 'written',
            entry,
            targetSystem: roles.other,
            targetKey: entry.targetKey!,
            writtenHash: echoFingerprint(comparable(target, item.mapped.record)),
          };
        }
        return { outcome: entry.action === 'conflict' ? 'conflict' : 'skipped', reason: entry.reason ?? entry.action, entry };
      });
    },

    /**
     * Changes since the cursors, from every polled system of the register (its master, unless the master is
     * Rackbeat, whose changes come by webhook). Where the source stamps its records the next cursor is the newest
     * stamp it returned (its own clock, never the worker's); Netvisor's lists carry none, so its cursor is the
     * worker's clock less 2 s.
     */
    async pollChanges(input: SyncRoute & { cursors: Partial<Record<SyncSystem, string>> }): Promise<{ changes: SyncChange[]; cursors: Partial<Record<SyncSystem, string>> }> {
      return classified(async () => {
        const roles = syncRoles(connections, input);
        const changes: SyncChange[] = [];
        const cursors = { ...input.cursors };
        for (const system of roles ? polledSystems(roles.master) : []) {
          const stream = sourceStream(system, input.register);
          const since = input.cursors[system];
          if (stream.sourceClock && stream.changedSince) {
            // The source's own clock: the next cursor is the newest stamp it returned (source-cursor.ts).
            if (!since) {
              cursors[system] = formatCursor({ at: new Date(Date.now() - FIRST_ANCHOR_MARGIN_MS).toISOString(), seen: [] });
              continue;
            }
            const prev = parseCursor(since);
            const items = await stream.changedSince(streamContext(connections, input.tenant, input.pair), queryFrom(prev));
            const { fresh, next } = advanceCursor(prev, items);
            cursors[system] = formatCursor(next);
            changes.push(...fresh.map((i) => ({ system, sourceId: i.sourceId, event: 'upsert' as const })));
            continue;
          }
          // No modification stamps in the source's lists (Netvisor): the worker's clock, with a little overlap.
          cursors[system] = new Date(Date.now() - 2000).toISOString();
          // The first poll only sets the cursor: what existed before go-live is the migration's work.
          if (!since || !stream.changedSince) continue;
          const items = await stream.changedSince(streamContext(connections, input.tenant, input.pair), since);
          changes.push(...items.map((i) => ({ system, sourceId: i.sourceId, event: 'upsert' as const })));
        }
        return { changes, cursors };
      });
    },

    /** Run by the register's Schedule: wakes the sync entity (starting it if needed) to poll now. */
    async requestPoll(input: SyncRoute & { taskQueue: string }): Promise<void> {
      await temporal().workflow.signalWithStart('registerSync', {
        workflowId: syncWorkflowId(input),
        taskQueue: input.taskQueue,
        args: [{ tenant: input.tenant, pair: input.pair, register: input.register }],
        signal: 'poll',
        signalArgs: [],
      });
    },
  };
}

/**
 * What echo suppression remembers of a write: the fields we wrote and a hash of their values. A change event from
 * that record is our own echo when the same fields still hold the same values (the target may hold more fields,
 * such as a barcode we never wrote, so the whole record is not compared).
 */
export function echoFingerprint(written: object): string {
  const keys = Object.keys(written).filter((k) => (written as Record<string, unknown>)[k] !== undefined).sort();
  return `${contentHash(written)}|${keys.join(',')}`;
}

export function echoMatches(fingerprint: string, current: object): boolean {
  const [hash, keys = ''] = fingerprint.split('|');
  const projected = project(current as Record<string, unknown>, keys.split(',').filter(Boolean));
  return contentHash(projected) === hash;
}

/** Which systems of a pair are polled for a register: the master, unless it pushes webhooks (Rackbeat). */
export function polledSystems(master: SyncSystem): SyncSystem[] {
  return master === 'rackbeat' ? [] : [master];
}
