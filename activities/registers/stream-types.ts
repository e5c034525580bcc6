import type { PairSyncSettings } from '../../config/sync-schema';
import type { PartyCandidate } from '../../domain/mapping/pairing';
import type { Mapped } from '../../domain/mapping/rackbeat-netvisor';
import type { Pairing, RegisterRecord } from '../../domain/sync';
import type { Connections } from '../connections';

/** The shapes every register declaration fills in (streams.ts, streams-24so.ts). */
export interface StreamContext {
  connections: Connections;
  tenant: string;
  settings: PairSyncSettings;
  /**
   * Memory of the current migration run in this worker (engine.ts): a source without paging keeps its key list here,
   * so each batch reads only its own slice instead of the whole register again. Absent outside a migration batch.
   */
  run?: Map<string, unknown>;
}

export interface SourceItem {
  sourceId: string;
  mapped: Mapped<RegisterRecord>;
  /** When the source last changed the record, by the source's own clock (ISO instant); absent where it gives none. */
  changedAt?: string;
}

/** Where a source page ends: the next page's cursor (absent on the last page) and, where the source knows it, the total. */
export interface PageEnd {
  next?: string;
  total?: number;
  /**
   * The source keys of the page after this one (and, when they fit, of the page after that: streams.ts
   * handedKeys), where the source pages by a key list it reads whole (Netvisor): a batch hands them to the next, so
   * that batch can read its records before the whole list is read again (after a worker was killed, or on another
   * worker). Absent elsewhere.
   */
  nextKeys?: string[];
}

export interface SourcePage extends PageEnd {
  items: SourceItem[];
  /**
   * Set when the page was read from handed-over keys while the source's key list is still being read: where the
   * page ends is known once the list is in (then `next`, `total` and `nextKeys` above are absent).
   */
  end?: Promise<PageEnd>;
}

export interface SourceStream {
  /** `keys`: the page's source keys as the previous batch saw them (PageEnd.nextKeys), where the source uses them. */
  page(ctx: StreamContext, cursor: string | undefined, size: number, keys?: readonly string[]): Promise<SourcePage>;
  /** Records changed at or after `since` (ISO instant); absent where the system pushes changes instead (Rackbeat). */
  changedSince?(ctx: StreamContext, since: string): Promise<SourceItem[]>;
  /**
   * True when every item `changedSince` returns carries `changedAt`: the poll cursor then follows the source's clock.
   * Absent (Netvisor's lists carry no modification time): the cursor falls back to the worker's clock.
   */
  sourceClock?: true;
  readOne(ctx: StreamContext, sourceId: string): Promise<SourceItem | null>;
}

export interface Candidate extends PartyCandidate {
  code?: string;
  /** The partner id stored on the target record (a Rackbeat link field, a 24SO ExternalId). */
  link?: string;
}

export interface TargetStream<R extends RegisterRecord = RegisterRecord> {
  /** Fields the target stores: what "unchanged" compares. */
  keys: readonly string[];
  /** A per-record check before pairing (e.g. Rackbeat's 25-character product numbers). */
  refuse?(ctx: StreamContext, record: R): string | null;
  /** Candidates for a batch, looked up by natural keys (code, business ID, name). */
  lookup(ctx: StreamContext, records: R[]): Promise<Candidate[]>;
  pair(record: R, candidates: Candidate[]): Pairing;
  /** Current content of paired target records, for the unchanged check. */
  details(ctx: StreamContext, keys: string[]): Promise<Map<string, RegisterRecord>>;
  create(ctx: StreamContext, record: R): Promise<string>;
  update(ctx: StreamContext, targetKey: string, record: R): Promise<void>;
  /**
   * For targets linked by reference: the partner id the paired target record must carry. A record whose content
   * matches but whose link is missing is still updated, so that the link gets written.
   */
  expectedLink?(record: R): string;
  /**
   * Deletion propagation (only with propagateDeletes, only where the deleted source record's id is also its
   * natural key in the target): deactivates or deletes the paired target record. Returns what was done, or null
   * when there was nothing to retire.
   */
  retire?(ctx: StreamContext, naturalKey: string): Promise<string | null>;
  /** What a new target record is known by in the candidates list (so a later record in the batch sees it). */
  candidate(targetKey: string, record: R): Candidate;
  /**
   * The whole target register, read page by page, for the migration run's index (target-index.ts): every record as
   * a candidate, with its content (the target's `keys`) where the list carries it. Absent: each batch looks its
   * records up by natural key (`lookup`).
   */
  listAll?(ctx: StreamContext): AsyncIterable<ListedRecord>;
  /**
   * Several new records in one call, where the system documents a batch write (24SevenOffice SaveCompanies and
   * SaveProducts take arrays). One outcome per record, in order; a refused item does not stop the others.
   */
  createMany?(ctx: StreamContext, records: R[]): Promise<Array<{ ok: true; targetKey: string } | { ok: false; error: unknown }>>;
}

export interface ListedRecord {
  candidate: Candidate;
  /** The record's content as the target holds it (compared for "unchanged"); absent when the list omits it. */
  content?: RegisterRecord;
}


/**
 * The source id a record came from, for targets that link by reference (the 24SO id kept in a Rackbeat field).
 * Set by the engine as a non-enumerable property, so it never reaches content comparison, hashes or payloads.
 */
const SOURCE_ID = Symbol('sourceId');
export function withSourceId<T extends object>(record: T, sourceId: string): T {
  Object.defineProperty(record, SOURCE_ID, { value: sourceId, enumerable: false, configurable: true });
  return record;
}
export const sourceIdOf = (record: object): string => (record as Record<symbol, string>)[SOURCE_ID] ?? '';
