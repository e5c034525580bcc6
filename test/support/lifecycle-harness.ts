import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { ResolvedTenant } from '../../config/load';
import type { LifecycleSettings } from '../../config/lifecycle-schema';
import { RackbeatClient } from '../../connectors/rackbeat';
import { TwentyFourSevenClient, type InvoiceOrder } from '../../connectors/twentyfourseven';
import { handleRackbeatOrderEvent } from '../../client/rackbeat-order-events';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { stateQuery, type LifecycleState } from '../../workflows/order-lifecycle';
import { temporalAddress, workflowBundle } from './order-export-harness';
import { startTestSandboxes } from './sandboxes';

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
  /** Where the Rackbeat sandbox delivers webhooks: `<receiver>/webhooks/rackbeat/<tenant>` (what the server route does). */
  receiverUrl: string;
  client: Client;
  rackbeat: RackbeatClient;
  so: TwentyFourSevenClient;
  worker: Worker;
  taskQueue: string;
  /** Webhook deliveries the receiver got, per tenant. */
  received: Array<{ tenant: string; event: string; key: string }>;
  /** The payload key in SIIRTO_PAYLOAD_KEY form, so a CLI run in the test decodes what the worker encodes. */
  payloadKey: string;
  stop(): Promise<void>;
}

/**
 * Rackbeat and 24SO sandboxes, a worker on its own task queue, and a small receiver standing in for the server's
 * Rackbeat webhook route: it reads the event from the Rackbeat-Webhook-Event header and the order number from the
 * body, and calls handleRackbeatOrderEvent as the route does.
 */
export async function startLifecycleHarness(taskQueue: string, tenantList: (urls: { rackbeat: string; so: string }) => ResolvedTenant[]): Promise<LifecycleHarness> {
  installRuntime('ERROR');
  const address = temporalAddress();
  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['rackbeat', '24so']);
  const urls = { rackbeat: sandboxes.rackbeat.url, so: sandboxes['24so'].url };
  const tenants = new Map(tenantList(urls).map((t) => [t.tenant, t]));
  const key = crypto.randomBytes(32);
  const codec = new EncryptionCodec({ id: 'test', key });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const { worker, close: closeWorker } = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: await workflowBundle() } });
  const running = worker.run();

  const received: LifecycleHarness['received'] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/webhooks\/rackbeat\/([a-z0-9-]+)$/.exec(req.url ?? '');
      const event = String(req.headers['rackbeat-webhook-event'] ?? '');
      let body: { key?: string | number } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: string | number };
      } catch {
        // answered 400 below
      }
      if (!m || !event || body.key === undefined) {
        res.writeHead(400).end();
        return;
      }
      received.push({ tenant: m[1], event, key: String(body.key) });
      handleRackbeatOrderEvent(client, m[1], { event, key: body.key, body }, taskQueue).then(
        () => res.writeHead(202).end(),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  return {
    rackbeatUrl: urls.rackbeat,
    soUrl: urls.so,
    receiverUrl,
    client,
    rackbeat: new RackbeatClient({ baseUrl: `${urls.rackbeat}/api`, apiToken: RACKBEAT_TOKEN }, { pacing: { limit: 10_000, windowMs: 60_000 } }),
    so: new TwentyFourSevenClient({ baseUrl: urls.so, ...SO_CREDENTIALS }),
    worker,
    taskQueue,
    received,
    payloadKey: `test:${key.toString('base64')}`,
    async stop() {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
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
