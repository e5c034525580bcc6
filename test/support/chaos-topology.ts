import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { buildHttpServer, listen } from '../../client/http';
import { parseTenantFile, type ResolvedTenant } from '../../config/load';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { cpuSeconds, sleep, startKillableDevServer, startWorkerProcess, tempDir, type KillableTemporal, type WorkerProcess } from './chaos-processes';
import { codecFor, startTemporalOnPostgres } from './cluster';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * The topology a chaos run (and the scale-out benchmark) works on: a Temporal server in its own process, several
 * `siirto worker` processes reading tenant files, the HTTP server and the sandboxes in this process. Workers that
 * die are replaced (a supervisor's job), and the run can SIGKILL any of them, or the Temporal server.
 */
export interface Topology {
  dir: string;
  temporal: KillableTemporal;
  client: Client;
  tenants: Map<string, ResolvedTenant>;
  serverUrl: string;
  /** Live worker processes. */
  workers(): WorkerProcess[];
  /** Workers that exited without being killed by the run (a crash under chaos is a finding). */
  unexpectedExits: Array<{ pid: number; how: string; tail: string }>;
  /** Worker starts that failed (and were tried again), e.g. while the Temporal server was down. */
  startFailures: string[];
  /** SIGKILLs one worker and starts its replacement (in the background: the kill is immediate). */
  killWorker(pid: number): Promise<void>;
  /** Keeps this many workers running. */
  scaleTo(n: number): Promise<void>;
  /** Waits until the replacements started so far are running. */
  settled(): Promise<void>;
  /** CPU seconds used so far by the workers (killed ones included), the Temporal server and this process. */
  cpu(): { workers: number; temporal: number; self: number };
  stop(): Promise<void>;
}

export interface TenantFile {
  tenant: string;
  /** YAML text; secrets as { env: NAME }. */
  yaml: string;
}

/** The sandboxes' default secrets, as the environment variables the tenant files name. */
export const SANDBOX_SECRETS: Record<string, string> = {
  CHAOS_NETVISOR_CUSTOMER_KEY: 'sandbox-customer-key',
  CHAOS_NETVISOR_PARTNER_KEY: 'sandbox-partner-key',
  CHAOS_WOO_CONSUMER_KEY: 'ck_sandbox',
  CHAOS_WOO_CONSUMER_SECRET: 'cs_sandbox',
  CHAOS_WOO_WEBHOOK_SECRET: 'sandbox-webhook-secret',
  CHAOS_SEVERA_CLIENT_SECRET: 'sandbox-secret',
  CHAOS_RACKBEAT_TOKEN: 'sandbox-rackbeat-token',
};

export function netvisorYaml(url: string): string {
  return [
    '  netvisor:',
    `    baseUrl: ${url}`,
    '    customerId: SIIRTO-SANDBOX',
    '    customerKey: { env: CHAOS_NETVISOR_CUSTOMER_KEY }',
    '    partnerId: SIIRTO_SANDBOX',
    '    partnerKey: { env: CHAOS_NETVISOR_PARTNER_KEY }',
    '    organisationId: 1234567-1',
    '    language: FI',
  ].join('\n');
}

/** A tenant exporting one WooCommerce shop's orders to its own Netvisor environment. */
export function orderExportTenantYaml(tenant: string, netvisorUrl: string, wooUrl: string): TenantFile {
  const yaml = [
    `tenant: ${tenant}`,
    `name: ${tenant} Oy`,
    'connections:',
    netvisorYaml(netvisorUrl),
    'shops:',
    '  - id: woo',
    '    system: woocommerce',
    '    exportTo: netvisor',
    '    exportStatuses: [processing, completed]',
    `    baseUrl: ${wooUrl}`,
    '    consumerKey: { env: CHAOS_WOO_CONSUMER_KEY }',
    '    consumerSecret: { env: CHAOS_WOO_CONSUMER_SECRET }',
    '    webhookSecret: { env: CHAOS_WOO_WEBHOOK_SECRET }',
    'orderExport:',
    '  document: { type: invoice, status: unsent, registerPayment: false }',
    '  numbering: { offset: 900000, max: 999999 }',
    '  customers: { mode: match, matchBy: [customerNumber, businessId, name], createMissing: true, tempCustomerCode: TEMP }',
    '  products: { createMissing: true }',
    '  reconcileLookback: 24h',
    '',
  ].join('\n');
  return { tenant, yaml };
}

/** Where Temporal runs and how workers start: the real server on PostgreSQL (test/support/cluster.ts), or the dev server. */
interface Backend {
  temporal: KillableTemporal;
  client: Client;
  codec: PayloadCodec;
  startWorker(configDir: string, env: NodeJS.ProcessEnv): Promise<WorkerProcess>;
  stop(): Promise<void>;
}

/**
 * `SIIRTO_CHAOS_TEMPORAL=dev` runs on the Temporal CLI's dev server (SQLite file) instead of the Temporal server on
 * PostgreSQL, e.g. on a machine without PostgreSQL.
 */
export const chaosTemporalKind = (): 'postgres' | 'dev' => (process.env.SIIRTO_CHAOS_TEMPORAL === 'dev' ? 'dev' : 'postgres');

async function postgresBackend(label: string): Promise<Backend> {
  const t = await startTemporalOnPostgres({ label });
  let up = true;
  return {
    temporal: {
      address: t.address,
      describe: 'Temporal server on PostgreSQL',
      pids: () => (up && t.server.process.pid ? [t.server.process.pid] : []),
      async kill() {
        up = false;
        await t.server.kill();
      },
      async start() {
        await t.server.restart();
        up = true;
      },
      stop: () => t.server.stop(),
    },
    client: t.client,
    codec: codecFor(t.payloadKey),
    async startWorker(configDir, env) {
      const w = await t.startWorker({ configDir, env });
      let killedByUs = false;
      return {
        pid: w.pid,
        child: w.child,
        exited: w.exit.then(String),
        tail: () => w.stderr(),
        get killedByUs() {
          return killedByUs;
        },
        async sigkill() {
          killedByUs = true;
          await w.kill();
        },
        async stop() {
          killedByUs = true;
          await w.stop(10_000);
        },
      };
    },
    stop: () => t.stop(),
  };
}

async function devServerBackend(dir: string): Promise<Backend> {
  const env = { SIIRTO_PAYLOAD_KEY: `chaos:${crypto.randomBytes(32).toString('base64')}` };
  const codec = codecFromEnvironment(path.join(dir, 'data'), env);
  const temporal = await startKillableDevServer(dir);
  // Lazy: the HTTP server must stay up (and answer 503) while the Temporal server is down.
  const client = new Client({ connection: Connection.lazy({ interceptors: connectionInterceptors(), address: temporal.address }), dataConverter: { payloadCodecs: [codec] } });
  return {
    temporal,
    client,
    codec,
    startWorker: (configDir, extra) => startWorkerProcess({ address: temporal.address, configDir, env: { ...extra, ...env } }),
    async stop() {
      await client.connection.close().catch(() => undefined);
      await temporal.stop();
    },
  };
}

export async function startTopology(opts: { tenants: TenantFile[]; workers: number; prefix: string }): Promise<Topology> {
  const dir = tempDir(`siirto-${opts.prefix}-`);
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir);
  for (const t of opts.tenants) fs.writeFileSync(path.join(configDir, `${t.tenant}.yaml`), t.yaml);
  const env: NodeJS.ProcessEnv = { ...SANDBOX_SECRETS, SIIRTO_DATA_DIR: path.join(dir, 'data') };
  const tenants = new Map(opts.tenants.map((t) => [t.tenant, parseTenantFile(path.join(configDir, `${t.tenant}.yaml`), { ...process.env, ...env })]));
  const backend = chaosTemporalKind() === 'dev' ? await devServerBackend(dir) : await postgresBackend(opts.prefix.replace(/[^a-z0-9]/g, '_'));
  const { temporal, client, codec } = backend;
  const app: FastifyInstance = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [] });
  const serverUrl = await listen(app, 0);

  const live = new Map<number, WorkerProcess>();
  const pending = new Set<Promise<void>>();
  const unexpectedExits: Topology['unexpectedExits'] = [];
  const startFailures: string[] = [];
  let cpuOfGone = 0;
  let wanted = 0;
  let stopping = false;

  const spawnOne = (): Promise<void> => {
    const p = (async () => {
      const w = await backend.startWorker(configDir, env);
      live.set(w.pid, w);
      void w.exited.then((how) => {
        live.delete(w.pid);
        if (!w.killedByUs && !stopping) {
          unexpectedExits.push({ pid: w.pid, how, tail: w.tail().slice(-1500) });
          if (live.size + pending.size < wanted) void spawnOne();
        }
      });
    })();
    const tracked = p.catch(async (err) => {
      if (stopping) return;
      // E.g. started while the Temporal server was down: counted, and tried again, as a supervisor would.
      startFailures.push((err as Error).message.slice(-600));
      await sleep(2000);
      if (!stopping && live.size + pending.size - 1 < wanted) void spawnOne();
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
    return p;
  };
  const settled = async () => {
    while (pending.size) await Promise.allSettled([...pending]);
  };

  wanted = opts.workers;
  await Promise.all(Array.from({ length: opts.workers }, () => spawnOne()));

  return {
    dir,
    temporal,
    client,
    tenants,
    serverUrl,
    workers: () => [...live.values()],
    unexpectedExits,
    startFailures,
    async killWorker(pid) {
      const w = live.get(pid);
      if (!w) return;
      const before = cpuSeconds(pid);
      await w.sigkill();
      cpuOfGone += before;
      void spawnOne();
    },
    async scaleTo(n) {
      wanted = n;
      const starting: Promise<void>[] = [];
      for (let i = live.size + pending.size; i < n; i++) starting.push(spawnOne());
      await Promise.all(starting);
      for (const w of [...live.values()].slice(n)) {
        cpuOfGone += cpuSeconds(w.pid);
        await w.stop();
      }
    },
    settled,
    cpu: () => ({
      workers: cpuOfGone + [...live.keys()].reduce((a, pid) => a + cpuSeconds(pid), 0),
      temporal: temporal.pids().reduce((a, pid) => a + cpuSeconds(pid), 0),
      self: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    }),
    async stop() {
      stopping = true;
      await settled();
      await Promise.allSettled([...live.values()].map((w) => w.stop()));
      await app.close();
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Requests a sandbox is handling right now: method, path, the caller's port, since when. */
export interface InFlightRequest {
  method: string;
  path: string;
  remotePort: number;
  since: number;
}

/** Watches a sandbox's HTTP server (in this process) for the requests in flight, as a packet capture would. */
export function watchRequests(sandbox: StartedSandbox): { inFlight(): InFlightRequest[]; stop(): void } {
  const active = new Set<InFlightRequest>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const r: InFlightRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], remotePort: req.socket.remotePort ?? 0, since: Date.now() };
    active.add(r);
    const done = () => active.delete(r);
    res.once('finish', done);
    res.once('close', done);
  };
  sandbox.app.server.on('request', onRequest);
  return { inFlight: () => [...active], stop: () => sandbox.app.server.off('request', onRequest) };
}

export async function eventuallyTrue(probe: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 200): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}
