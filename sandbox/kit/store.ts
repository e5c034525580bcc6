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

export class SandboxStore {
  private collections = new Map<string, SandboxRecord[]>();
  private counters = new Map<string, number>();

  constructor(private readonly names: readonly string[]) {
    this.reset();
  }

  reset(): void {
    this.collections = new Map(this.names.map((n) => [n, []]));
    this.counters = new Map();
  }

  list<T extends SandboxRecord = SandboxRecord>(name: string): T[] {
    const c = this.collections.get(name);
    if (!c) throw new Error(`sandbox has no collection "${name}"`);
    return c as T[];
  }

  insert<T extends SandboxRecord>(name: string, record: T): T {
    this.list(name).push(record);
    return record;
  }

  find<T extends SandboxRecord = SandboxRecord>(name: string, predicate: (r: T) => boolean): T | undefined {
    return this.list<T>(name).find(predicate);
  }

  remove(name: string, predicate: (r: SandboxRecord) => boolean): number {
    const c = this.list(name);
    const kept = c.filter((r) => !predicate(r));
    this.collections.set(name, kept);
    return c.length - kept.length;
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
    for (const [sequence, value] of Object.entries(dump.counters)) {
      if (Number.isSafeInteger(value)) this.counters.set(sequence, Math.max(value, this.counters.get(sequence) ?? value));
    }
  }

  snapshot(): Record<string, SandboxRecord[]> {
    return Object.fromEntries([...this.collections].map(([k, v]) => [k, structuredClone(v)]));
  }
}
