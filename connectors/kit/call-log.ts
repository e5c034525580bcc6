/**
 * A count of the API requests this process sent, per system and base URL, over the last hour: what the console's
 * Tenants page shows against each system's published limit. One timestamp per request, dropped after an hour;
 * nothing of the request (no path, no credential) is kept.
 */
const HOUR_MS = 3_600_000;
const starts = new Map<string, number[]>();

const keyOf = (system: string, baseUrl: string): string => `${system} ${baseUrl.replace(/\/+$/, '').toLowerCase()}`;

function prune(list: number[], now: number): void {
  let drop = 0;
  while (drop < list.length && list[drop] <= now - HOUR_MS) drop++;
  if (drop) list.splice(0, drop);
}

/** Called by the HTTP transport (connectors/kit/http.ts) as each request starts. */
export function recordApiCall(system: string, baseUrl: string, now = Date.now()): void {
  const key = keyOf(system, baseUrl);
  let list = starts.get(key);
  if (!list) starts.set(key, (list = []));
  list.push(now);
  if (list.length % 256 === 0) prune(list, now);
}

/** Requests to `system` whose transport base URL starts with `baseUrl`, in the last hour. */
export function apiCallsLastHour(system: string, baseUrl: string, now = Date.now()): number {
  const prefix = keyOf(system, baseUrl);
  let n = 0;
  for (const [key, list] of starts) {
    if (key !== prefix && !key.startsWith(`${prefix}/`)) continue;
    prune(list, now);
    n += list.length;
  }
  return n;
}
