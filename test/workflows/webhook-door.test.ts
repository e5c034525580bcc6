import crypto from 'node:crypto';
import net from 'node:net';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer, listen } from '../../client/http';
import { connectClient } from '../../orchestration/temporal';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { EncryptionCodec } from '../../worker/payload-codec';
import { demoLikeTenant, postWooWebhook, temporalAddress, wooDeliveryHeaders, wooSignature } from '../support/order-export-harness';
import { startTestSandboxes } from '../support/sandboxes';

/**
 * A TCP stand-in in front of the shared Temporal dev server, to take it away and bring it back while the HTTP
 * server runs: `blackhole` accepts connections and never answers (a hung or overloaded server), `refuse` drops
 * them at once (a stopped server), `forward` passes them through.
 */
class TemporalLine {
  mode: 'forward' | 'blackhole' | 'refuse' = 'blackhole';
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((socket) => {
      this.track(socket);
      if (this.mode === 'refuse') return socket.destroy();
      if (this.mode === 'blackhole') return socket.on('data', () => undefined);
      const upstream = net.connect(this.target.port, this.target.host);
      this.track(upstream);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }
  private track(s: net.Socket) {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }
  /** Switches, and cuts every connection made so far: the client must connect anew. */
  set(mode: TemporalLine['mode']) {
    this.mode = mode;
    for (const s of this.sockets) s.destroy();
  }
  async close() {
    this.set('refuse');
    await new Promise((r) => this.server.close(r));
  }
}

const tenant = `door-${crypto.randomBytes(3).toString('hex')}`;
const RACKBEAT_TOKEN = 'rackbeat-door-token';
const taskQueue = `webhook-door-${crypto.randomUUID()}`;
/** What the shops give a delivery before they count it as failed (the chaos run used 5 s). */
const SHOP_TIMEOUT_MS = 5000;

let line: TemporalLine;
let client: Client;
let app: FastifyInstance;
let serverUrl: string;
let woo: WooCommerceClient;
let stopSandboxes: () => Promise<void>;
const started: string[] = [];

beforeAll(async () => {
  const { sandboxes, stop } = await startTestSandboxes(['woocommerce']);
  stopSandboxes = stop;
  woo = new WooCommerceClient({ baseUrl: sandboxes.woocommerce.url, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
  const [host, port] = temporalAddress().split(':');
  line = new TemporalLine({ host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port) });
  const address = await line.listen();
  // Temporal is unreachable from the start: the server must come up anyway (lazy connection), as `siirto server` does.
  client = await connectClient(address, new EncryptionCodec({ id: 'door', key: crypto.randomBytes(32) }), 'default', { lazy: true });
  app = buildHttpServer({
    tenants: new Map([
      [
        tenant,
        {
          ...demoLikeTenant(tenant, { netvisor: 'http://127.0.0.1:1', woocommerce: sandboxes.woocommerce.url }),
          // Rackbeat's door: customer changes go to the sync entity, a Temporal call like the shops' start.
          sync: { rackbeatWebhookTokens: [RACKBEAT_TOKEN], pairs: [{ pair: 'rackbeat-netvisor', registers: { customers: {} } }] } as never,
        },
      ],
    ]),
    temporal: client,
    taskQueue,
    webhookDoor: { startDeadlineMs: 1000, retryAfterSeconds: 7 },
  });
  serverUrl = await listen(app, 0);
}, 60_000);

afterAll(async () => {
  line?.set('forward');
  for (const id of started) await client.workflow.getHandle(id).terminate('webhook door test done').catch(() => undefined);
  await app?.close();
  await client?.connection.close();
  await line?.close();
  await stopSandboxes?.();
});

async function orderBody(): Promise<{ body: string; workflowId: string }> {
  const created = await woo.createOrder({ status: 'processing', billing: { first_name: 'Aino', last_name: 'Virtanen', email: 'aino@example.fi' }, line_items: [{ sku: 'P1000', quantity: 1 }] });
  return { body: JSON.stringify(await woo.getOrder(created.id)), workflowId: exportOrderWorkflowId(tenant, 'woo', String(created.id)) };
}

/** Delivers as a shop does: signed, and given up on after the shop's own timeout (then this throws). */
async function deliver(body: string): Promise<{ status: number; retryAfter: string | null; json: any }> {
  const res = await fetch(`${serverUrl}/webhooks/woocommerce/${tenant}`, {
    method: 'POST',
    signal: AbortSignal.timeout(SHOP_TIMEOUT_MS),
    headers: wooDeliveryHeaders(wooSignature(body)),
    body,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
}

describe('the webhook door while Temporal is down', () => {
  it('answers a hung Temporal with 503 and Retry-After inside the shop timeout, and keeps answering meanwhile', async () => {
    line.set('blackhole');
    const { body } = await orderBody();
    const deliveries = Array.from({ length: 8 }, () => deliver(body));
    // While those wait for their deadline, the server still answers.
    const health = await fetch(`${serverUrl}/healthz`, { signal: AbortSignal.timeout(SHOP_TIMEOUT_MS) });
    expect(health.status).toBe(200);
    for (const res of await Promise.all(deliveries)) {
      expect(res).toMatchObject({ status: 503, retryAfter: '7' });
      expect(res.json.error).toBe('Temporal is not reachable right now: the order export was not started; deliver again in 7 s');
    }
  });

  it('answers a stopped Temporal (connections refused) with 503 and Retry-After too', async () => {
    line.set('refuse');
    const { body } = await orderBody();
    const res = await deliver(body);
    expect(res).toMatchObject({ status: 503, retryAfter: '7' });
  });

  it('answers Rackbeat with 503 and Retry-After too, inside the timeout, while Temporal hangs', async () => {
    line.set('blackhole');
    const res = await fetch(`${serverUrl}/webhooks/rackbeat/${tenant}`, {
      method: 'POST',
      signal: AbortSignal.timeout(SHOP_TIMEOUT_MS),
      headers: { 'content-type': 'application/json', 'rackbeat-webhook-token': RACKBEAT_TOKEN, 'rackbeat-webhook-event': 'customer.updated' },
      body: JSON.stringify({ key_name: 'number', key: '2001' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { error: string }).error).toBe('Temporal is not reachable right now: the customer.updated event was not taken; deliver again in 7 s');
  });

  it('still refuses a bad signature with 401 while Temporal is down (the check needs no Temporal)', async () => {
    const { body } = await orderBody();
    const res = await postWooWebhook(serverUrl, tenant, body, wooSignature(body, 'wrong'));
    expect(res.status).toBe(401);
  });

  it('accepts deliveries again once Temporal is back: the shop redelivers and the export starts, once', async () => {
    const { body, workflowId } = await orderBody();
    expect((await deliver(body)).status).toBe(503);
    line.set('forward');
    // The shop redelivers on its schedule; the client reconnects with its own backoff meanwhile.
    let res = await deliver(body);
    for (let i = 0; res.status === 503 && i < 30; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      res = await deliver(body);
    }
    expect(res).toMatchObject({ status: 202, json: { workflowId, alreadyFinished: false } });
    started.push(workflowId);
    const first = await client.workflow.getHandle(workflowId).describe();
    expect(first.status.name).toBe('RUNNING');
    // A further redelivery joins the same run.
    expect(await deliver(body)).toMatchObject({ status: 202, json: { workflowId } });
    expect((await client.workflow.getHandle(workflowId).describe()).runId).toBe(first.runId);
  }, 60_000);
});
