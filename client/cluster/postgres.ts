import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import type { ClusterTools } from './tools';

/** Where the Temporal server keeps its state: PostgreSQL from SIIRTO_POSTGRES_URL, by default this machine's own. */
export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';

export function postgresFromUrl(url = process.env.SIIRTO_POSTGRES_URL || DEFAULT_POSTGRES_URL): Postgres {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`SIIRTO_POSTGRES_URL "${url}" is not a URL; write it as postgres://user:password@host:5432`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`SIIRTO_POSTGRES_URL must start with postgres:// (got "${u.protocol}//")`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

/**
 * The database the workers of one cluster share their API limits in (connectors/kit/cluster-limits.ts), on the same
 * PostgreSQL as the Temporal server.
 */
export function limitsUrl(pg: Postgres, database = 'siirto_limits'): string {
  const u = new URL(`postgres://${pg.host}:${pg.port}/${database}`);
  u.username = pg.user;
  if (pg.password) u.password = pg.password;
  return u.toString();
}

/** The two databases of one Temporal server. */
export interface TemporalDatabases {
  main: string;
  visibility: string;
}

/** Siirto's database names; a suffix keeps tests (and a second cluster) apart from a running stack's. */
export function databaseNames(suffix = ''): TemporalDatabases {
  const s = suffix ? `_${suffix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}` : '';
  return { main: `siirto_temporal${s}`, visibility: `siirto_temporal_visibility${s}` };
}

const describe = (pg: Postgres) => `${pg.user}@${pg.host}:${pg.port}`;

async function withPg<T>(pg: Postgres, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${describe(pg)} does not answer (${(err as Error).message}). Start it, or point SIIRTO_POSTGRES_URL at one.`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Checks that PostgreSQL answers, with the sentence an operator needs when it does not. */
export async function checkPostgres(pg: Postgres): Promise<void> {
  await withPg(pg, async (c) => void (await c.query('SELECT 1')));
}

function sqlTool(tools: ClusterTools, pg: Postgres, database: string, args: string[]): Promise<void> {
  const child = spawn(tools.sqlTool, ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--db', database, ...args], {
    // The password travels in the environment, never on the command line.
    env: { ...process.env, SQL_PASSWORD: pg.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + String(d)).slice(-4000)));
  child.stderr!.on('data', (d) => (output = (output + String(d)).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      const last = output.trim().split('\n').filter((l) => /error|fatal/i.test(l)).pop() ?? output.trim().split('\n').pop();
      reject(new Error(`temporal-sql-tool ${args[0]} on database ${database} at ${describe(pg)} failed: ${last}`));
    });
  });
}

/**
 * Creates the two databases when missing and migrates them to the schema of this server version
 * (temporal-sql-tool create-database, setup-schema -v 0.0, update-schema). Safe to run on every start: a database
 * already at the version is left as it is.
 */
export async function prepareDatabases(tools: ClusterTools, pg: Postgres, dbs: TemporalDatabases): Promise<void> {
  await checkPostgres(pg);
  const existing = await withPg(pg, async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
  for (const [db, schema] of [[dbs.main, 'temporal'], [dbs.visibility, 'visibility']] as const) {
    if (!existing.includes(db)) await sqlTool(tools, pg, db, ['create-database']);
    await sqlTool(tools, pg, db, ['setup-schema', '-v', '0.0']);
    await sqlTool(tools, pg, db, ['update-schema', '-d', path.join(tools.schemaDir, schema, 'versioned')]);
  }
}

/** Drops the two databases (tests' own, never a stack's), even while a killed server's connections linger. */
export async function dropDatabases(pg: Postgres, dbs: TemporalDatabases): Promise<void> {
  await withPg(pg, async (c) => {
    for (const db of [dbs.main, dbs.visibility]) {
      if (!/^siirto_temporal/.test(db)) throw new Error(`refusing to drop "${db}": not one of Siirto's Temporal databases`);
      await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    }
  });
}
