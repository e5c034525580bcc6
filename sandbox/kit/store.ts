/**
 * The in-memory state of one sandbox: named collections of plain records. Everything a test or the demo needs to
 * inspect is here, and GET /__sandbox/state returns it as is.
 */
export type SandboxRecord = Record<string, unknown>;

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

  snapshot(): Record<string, SandboxRecord[]> {
    return Object.fromEntries([...this.collections].map(([k, v]) => [k, structuredClone(v)]));
  }
}
