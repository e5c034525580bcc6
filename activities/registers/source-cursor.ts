import type { SourceItem } from './stream-types';

/**
 * The changed-since cursor of a system whose records carry a modification stamp (Severa `lastUpdatedDateTime`,
 * 24SevenOffice `DateChanged`). It follows the SOURCE's clock: the next cursor is the newest stamp the source
 * returned, or unchanged when it returned nothing, so a source clock that lags or leads the worker loses nothing.
 *
 * The query asks from a little below the cursor (OVERLAP_MS), because systems disagree on whether "changed since"
 * includes the instant itself (the 24SO sandbox answers "after", Severa "at or after") and two records can share a
 * stamp. The records already reported in that window are remembered by `<id>@<stamp>` and not reported again; a
 * record changed again gets a new stamp and is reported.
 *
 * Stored in the entity's state as a string: JSON `{"at": "<ISO>", "seen": ["<id>@<ISO>", …]}`; a plain ISO instant
 * (what cursors were before) reads as a cursor with nothing seen.
 */
export interface SourceCursor {
  at: string;
  seen: string[];
}

export const OVERLAP_MS = 1000;

/**
 * The first poll of a register only anchors the cursor (what existed before go-live is the migration's work). No
 * stamp has been seen yet, so the anchor is the worker's clock minus this margin: a source clock up to this far
 * behind still has its changes picked up; re-reading a record changed in the margin is a harmless no-op upsert.
 */
export const FIRST_ANCHOR_MARGIN_MS = 15 * 60_000;

export function parseCursor(raw: string): SourceCursor {
  if (raw.startsWith('{')) {
    const c = JSON.parse(raw) as Partial<SourceCursor>;
    return { at: String(c.at), seen: Array.isArray(c.seen) ? c.seen.map(String) : [] };
  }
  return { at: raw, seen: [] };
}

export const formatCursor = (c: SourceCursor): string => JSON.stringify(c);

/** The instant to ask the source from. */
export const queryFrom = (c: SourceCursor): string => new Date(Date.parse(c.at) - OVERLAP_MS).toISOString();

const key = (i: SourceItem) => `${i.sourceId}@${i.changedAt}`;

/** Which of the returned records are news, and the cursor after them (never behind the previous one). */
export function advanceCursor(prev: SourceCursor, items: SourceItem[]): { fresh: SourceItem[]; next: SourceCursor } {
  const seen = new Set(prev.seen);
  const fresh = items.filter((i) => !i.changedAt || !seen.has(key(i)));
  const stamps = items.map((i) => i.changedAt).filter((s): s is string => !!s);
  const newest = stamps.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), prev.at);
  const floor = Date.parse(newest) - OVERLAP_MS;
  // Remember what was reported inside the next query's overlap window (the previous window's entries that are still in it, too).
  const window = [...prev.seen.filter((k) => Date.parse(k.slice(k.lastIndexOf('@') + 1)) >= floor), ...items.filter((i) => i.changedAt && Date.parse(i.changedAt) >= floor).map(key)];
  return { fresh, next: { at: newest, seen: [...new Set(window)] } };
}
