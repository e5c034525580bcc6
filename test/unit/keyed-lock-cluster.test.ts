import crypto from 'node:crypto';
import { Client } from 'pg';
import { KeyedLock } from '../../activities/keyed-lock';
import { PostgresLimits } from '../../connectors/kit/cluster-limits';
import { useClusterLimits } from '../../connectors/kit/limiter';

/**
 * The look-then-create lock of customers, products and documents spans worker processes when the cluster-wide
 * limits are on. Two KeyedLock instances stand for two workers (each has only its own local queue); the cluster lock
 * is a PostgreSQL advisory lock per call, on its own connection, as in separate processes.
 */
const BASE = process.env.SIIRTO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DB = `siirto_keyed_test_${crypto.randomBytes(4).toString('hex')}`;
const inDatabase = (name: string) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();

/** Runs the same key through two "workers" at once; returns the most bodies that ran at the same time. */
async function largestOverlap(): Promise<number> {
  const workers = [new KeyedLock(), new KeyedLock()];
  let inside = 0;
  let most = 0;
  const body = async () => {
    inside++;
    most = Math.max(most, inside);
    await new Promise((r) => setTimeout(r, 150));
    inside--;
  };
  await Promise.all(workers.flatMap((w) => [w.run('acme/procountor/customer/12345678', body), w.run('acme/procountor/customer/12345678', body)]));
  return most;
}

afterAll(async () => {
  await useClusterLimits(null)?.close();
  const admin = new Client({ connectionString: inDatabase('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
});

test('without the cluster-wide limits, two workers each take the key (the gap this closes)', async () => {
  useClusterLimits(null);
  expect(await largestOverlap()).toBe(2);
});

test('with them, one body at a time for a key across workers', async () => {
  const previous = useClusterLimits(new PostgresLimits(inDatabase(DB)));
  await previous?.close();
  expect(await largestOverlap()).toBe(1);
});
