import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { dropDatabases, postgresFromUrl, type TemporalDatabases } from '../../client/cluster/postgres';
import { portIsFree, temporalCliPath } from '../../client/dev-server';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { SEARCH_ATTRIBUTE_TYPES } from '../../worker/search-attributes';
import { codecFor } from '../support/cluster';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const EventType = temporal.api.enums.v1.EventType;

interface ClusterRun {
  child: ChildProcess;
  lines: Array<Record<string, any>>;
  stderr: () => string;
  /** Resolves with the first line (printed so far or later) that matches. */
  line(match: (l: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

function startCluster(env: NodeJS.ProcessEnv, args: string[]): ClusterRun {
  const child = spawn(process.execPath, [CLI, 'cluster', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-20_000)));
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<() => void> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l));
    for (const w of waiters.splice(0)) w();
  });
  const line = (match: (l: Record<string, any>) => boolean, timeoutMs = 150_000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such line within ${timeoutMs / 1000} s; lines: ${JSON.stringify(lines)}; stderr: ${stderr.slice(-3000)}`)), timeoutMs);
      const check = () => {
        const found = lines.find(match);
        if (found) {
          clearTimeout(timer);
          return resolve(found);
        }
        if (child.exitCode !== null) {
          clearTimeout(timer);
          return reject(new Error(`cluster exited (${child.exitCode}): ${stderr.slice(-3000)}`));
        }
        waiters.push(check);
      };
      child.once('exit', () => waiters.splice(0).forEach((w) => w()));
      check();
    });
  return { child, lines, stderr: () => stderr, line };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function pgQuery<T>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const pg = postgresFromUrl();
  const c = new PgClient({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `siirto cluster` end to end: the real Temporal server on PostgreSQL (its own databases for this run), the UI
 * server, two `siirto worker` processes, `siirto server` with its codec listener, the sandboxes and the demo order.
 * Then one worker is killed with -9 in the middle of an export, and the other one finishes it.
 */
describe('siirto cluster --json --workers 2', () => {
  let run: ClusterRun | undefined;
  let databases: TemporalDatabases | undefined;
  let dataDir: string;
  let client: Client | undefined;
  afterAll(async () => {
    await client?.connection.close();
    if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
    if (databases) await dropDatabases(postgresFromUrl(), databases);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the demo through Temporal on PostgreSQL, survives a worker killed with -9, and stops cleanly', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-cluster-'));
    const payloadKey = `e2e:${crypto.randomBytes(32).toString('base64')}`;
    const suffix = `e2e_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    run = startCluster(
      { ...process.env, SIIRTO_DATA_DIR: dataDir, SIIRTO_PAYLOAD_KEY: payloadKey, SIIRTO_LOG_LEVEL: 'warn' },
      ['--workers', '2', '--temporal-port', '0', '--ui-port', '0', '--server-port', '0', '--codec-port', '0', '--db-suffix', suffix],
    );
    const temporalLine = await run.line((l) => l.service === 'temporal');
    databases = temporalLine.databases as TemporalDatabases;
    expect(databases).toEqual({ main: `siirto_temporal_${suffix}`, visibility: `siirto_temporal_visibility_${suffix}` });
    const demo = (await run.line((l) => l.demo)).demo;
    const { lines } = run;
    const address = temporalLine.address as string;

    // Every part is its own process, and `temporal operator cluster health` answers.
    const workers = lines.filter((l) => l.service === 'worker' && l.identity);
    expect(workers).toHaveLength(2);
    // The workers share the API limits through the cluster's PostgreSQL, not each its own.
    for (const w of workers) expect(w.limits).toMatch(/^PostgreSQL at .+\/siirto_limits$/);
    const server = lines.find((l) => l.service === 'server')!;
    const ui = lines.find((l) => l.service === 'ui')!;
    const codec = lines.find((l) => l.service === 'codec')!;
    const pids = [temporalLine.pid, ...workers.map((w) => w.pid), server.pid, ui.pid];
    expect(new Set([...pids, run.child.pid]).size).toBe(pids.length + 1);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    const health = spawnSync(temporalCliPath(), ['operator', 'cluster', 'health', '--address', address], { encoding: 'utf8' });
    expect(health.stdout.trim()).toBe('SERVING');
    // The UI is pointed at the codec listener; the webhook door answers.
    const settings = (await (await fetch(`${ui.url}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
    expect(settings.Codec.Endpoint).toBe(codec.url);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // The demo order became an invoice in the Netvisor sandbox, and its workflow lives in PostgreSQL.
    expect(demo.status).toBe('done');
    const netvisor = lines.find((l) => l.system === 'netvisor')!;
    const state = async () => (await (await fetch(`${netvisor.url}/__sandbox/state`)).json()) as { salesInvoices: Array<{ number: string }> };
    expect(JSON.stringify((await state()).salesInvoices)).toContain(demo.documentNumber);
    const visible = await pgQuery<{ status: number }>(databases.visibility, 'SELECT status FROM executions_visibility WHERE workflow_id = $1', [demo.workflowId]);
    expect(visible).toEqual([{ status: 2 }]); // WORKFLOW_EXECUTION_STATUS_COMPLETED

    // The namespace carries Siirto's search attributes, from their one definition.
    client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address }), dataConverter: { payloadCodecs: [codecFor(payloadKey)] } });
    const registered = await client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const typeNames: Record<number, string> = { 2: 'Keyword', 3: 'Int' };
    expect(Object.fromEntries(Object.entries(registered.customAttributes ?? {}).map(([k, t]) => [k, typeNames[t as number]]))).toEqual(SEARCH_ATTRIBUTE_TYPES);

    // An export blocked on Netvisor's invoice write; the worker running it dies with -9.
    await fetch(`${netvisor.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ rate: 1, kinds: ['500'], paths: ['/salesinvoice.nv'], methods: ['POST'] }) });
    const woo = lines.find((l) => l.system === 'woocommerce')!;
    const shop = new WooCommerceClient({ baseUrl: woo.url, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
    const order = await shop.createOrder({
      status: 'processing',
      billing: { first_name: 'Ville', last_name: 'Nieminen', company: 'Lumileipomo Oy', address_1: 'Koulukatu 9', city: 'Oulu', postcode: '90100', country: 'FI' },
      line_items: [{ sku: 'P1001', quantity: 2 }],
    });
    const handle = client.workflow.getHandle(exportOrderWorkflowId('demo', 'woo', String(order.id)));
    const busy = await until('the invoice write failing on a worker', async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      return pending.find((a) => a.lastFailure && a.lastWorkerIdentity)?.lastWorkerIdentity ?? undefined;
    });
    const victim = workers.find((w) => w.identity === busy)!;
    const survivor = workers.find((w) => w.identity !== busy)!;
    expect(victim).toBeDefined();
    process.kill(victim.pid, 'SIGKILL');
    expect(await run.line((l) => l.pid === victim.pid && l.exited !== undefined)).toMatchObject({ exited: 'SIGKILL' });
    await fetch(`${netvisor.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ rate: 0 }) });

    // The other worker finishes it: one invoice, written by the survivor.
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'done', number: String(900000 + Number(order.number)) });
    expect((await state()).salesInvoices.filter((i) => i.number === result.number)).toHaveLength(1);
    const events = (await handle.fetchHistory()).events ?? [];
    const lastTask = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).at(-1)!;
    expect(lastTask.workflowTaskCompletedEventAttributes?.identity).toBe(survivor.identity);
    const started = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).map((e) => e.activityTaskStartedEventAttributes?.identity);
    expect(started).toContain(survivor.identity);
    expect(alive(survivor.pid)).toBe(true);

    // SIGINT stops everything, in order, with no orphans.
    await client.connection.close();
    client = undefined;
    const exited = new Promise<number | null>((resolve) => run!.child.once('exit', resolve));
    run.child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(await portIsFree(Number(address.split(':')[1]))).toBe(true);
    expect(run.lines.find((l) => l.pid === survivor.pid && l.exited !== undefined)).toMatchObject({ exited: 0 });
  }, 240_000);

  it('starts one part alone: --only temporal keeps serving while a separate worker is killed with -9', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-only-'));
    const suffix = `only_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const only = startCluster({ ...process.env, SIIRTO_DATA_DIR: dir, SIIRTO_PAYLOAD_KEY: '' }, ['--only', 'temporal', '--temporal-port', '0', '--db-suffix', suffix]);
    try {
      const t = await only.line((l) => l.service === 'temporal');
      await only.line((l) => l.ready === true);
      // Only the Temporal server: no sandboxes, workers, server or UI, and no payload key needed.
      expect(only.lines.filter((l) => l.service && l.service !== 'temporal').concat(only.lines.filter((l) => l.system))).toEqual([]);
      const env = { ...process.env, SIIRTO_PAYLOAD_KEY: `e2e:${crypto.randomBytes(32).toString('base64')}`, SIIRTO_DATA_DIR: dir };
      const worker = spawn(process.execPath, [CLI, 'worker', '--json', '--address', t.address, '--config', dir], { stdio: ['ignore', 'pipe', 'pipe'], env });
      const ready = await new Promise<Record<string, any>>((resolve, reject) => {
        readline.createInterface({ input: worker.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
        worker.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      });
      expect(ready).toMatchObject({ service: 'worker', pid: worker.pid, address: t.address, taskQueue: 'siirto' });
      const killed = new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
      worker.kill('SIGKILL');
      expect(await killed).toBe('SIGKILL');
      const health = spawnSync(temporalCliPath(), ['operator', 'cluster', 'health', '--address', t.address], { encoding: 'utf8' });
      expect(health.stdout.trim()).toBe('SERVING');
      expect(only.child.exitCode).toBeNull();
      const exited = new Promise<number | null>((resolve) => only.child.once('exit', resolve));
      only.child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(alive(t.pid)).toBe(false);
    } finally {
      if (only.child.exitCode === null) only.child.kill('SIGKILL');
      await dropDatabases(postgresFromUrl(), { main: `siirto_temporal_${suffix}`, visibility: `siirto_temporal_visibility_${suffix}` });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a worker outside the dev stack refuses to start without SIIRTO_PAYLOAD_KEY, and says why', () => {
    const env = { ...process.env, SIIRTO_DEV_STACK: '', SIIRTO_PAYLOAD_KEY: '', SIIRTO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-nokey-')) };
    const r = spawnSync(process.execPath, [CLI, 'worker', '--address', '127.0.0.1:1', '--config', env.SIIRTO_DATA_DIR], { encoding: 'utf8', env, timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('SIIRTO_PAYLOAD_KEY is not set. Every worker and the HTTP server must share one payload key');
    // No key was generated behind the operator's back.
    expect(fs.existsSync(path.join(env.SIIRTO_DATA_DIR, 'payload-key'))).toBe(false);
    fs.rmSync(env.SIIRTO_DATA_DIR, { recursive: true, force: true });
  });
});
