/**
 * The in-memory state of one sandbox: named collections of plain records. Everything a test or the demo needs to
 * inspect is here, and GET /__sandbox/state returns it as is.
 */
export type SandboxRecord = Record<string, unknown>;

/** Everything a sandbox holds, as JSON: what `siirto stack` keeps in the data dir between runs. */
export interface StoreDump {
  collections: Record<string, SandboxRecord[]>;
  counters: Record<string, number>;
}

/** One field's index over one collection, valid while the collection is the array it was built from, unchanged. */
interface FieldIndex {
  name: string;
  field: string;
  records: SandboxRecord[];
  length: number;
  version: number;
  byValue: Map<unknown, SandboxRecord[]>;
}

export class SandboxStore {
  private collections = new Map<string, SandboxRecord[]>();
  private counters = new Map<string, number>();
  /** Bumped by every change the store makes or is told of (`touched`); an index built before is rebuilt on use. */
  private versions = new Map<string, number>();
  private indexes = new Map<string, FieldIndex>();

  constructor(private readonly names: readonly string[]) {
    this.reset();
  }

  reset(): void {
    this.collections = new Map(this.names.map((n) => [n, []]));
    this.counters = new Map();
    this.indexes.clear();
  }

  list<T extends SandboxRecord = SandboxRecord>(name: string): T[] {
    const c = this.collections.get(name);
    if (!c) throw new Error(`sandbox has no collection "${name}"`);
    return c as T[];
  }

  insert<T extends SandboxRecord>(name: string, record: T): T {
    const list = this.list(name);
    list.push(record);
    // Indexes of this collection that were current stay current: the new record joins them (a first record wins).
    for (const index of this.indexes.values()) {
      if (index.name !== name || index.records !== list || index.length !== list.length - 1 || index.version !== this.version(name)) continue;
      index.length = list.length;
      this.addTo(index, record);
    }
    return record;
  }

  find<T extends SandboxRecord = SandboxRecord>(name: string, predicate: (r: T) => boolean): T | undefined {
    return this.list<T>(name).find(predicate);
  }

  remove(name: string, predicate: (r: SandboxRecord) => boolean): number {
    const c = this.list(name);
    const kept = c.filter((r) => !predicate(r));
    this.collections.set(name, kept);
    this.touched(name);
    return c.length - kept.length;
  }

  /**
   * The first record of `name` whose `field` is `value` (compared with ===, as `find` would), through an index per
   * collection and field instead of a scan: a lookup by key costs the same at 50 records and at 50,000. The index
   * follows `insert`, `remove`, `reset` and `restore`, and is rebuilt when the collection's length changed behind
   * the store's back; code that changes an indexed field of a record in place calls `touched(name)` afterwards.
   */
  findBy<T extends SandboxRecord = SandboxRecord>(name: string, field: string, value: unknown): T | undefined {
    return this.allBy<T>(name, field, value)[0];
  }

  /** Every record of `name` whose `field` is `value`, in insertion order (`filter`, through the index of `findBy`). */
  allBy<T extends SandboxRecord = SandboxRecord>(name: string, field: string, value: unknown): T[] {
    const records = this.list(name);
    if (value === undefined) return records.filter((r) => r[field] === undefined) as T[];
    const key = `${name}\u0000${field}`;
    let index = this.indexes.get(key);
    if (!index || index.records !== records || index.length !== records.length || index.version !== this.version(name)) {
      index = { name, field, records, length: records.length, version: this.version(name), byValue: new Map() };
      for (const record of records) this.addTo(index, record);
      this.indexes.set(key, index);
    }
    const found = index.byValue.get(value) ?? [];
    if (found.every((r) => r[field] === value)) return found.slice() as T[];
    // Changed in place without `touched`: answer as a scan would, and rebuild next time.
    index.version = -1;
    return records.filter((r) => r[field] === value) as T[];
  }

  /** Records of `name` were changed in place (an indexed field such as a number): indexes over it are rebuilt on next use. */
  touched(name: string): void {
    this.versions.set(name, this.version(name) + 1);
  }

  private version(name: string): number {
    return this.versions.get(name) ?? 0;
  }

  private addTo(index: FieldIndex, record: SandboxRecord): void {
    const value = record[index.field];
    if (value === undefined) return;
    const same = index.byValue.get(value);
    if (same) same.push(record);
    else index.byValue.set(value, [record]);
  }

  /** Monotonic ids per sequence name, starting at `start`. */
  nextId(sequence: string, start = 1): number {
    const next = (this.counters.get(sequence) ?? start - 1) + 1;
    this.counters.set(sequence, next);
    return next;
  }

  /** The collections and the id sequences, to restore later with `restore`. */
  dump(): StoreDump {
    return { collections: this.snapshot(), counters: Object.fromEntries(this.counters) };
  }

  /**
   * Puts back a dump: its collections (those this store knows; others are dropped) and its sequences. A sequence is
   * never moved backwards, so ids handed out since the dump was taken are not handed out again.
   */
  restore(dump: StoreDump): void {
    for (const name of this.names) this.collections.set(name, structuredClone(dump.collections[name] ?? []));
    this.indexes.clear();
    for (const [sequence, value] of Object.entries(dump.counters)) {
      if (Number.isSafeInteger(value)) this.counters.set(sequence, Math.max(value, this.counters.get(sequence) ?? value));
    }
  }

  snapshot(): Record<string, SandboxRecord[]> {
    return Object.fromEntries([...this.collections].map(([k, v]) => [k, structuredClone(v)]));
  }
}
