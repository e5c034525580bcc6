import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { lockId, PostgresLimits } from '../../../connectors/kit/cluster-limits';
import { oneAtATime, sharedLimiter, useClusterLimits, type Waiter } from '../../../connectors/kit/limiter';

/**
 * The cluster-wide limits on a real PostgreSQL (the machine's, or SIIRTO_TEST_POSTGRES_URL). Each PostgresLimits
 * instance has its own connections, as a separate worker process would.
 */
const BASE = process.env.SIIRTO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const run = crypto.randomBytes(4).toString('hex');
const DB = `siirto_limits_test_${run}`;
const inDatabase = (name: string) => {
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  return u.toString();
};
const URL_ = inDatabase(DB);
const ADMIN = inDatabase('postgres');

const backends: PostgresLimits[] = [];
const open = () => {
  const b = new PostgresLimits(URL_);
  backends.push(b);
  return b;
};
let raw: Client;

function waiter(signal?: AbortSignal) {
  const w = { beats: 0, signal, heartbeat: () => void w.beats++ };
  return w satisfies Waiter;
}

/** Resolves with "pending" if `p` has not settled within `ms` (for waits that, by construction, last far longer). */
const settledWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), ms))]);

async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lockWaiters = async (key: string) => {
  const id = BigInt(lockId(key));
  const hi = Number(BigInt.asUintN(32, id >> 32n));
  const lo = Number(BigInt.asUintN(32, id));
  const res = await raw.query(
    `SELECT count(*) FILTER (WHERE granted) AS held, count(*) FILTER (WHERE NOT granted) AS waiting
       FROM pg_locks JOIN pg_database d ON d.oid = pg_locks.database
      WHERE locktype = 'advisory' AND d.datname = $1 AND classid = $2 AND objid = $3 AND objsubid = 1`,
    [DB, hi, lo],
  );
  return { held: Number(res.rows[0].held), waiting: Number(res.rows[0].waiting) };
};

beforeAll(async () => {
  // The first backend creates the database (it does not exist yet) and the schema.
  await open().acquireSlot(`setup-${run}`, 1, 1000, waiter());
  raw = new Client({ connectionString: URL_ });
  await raw.connect();
});

afterAll(async () => {
  useClusterLimits(null);
  await raw?.end();
  await Promise.all(backends.map((b) => b.close()));
  const admin = new Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  await admin.end();
});

describe('rate slots', () => {
  it('creates its own database when missing, and the table and function in it', async () => {
    const tables = await raw.query(`SELECT to_regclass('siirto_rate_starts') AS t, to_regproc('siirto_rate_acquire') AS f`);
    expect(tables.rows[0]).toEqual({ t: 'siirto_rate_starts', f: 'siirto_rate_acquire' });
    // Keys are digests: the key text itself is not stored.
    const keys = await raw.query('SELECT DISTINCT key FROM siirto_rate_starts');
    expect(keys.rows.map((r) => r.key)).not.toContain(`setup-${run}`);
    expect(keys.rows.every((r) => /^[0-9a-f]{32}$/.test(r.key))).toBe(true);
  });

  it('two processes share one budget: the slot after the limit waits (heartbeating) until cancelled', async () => {
    const a = open();
    const b = open();
    const key = `rackbeat:shared-${run}`;
    await a.acquireSlot(key, 3, 60_000, waiter());
    await b.acquireSlot(key, 3, 60_000, waiter());
    await a.acquireSlot(key, 3, 60_000, waiter());
    const abort = new AbortController();
    const w = waiter(abort.signal);
    const fourth = b.acquireSlot(key, 3, 60_000, w);
    // The window is a minute long: within a second and a half the fourth start has not been granted.
    expect(await settledWithin(fourth, 1500)).toBe('pending');
    expect(w.beats).toBeGreaterThan(0);
    const reason = new Error('activity cancelled');
    abort.abort(reason);
    await expect(fourth).rejects.toBe(reason);
    // Nothing was recorded for the cancelled one.
    const count = await raw.query('SELECT count(*)::int AS n FROM siirto_rate_starts WHERE key = $1', [crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)]);
    expect(count.rows[0].n).toBe(3);
  });

  it('a slot frees when the oldest start leaves the window, on the database clock', async () => {
    const a = open();
    const b = open();
    const key = `procountor:window-${run}`;
    const digest = crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
    await a.acquireSlot(key, 1, 800, waiter());
    const first = (await raw.query('SELECT at FROM siirto_rate_starts WHERE key = $1', [digest])).rows[0].at as Date;
    await b.acquireSlot(key, 1, 800, waiter());
    const second = (await raw.query('SELECT max(at) AS at FROM siirto_rate_starts WHERE key = $1', [digest])).rows[0].at as Date;
    expect(second.getTime() - first.getTime()).toBeGreaterThanOrEqual(800);
  });

  it('a limiter in cluster mode that cannot reach PostgreSQL sends nothing and says why, as a passing error', async () => {
    const previous = useClusterLimits(new PostgresLimits('postgres://postgres@127.0.0.1:1/siirto_limits'));
    try {
      const err = await sharedLimiter(`rackbeat:unreachable-${run}`, 5, 1000).acquire().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'ConnectorError', system: 'rackbeat', errorClass: 'transient', code: 'LIMITS_UNREACHABLE' });
      expect((err as Error).message).toMatch(/^Siirto did not call rackbeat: the shared API limits \(PostgreSQL at 127\.0\.0\.1:1\/siirto_limits\) cannot be reached/);
    } finally {
      await useClusterLimits(previous)?.close();
    }
  });
});

describe('one request in flight', () => {
  it('a second process waits for the lock and gets it when the first releases', async () => {
    const a = open();
    const b = open();
    const key = `netvisor-env-${run}-1`;
    const releaseA = await a.lock(key, waiter());
    const w = waiter();
    const second = b.lock(key, w);
    await eventually(async () => (await lockWaiters(key)).waiting === 1, 'the second process waiting');
    expect(await settledWithin(second, 1200)).toBe('pending');
    expect(w.beats).toBeGreaterThan(0);
    await releaseA();
    const releaseB = await second;
    expect(await lockWaiters(key)).toEqual({ held: 1, waiting: 0 });
    await releaseB();
    expect(await lockWaiters(key)).toEqual({ held: 0, waiting: 0 });
  });

  it('a cancelled waiter stops waiting and leaves nothing behind', async () => {
    const a = open();
    const b = open();
    const key = `netvisor-env-${run}-2`;
    const releaseA = await a.lock(key, waiter());
    const abort = new AbortController();
    const waiting = b.lock(key, waiter(abort.signal));
    await eventually(async () => (await lockWaiters(key)).waiting === 1, 'the waiter queued');
    const reason = new Error('workflow cancelled');
    abort.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await eventually(async () => (await lockWaiters(key)).waiting === 0, 'the cancelled wait ended in PostgreSQL');
    await releaseA();
    const releaseC = await open().lock(key, waiter());
    expect((await lockWaiters(key)).held).toBe(1);
    await releaseC();
  });

  it('oneAtATime takes the cluster lock around the call when cluster limits are on', async () => {
    const backend = open();
    const previous = useClusterLimits(backend);
    const key = `netvisor-env-${run}-3`;
    try {
      let maxTogether = 0;
      let together = 0;
      const heldDuringCall: number[] = [];
      await Promise.all(
        Array.from({ length: 5 }, () =>
          oneAtATime('netvisor', key, async () => {
            maxTogether = Math.max(maxTogether, ++together);
            heldDuringCall.push((await lockWaiters(key)).held);
            together--;
          }),
        ),
      );
      expect(maxTogether).toBe(1);
      expect(heldDuringCall).toEqual([1, 1, 1, 1, 1]);
      expect(await lockWaiters(key)).toEqual({ held: 0, waiting: 0 });
    } finally {
      useClusterLimits(previous);
    }
  });

  it('the lock of a worker process that is SIGKILLed is released by PostgreSQL', async () => {
    const key = `netvisor-env-${run}-killed`;
    const dist = path.resolve(__dirname, '../../../dist/connectors/kit/cluster-limits.js');
    const script = `
      const { PostgresLimits } = require(${JSON.stringify(dist)});
      const limits = new PostgresLimits(${JSON.stringify(URL_)});
      limits.lock(${JSON.stringify(key)}, { heartbeat() {} }).then(() => process.stdout.write('locked\\n'));
      setInterval(() => {}, 1000);
    `;
    const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
        child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it held the lock`)));
      });
      expect(await lockWaiters(key)).toEqual({ held: 1, waiting: 0 });
      const w = waiter();
      const mine = open().lock(key, w);
      await eventually(async () => (await lockWaiters(key)).waiting === 1, 'this process waiting behind the child');
      child.kill('SIGKILL');
      const release = await mine;
      expect(await lockWaiters(key)).toEqual({ held: 1, waiting: 0 });
      await release();
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
