import type { NetvisorConnection } from './connection';
import { finnishDateTime, inventoryItems, type NetvisorInventoryItem } from './inventory';

/**
 * inventorybywarehouse.nv for a changed-since poll (workflows/stock-sync.ts): the balances, and Netvisor's own
 * clock at the time of the reply (ResponseStatus `TimeStamp`, Finnish `d.M.yyyy H:mm:ss`, docs/wire/netvisor.md
 * "Response envelope"), from which the next poll's `changedsince` is taken — never the worker's clock.
 *
 * Zones (docs/wire/open-points.md): TimeStamp is read as Finnish local time and `changedsince` is sent in UTC (as
 * finnishDateTime does). If either guess is wrong, the error makes the next poll ask from EARLIER than needed,
 * never later: a TimeStamp that is really UTC, read as Helsinki time, is 2–3 h early; a `changedsince` Netvisor
 * reads as Helsinki time, sent as UTC, is 2–3 h early as well. Re-reading is harmless (only changed quantities are
 * written), a gap would lose a change.
 */
export interface InventoryChanges {
  items: NetvisorInventoryItem[];
  /** Netvisor's clock at the reply, as an ISO instant; undefined when the reply carried no TimeStamp. */
  netvisorTime?: string;
}

const HELSINKI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hour12: false,
});

/** Helsinki's offset from UTC at an instant, in ms. */
function helsinkiOffsetMs(at: number): number {
  const p = Object.fromEntries(HELSINKI.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return local - Math.floor(at / 1000) * 1000;
}

/** "2.12.2026 3:45:07" (Finnish local time) → the instant; undefined when it does not read as such a date-time. */
export function parseNetvisorTimestamp(text: string | undefined): Date | undefined {
  const m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const [day, month, year, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes settle the offset also next to a DST switch (an ambiguous autumn hour takes the earlier reading).
  let at = naive - helsinkiOffsetMs(naive);
  at = naive - helsinkiOffsetMs(at);
  return new Date(at);
}

export async function inventoryChangedSince(
  conn: NetvisorConnection,
  opts: { changedSince?: Date; warehouseName?: string } = {},
): Promise<InventoryChanges> {
  const root = await conn.get('inventorybywarehouse.nv', [
    ['inventoryplacename', opts.warehouseName],
    ['changedsince', opts.changedSince ? finnishDateTime(opts.changedSince) : undefined],
  ]);
  const status = root.responsestatus as { timestamp?: unknown } | undefined;
  const stamp = parseNetvisorTimestamp(typeof status?.timestamp === 'string' ? status.timestamp : undefined);
  const items = inventoryItems(conn, root);
  return { items, netvisorTime: stamp?.toISOString() };
}
