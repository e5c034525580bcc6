import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { ResolvedTenant } from '../../config/load';
import { PairSyncSettings } from '../../config/sync-schema';
import { NetvisorClient } from '../../connectors/netvisor';
import { RackbeatClient } from '../../connectors/rackbeat';
import { TwentyFourSevenClient } from '../../connectors/twentyfourseven';
import { buildHttpServer, listen } from '../../client/http';
import { codecFromEnvironment, EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from './order-export-harness';
import { control, startTestSandboxes } from './sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

export const RACKBEAT_TOKEN = 'sandbox-rackbeat-token';

export interface SandboxUrls {
  netvisor: string;
  rackbeat: string;
  severa: string;
  so: string;
}

export const SO_CREDENTIALS = { applicationId: '00000000-0000-0000-0000-000000000024', username: 'single@siirto.test', password: 'sandbox' };

/** A tenant wired to the Netvisor, Rackbeat and Severa sandboxes with their default credentials. */
export function registerTenant(id: string, urls: SandboxUrls, pairs: Array<Record<string, unknown>> = [], rackbeatWebhookTokens: string[] = []): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: {
        baseUrl: urls.netvisor,
        customerId: 'SIIRTO-SANDBOX',
        customerKey: 'sandbox-customer-key',
        partnerId: 'SIIRTO_SANDBOX',
        partnerKey: 'sandbox-partner-key',
        organisationId: '1234567-1',
        language: 'FI',
      },
      rackbeat: { baseUrl: urls.rackbeat, apiToken: RACKBEAT_TOKEN },
      twentyfourseven: { baseUrl: urls.so, ...SO_CREDENTIALS },
      severa: { baseUrl: urls.severa, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', scopes: ['customers:read', 'settings:read'] },
    },
    shops: [],
    sync: { pairs: pairs.map((p) => PairSyncSettings.parse(p)), rackbeatWebhookTokens },
  } as unknown as ResolvedTenant;
}

export interface RegisterHarness {
  urls: SandboxUrls;
  tenants: Map<string, ResolvedTenant>;
  client: Client;
  serverUrl: string;
  netvisor: NetvisorClient;
  rackbeat: RackbeatClient;
  so: TwentyFourSevenClient;
  taskQueue: string;
  /** Starts a worker on the harness's task queue (a "new process" after a kill). */
  startWorker(): Promise<void>;
  /** Shuts the running worker down, as a killed worker process would stop taking work. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Sandboxes (fresh seed), a worker on its own task queue and the HTTP server, like the stack but in the test. */
export async function startRegisterHarness(tenantList: (urls: SandboxUrls) => ResolvedTenant[]): Promise<RegisterHarness> {
  installRuntime('ERROR');
  const taskQueue = `registers-${crypto.randomUUID()}`;
  const address = temporalAddress();
  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['netvisor', 'rackbeat', 'severa', '24so']);
  const urls = { netvisor: sandboxes.netvisor.url, rackbeat: sandboxes.rackbeat.url, severa: sandboxes.severa.url, so: sandboxes['24so'].url };
  const tenants = new Map(tenantList(urls).map((t) => [t.tenant, t]));
  // With SIIRTO_PAYLOAD_KEY set, the CLI (which reads the same variable) can talk to this worker's workflows.
  const codec = process.env.SIIRTO_PAYLOAD_KEY ? codecFromEnvironment('/nonexistent') : new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const bundle = await workflowBundle();
  let current: { worker: Worker; running: Promise<void>; close(): Promise<void> } | undefined;

  const startWorker = async () => {
    const { worker, close } = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: bundle, shutdownGraceTime: '100ms', stickyQueueScheduleToStartTimeout: '1s' } });
    current = { worker, running: worker.run(), close };
  };
  const stopWorker = async () => {
    if (!current) return;
    const c = current;
    current = undefined;
    c.worker.shutdown();
    await c.running.catch(() => undefined);
    await c.close();
  };
  await startWorker();
  const app: FastifyInstance = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
  const serverUrl = await listen(app, 0);
  const nvCreds = [...tenants.values()][0].connections.netvisor!;
  return {
    urls,
    tenants,
    client,
    serverUrl,
    taskQueue,
    netvisor: new NetvisorClient(nvCreds),
    rackbeat: new RackbeatClient({ baseUrl: urls.rackbeat, apiToken: RACKBEAT_TOKEN }),
    so: new TwentyFourSevenClient({ baseUrl: urls.so, ...SO_CREDENTIALS }),
    startWorker,
    stopWorker,
    async stop() {
      await app.close();
      await stopWorker();
      await connection.close();
      await stopSandboxes();
    },
  };
}

export const state = (url: string): Promise<Record<string, Array<Record<string, any>>>> => control(url, 'state');

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
