import { startMigration } from '../../client/migrations';
import { startSandboxes } from '../../sandbox/registry';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { statusQuery } from '../../workflows/transfer';
import { migrateRegister, progressQuery, type MigrationProgress, type RegisterMigrationResult } from '../../workflows/register-migration';
import { pidOfClientPort, sleep } from './chaos-processes';
import { netvisorYaml, startTopology, watchRequests, type TenantFile, type Topology } from './chaos-topology';

/**
 * The register-migration chaos run (issue #13): Severa customers → Netvisor through worker processes, with 10 %
 * sandbox faults; a worker is SIGKILLed in the middle of a batch (a Netvisor customer write in flight), and the
 * Temporal server is SIGKILLed and started again later in the run. Every Severa customer must end up in Netvisor
 * exactly once (or be reported as a conflict). Shared by test/chaos/register-migration-chaos.test.ts and
 * bench/chaos.ts.
 */
export interface MigrationChaosOptions {
  records: number;
  batchSize: number;
  workers: number;
  faultRate: number;
  /** Netvisor latency per request (kit latency), so that a batch takes long enough to be caught in the middle. */
  netvisorLatencyMs: number;
  seed: number;
  timeoutMs: number;
  progress?: (line: string) => void;
}

export const CI_MIGRATION_CHAOS: MigrationChaosOptions = { records: 120, batchSize: 5, workers: 2, faultRate: 0.1, netvisorLatencyMs: 10, seed: 21, timeoutMs: 300_000 };

export interface MigrationChaosReport {
  options: MigrationChaosOptions;
  temporal: string;
  result?: RegisterMigrationResult;
  error?: string;
  kill?: { pid: number; atDone: number; request: string };
  temporalRestart?: { atDone: number; downMs: number };
  unexpectedWorkerExits: Topology['unexpectedExits'];
  /** Severa customer numbers missing from Netvisor (and not reported as a conflict). */
  missing: string[];
  /** Netvisor customer codes present more than once. */
  duplicated: string[];
  /** Netvisor customers that are no Severa customer (written wrong). */
  unexpected: string[];
  conflicts: number;
  writes: number;
  seconds: number;
  faults: Record<string, number>;
}

const post = async (url: string, body: unknown): Promise<any> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
};
const get = async (url: string): Promise<any> => (await fetch(url)).json();

function migrationTenant(netvisorUrl: string, severaUrl: string): TenantFile {
  const yaml = [
    'tenant: chaosmig',
    'name: Chaos Migration Oy',
    'connections:',
    netvisorYaml(netvisorUrl),
    '  severa:',
    `    baseUrl: ${severaUrl}`,
    '    clientId: sandbox-client',
    '    clientSecret: { env: CHAOS_SEVERA_CLIENT_SECRET }',
    '    scopes: [customers:read, settings:read]',
    'shops: []',
    'sync:',
    '  pairs:',
    '    - pair: severa-netvisor',
    '      registers:',
    '        customers: { direction: severa-to-netvisor }',
    '',
  ].join('\n');
  return { tenant: 'chaosmig', yaml };
}

export async function runMigrationChaos(options: MigrationChaosOptions): Promise<MigrationChaosReport> {
  const say = options.progress ?? (() => undefined);
  const sandboxes = await startSandboxes(['netvisor', 'severa'], { seed: options.seed });
  const [netvisor, severa] = sandboxes as [StartedSandbox, StartedSandbox];
  let topology: Topology | undefined;
  try {
    await post(`${severa.url}/__sandbox/seed`, { seed: options.seed, counts: { customers: options.records } });
    await post(`${netvisor.url}/__sandbox/seed`, { seed: options.seed, counts: { customers: 0, salesInvoices: 0 } });
    topology = await startTopology({ tenants: [migrationTenant(netvisor.url, severa.url)], workers: options.workers, prefix: 'chaos-migration' });
    const t = topology;
    say(`topology up: ${options.workers} worker processes, ${t.temporal.describe}`);
    const faults = { rate: options.faultRate, kinds: ['500', '429', 'timeout', 'reset', 'commit-then-fail'], timeoutMs: 1500, retryAfterSeconds: 1, seed: options.seed };
    await post(`${netvisor.url}/__sandbox/faults`, faults);
    await post(`${severa.url}/__sandbox/faults`, { ...faults, seed: options.seed + 1 });
    await post(`${netvisor.url}/__sandbox/latency`, { ms: options.netvisorLatencyMs, jitterMs: Math.floor(options.netvisorLatencyMs / 2) });
    const writesBefore = (await get(`${netvisor.url}/__sandbox/stats`)).byPath?.['POST /customer.nv'] ?? 0;

    const input = { tenant: 'chaosmig', pair: 'severa-netvisor' as const, register: 'customers' as const, direction: 'severa-to-netvisor', batchSize: options.batchSize, tuning: { heartbeatTimeout: '3s', retryInterval: '500ms' } };
    const started = Date.now();
    const handle = await startMigration(t.client, input);
    const progress = async (): Promise<MigrationProgress | undefined> => handle.query(progressQuery).catch(() => undefined);
    const watcher = watchRequests(netvisor);
    const report: Partial<MigrationChaosReport> = {};

    // SIGKILL the worker whose batch is writing a customer, once about 30 % is done.
    const end = Date.now() + options.timeoutMs;
    let lastProgress: MigrationProgress | undefined;
    while (!report.kill && Date.now() < end) {
      lastProgress = (await progress()) ?? lastProgress;
      if (lastProgress?.finished) break;
      if ((lastProgress?.done ?? 0) >= options.records * 0.3) {
        for (const r of watcher.inFlight().filter((x) => x.method === 'POST' && x.path.endsWith('customer.nv'))) {
          const pid = pidOfClientPort(r.remotePort, t.workers().map((w) => w.pid));
          if (pid === undefined) continue;
          await t.killWorker(pid);
          report.kill = { pid, atDone: lastProgress!.done, request: 'POST /customer.nv' };
          say(`SIGKILL worker ${pid} with a customer write in flight, ${lastProgress!.done} records done`);
          break;
        }
      }
      if (!report.kill) await sleep(lastProgress && lastProgress.done >= options.records * 0.3 ? 5 : 200);
    }
    // Then the Temporal server, once about 60 % is done.
    while (!report.temporalRestart && Date.now() < end) {
      lastProgress = (await progress()) ?? lastProgress;
      if (lastProgress?.finished) break;
      if ((lastProgress?.done ?? 0) >= options.records * 0.6) {
        const atDone = lastProgress!.done;
        const at = Date.now();
        await t.temporal.kill();
        say(`SIGKILL Temporal server, ${atDone} records done`);
        await sleep(2000);
        await t.temporal.start();
        report.temporalRestart = { atDone, downMs: Date.now() - at };
        break;
      }
      await sleep(200);
    }
    watcher.stop();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, end - Date.now()));
    try {
      report.result = await t.client.withAbortSignal(abort.signal, () => t.client.workflow.getHandle<typeof migrateRegister>(handle.workflowId).result());
    } catch (err) {
      // Not finished: say where it stands (a parked migration names its reason).
      const s = await handle.query(statusQuery).catch(() => undefined);
      report.error = `the migration did not finish within ${options.timeoutMs / 1000} s (${abort.signal.aborted ? 'timed out' : (err as Error).message})${s ? `; it is ${s.status} at ${s.step}${s.error ? `: ${s.error.message}` : ''}` : ''}`;
    } finally {
      clearTimeout(timer);
    }
    const seconds = (Date.now() - started) / 1000;
    const injected = (await get(`${netvisor.url}/__sandbox/faults`)).injected as Record<string, number>;
    await post(`${netvisor.url}/__sandbox/faults`, { rate: 0 });
    await post(`${severa.url}/__sandbox/faults`, { rate: 0 });

    const severaNumbers = ((await get(`${severa.url}/__sandbox/state`)).customers as Array<{ number: number | string }>).map((c) => String(c.number));
    const codes = ((await get(`${netvisor.url}/__sandbox/state`)).customers as Array<{ code: string }>).map((c) => c.code).filter((c) => c !== 'TEMP');
    const conflictKeys = new Set((report.result?.entries ?? []).filter((e) => e.action === 'conflict').map((e) => String(e.key)));
    const count = new Map<string, number>();
    for (const c of codes) count.set(c, (count.get(c) ?? 0) + 1);
    const severaSet = new Set(severaNumbers);
    const writes = ((await get(`${netvisor.url}/__sandbox/stats`)).byPath?.['POST /customer.nv'] ?? 0) - writesBefore;
    return {
      options,
      temporal: t.temporal.describe,
      ...report,
      unexpectedWorkerExits: t.unexpectedExits,
      missing: severaNumbers.filter((n) => !count.has(n) && !conflictKeys.has(n)),
      duplicated: [...count].filter(([, n]) => n > 1).map(([c]) => c),
      unexpected: codes.filter((c) => !severaSet.has(c)),
      conflicts: conflictKeys.size,
      writes,
      seconds,
      faults: injected,
    } as MigrationChaosReport;
  } finally {
    await topology?.stop().catch(() => undefined);
    await Promise.allSettled(sandboxes.map((s) => s.close()));
  }
}

export function formatMigrationChaosReport(r: MigrationChaosReport): string[] {
  const o = r.options;
  const c = r.result?.counts;
  return [
    `register-migration chaos: ${o.records} Severa customers → Netvisor in batches of ${o.batchSize}, ${o.workers} worker processes, ${r.temporal}; sandbox faults ${o.faultRate * 100} %, Netvisor latency ${o.netvisorLatencyMs} ms`,
    `  chaos: worker SIGKILLed mid-batch ${r.kill ? `at ${r.kill.atDone} records (${r.kill.request} in flight)` : 'never'}; Temporal server SIGKILLed ${r.temporalRestart ? `at ${r.temporalRestart.atDone} records, back after ${(r.temporalRestart.downMs / 1000).toFixed(1)} s` : 'never'}; ${r.unexpectedWorkerExits.length} workers died on their own; faults injected ${Object.entries(r.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `  result: ${r.result ? `${r.result.status}, read ${c?.read}, created ${c?.create}, unchanged ${c?.unchanged}, conflicts ${c?.conflict}, skipped ${c?.skip}, ${r.result.batches} batches in ${r.result.runs} runs` : `none (${r.error})`} in ${r.seconds.toFixed(0)} s`,
    `  missing: ${r.missing.length}   duplicated: ${r.duplicated.length}   unexpected: ${r.unexpected.length}   Netvisor customer writes: ${r.writes} for ${c?.create ?? '?'} created`,
  ];
}
