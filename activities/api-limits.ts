import { z } from 'zod';
import { DEFAULT_POSTGRES_URL, describeUrl, PostgresLimits } from '../connectors/kit/cluster-limits';
import { shareCallCounts } from '../connectors/kit/call-log';
import { clusterLimits, useClusterLimits } from '../connectors/kit/limiter';

/**
 * Where the API limits hold: in this worker process only (`process`, local development), or across every worker
 * process sharing one PostgreSQL (`postgres`). `postgres` is on whenever SIIRTO_POSTGRES_URL is set, or when asked
 * for with `siirto worker --limits postgres` / SIIRTO_LIMITS=postgres (then the URL defaults to DEFAULT_POSTGRES_URL).
 */
export const LimitsMode = z.enum(['process', 'postgres'], { error: 'must be "process" or "postgres"' });
export type LimitsMode = z.infer<typeof LimitsMode>;

export interface LimitsSetting {
  mode: LimitsMode;
  /** postgres mode: the database URL (may carry a password: never log it, use `where`). */
  url?: string;
  /** For logs: "in this process" or "PostgreSQL at host:port/db". */
  where: string;
}

export class LimitsConfigError extends Error {
  override readonly name = 'LimitsConfigError';
}

/** Reads the mode: the flag first, then SIIRTO_LIMITS, then whether SIIRTO_POSTGRES_URL is set. */
export function limitsSetting(mode?: string, env: NodeJS.ProcessEnv = process.env): LimitsSetting {
  const asked = mode ?? env.SIIRTO_LIMITS;
  let chosen: LimitsMode;
  if (asked !== undefined && asked !== '') {
    const parsed = LimitsMode.safeParse(asked);
    if (!parsed.success) throw new LimitsConfigError(`${mode !== undefined ? '--limits' : 'SIIRTO_LIMITS'}: "${asked}" ${parsed.error.issues[0].message}`);
    chosen = parsed.data;
  } else {
    chosen = env.SIIRTO_POSTGRES_URL ? 'postgres' : 'process';
  }
  if (chosen === 'process') return { mode: 'process', where: 'in this process' };
  const url = env.SIIRTO_POSTGRES_URL || DEFAULT_POSTGRES_URL;
  try {
    const u = new URL(url);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('not postgres');
  } catch {
    throw new LimitsConfigError('SIIRTO_POSTGRES_URL must be a PostgreSQL URL such as postgres://user@host:5432/siirto_limits');
  }
  return { mode: 'postgres', url, where: `PostgreSQL at ${describeUrl(url)}` };
}

let configured: LimitsSetting | undefined;

/**
 * Switches this process's limits to `mode` (or what the environment says). An explicit mode replaces an earlier
 * choice; without one, the first choice stays. Returns the setting in force.
 */
export function configureLimits(mode?: string, env: NodeJS.ProcessEnv = process.env): LimitsSetting {
  if (configured && mode === undefined) return configured;
  const setting = limitsSetting(mode, env);
  const backend = setting.mode === 'postgres' ? new PostgresLimits(setting.url!) : null;
  const previous = useClusterLimits(backend);
  // The console in another process reads the request counts of every worker from the same database.
  shareCallCounts(backend ?? undefined);
  if (previous) void previous.close();
  configured = setting;
  return setting;
}

/** Back to in-process limits, closing the cluster backend (tests, shutdown). */
export async function resetLimits(): Promise<void> {
  const previous = useClusterLimits(null);
  shareCallCounts(undefined);
  configured = undefined;
  await previous?.close();
}

export const limitsInForce = (): string => clusterLimits()?.description ?? 'in this process';

// ---- pace overrides ------------------------------------------------------------------------------------------

export interface Pace {
  limit: number;
  windowMs: number;
}

const UNIT_MS = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 } as const;

/** "450/min", "20/1250ms", "7000/1h": requests per window. */
export function parsePace(text: string): Pace | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|min|h)\s*$/.exec(text);
  if (!m) return null;
  const limit = Number(m[1]);
  const windowMs = Number(m[2] ?? 1) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  return limit > 0 && windowMs >= 1 ? { limit, windowMs } : null;
}

export const PACED_SYSTEMS = ['procountor', 'severa', 'rackbeat', 'twentyfourseven'] as const;
export type PacedSystem = (typeof PACED_SYSTEMS)[number];

/**
 * Client pace per system from SIIRTO_PACE_<SYSTEM> (PROCOUNTOR, SEVERA, RACKBEAT, TWENTYFOURSEVEN), for a vendor that
 * granted a different limit (24SevenOffice raises it per IP on request) or a test with scaled sandbox limits.
 * Unset: each client's default, just under the published limit.
 */
export function paceOverrides(env: NodeJS.ProcessEnv = process.env): Partial<Record<PacedSystem, Pace>> {
  const out: Partial<Record<PacedSystem, Pace>> = {};
  for (const system of PACED_SYSTEMS) {
    const name = `SIIRTO_PACE_${system.toUpperCase()}`;
    const text = env[name];
    if (text === undefined || text === '') continue;
    const pace = parsePace(text);
    if (!pace) throw new LimitsConfigError(`${name}: "${text}" must be requests per window, e.g. 450/min, 20/1250ms or 7000/h`);
    out[system] = pace;
  }
  return out;
}
