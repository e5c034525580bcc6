/**
 * Order lifecycle latency (issue 8): from a status change in 24SevenOffice to the order in Rackbeat, and from a
 * shipment in Rackbeat to Sent in 24SO, p50/p95 over N orders, beside the old integration's 15-minute cron.
 *
 *   node dist/bench/order-lifecycle.js [--orders 60] [--rate 5] [--poll-every 5s] [--full: 1000 orders]
 *
 * The 24SO and Rackbeat sandboxes answer with the latency of bench/latency-profiles.ts (printed). The old
 * integration's 15-minute cron is MODELLED, not measured (a uniform wait for the next tick; its own processing time is
 * unknown and not added): running a real 15-minute cron would take an hour per sample set. Its lines say "modelled".
 *
 * Everything runs here: a Temporal dev server (client/dev-server.ts), the Rackbeat and 24SO sandboxes in-process,
 * a worker and Siirto's HTTP server (Rackbeat webhooks arrive through the real route). Latencies are measured
 * where the write lands: the Rackbeat sandbox's store records when the order is inserted, 24SO stamps DateChanged
 * (millisecond clock of this process) when the status becomes Sent.
 *
 * The pick-up side is a poll, so its latency is the wait for the next poll plus Siirto's own processing. The bench
 * polls every `--poll-every` (5s, so the run fits in minutes); the wait is taken out of each sample (Schedule
 * intervals are aligned to the epoch) and the figures for the default 1-minute poll and the old 15-minute cron are
 * derived from the measured processing times plus a uniformly distributed wait for the next tick.
 */
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Connections } from '../activities/connections';
import { buildHttpServer, listen } from '../client/http';
import { ensureLifecycleSchedules } from '../client/lifecycle-schedules';
import { startDevServer, temporalCliPath } from '../client/dev-server';
import type { ResolvedTenant } from '../config/load';
import { RackbeatClient } from '../connectors/rackbeat';
import { TwentyFourSevenClient } from '../connectors/twentyfourseven';
import { durationMs } from '../domain/duration';
import { startSandboxes } from '../sandbox/registry';
import { EncryptionCodec } from '../worker/payload-codec';
import { installRuntime } from '../worker/worker';
import { latencyFor } from './latency-profiles';
import { fullSize, sandboxStats, setLatency } from './support';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';

const TOKEN = 'sandbox-rackbeat-token';
const APP = '00000000-0000-0000-0000-000000000024';
const DEMO_AS_IDENTITY = '1d000000-0000-4000-8000-000000024001';
/** Rackbeat's client pace (450/min, under its 480/min) would make 1,000 orders a 13-minute queue: raised here, and said so. */
const BENCH_RACKBEAT_PACING = { limit: 60_000, windowMs: 60_000 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

const fmt = (ms: number): string => (ms >= 120_000 ? `${(ms / 60_000).toFixed(2)} min` : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** The worker's connections with a faster Rackbeat pace (the only change from production wiring). */
class BenchConnections extends Connections {
  private readonly fast = new Map<string, RackbeatClient>();
  override rackbeat(tenantId: string): RackbeatClient {
    const c = this.tenant(tenantId).connections.rackbeat!;
    if (!this.fast.has(tenantId)) this.fast.set(tenantId, new RackbeatClient(c, { pacing: BENCH_RACKBEAT_PACING }));
    return this.fast.get(tenantId)!;
  }
}

/** Samples of a uniform wait in [0, interval) plus a processing time drawn from the measured ones (deterministic). */
function modeled(processing: number[], intervalMs: number): { p50: number; p95: number } {
  const samples: number[] = [];
  const n = 20_000;
  for (let i = 0; i < n; i++) samples.push(((i + 0.5) / n) * intervalMs + processing[(i * 7919) % processing.length]);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function pace<T>(items: T[], perSecond: number, each: (item: T) => Promise<void>): Promise<void> {
  const start = Date.now();
  const running: Array<Promise<void>> = [];
  for (const [i, item] of items.entries()) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(each(item));
  }
  await Promise.all(running);
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const orders = Number(arg('orders', fullSize() ? '1000' : '60'));
  const rate = Number(arg('rate', '5'));
  const pollEvery = arg('poll-every', '5s');
  const pollMs = durationMs(pollEvery);
  installRuntime('ERROR');

  const server = await startDevServer(temporalCliPath());
  const sandboxes = await startSandboxes(['rackbeat', '24so'], { seed: 1 });
  const [rb, so] = sandboxes;
  const stopAll = async () => {
    await Promise.allSettled(sandboxes.map((s) => s.close()));
    await server.stop();
  };
  try {
    // The sandboxes' published limits (Rackbeat 480/min, 24SO 7,200/hour) would throttle the run itself.
    for (const [s, limits] of [[rb, { perSecond: 1000 }], [so, { perHour: 1_000_000 }]] as const) {
      await fetch(`${s.url}/__sandbox/limits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(limits) });
    }

    // When Rackbeat stores each lifecycle order (its heading is the stamp "24SO <id>").
    const createdAt = new Map<number, number>();
    const insert = rb.ctx.store.insert.bind(rb.ctx.store);
    rb.ctx.store.insert = ((name: string, record: Record<string, unknown>) => {
      if (name === 'orders') {
        const m = /^24SO (\d+)$/.exec(String(record.heading ?? ''));
        if (m) createdAt.set(Number(m[1]), Date.now());
      }
      return insert(name, record as never);
    }) as typeof rb.ctx.store.insert;

    const tenant: ResolvedTenant = {
      tenant: 'bench',
      name: 'Bench AS',
      connections: {
        rackbeat: { baseUrl: `${rb.url}/api`, apiToken: TOKEN },
        twentyfourseven: { baseUrl: so.url, applicationId: APP, username: 'single@siirto.test', password: 'sandbox' },
      },
      shops: [],
      lifecycle: {
        pickUpStatus: 'Accepted',
        createAs: 'booked',
        pollEvery,
        firstPollLookback: '1h',
        rackbeatCheckEvery: '5m',
        links: { customerField: '24so-customer-id', productField: '24so-product-id' },
      },
    } as ResolvedTenant;
    const tenants = new Map([[tenant.tenant, tenant]]);

    const taskQueue = `bench-lifecycle-${crypto.randomUUID()}`;
    const codec = new EncryptionCodec({ id: 'bench', key: crypto.randomBytes(32) });
    const connection = await Connection.connect({ interceptors: connectionInterceptors(), address: server.address });
    const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities: createActivities(new BenchConnections(tenants), () => client),
      dataConverter: { payloadCodecs: [codec] },
    });
    const running = worker.run();
    const app = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
    const serverUrl = await listen(app, 0);

    // Links the register sync would have made: Rackbeat customer number = 24SO customer id; products share numbers.
    const rackbeat = new RackbeatClient({ baseUrl: `${rb.url}/api`, apiToken: TOKEN }, { pacing: { limit: 100_000, windowMs: 60_000 } });
    const driver = new TwentyFourSevenClient({ baseUrl: so.url, applicationId: APP, username: 'sandbox@siirto.test', password: 'sandbox', identityId: DEMO_AS_IDENTITY }, { pace: { limit: 1_000_000, windowMs: 3_600_000 } });
    await rackbeat.customers.create({ number: 1, company_name: 'Bench Kunde AS', payment_terms_id: 1 });
    const soProducts = (await driver.getProducts({})).filter((p) => ['P1000', 'P1003', 'P1004'].includes(p.no ?? ''));
    const hook = await rackbeat.webhooks.create({ event: 'order.shipped', url: `${serverUrl}/webhooks/rackbeat/bench`, is_active: true });
    Object.assign(tenant, { sync: { pairs: [], rackbeatWebhookTokens: [hook.token] } });

    process.stdout.write(`bench: creating ${orders} 24SO orders (status Web, not yet picked up) …\n`);
    const ids: number[] = [];
    for (let i = 0; i < orders; i++) {
      const p = soProducts[i % soProducts.length];
      const o = await driver.saveInvoiceOrder({ customerId: 1, orderStatus: 'Web', invoiceRows: [{ productId: p.id, quantity: String(1 + (i % 5)), price: p.price }] });
      ids.push(o.orderId!);
    }
    // Latency on from here: the orders exist, the flow is what is measured.
    const latencyLine = `${await setLatency(so.url, '24so', latencyFor('24so'))}; ${await setLatency(rb.url, 'rackbeat', latencyFor('rackbeat'))}`;
    const calls0 = { so: await sandboxStats(so.url), rb: await sandboxStats(rb.url) };
    await ensureLifecycleSchedules(client, tenants, taskQueue);

    // ---- 24SO status change → Rackbeat order --------------------------------------------------------------------
    process.stdout.write(`bench: phase 1, ${orders} orders set to Accepted at ${rate}/s, poll every ${pollEvery} …\n`);
    const changedAt = new Map<number, number>();
    await pace(ids, rate, async (id) => {
      const before = Date.now();
      await driver.setOrderStatus(id, 'Confirmed');
      changedAt.set(id, before);
    });
    await waitUntil(() => createdAt.size >= orders, 10 * 60_000, 'every Rackbeat order');
    const pickUp = ids.map((id) => createdAt.get(id)! - changedAt.get(id)!);
    // Schedule intervals are epoch-aligned: the wait is up to the first tick after the change.
    const processing = ids.map((id) => {
      const t = changedAt.get(id)!;
      const tick = Math.ceil(t / pollMs) * pollMs;
      return Math.max(0, createdAt.get(id)! - tick);
    });

    // ---- Rackbeat shipped → 24SO Sent ---------------------------------------------------------------------------
    process.stdout.write(`bench: phase 2, ${orders} orders shipped in Rackbeat at ${rate}/s …\n`);
    const numbers = new Map<number, number>();
    for (const o of rb.ctx.store.list<{ number: number; heading: string }>('orders')) {
      const m = /^24SO (\d+)$/.exec(o.heading ?? '');
      if (m) numbers.set(Number(m[1]), o.number);
    }
    const shippedAt = new Map<number, number>();
    await pace(ids, rate, async (id) => {
      const shipment = await rackbeat.orders.createShipment(numbers.get(id)!);
      shippedAt.set(id, Date.now());
      await rackbeat.orders.markShipped(shipment.id);
    });
    const sentAt = new Map<number, number>();
    await waitUntil(
      () => {
        for (const o of so.ctx.store.list<{ OrderId: number; OrderStatus: string; DateChanged: string }>('invoices')) {
          if (shippedAt.has(o.OrderId) && o.OrderStatus === 'OrderState_Sent' && !sentAt.has(o.OrderId)) sentAt.set(o.OrderId, Date.parse(o.DateChanged));
        }
        return sentAt.size >= orders;
      },
      10 * 60_000,
      'every 24SO order Sent',
    );
    const toSent = ids.map((id) => sentAt.get(id)! - shippedAt.get(id)!);
    const calls1 = { so: await sandboxStats(so.url), rb: await sandboxStats(rb.url) };
    // The driver's own calls are taken out: the status change in 24SO (a save and a read back, connectors/twentyfourseven
    // setOrderStatus) and the shipment in Rackbeat (create-shipment, mark-shipped): 2 per order each. The polls are in.
    const soPerOrder = (calls1.so.requests - calls0.so.requests - 2 * orders) / orders;
    const rbPerOrder = (calls1.rb.requests - calls0.rb.requests - 2 * orders) / orders;

    const m1 = modeled(processing, 60_000);
    const cron = modeled([0], 15 * 60_000);
    const lines = [
      '',
      `Order lifecycle latency — ${orders} orders, ${rate} orders/s, local Temporal dev server + in-process sandboxes, ${new Date().toISOString()}`,
      `latency: ${latencyLine}`,
      '',
      '24SO status change (→ Accepted) → order created in Rackbeat      p50        p95',
      `  measured, Siirto poll every ${pollEvery.padEnd(4)}                        ${fmt(percentile(pickUp, 50)).padEnd(10)} ${fmt(percentile(pickUp, 95))}`,
      `  of which after the poll tick (Siirto's own work)             ${fmt(percentile(processing, 50)).padEnd(10)} ${fmt(percentile(processing, 95))}`,
      `  Siirto default poll every 1m (modelled: wait + measured work) ${fmt(m1.p50).padEnd(10)} ${fmt(m1.p95)}`,
      `  old integration, cron every 15 min (modelled: wait only)     ${fmt(cron.p50).padEnd(10)} ${fmt(cron.p95)}`,
      '',
      'Rackbeat shipped → 24SO order Sent (webhook, no polling)          p50        p95',
      `  measured                                                     ${fmt(percentile(toSent, 50)).padEnd(10)} ${fmt(percentile(toSent, 95))}`,
      `  old integration, cron 15 min + 1-min stock delay (modelled)   ${fmt(cron.p50 + 60_000).padEnd(10)} ${fmt(cron.p95 + 60_000)}`,
      '',
      `ratio at p95 (modelled old cron / Siirto): pick-up with the 1m poll ${(cron.p95 / m1.p95).toFixed(1)}x (both modelled), shipped → Sent ${((cron.p95 + 60_000) / percentile(toSent, 95)).toFixed(0)}x (Siirto measured)`,
      `API calls per order, both directions, Siirto's own, polls included (the bench's status changes and shipments taken out): 24SO ${soPerOrder.toFixed(2)}, Rackbeat ${rbPerOrder.toFixed(2)}`,
      `notes: the Rackbeat client pace is raised to ${BENCH_RACKBEAT_PACING.limit}/min and the sandboxes' limits lifted for the run; at Rackbeat's own`,
      `  ~480/min a burst of 1,000 orders is bound by the API (${rbPerOrder.toFixed(1)} Rackbeat calls per order measured above), and 24SO allows`,
      `  7,200 calls/hour (${soPerOrder.toFixed(1)} per order: ${Math.floor(7200 / Math.max(soPerOrder, 0.01))} orders/hour at most). The old integration\'s own processing time is not known and not added.`,
      '',
    ];
    process.stdout.write(lines.join('\n'));

    await client.schedule.getHandle(`lifecycle/bench`).delete();
    await app.close();
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
