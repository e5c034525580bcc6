import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { ResolvedTenant } from '../../config/load';
import { OrderExportSettings } from '../../config/schema';
import { NetvisorClient } from '../../connectors/netvisor';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { buildHttpServer, listen } from '../../client/http';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { startTestSandboxes } from './sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';
import { SANDBOX_CREDENTIALS } from '../../sandbox/netvisor';

export const WEBHOOK_SECRET = 'sandbox-webhook-secret';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds; do it once per test file. */
export const workflowBundle = (): Promise<WorkflowBundleWithSourceMap> =>
  (bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }));

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export function temporalAddress(): string {
  const address = process.env.SIIRTO_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('workflow tests need the shared Temporal dev server: run them with "npm test"');
  return address;
}

/** The Netvisor sandbox's default credentials (README, "Sandboxes"). */
export const NETVISOR_SANDBOX = SANDBOX_CREDENTIALS;

export type SandboxUrls = Record<'netvisor' | 'woocommerce' | 'procountor' | 'shopify', string>;

export function demoLikeTenant(id: string, urls: Pick<SandboxUrls, 'netvisor' | 'woocommerce'> & Partial<SandboxUrls>, overrides: Record<string, unknown> = {}): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: { baseUrl: urls.netvisor, ...NETVISOR_SANDBOX },
      ...(urls.procountor ? { procountor: { baseUrl: `${urls.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' } } : {}),
    },
    shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing', 'completed'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: WEBHOOK_SECRET }],
    // Through the schema, so the defaults are the ones a tenant file gets.
    orderExport: OrderExportSettings.parse({ numbering: { offset: 900000, max: 999999 }, ...overrides }),
  };
}

export interface Harness {
  tenants: Map<string, ResolvedTenant>;
  /** The in-process sandboxes, for what a person would do in the system's UI (e.g. delete a customer card). */
  sandboxes: Record<string, StartedSandbox>;
  urls: SandboxUrls;
  netvisorUrl: string;
  wooUrl: string;
  serverUrl: string;
  client: Client;
  rawClient: Client;
  codec: EncryptionCodec;
  woo: WooCommerceClient;
  netvisor: NetvisorClient;
  /** The running worker; `stopWorker` and `startWorker` replace it, as a crashed and restarted worker process would be. */
  worker: Worker;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Sandboxes, a worker on its own task queue, and the HTTP server, wired like the stack but inside the test. */
export async function startHarness(taskQueue: string, tenantList: (urls: SandboxUrls) => ResolvedTenant[], codecKey: Buffer = crypto.randomBytes(32)): Promise<Harness> {
  installRuntime('ERROR');
  const address = temporalAddress();
  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['netvisor', 'woocommerce', 'procountor', 'shopify']);
  const urls: SandboxUrls = { netvisor: sandboxes.netvisor.url, woocommerce: sandboxes.woocommerce.url, procountor: sandboxes.procountor.url, shopify: sandboxes.shopify.url };
  const tenants = new Map(tenantList(urls).map((t) => [t.tenant, t]));
  const codec = new EncryptionCodec({ id: 'test', key: codecKey });
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const rawClient = new Client({ connection });
  let current: { worker: Worker; running: Promise<void>; close(): Promise<void> } | undefined;
  const startWorker = async () => {
    const { worker, close } = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: await workflowBundle() } });
    current = { worker, running: worker.run(), close };
  };
  const stopWorker = async () => {
    if (!current) return;
    const { worker, running, close } = current;
    current = undefined;
    worker.shutdown();
    await running;
    await close();
  };
  await startWorker();
  const app: FastifyInstance = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
  const serverUrl = await listen(app, 0);
  const credentials = { baseUrl: urls.netvisor, ...NETVISOR_SANDBOX };
  return {
    tenants,
    sandboxes,
    urls,
    netvisorUrl: urls.netvisor,
    wooUrl: urls.woocommerce,
    serverUrl,
    client,
    rawClient,
    codec,
    get worker() {
      return current!.worker;
    },
    startWorker,
    stopWorker,
    woo: new WooCommerceClient({ baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' }),
    netvisor: new NetvisorClient(credentials),
    async stop() {
      await app.close();
      await stopWorker();
      await connection.close();
      await stopSandboxes();
    },
  };
}

/** Signs a body as WooCommerce does: base64 HMAC-SHA256 of the exact bytes with the webhook secret. */
export const wooSignature = (body: string, secret = WEBHOOK_SECRET): string => crypto.createHmac('sha256', secret).update(body).digest('base64');

/** The headers WooCommerce sends with an order.created delivery, each with a fresh delivery id. */
export const wooDeliveryHeaders = (signature: string): Record<string, string> => ({
  'content-type': 'application/json',
  'x-wc-webhook-topic': 'order.created',
  'x-wc-webhook-resource': 'order',
  'x-wc-webhook-event': 'created',
  'x-wc-webhook-id': '1',
  'x-wc-webhook-delivery-id': crypto.randomUUID(),
  'x-wc-webhook-signature': signature,
});

export async function postWooWebhook(serverUrl: string, tenant: string, body: string, signature = wooSignature(body)): Promise<{ status: number; json: any }> {
  const res = await fetch(`${serverUrl}/webhooks/woocommerce/${tenant}`, {
    method: 'POST',
    headers: {
      ...wooDeliveryHeaders(signature),
      'x-wc-webhook-source': 'http://shop.example/',
    },
    body,
  });
  return { status: res.status, json: await res.json() };
}
