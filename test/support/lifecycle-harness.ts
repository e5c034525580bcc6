import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { ResolvedTenant } from '../../config/load';
import type { LifecycleSettings } from '../../config/lifecycle-schema';
import { RackbeatClient } from '../../connectors/rackbeat';
import { TwentyFourSevenClient, type InvoiceOrder } from '../../connectors/twentyfourseven';
import { buildHttpServer, listen } from '../../client/http';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { stateQuery, type LifecycleState } from '../../workflows/order-lifecycle';
import { temporalAddress, workflowBundle } from './order-export-harness';
import { startTestSandboxes } from './sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

export const RACKBEAT_TOKEN = 'sandbox-rackbeat-token';
export const SO_CREDENTIALS = { applicationId: '00000000-0000-0000-0000-000000000024', username: 'single@siirto.test', password: 'sandbox' };

export function lifecycleTenant(id: string, urls: { rackbeat: string; so: string }, lifecycle: Partial<LifecycleSettings> = {}): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} AS`,
    connections: {
      rackbeat: { baseUrl: `${urls.rackbeat}/api`, apiToken: RACKBEAT_TOKEN },
      twentyfourseven: { baseUrl: urls.so, ...SO_CREDENTIALS },
    },
    shops: [],
    lifecycle: {
      pickUpStatus: 'Accepted',
      createAs: 'booked',
      pollEvery: '1m',
      firstPollLookback: '24h',
      rackbeatCheckEvery: '5m',
      links: { customerField: '24so-customer-id', productField: '24so-product-id' },
      ...lifecycle,
    },
  } as ResolvedTenant;
}

export interface LifecycleHarness {
  rackbeatUrl: string;
  soUrl: string;
  /** Siirto's HTTP server; Rackbeat delivers to `<serverUrl>/webhooks/rackbeat/<tenant>`. */
  serverUrl: string;
  /** The tenants the worker and the server read (a test may add the webhook tokens it got to `sync`). */
  tenants: Map<string, ResolvedTenant>;
  /** Deliveries the Rackbeat sandbox made, as it recorded them. */
  webhookDeliveries(): Promise<Array<{ url: string; topic: string; status: number | string }>>;
  client: Client;
  rackbeat: RackbeatClient;
  so: TwentyFourSevenClient;
  worker: Worker;
  taskQueue: string;
  /** The payload key in SIIRTO_PAYLOAD_KEY form, so a CLI run in the test decodes what the worker encodes. */
  payloadKey: string;
  stop(): Promise<void>;
}

/** Rackbeat and 24SO sandboxes, a worker on its own task queue, and Siirto's HTTP server with its Rackbeat route. */
export async function startLifecycleHarness(taskQueue: string, tenantList: (urls: { rackbeat: string; so: string }) => ResolvedTenant[]): Promise<LifecycleHarness> {
  installRuntime('ERROR');
  const address = temporalAddress();
  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['rackbeat', '24so']);
  const urls = { rackbeat: sandboxes.rackbeat.url, so: sandboxes['24so'].url };
  const tenants = new Map(tenantList(urls).map((t) => [t.tenant, t]));
  const key = crypto.randomBytes(32);
  const codec = new EncryptionCodec({ id: 'test', key });
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const { worker, close: closeWorker } = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: await workflowBundle() } });
  const running = worker.run();

  // The stack's HTTP server: Rackbeat deliveries go through the real route (token check, then handleRackbeatOrderEvent).
  const app = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
  const serverUrl = await listen(app, 0);

  return {
    rackbeatUrl: urls.rackbeat,
    soUrl: urls.so,
    serverUrl,
    tenants,
    async webhookDeliveries() {
      const res = await fetch(`${urls.rackbeat}/__sandbox/state`);
      return ((await res.json()) as { webhookDeliveries?: Array<{ url: string; topic: string; status: number | string }> }).webhookDeliveries ?? [];
    },
    client,
    rackbeat: new RackbeatClient({ baseUrl: `${urls.rackbeat}/api`, apiToken: RACKBEAT_TOKEN }, { pacing: { limit: 10_000, windowMs: 60_000 } }),
    so: new TwentyFourSevenClient({ baseUrl: urls.so, ...SO_CREDENTIALS }),
    worker,
    taskQueue,
    payloadKey: `test:${key.toString('base64')}`,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await closeWorker();
      await connection.close();
      await stopSandboxes();
    },
  };
}

/** Polls `read` until `done` holds (or throws with the last value seen). */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last) ?? String(lastError)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const lifecycleState = (h: LifecycleHarness, workflowId: string): Promise<LifecycleState> => h.client.workflow.getHandle(workflowId).query(stateQuery);

/** Rackbeat orders stamped with this 24SO order id, straight from the sandbox's store. */
export async function rackbeatOrdersFor(h: LifecycleHarness, orderId: number): Promise<Array<Record<string, any>>> {
  const res = await fetch(`${h.rackbeatUrl}/__sandbox/state`);
  const state = (await res.json()) as { orders: Array<Record<string, any>> };
  return state.orders.filter((o) => o.heading === `24SO ${orderId}`);
}

export const soOrder = async (h: LifecycleHarness, orderId: number): Promise<InvoiceOrder> => (await h.so.getInvoiceOrder(orderId))!;
