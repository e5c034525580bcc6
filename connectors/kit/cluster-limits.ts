import { createHash } from 'node:crypto';
import { Client, Pool, type PoolClient } from 'pg';
import type { CallCountRow, CallCountStore } from './call-log';
import { sleepHeartbeating, waitHeartbeating, type ClusterLimits, type Waiter } from './limiter';

/**
 * API limits shared by every worker process, kept in PostgreSQL (Siirto's own database, `siirto_limits` by default,
 * created when missing; nothing else in the server is touched).
 *
 * - Rates: a sliding-window log per key in `siirto_rate_starts`. Taking a slot is one call of `siirto_rate_acquire`,
 *   which serialises on a transaction-level advisory lock for the key, drops starts older than the window, and either
 *   records a start (0) or says how many milliseconds until the oldest start leaves the window. The clock is the
 *   database's, so workers with skewed clocks still agree.
 * - One in flight: a session-level advisory lock per key (`pg_advisory_lock`), held on a connection for as long as the
 *   request runs. When the worker process dies, its connections close and PostgreSQL releases the lock by itself.
 *
 * Keys are stored and locked as SHA-256 digests: no credential or login is written to the database. The request
 * counts the console shows (siirto_api_calls) hold the tenant id, the system and the API's base URL, nothing more.
 */

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/siirto_limits';
const DEFAULT_DATABASE = 'siirto_limits';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS siirto_rate_starts (
  key text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS siirto_rate_starts_key_at ON siirto_rate_starts (key, at);
CREATE TABLE IF NOT EXISTS siirto_api_calls (
  tenant text NOT NULL,
  system text NOT NULL,
  base text NOT NULL,
  minute timestamptz NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (tenant, system, base, minute)
);
CREATE OR REPLACE FUNCTION siirto_rate_acquire(p_key text, p_limit integer, p_window_ms integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz;
  win interval := p_window_ms * interval '1 millisecond';
  n integer;
  oldest timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('siirto-rate:' || p_key, 0));
  t := clock_timestamp();
  DELETE FROM siirto_rate_starts WHERE key = p_key AND at <= t - win;
  SELECT count(*) INTO n FROM siirto_rate_starts WHERE key = p_key;
  IF n < p_limit THEN
    INSERT INTO siirto_rate_starts (key, at) VALUES (p_key, t);
    RETURN 0;
  END IF;
  SELECT at INTO oldest FROM siirto_rate_starts WHERE key = p_key ORDER BY at OFFSET n - p_limit LIMIT 1;
  RETURN greatest(1, ceil(extract(epoch FROM (oldest + win - t)) * 1000))::integer;
END $$;
`;

const digest = (key: string) => createHash('sha256').update(key).digest();

/** The advisory-lock id of a key: the first 64 bits of its digest, as PostgreSQL's signed bigint. */
export function lockId(key: string): string {
  return BigInt.asIntN(64, digest(`siirto-one-at-a-time:${key}`).readBigUInt64BE(0)).toString();
}

/** "127.0.0.1:5432/siirto_limits": where, without user or password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : `/${DEFAULT_DATABASE}`}`;
  } catch {
    return 'an unreadable SIIRTO_POSTGRES_URL';
  }
}

/** The URL with the database filled in (`siirto_limits` when the URL names none). */
export function limitsDatabaseUrl(url: string): string {
  const u = new URL(url);
  if (!u.pathname || u.pathname === '/') u.pathname = `/${DEFAULT_DATABASE}`;
  return u.toString();
}

/** Creates the database named in `url` when it does not exist, through the server's maintenance database. */
async function ensureDatabase(url: string): Promise<void> {
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // Another worker created it first.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export interface PostgresLimitsOptions {
  /** Most connections held for one-at-a-time locks (one per key with a request in flight). */
  maxLockConnections?: number;
}

export class PostgresLimits implements ClusterLimits, CallCountStore {
  readonly description: string;
  private readonly url: string;
  private readonly slots: Pool;
  private readonly locks: Pool;
  private ready?: Promise<void>;

  constructor(url: string, options: PostgresLimitsOptions = {}) {
    this.url = limitsDatabaseUrl(url);
    this.description = `PostgreSQL at ${describeUrl(this.url)}`;
    // Idle connections do not keep a finished process alive; a broken idle one is dropped, not thrown.
    this.slots = new Pool({ connectionString: this.url, max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    this.locks = new Pool({ connectionString: this.url, max: options.maxLockConnections ?? 32, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    for (const pool of [this.slots, this.locks]) pool.on('error', () => undefined);
    // A backend waiting for a lock notices a vanished client within a second (PostgreSQL 14+; older ones ignore it).
    this.locks.on('connect', (c) => void c.query('SET client_connection_check_interval = 1000').catch(() => undefined));
  }

  /** Database, table and function, once per process (again after a failure). */
  private setup(): Promise<void> {
    this.ready ??= (async () => {
      await ensureDatabase(this.url);
      const c = await this.slots.connect();
      try {
        await c.query('BEGIN');
        // Workers starting together would otherwise race on CREATE OR REPLACE FUNCTION.
        await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('siirto-limits-schema', 0))`);
        await c.query(SCHEMA);
        await c.query('COMMIT');
        c.release();
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        c.release(err as Error);
        throw err;
      }
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async acquireSlot(key: string, limit: number, windowMs: number, waiter: Waiter): Promise<void> {
    await waitHeartbeating(this.setup(), waiter);
    const id = digest(key).toString('hex').slice(0, 32);
    for (;;) {
      const res = await waitHeartbeating(this.slots.query<{ wait: number }>('SELECT siirto_rate_acquire($1, $2, $3) AS wait', [id, limit, Math.ceil(windowMs)]), waiter);
      const wait = Number(res.rows[0]?.wait ?? 0);
      if (wait <= 0) return;
      await sleepHeartbeating(wait, waiter);
    }
  }

  async lock(key: string, waiter: Waiter): Promise<() => Promise<void>> {
    await waitHeartbeating(this.setup(), waiter);
    const id = lockId(key);
    const connecting = this.locks.connect();
    // Cancelled while connecting: the connection is closed as soon as it arrives.
    const client: PoolClient = await waitHeartbeating(connecting, waiter, () => void connecting.then((c) => c.release(true), () => undefined));
    let released = false;
    const drop = (err?: Error) => {
      if (released) return;
      released = true;
      client.release(err ?? true);
    };
    try {
      // Cancelled while waiting: the connection is closed, which ends the wait (and frees the lock if it came just then).
      await waitHeartbeating(client.query('SELECT pg_advisory_lock($1)', [id]), waiter, () => drop(new Error('cancelled while waiting for the lock')));
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [id]);
        if (!released) {
          released = true;
          client.release();
        }
      } catch (err) {
        // A connection that cannot unlock is closed, which unlocks.
        drop(err as Error);
      }
    };
  }

  private flushes = 0;

  /** Adds per-minute request counts (connectors/kit/call-log.ts); rows older than two hours are dropped now and then. */
  async addCalls(rows: CallCountRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.setup();
    await this.slots.query(
      `INSERT INTO siirto_api_calls (tenant, system, base, minute, n)
       SELECT t, s, b, to_timestamp(m / 1000.0), n FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::integer[]) AS r(t, s, b, m, n)
       ON CONFLICT (tenant, system, base, minute) DO UPDATE SET n = siirto_api_calls.n + EXCLUDED.n`,
      [rows.map((r) => r.tenant), rows.map((r) => r.system), rows.map((r) => r.base), rows.map((r) => r.minute), rows.map((r) => r.n)],
    );
    if (++this.flushes % 20 === 1) await this.slots.query(`DELETE FROM siirto_api_calls WHERE minute < now() - interval '2 hours'`);
  }

  async callsSince(tenant: string, system: string, base: string, sinceMs: number): Promise<number> {
    await this.setup();
    const res = await this.slots.query<{ n: string | null }>(
      `SELECT sum(n) AS n FROM siirto_api_calls
       WHERE tenant = $1 AND system = $2 AND (base = $3 OR left(base, length($3) + 1) = $3 || '/') AND minute >= to_timestamp($4 / 1000.0)`,
      [tenant, system, base, sinceMs],
    );
    return Number(res.rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.slots.end(), this.locks.end()]);
  }
}
