import { Context } from '@temporalio/activity';

/**
 * A count of the API requests sent per tenant, system and base URL over the last hour: what the console's Tenants
 * page shows against each system's published limit. The tenant is the one the running activity works for (every
 * Siirto workflow id is `<flow>/<tenant>/…`), so tenants sharing one API address (every Netvisor tenant talks to
 * integration.netvisor.fi) are counted apart. Nothing of the request (no path, no credential) is kept.
 *
 * Within a process the count is one timestamp per request. With the cluster-wide limits on (PostgreSQL), every
 * process also adds its counts, per minute, to a shared table every few seconds, so a console in another process
 * (`siirto server`) sees the calls of every worker.
 */
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const FLUSH_MS = 5_000;
const starts = new Map<string, number[]>();

export interface CallCountRow {
  tenant: string;
  system: string;
  base: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  n: number;
}

/** Where the counts of every process meet (connectors/kit/cluster-limits.ts implements it on PostgreSQL). */
export interface CallCountStore {
  addCalls(rows: CallCountRow[]): Promise<void>;
  /** Requests for the tenant to `system` at `base` (or below it) in minutes starting after `sinceMs`. */
  callsSince(tenant: string, system: string, base: string, sinceMs: number): Promise<number>;
}

const normalBase = (baseUrl: string): string => baseUrl.replace(/\/+$/, '').toLowerCase();
const keyOf = (tenant: string, system: string, baseUrl: string): string => `${tenant} ${system} ${normalBase(baseUrl)}`;

/** The tenant the running activity works for: the second segment of its workflow id; "-" outside an activity. */
export function callTenant(): string {
  try {
    return Context.current().info.workflowExecution?.workflowId.split('/')[1] || '-';
  } catch {
    return '-';
  }
}

function prune(list: number[], now: number): void {
  let drop = 0;
  while (drop < list.length && list[drop] <= now - HOUR_MS) drop++;
  if (drop) list.splice(0, drop);
}

let store: CallCountStore | undefined;
let timer: NodeJS.Timeout | undefined;
/** Counts not yet added to the shared store, by tenant/system/base/minute. */
let pending = new Map<string, CallCountRow>();

/** Called by the HTTP transport (connectors/kit/http.ts) as each request starts. */
export function recordApiCall(system: string, baseUrl: string, now = Date.now(), tenant = callTenant()): void {
  const key = keyOf(tenant, system, baseUrl);
  let list = starts.get(key);
  if (!list) starts.set(key, (list = []));
  list.push(now);
  if (list.length % 256 === 0) prune(list, now);
  if (store) {
    const minute = now - (now % MINUTE_MS);
    const k = `${key} ${minute}`;
    const row = pending.get(k);
    if (row) row.n++;
    else pending.set(k, { tenant, system, base: normalBase(baseUrl), minute, n: 1 });
  }
}

/** Adds what this process counted since the last flush to the shared store; kept for the next flush on failure. */
export async function flushCallCounts(): Promise<void> {
  if (!store || pending.size === 0) return;
  const rows = [...pending.values()];
  pending = new Map();
  try {
    await store.addCalls(rows);
  } catch {
    // The store is down: the counts wait for the next flush (a count, never a reason to fail a call).
    for (const r of rows) {
      const k = `${keyOf(r.tenant, r.system, r.base)} ${r.minute}`;
      const row = pending.get(k);
      if (row) row.n += r.n;
      else pending.set(k, r);
    }
  }
}

/** From now on this process's counts also go to `shared` (undefined: this process only). */
export function shareCallCounts(shared: CallCountStore | undefined): void {
  store = shared;
  pending = new Map();
  if (timer) clearInterval(timer);
  timer = undefined;
  if (shared) {
    timer = setInterval(() => void flushCallCounts(), FLUSH_MS);
    timer.unref();
  }
}

/** Requests for `tenant` to `system` at `baseUrl` (or below it) that this process sent in the last hour. */
export function apiCallsLastHour(tenant: string, system: string, baseUrl: string, now = Date.now()): number {
  const prefix = keyOf(tenant, system, baseUrl);
  let n = 0;
  for (const [key, list] of starts) {
    if (key !== prefix && !key.startsWith(`${prefix}/`)) continue;
    prune(list, now);
    n += list.length;
  }
  return n;
}

/** The same over every process that shares `shared`, minute by minute; this process's own count without it. */
export async function apiCallsInLastHour(
  tenant: string,
  system: string,
  baseUrl: string,
  shared?: CallCountStore,
  now = Date.now(),
): Promise<{ calls: number; scope: 'cluster' | 'process' }> {
  if (!shared) return { calls: apiCallsLastHour(tenant, system, baseUrl, now), scope: 'process' };
  const since = now - HOUR_MS;
  return { calls: await shared.callsSince(tenant, system, normalBase(baseUrl), since - (since % MINUTE_MS)), scope: 'cluster' };
}
