import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { writeWorkflowBundle } from '../../client/cluster/bundle';
import { databaseNames, dropDatabases, postgresFromUrl, prepareDatabases, type TemporalDatabases } from '../../client/cluster/postgres';
import { spawnSiirto, type SiirtoProcess } from '../../client/cluster/processes';
import { startTemporalServer, type TemporalServer } from '../../client/cluster/temporal-server';
import { clusterTools } from '../../client/cluster/tools';
import { EncryptionCodec } from '../../worker/payload-codec';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * The production-shaped topology for tests (the cluster e2e and the chaos suite): the real Temporal server on
 * PostgreSQL (SIIRTO_POSTGRES_URL, default this machine's 127.0.0.1:5432) with fresh databases per run, and Siirto
 * workers as separate `siirto worker` processes. Everything can be killed with -9 and started again.
 *
 *   const t = await startTemporalOnPostgres();          // t.address, t.client (payloads encrypted with t.payloadKey)
 *   const w = await t.startWorker({ configDir, env });   // a `siirto worker --json` process; w.pid, w.ready.identity
 *   await w.kill();                                      // kill -9
 *   await t.server.kill(); await t.server.restart();     // the Temporal server dies and comes back on its ports
 *   await t.stop();                                      // workers, server, and the databases are dropped
 */
export interface TemporalOnPostgres {
  /** host:port of the Temporal frontend. */
  address: string;
  namespace: string;
  databases: TemporalDatabases;
  server: TemporalServer;
  /** `<id>:<base64>`: the one payload key every worker of this run and `client` share. */
  payloadKey: string;
  /** A client with the run's payload codec (lazy connection: survives a server restart). */
  client: Client;
  /** The worker processes started so far (dead ones included). */
  workers: SiirtoProcess[];
  startWorker(options: StartWorkerOptions): Promise<SiirtoProcess>;
  /** Stops every worker and the server, and drops the run's databases. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Directory of tenant YAML files. */
  configDir: string;
  /** Extra environment: sandbox URLs (SIIRTO_SANDBOX_<SYSTEM>_URL), the tenants' secrets. */
  env?: NodeJS.ProcessEnv;
}

export const testPayloadKey = (): string => `test-${crypto.randomBytes(3).toString('hex')}:${crypto.randomBytes(32).toString('base64')}`;

export function codecFor(payloadKey: string): EncryptionCodec {
  const [id, b64] = payloadKey.split(':', 2);
  return new EncryptionCodec({ id, key: Buffer.from(b64, 'base64') });
}

let bundle: Promise<string> | undefined;
/** The workflow bundle, built once per test file and shared by its worker processes. */
export function workflowBundleFile(): Promise<string> {
  bundle ??= writeWorkflowBundle(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-bundle-')), 'workflows.js'));
  return bundle;
}

export async function startTemporalOnPostgres(options: { label?: string; logLevel?: string } = {}): Promise<TemporalOnPostgres> {
  const tools = clusterTools();
  const postgres = postgresFromUrl();
  const databases = databaseNames(`${options.label ?? 'test'}_${process.pid}_${crypto.randomBytes(3).toString('hex')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-temporal-'));
  await prepareDatabases(tools, postgres, databases);
  let server: TemporalServer;
  try {
    server = await startTemporalServer({ tools, postgres, databases, logFile: path.join(dir, 'temporal.log'), logLevel: options.logLevel });
  } catch (err) {
    await dropDatabases(postgres, databases).catch(() => undefined);
    throw err;
  }
  const payloadKey = testPayloadKey();
  const client = new Client({ connection: Connection.lazy({ interceptors: connectionInterceptors(), address: server.address }), namespace: 'default', dataConverter: { payloadCodecs: [codecFor(payloadKey)] } });
  const workers: SiirtoProcess[] = [];
  const bundleFile = await workflowBundleFile();
  return {
    address: server.address,
    namespace: 'default',
    databases,
    server,
    payloadKey,
    client,
    workers,
    async startWorker(o) {
      const w = await spawnSiirto({
        name: 'siirto worker',
        args: ['worker', '--json', '--address', server.address, '--config', o.configDir, '--workflow-bundle', bundleFile],
        env: { ...process.env, SIIRTO_LOG_LEVEL: process.env.SIIRTO_LOG_LEVEL ?? 'warn', ...o.env, SIIRTO_PAYLOAD_KEY: payloadKey, SIIRTO_DATA_DIR: dir },
        isReady: (l) => l.service === 'worker',
      });
      workers.push(w);
      return w;
    },
    async stop() {
      await Promise.allSettled(workers.map((w) => w.stop(5000)));
      await client.connection.close().catch(() => undefined);
      await server.stop();
      await dropDatabases(postgres, databases);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
