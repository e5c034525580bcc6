import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startMigration } from '../../client/migrations';
import { WORKER_MALLOC_ARENA_MAX } from '../../client/cluster/processes';
import type { LatencyConfig } from '../../sandbox/kit/latency';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { CLI } from './chaos-processes';
import { migrateRegister, progressQuery, type MigrationProgress, type RegisterMigrationResult } from '../../workflows/register-migration';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * The register-migration benchmark (issue #14) and its CI-sized variant: Netvisor products → Rackbeat, the direction
 * where a published limit binds (Rackbeat's ~480 requests/minute per token). The sandboxes run in their own process
 * and the worker is a `siirto worker` process of its own, so its RSS is the worker's alone; in the middle of the run
 * (and of a batch: half of it written) that worker is SIGKILLed and a new one started, as a supervisor would. Shared
 * by bench/register-migration.ts and test/chaos/register-migration-chaos.test.ts.
 *
 * Time is scaled, not the window: Rackbeat's 480 requests stay 480 per window, the window is 60 s ÷ timeFactor
 * (sandbox limit and the worker's client pacing alike).
 */
export interface MigrationBenchOptions {
  records: number;
  /** The Rackbeat window is 60 s divided by this (1 = the real limit). */
  timeFactor: number;
  /** Requests per window Rackbeat allows (480). */
  rackbeatLimit: number;
  /** The worker's Rackbeat pacing as a share of the limit (the client's own default is 450/480). */
  paceShare: number;
  batchSize: number;
  writeConcurrency: number;
  latency: { netvisor: LatencyConfig; rackbeat: LatencyConfig };
  /** SIGKILL the worker once this share of the records is done; null: no kill. */
  killAt: number | null;
  /** Temporal frontend; started (and stopped) by the caller. */
  temporalAddress: string;
  timeoutMs: number;
  /**
   * The batch activity's heartbeat timeout (how soon a killed worker's batch is retried elsewhere); default 10 s.
   * Nothing in a batch blocks the event loop for long (Netvisor's whole-register lists are read in slices that
   * heartbeat, connectors/netvisor/list-reader.ts), so a live worker heartbeats well within it.
   */
  heartbeatTimeout?: string;
  /** NODE_OPTIONS of the worker processes (V8 heap settings), if any. */
  workerNodeOptions?: string;
  /** The Temporal server's history.timerProcessorMaxTimeShift, when the caller scaled it (printed; the caller starts the server). */
  temporalTimerShift?: string;
  progress?: (line: string) => void;
}

export interface MigrationBenchReport {
  options: MigrationBenchOptions;
  result?: RegisterMigrationResult;
  error?: string;
  seconds: number;
  windowMs: number;
  pace: string;
  /** Netvisor and Rackbeat requests during the migration (from their /__sandbox/stats). */
  calls: { netvisor: number; rackbeat: number };
  byPath: { netvisor: Record<string, number>; rackbeat: Record<string, number> };
  rackbeatRate: { limit: number; windowMs: number; busiestWindow: number; refused: number };
  /** Products in Rackbeat afterwards, and how many distinct numbers. */
  inRackbeat: number;
  distinctInRackbeat: number;
  /** Rackbeat product creates Rackbeat handled (POST /api/products answered 201, or 422 for a number already taken). */
  creates: number;
  /** `atDone`: records of the batches done; `writtenInBatch`: of the batch under way, the ones Rackbeat had made. */
  kill?: { pid: number; atDone: number; writtenInBatch: number; atSecond: number; restartSeconds: number; recovery?: Recovery };
  /** Peak RSS per worker process (MiB), from /proc (VmHWM while alive, sampled VmRSS otherwise). */
  workerPeakRssMiB: number[];
  /** When Rackbeat made the products (its own created_at, whole seconds), counted from the migration's start. */
  timeline?: WriteTimeline;
}

/**
 * Where a run's time went, from Rackbeat's created_at stamps: before its first product, the seconds in which it made
 * none (the kill's gap among them), and the rate in the seconds it was writing.
 */
export interface WriteTimeline {
  firstSecond: number;
  lastSecond: number;
  /** Whole seconds between the first and the last with no product made. */
  emptySeconds: number;
  /** Every run of such seconds, in order. */
  gaps: Array<{ seconds: number; at: number }>;
}

export function writeTimeline(createdAt: readonly string[], startedAtMs: number): WriteTimeline | undefined {
  const seconds = createdAt.map((c) => Math.floor((Date.parse(c) - Math.floor(startedAtMs / 1000) * 1000) / 1000)).filter(Number.isFinite);
  if (!seconds.length) return undefined;
  const used = new Set(seconds);
  const first = Math.min(...seconds);
  const last = Math.max(...seconds);
  let empty = 0;
  let run = 0;
  const gaps: WriteTimeline['gaps'] = [];
  for (let s = first; s <= last; s++) {
    if (used.has(s)) {
      if (run) gaps.push({ seconds: run, at: s - run });
      run = 0;
      continue;
    }
    empty++;
    run++;
  }
  return { firstSecond: first, lastSecond: last, emptySeconds: empty, gaps };
}

const TOKEN = 'sandbox-rackbeat-token';
const DEFAULT_HEARTBEAT_TIMEOUT = '10s';

const post = async (url: string, body: unknown): Promise<any> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
};
const get = async (url: string): Promise<any> => (await fetch(url)).json();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The CLI's sandboxes in a child process (so their CPU and memory are not the worker's or this process's). */
async function startSandboxProcess(): Promise<{ urls: Record<string, string>; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', 'netvisor', 'rackbeat', '--seed', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const urls: Record<string, string> = {};
  const lines = readline.createInterface({ input: child.stdout! });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = (async () => {
    for await (const line of lines) {
      if (!line.startsWith('{')) continue;
      const { system, url } = JSON.parse(line) as { system: string; url: string };
      urls[system] = url;
      if (urls.netvisor && urls.rackbeat) return;
    }
    throw new Error(`the sandbox process ended before it listened: ${err}`);
  })();
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the sandbox process ended before it listened: ${err}`)))]);
  return {
    urls,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

interface WorkerProc {
  pid: number;
  child: ChildProcess;
  exited: Promise<void>;
  peakRss(): number;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** kB figures from /proc/<pid>/status (Linux); 0 when the process is gone. */
function procStatus(pid: number): { rss: number; hwm: number } {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

async function startWorker(address: string, configDir: string, taskQueue: string, env: NodeJS.ProcessEnv): Promise<WorkerProc> {
  const child = spawn(process.execPath, [CLI, 'worker', '--address', address, '--config', configDir, '--task-queue', taskQueue, '--json'], {
    env: { ...process.env, ...env, SIIRTO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-6000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let peak = 0;
  const sample = () => {
    const s = procStatus(child.pid!);
    peak = Math.max(peak, s.rss, s.hwm);
  };
  const sampler = setInterval(sample, 100);
  void exited.then(() => clearInterval(sampler));
  // stdout is read to its end: a pipe nobody drains would block the worker once it filled up.
  const lines = readline.createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve) => lines.on('line', (line) => line.includes('"service":"worker"') && resolve()));
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`worker ended before it polled: ${log}`))), sleep(180_000).then(() => Promise.reject(new Error(`worker not polling after 180 s: ${log}`)))]);
  return {
    pid: child.pid!,
    child,
    exited,
    peakRss: () => {
      sample();
      return peak;
    },
    async kill() {
      sample();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      sample();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function tenantYaml(netvisorUrl: string, rackbeatUrl: string): string {
  return [
    'tenant: migbench',
    'name: Migration Bench Oy',
    'connections:',
    '  netvisor:',
    `    baseUrl: ${netvisorUrl}`,
    '    customerId: SIIRTO-SANDBOX',
    '    customerKey: { env: BENCH_NETVISOR_CUSTOMER_KEY }',
    '    partnerId: SIIRTO_SANDBOX',
    '    partnerKey: { env: BENCH_NETVISOR_PARTNER_KEY }',
    '    organisationId: 1234567-1',
    '    language: FI',
    '  rackbeat:',
    `    baseUrl: ${rackbeatUrl}`,
    '    apiToken: { env: BENCH_RACKBEAT_TOKEN }',
    'shops: []',
    'sync:',
    '  pairs:',
    '    - pair: rackbeat-netvisor',
    '      registers:',
    '        products: { direction: netvisor-to-rackbeat }',
    '',
  ].join('\n');
}

export async function runMigrationBench(o: MigrationBenchOptions): Promise<MigrationBenchReport> {
  const say = o.progress ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-migbench-'));
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir);
  const windowMs = Math.round(60_000 / o.timeFactor);
  const paceLimit = Math.max(1, Math.floor(o.rackbeatLimit * o.paceShare));
  const pace = `${paceLimit}/${windowMs}ms`;
  const env: NodeJS.ProcessEnv = {
    BENCH_NETVISOR_CUSTOMER_KEY: 'sandbox-customer-key',
    BENCH_NETVISOR_PARTNER_KEY: 'sandbox-partner-key',
    BENCH_RACKBEAT_TOKEN: TOKEN,
    SIIRTO_PAYLOAD_KEY: `bench:${crypto.randomBytes(32).toString('base64')}`,
    SIIRTO_DATA_DIR: path.join(dir, 'data'),
    SIIRTO_PACE_RACKBEAT: pace,
    SIIRTO_LIMITS: 'process',
    SIIRTO_POSTGRES_URL: '',
    ...(o.workerNodeOptions ? { NODE_OPTIONS: o.workerNodeOptions, MALLOC_ARENA_MAX: WORKER_MALLOC_ARENA_MAX } : {}),
  };
  const sandboxes = await startSandboxProcess();
  const workers: WorkerProc[] = [];
  let connection: Connection | undefined;
  try {
    const { netvisor: nvUrl, rackbeat: rbUrl } = sandboxes.urls;
    fs.writeFileSync(path.join(configDir, 'migbench.yaml'), tenantYaml(nvUrl, rbUrl));
    await post(`${nvUrl}/__sandbox/seed`, { seed: 1, counts: { products: o.records, customers: 0, salesInvoices: 0 } });
    await post(`${rbUrl}/__sandbox/seed`, { seed: 1, counts: { products: 0, customers: 0, suppliers: 0, orders: 0 } });
    await post(`${rbUrl}/__sandbox/limits`, { limit: o.rackbeatLimit, windowMs });
    await post(`${nvUrl}/__sandbox/latency`, o.latency.netvisor);
    await post(`${rbUrl}/__sandbox/latency`, o.latency.rackbeat);

    // One workflow bundle for every worker, as `siirto cluster` does: no worker spends its memory on webpack.
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quiet });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);
    env.SIIRTO_WORKFLOW_BUNDLE = bundlePath;
    const taskQueue = `migbench-${crypto.randomUUID()}`;
    workers.push(await startWorker(o.temporalAddress, configDir, taskQueue, env));
    say(`worker ${workers[0].pid} polling ${taskQueue}`);

    connection = await Connection.connect({ interceptors: connectionInterceptors(), address: o.temporalAddress });
    const client = new Client({ connection, dataConverter: { payloadCodecs: [codecFromEnvironment(path.join(dir, 'data'), env)] } });
    const before = { nv: await get(`${nvUrl}/__sandbox/stats`), rb: await get(`${rbUrl}/__sandbox/stats`) };
    const startedAt = Date.now();
    const t0 = performance.now();
    const handle = await startMigration(
      client,
      {
        tenant: 'migbench',
        pair: 'rackbeat-netvisor',
        register: 'products',
        direction: 'netvisor-to-rackbeat',
        batchSize: o.batchSize,
        writeConcurrency: o.writeConcurrency,
        tuning: { heartbeatTimeout: o.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT, retryInterval: '200ms' },
      },
      taskQueue,
    );
    const report: Partial<MigrationBenchReport> = {};
    let recovery: Promise<void> = Promise.resolve();
    let finished = false;
    const end = Date.now() + o.timeoutMs;
    let last: MigrationProgress | undefined;
    let lastSaid = 0;
    while (Date.now() < end) {
      last = (await handle.query(progressQuery).catch(() => undefined)) ?? last;
      if (last?.finished) break;
      if (last && Date.now() - lastSaid > 10_000) {
        lastSaid = Date.now();
        const w = workers[workers.length - 1];
        say(`${last.done}/${o.records} done after ${((performance.now() - t0) / 1000).toFixed(0)} s; worker ${w.pid} RSS ${(procStatus(w.pid).rss / 1024).toFixed(0)} MiB`);
      }
      if (o.killAt !== null && !report.kill && last && last.done >= o.records * o.killAt) {
        const victim = workers[workers.length - 1];
        // In the middle of a batch, not at its start: half of the batch under way is written when the worker dies,
        // so its retry must find those records in the target rather than write them again.
        const written = await untilCreated(rbUrl, (await createdCount(rbUrl)) + Math.ceil(o.batchSize / 2));
        const atSecond = (performance.now() - t0) / 1000;
        await victim.kill();
        say(`SIGKILL worker ${victim.pid} at ${last.done} records`);
        const k0 = performance.now();
        workers.push(await startWorker(o.temporalAddress, configDir, taskQueue, env));
        report.kill = { pid: victim.pid, atDone: last.done, writtenInBatch: Math.max(0, written - last.done), atSecond, restartSeconds: (performance.now() - k0) / 1000 };
        recovery = watchRecovery(client, handle.workflowId, rbUrl, Date.now() - (performance.now() - k0), () => finished).then((r) => void (report.kill!.recovery = r));
        continue;
      }
      await sleep(o.killAt !== null && !report.kill ? 50 : 500);
    }
    try {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(1000, end - Date.now()));
      report.result = await client.withAbortSignal(abort.signal, () => client.workflow.getHandle<typeof migrateRegister>(handle.workflowId).result());
      clearTimeout(timer);
    } catch (err) {
      report.error = `the migration did not finish within ${o.timeoutMs / 1000} s: ${(err as Error).message}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    finished = true;
    await recovery;
    const after = { nv: await get(`${nvUrl}/__sandbox/stats`), rb: await get(`${rbUrl}/__sandbox/stats`) };
    const delta = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    const made = (await get(`${rbUrl}/__sandbox/state`)).products as Array<{ number: string; created_at: string }>;
    const products = made.map((p) => p.number);
    const rbPaths = delta(after.rb.byPath ?? {}, before.rb.byPath ?? {});
    return {
      options: o,
      ...report,
      seconds,
      windowMs,
      pace,
      calls: { netvisor: after.nv.requests - before.nv.requests, rackbeat: after.rb.requests - before.rb.requests },
      byPath: { netvisor: delta(after.nv.byPath ?? {}, before.nv.byPath ?? {}), rackbeat: rbPaths },
      rackbeatRate: after.rb.rateLimit ?? { limit: o.rackbeatLimit, windowMs, busiestWindow: 0, refused: 0 },
      inRackbeat: products.length,
      distinctInRackbeat: new Set(products).size,
      // Creates Rackbeat handled: made (201) or refused as a number already taken (422). A create refused by the rate
      // limit never reached the register, and one whose worker was SIGKILLed before its body arrived never reached
      // the handler (it is counted as received, but has no reply): neither is a write.
      creates: ['201', '422'].reduce((n, status) => n + (after.rb.byStatus?.['POST /api/products']?.[status] ?? 0) - (before.rb.byStatus?.['POST /api/products']?.[status] ?? 0), 0),
      workerPeakRssMiB: workers.map((w) => w.peakRss() / 1024),
      timeline: writeTimeline(made.map((p) => p.created_at), startedAt),
    } as MigrationBenchReport;
  } finally {
    await connection?.close().catch(() => undefined);
    for (const w of workers) await w.stop().catch(() => undefined);
    await sandboxes.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Product creates Rackbeat has answered 201 so far. */
const createdCount = async (rackbeatUrl: string): Promise<number> => ((await get(`${rackbeatUrl}/__sandbox/stats`)).byStatus?.['POST /api/products']?.['201'] ?? 0) as number;

/** Waits (10 s at most) until Rackbeat has made `n` products; resolves with the count then. */
async function untilCreated(rackbeatUrl: string, n: number): Promise<number> {
  const until = Date.now() + 10_000;
  for (;;) {
    const made = await createdCount(rackbeatUrl);
    if (made >= n || Date.now() > until) return made;
    await sleep(10);
  }
}

/** After a SIGKILL: when the killed batch's next attempt started and when Rackbeat made its next product, in seconds from the kill. */
export interface Recovery {
  /** The batch's next attempt started (its pending activity's last started time, attempt > 1). */
  retrySeconds?: number;
  /** Rackbeat answered a product create again (201) after the replacement was polling. */
  firstWriteSeconds?: number;
}

/**
 * Watches the workflow and Rackbeat's counters every 50 ms after a kill, for up to a minute or until the migration
 * has finished. Started once the replacement polls: by then the killed worker's writes held in the sandbox's latency
 * have ended (their bodies died with the socket), so the next create answered is the retry's. A kill between two
 * batches leaves no attempt to retry: then only the next product is timed.
 */
async function watchRecovery(client: Client, workflowId: string, rackbeatUrl: string, killedAt: number, finished: () => boolean): Promise<Recovery> {
  const base = await createdCount(rackbeatUrl);
  const out: Recovery = {};
  const until = Date.now() + 60_000;
  while (Date.now() < until && !finished() && (out.retrySeconds === undefined || out.firstWriteSeconds === undefined)) {
    if (out.retrySeconds === undefined) {
      const pending = (await client.workflow.getHandle(workflowId).describe().catch(() => undefined))?.raw.pendingActivities ?? [];
      const retried = pending.find((a) => (a.attempt ?? 1) > 1 && a.lastStartedTime);
      if (retried) out.retrySeconds = (tsToMs(retried.lastStartedTime) - killedAt) / 1000;
    }
    if (out.firstWriteSeconds === undefined && (await createdCount(rackbeatUrl)) > base) out.firstWriteSeconds = (Date.now() - killedAt) / 1000;
    await sleep(50);
  }
  return out;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

/** Records written more than once: creates beyond the products they made (a create of a number already there). */
export const writtenTwice = (r: MigrationBenchReport): number => Math.max(0, r.creates - r.distinctInRackbeat);

export function formatMigrationBench(r: MigrationBenchReport, profileNote = ''): string[] {
  const o = r.options;
  const c = r.result?.counts;
  // Per record read: a run that did not finish is counted over what it did.
  const read = r.result?.counts.read ?? r.distinctInRackbeat;
  const perRecord = (n: number) => (read ? n / read : NaN).toFixed(3);
  const ceiling = o.rackbeatLimit / (r.windowMs / 1000);
  const rate = read / r.seconds;
  const windows = (r.seconds * 1000) / r.windowMs;
  return [
    `register migration: ${o.records} Netvisor products → Rackbeat, batches of ${o.batchSize}, up to ${o.writeConcurrency} Rackbeat writes in flight; sandboxes in their own process, worker a separate \`siirto worker\` process (prebuilt workflow bundle)`,
    `  scaling: Rackbeat's ${o.rackbeatLimit} requests per window kept, the window shortened ${o.timeFactor}× (60 s → ${r.windowMs} ms; sandbox limit {limit: ${o.rackbeatLimit}, windowMs: ${r.windowMs}}); worker pacing ${r.pace} (SIIRTO_PACE_RACKBEAT; ${(o.paceShare * 100).toFixed(1)} % of the limit); Netvisor one request at a time, not scaled${o.temporalTimerShift ? `; Temporal's timer precision (history.timerProcessorMaxTimeShift) 1 s ÷ ${o.timeFactor} = ${o.temporalTimerShift}` : ''}`,
    `  latency: ${profileNote}`,
    `  result: ${r.result ? `${r.result.status}, read ${c?.read}, created ${c?.create}, unchanged ${c?.unchanged}, skipped ${c?.skip}, conflicts ${c?.conflict}, ${r.result.batches} batches in ${r.result.runs} run(s)` : `none (${r.error})`}; ${r.distinctInRackbeat} products in Rackbeat`,
    `  throughput: ${rate.toFixed(1)} records/s over ${r.seconds.toFixed(1)} s${r.kill ? ", the SIGKILL and restart included" : ""} (${windows.toFixed(0)} windows; busiest window ${r.rackbeatRate.busiestWindow}/${r.rackbeatRate.limit}, ${r.rackbeatRate.refused} refused) = ${((100 * rate) / ceiling).toFixed(1)} % of the ceiling (${ceiling.toFixed(1)} records/s: ${o.rackbeatLimit} per ${r.windowMs} ms at the minimum of 1 Rackbeat call per record)`,
    `  API calls per record: ${perRecord(r.calls.netvisor + r.calls.rackbeat)} (Netvisor ${perRecord(r.calls.netvisor)}: ${Object.entries(r.byPath.netvisor).map(([k, v]) => `${k} ${v}`).join(', ')}; Rackbeat ${perRecord(r.calls.rackbeat)}: ${Object.entries(r.byPath.rackbeat).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `  projected at the real limit (${o.rackbeatLimit}/min): ${((o.records * (r.calls.rackbeat / o.records)) / (o.rackbeatLimit / 60) / 3600).toFixed(2)} h for ${o.records} products`,
    `  peak worker RSS: ${r.workerPeakRssMiB.map((m) => `${m.toFixed(0)} MiB`).join(', ')} (${r.workerPeakRssMiB.length > 1 ? "killed worker, then its replacement" : "one worker"}; worker NODE_OPTIONS ${o.workerNodeOptions ? `"${o.workerNodeOptions}", MALLOC_ARENA_MAX=${WORKER_MALLOC_ARENA_MAX}` : "none"})`,
    ...(r.timeline ? [describeTimeline(r.timeline, read, ceiling)] : []),
    `  SIGKILL: ${r.kill ? `worker ${r.kill.pid} at ${r.kill.atDone} records, ${r.kill.writtenInBatch} of the next batch written (${r.kill.atSecond.toFixed(1)} s in), replacement polling after ${r.kill.restartSeconds.toFixed(1)} s; the killed batch's next attempt started ${secondsAfter(r.kill.recovery?.retrySeconds)} (heartbeat timeout ${o.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT}), Rackbeat's next product made ${secondsAfter(r.kill.recovery?.firstWriteSeconds)}` : 'none'}; records written twice: ${writtenTwice(r)} (${r.creates} creates for ${r.distinctInRackbeat} products)`,
  ];
}

const secondsAfter = (s: number | undefined) => (s === undefined ? '(not seen)' : `${s.toFixed(1)} s after the kill`);

/** The "where the time went" line: the seconds with writes, the gaps between, and the rate while writing. */
function describeTimeline(t: WriteTimeline, read: number, ceiling: number): string {
  const writing = Math.max(1, t.lastSecond - t.firstSecond + 1 - t.emptySeconds);
  return (
    `  where the time went (Rackbeat's created_at, whole seconds from the start): first product in second ${t.firstSecond}, last in second ${t.lastSecond}; ` +
    `${t.emptySeconds} seconds in between with none made (${t.gaps.map((g) => `${g.seconds} s from second ${g.at}`).join(', ') || 'none'}); ` +
    `${(read / writing).toFixed(1)} records/s in the seconds it wrote = ${((100 * read) / writing / ceiling).toFixed(1)} % of the ceiling`
  );
}
