import { normalizeBusinessId } from '../../domain/business-id';
import { normalizeName } from '../../domain/matching';
import type { RegisterRecord } from '../../domain/sync';
import type { Candidate } from './stream-types';

/**
 * The target register of one migration run, listed once (paged) and held compactly in the worker: every record as
 * the candidate the pairing rules need (target key, code, name, business ID, link) plus, where the list carries it,
 * the fields the "unchanged" check compares, as one JSON string. Looked up by natural key (code, business ID,
 * normalised name, link), so a batch pairs its records without a look-up call per record. Our own creates are added
 * as they land.
 *
 * 50,000 records take a few tens of MB: candidates are small objects, content is a string, and the key maps hold
 * positions, not copies.
 */
export class TargetIndex {
  private readonly entries: Array<{ candidate: Candidate; content?: string }> = [];
  private readonly byTargetKey = new Map<string, number>();
  private readonly byKey = new Map<string, number | number[]>();

  get size(): number {
    return this.entries.length;
  }

  /** Adds or replaces the target record `candidate.targetKey`. */
  put(candidate: Candidate, content?: object): void {
    const compact = content === undefined ? undefined : JSON.stringify(content);
    const at = this.byTargetKey.get(candidate.targetKey);
    if (at !== undefined) {
      const old = this.entries[at];
      for (const k of keysOf(old.candidate)) this.unlink(k, at);
      this.entries[at] = { candidate, ...(compact !== undefined ? { content: compact } : {}) };
      for (const k of keysOf(candidate)) this.link(k, at);
      return;
    }
    const pos = this.entries.length;
    this.entries.push({ candidate, ...(compact !== undefined ? { content: compact } : {}) });
    this.byTargetKey.set(candidate.targetKey, pos);
    for (const k of keysOf(candidate)) this.link(k, pos);
  }

  /** Replaces what the index knows of a record's content after we wrote it. */
  setContent(targetKey: string, content: object): void {
    const at = this.byTargetKey.get(targetKey);
    if (at !== undefined) this.entries[at].content = JSON.stringify(content);
  }

  /** The content the list carried (projected onto the target's keys), if it carried any. */
  content(targetKey: string): RegisterRecord | undefined {
    const at = this.byTargetKey.get(targetKey);
    const c = at === undefined ? undefined : this.entries[at].content;
    return c === undefined ? undefined : (JSON.parse(c) as RegisterRecord);
  }

  has(targetKey: string): boolean {
    return this.byTargetKey.has(targetKey);
  }

  /**
   * Every indexed record sharing a natural key with `query`: the pairing rules compare only these keys (equality,
   * names normalised), so they decide on this subset exactly as on the whole register.
   */
  candidatesFor(query: IndexQuery): Candidate[] {
    const seen = new Set<number>();
    for (const k of queryKeys(query)) {
      const hit = this.byKey.get(k);
      if (hit === undefined) continue;
      for (const p of typeof hit === 'number' ? [hit] : hit) seen.add(p);
    }
    return [...seen].sort((a, b) => a - b).map((p) => this.entries[p].candidate);
  }

  private link(key: string, pos: number): void {
    const hit = this.byKey.get(key);
    if (hit === undefined) this.byKey.set(key, pos);
    else if (typeof hit === 'number') {
      if (hit !== pos) this.byKey.set(key, [hit, pos]);
    } else if (!hit.includes(pos)) hit.push(pos);
  }

  private unlink(key: string, pos: number): void {
    const hit = this.byKey.get(key);
    if (hit === undefined) return;
    if (typeof hit === 'number') {
      if (hit === pos) this.byKey.delete(key);
      return;
    }
    const rest = hit.filter((p) => p !== pos);
    if (rest.length === 1) this.byKey.set(key, rest[0]);
    else if (rest.length) this.byKey.set(key, rest);
    else this.byKey.delete(key);
  }
}

/** What a source record is looked up by. */
export interface IndexQuery {
  code?: string;
  name?: string;
  businessId?: string;
  link?: string;
}

/** Registration numbers compared as the matcher does: a Finnish business ID normalised, anything else without spaces. */
const registration = (v: string): string => normalizeBusinessId(v) ?? v.replace(/\s+/g, '').toUpperCase();

function keysOf(c: Candidate): string[] {
  return queryKeys({ code: c.code, name: c.name, businessId: c.businessId, link: c.link });
}

function queryKeys(q: IndexQuery): string[] {
  const out: string[] = [];
  if (q.code) out.push(`c\u0000${q.code}`);
  if (q.name) out.push(`n\u0000${normalizeName(q.name)}`);
  if (q.businessId && q.businessId.trim()) out.push(`b\u0000${registration(q.businessId)}`);
  if (q.link) out.push(`l\u0000${q.link}`);
  return out;
}

/** The keys a record is known by, for waiting on a write in flight that might be its pair. */
export const lockKeys = (q: IndexQuery): string[] => queryKeys(q);

/**
 * Per-run memory of the worker: the target index and the source's key list, for one workflow run (a continue-as-new
 * run starts afresh, and so does a worker that was killed: it re-lists and finds what the killed attempt wrote).
 * Only the few runs this worker is serving are kept; the oldest is dropped beyond that.
 */
export class RunMemo {
  private readonly runs = new Map<string, { at: number; values: Map<string, unknown> }>();

  constructor(private readonly maxRuns = 8) {}

  /** The memo of `run` (a workflow run id and the register), made when first asked for. */
  of(run: string): Map<string, unknown> {
    let r = this.runs.get(run);
    if (!r) {
      r = { at: Date.now(), values: new Map() };
      this.runs.set(run, r);
      while (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value!);
    } else {
      // Most recently used last.
      this.runs.delete(run);
      this.runs.set(run, r);
      r.at = Date.now();
    }
    return r.values;
  }

  /** Forgets a run (its batch failed: what it wrote last is not certain, so the next attempt lists again). */
  drop(run: string): void {
    this.runs.delete(run);
  }

  /** Forgets every run of a workflow but `keep` (a new run of it started: the previous one is over). */
  dropOthers(prefix: string, keep: string): void {
    for (const k of [...this.runs.keys()]) if (k.startsWith(prefix) && k !== keep) this.runs.delete(k);
  }
}
