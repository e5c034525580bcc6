/**
 * Register migration throughput: Netvisor products → Rackbeat (the direction where a published limit binds:
 * Rackbeat's 480 requests/minute per token; Netvisor publishes none and is called one request at a time), through
 * the sandboxes in a separate process, with a worker kill in the middle. Prints records/s against the ceiling the
 * Rackbeat limit allows, API calls per record, peak worker memory and the records written more than once.
 * Scaling: the 50,000 products and Rackbeat's limit are both divided/multiplied by SCALE, so the run is SCALE²
 * times shorter while the ratio to the ceiling stays what it would be at full size (stated in the output).
 * Not a test: nothing is asserted. Usage: node dist/bench/register-migration.js [scale]   (default 25)
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Connections } from '../activities/connections';
import { log } from '../client/log';
import { startMigration } from '../client/migrations';
import type { ResolvedTenant } from '../config/load';
import { PairSyncSettings } from '../config/sync-schema';
import { RackbeatClient } from '../connectors/rackbeat';
import { EncryptionCodec } from '../worker/payload-codec';
import { installRuntime } from '../worker/worker';
import { progressQuery } from '../workflows/register-migration';
import { benchTemporal, fmt } from './support';

const FULL_SIZE = 50_000;
const RACKBEAT_PER_MINUTE = 480;
const SCALE = Number(process.argv[2] ?? 25);
const RECORDS = Math.round(FULL_SIZE / SCALE);
const LIMIT_PER_MINUTE = RACKBEAT_PER_MINUTE * SCALE;
const TOKEN = 'sandbox-rackbeat-token';
const NETVISOR = { customerId: 'SIIRTO-SANDBOX', customerKey: 'sandbox-customer-key', partnerId: 'SIIRTO_SANDBOX', partnerKey: 'sandbox-partner-key', organisationId: '1234567-1', language: 'FI' as const };

/** The worker's connections, with the Rackbeat client's own pacing scaled like the sandbox limit. */
class ScaledConnections extends Connections {
  private scaled?: RackbeatClient;
  override rackbeat(tenantId: string): RackbeatClient {
    const c = this.tenant(tenantId).connections.rackbeat!;
    // Rackbeat's client paces itself at 450 of the 480 per minute; the same 15/16 of the scaled limit here.
    return (this.scaled ??= new RackbeatClient(c, { pacing: { limit: Math.floor((LIMIT_PER_MINUTE * 15) / 16), windowMs: 60_000 } }));
  }
}

async function startSandboxProcess(): Promise<{ urls: Record<string, string>; stop(): void }> {
  const child = spawn(process.execPath, [path.join(__dirname, '../client/cli.js'), 'sandbox', 'netvisor', 'rackbeat', '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const urls: Record<string, string> = {};
  const lines = readline.createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const { system, url } = JSON.parse(line) as { system: string; url: string };
    urls[system] = url;
    if (urls.netvisor && urls.rackbeat) break;
  }
  return { urls, stop: () => child.kill('SIGTERM') };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const stats = async (url: string) => (await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: number; byPath: Record<string, number> };
const sum = (byPath: Record<string, number>, test: (k: string) => boolean) => Object.entries(byPath).filter(([k]) => test(k)).reduce((a, [, v]) => a + v, 0);

async function main(): Promise<void> {
  log.level = 'warn';
  installRuntime('ERROR');
  const temporal = await benchTemporal();
  const sandboxes = await startSandboxProcess();
  const { netvisor: nvUrl, rackbeat: rbUrl } = sandboxes.urls;
  await post(`${nvUrl}/__sandbox/seed`, { seed: 1, counts: { products: RECORDS, customers: 0, salesInvoices: 0 } });
  await post(`${rbUrl}/__sandbox/seed`, { seed: 1, counts: { products: 0, customers: 0, suppliers: 0, orders: 0 } });
  await post(`${rbUrl}/__sandbox/limits`, { perMinute: LIMIT_PER_MINUTE });

  const tenant = {
    tenant: 'bench',
    name: 'Bench Oy',
    connections: { netvisor: { baseUrl: nvUrl, ...NETVISOR }, rackbeat: { baseUrl: rbUrl, apiToken: TOKEN } },
    shops: [],
    sync: { pairs: [PairSyncSettings.parse({ pair: 'rackbeat-netvisor', registers: { products: { direction: 'netvisor-to-rackbeat' } } })], rackbeatWebhookTokens: [] },
  } as unknown as ResolvedTenant;
  const tenants = new Map([[tenant.tenant, tenant]]);
  const codec = new EncryptionCodec({ id: 'bench', key: crypto.randomBytes(32) });
  const taskQueue = 'bench-register-migration';
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const native = await NativeConnection.connect({ address: temporal.address });
  const startWorker = async () => {
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities: createActivities(new ScaledConnections(tenants), () => client),
      dataConverter: { payloadCodecs: [codec] },
      shutdownGraceTime: '100ms',
    });
    return { worker, running: worker.run() };
  };

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  let current = await startWorker();
  const before = { nv: (await stats(nvUrl)).requests, rb: (await stats(rbUrl)).requests };
  const t0 = performance.now();
  const handle = await startMigration(client, { tenant: 'bench', pair: 'rackbeat-netvisor', register: 'products', direction: 'netvisor-to-rackbeat', batchSize: 100, tuning: { heartbeatTimeout: '5s', retryInterval: '1s' } }, taskQueue);

  // Kill the worker once about 40 % is done, then start a fresh one on the same task queue.
  let killedAt = 0;
  let killPause = 0;
  for (;;) {
    const p = await handle.query(progressQuery).catch(() => null);
    if (p && p.done >= RECORDS * 0.4) {
      killedAt = p.done;
      const k0 = performance.now();
      current.worker.shutdown();
      await current.running.catch(() => undefined);
      current = await startWorker();
      killPause = (performance.now() - k0) / 1000;
      break;
    }
    if (p?.finished) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const result = await handle.result();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);

  const after = { nv: await stats(nvUrl), rb: await stats(rbUrl) };
  const nvCalls = after.nv.requests - before.nv;
  const rbCalls = after.rb.requests - before.rb;
  const rbWrites = sum(after.rb.byPath, (k) => k === 'POST /api/products' || k.startsWith('PUT /api/products/'));
  const inRackbeat = ((await (await fetch(`${rbUrl}/__sandbox/state`)).json()) as { products: unknown[] }).products.length;
  const rate = RECORDS / seconds;
  const rbPerRecord = rbCalls / RECORDS;
  const ceiling = LIMIT_PER_MINUTE / 60 / rbPerRecord;

  const out = [
    `scaling: ${RECORDS} products (50,000 ÷ ${SCALE}); Rackbeat limit ${RACKBEAT_PER_MINUTE}/min × ${SCALE} = ${LIMIT_PER_MINUTE}/min (${fmt(LIMIT_PER_MINUTE / 60)}/s); Netvisor: no published limit, one request at a time`,
    `result: ${result.status}, read ${result.counts.read}, created ${result.counts.create}, unchanged ${result.counts.unchanged}, skipped ${result.counts.skip}, ${result.batches} batches in ${result.runs} runs; ${inRackbeat} products in Rackbeat`,
    `throughput: ${fmt(rate)} records/s over ${fmt(seconds)} s (worker kill + restart included: ${fmt(killPause)} s) = ${fmt((100 * rate) / ceiling)} % of the ceiling the Rackbeat limit allows (${fmt(ceiling)} records/s at ${fmt(rbPerRecord, 2)} Rackbeat calls per record); absolute ceiling at 1 call per record ${fmt(LIMIT_PER_MINUTE / 60)} records/s`,
    `API calls per record: ${fmt((nvCalls + rbCalls) / RECORDS, 2)} (Netvisor ${fmt(nvCalls / RECORDS, 2)}, Rackbeat ${fmt(rbPerRecord, 2)})`,
    `projected at full size and the real limit: ${fmt((FULL_SIZE * rbPerRecord) / (RACKBEAT_PER_MINUTE / 60) / 3600, 1)} h for 50,000 products (Rackbeat-bound)`,
    `peak worker memory (RSS of the worker process; sandboxes run in their own process): ${fmt(peakRss / 1024 / 1024)} MiB`,
    `records written more than once after the mid-run kill at ${killedAt} records: ${rbWrites - RECORDS} (${rbWrites} Rackbeat product writes for ${RECORDS} products)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);

  current.worker.shutdown();
  await current.running.catch(() => undefined);
  await native.close();
  await connection.close();
  sandboxes.stop();
  await temporal.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
