/**
 * Order export against the limits Netvisor sets (issue #14), with realistic latency on (bench/latency-profiles.ts):
 *
 *  (a) one Netvisor environment: orders/s against the ceiling 1 / (latency × minimal calls per order), beside a fair
 *      baseline measured in the same run — each side on a fresh Netvisor state holding the same customers and
 *      products, the same orders; the baseline a sequential loop on the same connector with the same look-before-write
 *      (bench/support.ts baselineExport). Netvisor calls per order for returning customers against the goal 1.2.
 *      Siirto's side is measured on a running worker (it exported a burst of other orders first, whose figure is
 *      printed too: a worker just started), its webhooks sent from the sandboxes' process as a shop sends them.
 *  (b) many tenants at once, each its own Netvisor environment, on separate processes (Temporal server, one worker):
 *      orders/s against the ceiling at each size, and where it stops scaling, with the CPU of each process.
 *  (c) webhook → document latency at one order per second: p50/p95 beside the minimum (critical-path calls ×
 *      latency), goal p95 ≤ minimum + 300 ms.
 *
 * Calls are read from the sandboxes' GET /__sandbox/stats: the bench prints whatever the code does. Not a test:
 * nothing is asserted. Options: --orders N (a; 60, --full 300), --new-customers N (a; 10, --full 40), --paced N (c; 20, --full 120), --tenants 5,20
 * (b; --full 1,5,10,20), --per-tenant N (b; 5, --full 20), --latency-ms 120, --only a,b,c, --warm-registers (the worker reads its register cache at start),
 * --server-in-worker (Siirto's HTTP server in the worker's process, instead of in a process of its own as `siirto server` runs in production).
 */
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { buildHttpServer, listen } from '../client/http';
import { log } from '../client/log';
import type { ResolvedTenant } from '../config/load';
import { OrderExportSettings } from '../config/schema';
import { startSandboxes } from '../sandbox/registry';
import { EncryptionCodec } from '../worker/payload-codec';
import { createWorker, installRuntime } from '../worker/worker';
import { exportOrderWorkflowId } from '../workflows/order-export';
import { WooCommerceClient } from '../connectors/woocommerce';
import { createHttpTransport } from '../connectors/kit/http';
import { cores, machineCpu, sleep } from '../test/support/chaos-processes';
import { hostSandboxes, type HostedSandboxes } from './sandbox-host';
import { hostServer, type HostedServer } from './server-host';
import { latencyFor, meanLatency } from './latency-profiles';
import { biggestCpuUser, cpuShares, runTenants, siirtoBusy, type TenantRunFigures } from './multi-tenant';
import {
  BENCH_NUMBERING,
  baselineExport,
  benchTemporal,
  control,
  fmt,
  freshNetvisorWithRegisters,
  fullSize,
  makeNewCustomerOrders,
  makeReturningOrders,
  NETVISOR_CREDENTIALS,
  numberOption,
  option,
  percentile,
  processCpuSeconds,
  sandboxStats,
  setLatency,
  type SandboxStats,
  WOO_CREDENTIALS,
  type BenchOrder,
} from './support';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';
import { resetTurnStats, turnStats, type TurnStats } from '../connectors/kit/limiter';
import { describeFirstToTarget, describeTimings, orderTiming } from './history-timing';

const FULL = fullSize();
const ORDERS = numberOption('orders', FULL ? 300 : 60);
const PACED = numberOption('paced', FULL ? 120 : 20);
const TENANT_STEPS = option('tenants', FULL ? '1,5,10,20' : '5,20').split(',').map(Number);
const PER_TENANT = numberOption('per-tenant', FULL ? 20 : 5);
const ONLY = option('only', 'a,b,c').split(',');
const NEW_CUSTOMERS = numberOption('new-customers', FULL ? 40 : 10);
/** --warm-registers: the worker reads the register cache when it starts (SIIRTO_REGISTER_CACHE_WARM=on; off by default). */
const WARM = process.argv.includes('--warm-registers');
/** --server-in-worker: Siirto's HTTP server in the worker's process, the bench's earlier setup (the webhooks then take the worker's event loop too). */
const SERVER_IN_WORKER = process.argv.includes('--server-in-worker');
const LAYOUT = SERVER_IN_WORKER ? 'the sandboxes in a process of their own, the HTTP server in the worker\'s (--server-in-worker)' : 'the sandboxes, the HTTP server and the worker each in a process of their own, as in production';
const SECRET = 'sandbox-webhook-secret';
const NETVISOR_LATENCY = latencyFor('netvisor', numberOption('latency-ms', 120));
const WOO_LATENCY = latencyFor('woocommerce');
/** The one call an order must cost: the document itself. */
const DOCUMENT_PATH = '/salesinvoice.nv';
const DOC_MS = meanLatency(NETVISOR_LATENCY, DOCUMENT_PATH);
const CEILING = 1000 / (DOC_MS * 1);

const out = (line = '') => process.stdout.write(`${line}\n`);
const ratio = (x: number, of: number) => `${fmt(x / of, 2)}×`;

function wooHeaders(body: string, delivery: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-wc-webhook-topic': 'order.created',
    'x-wc-webhook-resource': 'order',
    'x-wc-webhook-event': 'created',
    'x-wc-webhook-id': '1',
    'x-wc-webhook-delivery-id': delivery,
    'x-wc-webhook-signature': crypto.createHmac('sha256', SECRET).update(body).digest('base64'),
  };
}

/** Netvisor calls by resource between two stats readings, e.g. "salesinvoice.nv 1.00, customerlist.nv 0.05". */
function perOrderByPath(before: Record<string, number>, after: Record<string, number>, orders: number): string {
  return Object.entries(after)
    .map(([k, v]) => [k.replace(/^(GET|POST) \//, ''), (v - (before[k] ?? 0)) / orders] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(v, 2)}`)
    .join(', ');
}

/** The worker's one Netvisor turn (this process): how the one request in flight was used between t0 and t1. */
function describeTurn(t0: number, t1: number): string {
  const all = Object.values(turnStats());
  if (all.length !== 1) return `(${all.length} Netvisor turns in this process; expected 1)`;
  const t: TurnStats = all[0];
  const run = t1 - t0;
  const pct = (ms: number) => `${fmt((100 * ms) / run, 0)} %`;
  const before = t.firstAt - t0;
  const after = t1 - t.lastAt;
  return (
    `Netvisor's turn (connectors/kit/limiter.ts): held ${pct(t.heldMs)} of the run in ${t.turns} calls (mean ${fmt(t.heldMs / Math.max(1, t.turns), 0)} ms each, sandbox latency included); ` +
    `before the first call ${Math.round(before)} ms (${pct(before)}), after the last ${Math.round(after)} ms (${pct(after)}); ` +
    `passed on to an already queued call ${t.handoffs} times (mean ${fmt(t.handoffMs / Math.max(1, t.handoffs), 1)} ms, ${pct(t.handoffMs)}); ` +
    `free with no call queued ${pct(t.idleMs)} of the run`
  );
}

/** Seconds from the first call on the (one) Netvisor turn to the end of its last. */
function turnSpanSeconds(): number {
  const all = Object.values(turnStats());
  return all.length === 1 ? (all[0].lastAt - all[0].firstAt) / 1000 : 0;
}

/** Whether the HTTP server ran in a process of its own (not --server-in-worker). */
const apart = (siirto: SiirtoSide): boolean => siirto.serverPid !== siirto.workerPid;

interface SiirtoSide {
  client: Client;
  serverUrl: string;
  workerPid: number;
  /** The HTTP server's process: its own, or the worker's with --server-in-worker. */
  serverPid: number;
  temporalPid: number | undefined;
  stop(): Promise<void>;
}

/** Siirto's HTTP server in this process, beside the worker (--server-in-worker). */
async function inProcessServer(tenant: ResolvedTenant, client: Client, taskQueue: string): Promise<HostedServer> {
  const app = buildHttpServer({ tenants: new Map([[tenant.tenant, tenant]]), temporal: client, uiOrigins: [], taskQueue });
  const url = await listen(app, 0);
  return { url, pid: process.pid, stop: () => app.close() };
}

/** A worker in this process and Siirto's HTTP server in its own (or in this one, --server-in-worker), on the bench's own dev server. */
async function startSiirto(temporal: Awaited<ReturnType<typeof benchTemporal>>, netvisorUrl: string, wooUrl: string): Promise<SiirtoSide> {
  const tenant: ResolvedTenant = {
    tenant: 'bench',
    name: 'Bench Oy',
    connections: { netvisor: { baseUrl: netvisorUrl, ...NETVISOR_CREDENTIALS } },
    shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing'], baseUrl: wooUrl, ...WOO_CREDENTIALS, webhookSecret: SECRET }],
    orderExport: OrderExportSettings.parse({ numbering: BENCH_NUMBERING }),
  } as ResolvedTenant;
  const tenants = new Map([[tenant.tenant, tenant]]);
  const codecKey = crypto.randomBytes(32);
  const codec = new EncryptionCodec({ id: 'bench', key: codecKey });
  const taskQueue = `bench-order-export-${crypto.randomUUID()}`;
  const client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address: temporal.address }), dataConverter: { payloadCodecs: [codec] } });
  const { worker, close, registersWarm } = await createWorker({ address: temporal.address, tenants, codec, taskQueue, warmRegisters: WARM });
  const running = worker.run();
  await registersWarm;
  // The webhook door apart from the worker, as `siirto server` and `siirto worker` run in production (--server-in-worker: in this process).
  const door = SERVER_IN_WORKER ? await inProcessServer(tenant, client, taskQueue) : await hostServer({ address: temporal.address, taskQueue, codec: { id: 'bench', key: codecKey }, tenants: [tenant] });
  return {
    client,
    serverUrl: door.url,
    workerPid: process.pid,
    serverPid: door.pid,
    temporalPid: temporal.process.pid,
    async stop() {
      await door.stop();
      worker.shutdown();
      await running;
      await close();
      await client.connection.close();
    },
  };
}

/** One burst of webhooks, all at once, until every order's export is done: how long it took and the calls it made. */
async function burst(siirto: SiirtoSide, netvisorUrl: string, shop: HostedSandboxes, orders: readonly BenchOrder[], tag: string): Promise<{ seconds: number; t0: number; t1: number; wall0: number; s0: SandboxStats; s1: SandboxStats }> {
  const deliveries = orders.map((o, i) => ({ headers: wooHeaders(o.body, `${tag}-${i}`), body: o.body }));
  const s0 = await sandboxStats(netvisorUrl);
  resetTurnStats();
  const wall0 = Date.now();
  const t0 = performance.now();
  // Sent from the shop's side (the sandbox host), not from the worker's process.
  const replies = await shop.deliver(`${siirto.serverUrl}/webhooks/woocommerce/bench`, deliveries);
  const refused = replies.find((r) => r.status !== 202);
  if (refused) throw new Error(`webhook answered ${refused.status}: ${refused.text}`);
  await Promise.all(
    orders.map(async (o) => {
      const r = await siirto.client.workflow.getHandle(exportOrderWorkflowId('bench', 'woo', String(o.id))).result();
      if (r.status !== 'done') throw new Error(`order ${o.id} ended ${r.status}`);
    }),
  );
  const t1 = performance.now();
  return { seconds: (t1 - t0) / 1000, t0, t1, wall0, s0, s1: await sandboxStats(netvisorUrl) };
}

/**
 * (a). The Siirto side runs two bursts on one worker, each on a fresh Netvisor state holding the same customers and
 * products: first `cold` (orders of the same customers and products, not the baseline's), right after the worker
 * started, its register cache empty and its workflow code not yet run; then `orders` (the baseline's), on the worker
 * now running as a production worker does. The goal is held against the second; the first is printed beside it.
 */
async function partA(temporal: Awaited<ReturnType<typeof benchTemporal>>, netvisor: { url: string }, woo: { url: string }, host: HostedSandboxes, orders: BenchOrder[], cold: BenchOrder[], newOrders: BenchOrder[]): Promise<void> {
  out(`(a) one Netvisor environment, ${orders.length} orders from returning customers (cards and products exist beforehand), burst delivery (sent from the sandboxes' process, as the shop sends them); ${LAYOUT}`);
  out(`  latency: ${await setLatency(netvisor.url, 'netvisor', NETVISOR_LATENCY)}; ${await setLatency(woo.url, 'woocommerce', WOO_LATENCY)}`);

  // Baseline on a fresh state holding the customers and products.
  const seeded = await freshNetvisorWithRegisters(netvisor.url, orders);
  await control(netvisor.url, 'latency', NETVISOR_LATENCY);
  const b0 = await sandboxStats(netvisor.url);
  const baseline = await baselineExport(netvisor.url, orders);
  const b1 = await sandboxStats(netvisor.url);
  const baselineRate = orders.length / baseline.seconds;
  const baselineCalls = (b1.requests - b0.requests) / orders.length;

  // Siirto on the same fresh state: first a burst right after the worker started, then, on a fresh state again, the measured one.
  await freshNetvisorWithRegisters(netvisor.url, orders);
  await control(netvisor.url, 'latency', NETVISOR_LATENCY);
  const w0 = await sandboxStats(netvisor.url);
  const siirto = await startSiirto(temporal, netvisor.url, woo.url);
  try {
    const started = await burst(siirto, netvisor.url, host, cold, 'a-cold');
    const startedRate = cold.length / started.seconds;
    const startedCalls = (started.s1.requests - started.s0.requests) / cold.length;
    await freshNetvisorWithRegisters(netvisor.url, orders);
    await control(netvisor.url, 'latency', NETVISOR_LATENCY);
    const cpu0 = { worker: processCpuSeconds(siirto.workerPid), server: apart(siirto) ? processCpuSeconds(siirto.serverPid) : 0, temporal: processCpuSeconds(siirto.temporalPid), sandboxes: processCpuSeconds(host.pid) };
    const m0 = machineCpu();
    const run = await burst(siirto, netvisor.url, host, orders, 'a');
    const { seconds, t0, t1, wall0, s0, s1 } = run;
    const turnLine = describeTurn(t0, t1);
    const cpu = { worker: processCpuSeconds(siirto.workerPid) - cpu0.worker, server: apart(siirto) ? processCpuSeconds(siirto.serverPid) - cpu0.server : 0, temporal: processCpuSeconds(siirto.temporalPid) - cpu0.temporal, sandboxes: processCpuSeconds(host.pid) - cpu0.sandboxes };
    const m1 = machineCpu();
    const machine = m1.total > m0.total ? (m1.busy - m0.busy) / (m1.total - m0.total) : 0;
    const rate = orders.length / seconds;
    const calls = (s1.requests - s0.requests) / orders.length;
    const atCallsMade = 1000 / (DOC_MS * calls);
    out(`  registers in place on each side: ${seeded.customers} customers, ${seeded.products} products`);
    out(`  ceiling (1 call per order × ${DOC_MS} ms): ${fmt(CEILING, 2)} orders/s`);
    out(
      `  Siirto, the worker just started (${cold.length} other orders of the same customers and products first, on a fresh state; its register cache empty, its workflow code not yet run): ` +
        `${fmt(startedRate, 2)} orders/s = ${ratio(startedRate, CEILING)} the ceiling; ${fmt(started.seconds)} s; ${fmt(startedCalls, 2)} Netvisor calls per order: ${perOrderByPath(started.s0.byPath, started.s1.byPath, cold.length)}` +
        (started.s0.requests > w0.requests ? `; ${started.s0.requests - w0.requests} Netvisor calls while the worker started, before the first order` : ''),
    );
    out(`  then the baseline's orders on a fresh state again, the worker running (as in production: it has exported orders before and holds the registers as it last saw them):`);
    out(`  Siirto: ${fmt(rate, 2)} orders/s = ${ratio(rate, CEILING)} the ceiling (goal ≥ 0.90×); ${fmt(seconds)} s`);
    out(`  Siirto: ${fmt(calls, 2)} Netvisor calls per order (goal ≤ 1.2): ${perOrderByPath(s0.byPath, s1.byPath, orders.length)}`);
    out(`  Siirto at the calls it made: ceiling ${fmt(atCallsMade, 2)} orders/s, reached ${ratio(rate, atCallsMade)}`);
    // One request in flight: the environment's busy share is the calls made × their mean latency over the run.
    const busyMs = Object.entries(s1.byPath).reduce((sum, [k, v]) => sum + (v - (s0.byPath[k] ?? 0)) * meanLatency(NETVISOR_LATENCY, k.replace(/^\S+ /, '')), 0);
    out(`  the Netvisor environment was busy ${fmt((100 * busyMs) / (seconds * 1000), 0)} % of the run (calls × mean latency); the rest of the time it waited for Siirto`);
    out(`  ${turnLine}`);
    const docKey = `POST ${DOCUMENT_PATH}`;
    const docs = (s1.byPath[docKey] ?? 0) - (s0.byPath[docKey] ?? 0);
    if (docs > 0) {
      const drawn = ((s1.latencyMsByPath[docKey] ?? 0) - (s0.latencyMsByPath[docKey] ?? 0)) / docs;
      out(`  the sandbox's latency for the ${docs} documents drew ${fmt(drawn, 1)} ms on average (the setting's mean ${DOC_MS} ms; the rest of a held turn is the round trip and the two processes' work)`);
    }
    const timings = await Promise.all(orders.map((o) => orderTiming(siirto.client, exportOrderWorkflowId('bench', 'woo', String(o.id)))));
    out(`  the first order to reach Netvisor, ms after the burst began (server times): ${describeFirstToTarget(timings, wall0, 'createSalesDocument')}`);
    const span = turnSpanSeconds();
    if (span > 0) {
      out(`  from Netvisor's first call to its last (the run without the burst's ramp-up, the time its first order takes to reach Netvisor): ${fmt(orders.length / span, 2)} orders/s = ${ratio(orders.length / span, CEILING)} the ceiling`);
    }
    out(`  baseline (sequential loop, same connector and look-before-write, order from the webhook body): ${fmt(baselineRate, 2)} orders/s = ${ratio(baselineRate, CEILING)} the ceiling, ${fmt(baselineCalls, 2)} Netvisor calls per order: ${perOrderByPath(b0.byPath, b1.byPath, orders.length)}`);
    out(`  ratio Siirto/baseline: ${ratio(rate, baselineRate)} throughput, ${ratio(calls, baselineCalls)} Netvisor calls per order`);
    const processes = apart(siirto) ? `the worker (this process, with the bench's driver) ${fmt(cpu.worker)} s, the HTTP server ${fmt(cpu.server)} s` : `this process (worker + HTTP server, --server-in-worker) ${fmt(cpu.worker)} s`;
    out(`  CPU during the Siirto run: ${processes}, Temporal dev server ${fmt(cpu.temporal)} s, sandboxes ${fmt(cpu.sandboxes)} s over ${fmt(seconds)} s; the machine's ${cores()} cores ${fmt(100 * machine, 0)} % busy (other programs included)`);

    // New customers and products, on the same Netvisor state: each order is a new customer's first, with one new
    // product and one known. Goal: each new record adds only its own write to what a returning customer's order costs.
    if (newOrders.length) {
      const n0 = await sandboxStats(netvisor.url);
      await Promise.all(
        newOrders.map(async (o, i) => {
          const res = await fetch(`${siirto.serverUrl}/webhooks/woocommerce/bench`, { method: 'POST', headers: wooHeaders(o.body, `a-new-${i}`), body: o.body });
          if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
        }),
      );
      for (const o of newOrders) {
        const r = await siirto.client.workflow.getHandle(exportOrderWorkflowId('bench', 'woo', String(o.id))).result();
        if (r.status !== 'done') throw new Error(`order ${o.id} ended ${r.status}`);
      }
      const n1 = await sandboxStats(netvisor.url);
      const writes = (n1.byPath['POST /customer.nv'] ?? 0) - (n0.byPath['POST /customer.nv'] ?? 0) + (n1.byPath['POST /product.nv'] ?? 0) - (n0.byPath['POST /product.nv'] ?? 0);
      const extra = n1.requests - n0.requests - calls * newOrders.length;
      out(
        `  new customers/products (${newOrders.length} first orders of new customers, one new and one known product each): ${fmt((n1.requests - n0.requests) / newOrders.length, 2)} Netvisor calls per order; ` +
          `${writes} cards/products written; beyond a returning order's calls each new record cost ${fmt(writes ? extra / writes : NaN, 2)} calls (goal 1.00: its own write): ${perOrderByPath(n0.byPath, n1.byPath, newOrders.length)}`,
      );
    }
    // The same ceiling at what one request costs on this machine (timers, loopback, waking the processes), so the
    // shortfall that is Siirto's can be told from the machine's.
    const bare = await bareRoundTripMs(netvisor.url);
    out(
      `  a bare request with the document's latency (${DOC_MS} ms, no jitter) takes ${fmt(bare, 1)} ms here (the same HTTP transport, sequential, to a path the sandbox answers at once after the latency; nothing of Siirto's): ` +
        `at that round trip the ceiling is ${fmt(1000 / bare, 2)} orders/s, reached ${ratio(rate, 1000 / bare)}`,
    );
  } finally {
    await siirto.stop();
  }
}

/** Mean time of a request that only waits out the Netvisor sandbox's latency (set to the document's mean, no jitter). */
async function bareRoundTripMs(url: string, n = 40): Promise<number> {
  await control(url, 'latency', { ms: DOC_MS, jitterMs: 0 });
  try {
    const transport = createHttpTransport('netvisor', url);
    const once = () => transport.request({ method: 'GET', url: '/siirto-bench-bare-request' });
    await once();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await once();
    return (performance.now() - t0) / n;
  } finally {
    await control(url, 'latency', NETVISOR_LATENCY);
  }
}

async function partC(temporal: Awaited<ReturnType<typeof benchTemporal>>, netvisor: { url: string }, woo: { url: string }, landedDocuments: () => Promise<Map<string, number>>, orders: BenchOrder[]): Promise<void> {
  out(`(c) webhook → document latency, ${orders.length} orders at 1 order/s, returning customers; ${LAYOUT}; the time taken when the sandbox stores the document`);
  await freshNetvisorWithRegisters(netvisor.url, orders);
  out(`  latency: ${await setLatency(netvisor.url, 'netvisor', NETVISOR_LATENCY)}; ${await setLatency(woo.url, 'woocommerce', WOO_LATENCY)}`);
  const siirto = await startSiirto(temporal, netvisor.url, woo.url);
  const wooStats0 = await sandboxStats(woo.url);
  const nv0 = await sandboxStats(netvisor.url);
  try {
    const posted = new Map<string, number>();
    const start = Date.now();
    const sends: Array<Promise<void>> = [];
    for (const [i, o] of orders.entries()) {
      const due = start + i * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      posted.set(`woo:${o.number}`, Date.now());
      sends.push(
        fetch(`${siirto.serverUrl}/webhooks/woocommerce/bench`, { method: 'POST', headers: wooHeaders(o.body, `c-${i}`), body: o.body }).then(async (res) => {
          if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
        }),
      );
    }
    await Promise.all(sends);
    await Promise.all(orders.map((o) => siirto.client.workflow.getHandle(exportOrderWorkflowId('bench', 'woo', String(o.id))).result()));
    const landed = await landedDocuments();
    const latencies = [...posted].map(([ref, at]) => (landed.get(ref) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
    const wooStats1 = await sandboxStats(woo.url);
    const nv1 = await sandboxStats(netvisor.url);
    const wooCalls = (wooStats1.requests - wooStats0.requests) / orders.length;
    const nvCalls = (nv1.requests - nv0.requests) / orders.length;
    // The critical path at its minimum: the shop's order read once (Siirto reads it back rather than trust the body) and the document written once.
    const minimum = WOO_LATENCY.ms + DOC_MS;
    const p95 = percentile(latencies, 95);
    out(`  documents seen: ${latencies.length} of ${orders.length}`);
    out(`  p50 ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(p95)} ms; minimum ${minimum} ms (1 WooCommerce read × ${WOO_LATENCY.ms} ms + 1 Netvisor document × ${DOC_MS} ms)`);
    out(`  p95 − minimum = ${Math.round(p95 - minimum)} ms (goal ≤ 300 ms); p95 = ${ratio(p95, minimum)} the minimum`);
    out(`  calls per order: WooCommerce ${fmt(wooCalls, 2)}, Netvisor ${fmt(nvCalls, 2)} (${perOrderByPath(nv0.byPath, nv1.byPath, orders.length)})`);
    const timings = await Promise.all(orders.map((o) => orderTiming(siirto.client, exportOrderWorkflowId('bench', 'woo', String(o.id)))));
    const startDelays = orders.map((o, i) => timings[i].startedAt - (posted.get(`woo:${o.number}`) ?? NaN)).filter(Number.isFinite);
    out(`  where the time went, mean per order (from the workflow histories): ${describeTimings(timings, startDelays)}`);
  } finally {
    await siirto.stop();
  }
}

function partB(runs: TenantRunFigures[]): void {
  const perEnv = CEILING;
  for (const r of runs) {
    const ceiling = r.tenants * perEnv;
    out(
      `  ${String(r.tenants).padStart(2)} tenants: ${fmt(r.rate, 2)} orders/s = ${ratio(r.rate, ceiling)} the ceiling (${fmt(ceiling, 1)} orders/s = ${r.tenants} × ${fmt(perEnv, 2)}); ` +
        `${fmt(r.netvisorCalls / r.orders, 2)} Netvisor calls/order (at those calls the ceiling is ${fmt(r.tenants * (1000 / (DOC_MS * (r.netvisorCalls / r.orders))), 1)} orders/s, reached ${ratio(r.rate, r.tenants * (1000 / (DOC_MS * (r.netvisorCalls / r.orders))))}); ${fmt(r.seconds)} s; CPU ${cpuShares(r)}${r.deferred ? `; ${r.deferred} webhooks answered 503 and were delivered again` : ''}${r.unexpectedExits ? `; ${r.unexpectedExits} workers died` : ''}`,
    );
  }
  // It stops scaling at the first size whose throughput per tenant falls below 80 % of the smallest run's.
  const first = runs[0];
  const perTenant = (r: TenantRunFigures) => r.rate / r.tenants;
  const stop = runs.find((r) => r !== first && perTenant(r) < 0.8 * perTenant(first));
  if (!stop) {
    out(`  scales linearly up to ${runs[runs.length - 1].tenants} tenants (per-tenant throughput ≥ 0.8× the ${first.tenants}-tenant run's); busiest run used ${fmt(100 * Math.max(...runs.map(siirtoBusy)), 0)} % of the cores`);
  } else {
    const ours = siirtoBusy(stop);
    const others = stop.machine - ours;
    out(
      `  stops scaling at ${stop.tenants} tenants: ${ratio(perTenant(stop), perTenant(first))} the per-tenant throughput of ${first.tenants} tenants; ` +
        (ours >= 0.8
          ? `Siirto's processes fill the cores (${fmt(100 * ours, 0)} %), the biggest user ${biggestCpuUser(stop)}`
          : stop.machine >= 0.9
            ? `the machine is ${fmt(100 * stop.machine, 0)} % busy but only ${fmt(100 * ours, 0)} % is Siirto's processes: other programs hold the cores (${fmt(100 * others, 0)} %), so this is the machine's limit, not Siirto's (biggest Siirto user: ${biggestCpuUser(stop)}); rerun on an idle machine`
            : `not CPU-bound (${fmt(100 * stop.machine, 0)} % busy): the biggest CPU user is ${biggestCpuUser(stop)}, the rest is waiting (Temporal round trips, the per-environment Netvisor turn)`),
    );
  }
}

async function main(): Promise<void> {
  log.level = 'error'; // deferred webhooks (503 while Temporal is slow) are counted in the report
  installRuntime('ERROR');
  out(`order export, ${new Date().toISOString()}${FULL ? ' (full size)' : ' (CI size; --full for the full run)'}${WARM ? '; the worker reads the register cache when it starts (--warm-registers, SIIRTO_REGISTER_CACHE_WARM=on; not the default)' : ''}`);
  // In this process only to describe the latency in force (b); every part's own sandboxes run in a process of their own.
  const [netvisor, woo] = await startSandboxes(['netvisor', 'woocommerce']);
  try {
    if (ONLY.includes('a') || ONLY.includes('c')) {
      const temporal = await benchTemporal();
      try {
        // Netvisor and the shop in a process of their own: their work does not queue behind the worker's on one event loop.
        const host = await hostSandboxes(['netvisor', 'woocommerce']);
        try {
          const [hostedNetvisor, hostedWoo] = host.urls.map((url) => ({ url }));
          await control(hostedWoo.url, 'seed', { seed: 11, counts: { products: 60, orders: 0 } });
          const hostedShop = new WooCommerceClient({ baseUrl: hostedWoo.url, ...WOO_CREDENTIALS });
          if (ONLY.includes('a')) {
            const orders = await withoutLatency(hostedWoo, () => makeReturningOrders(hostedShop, ORDERS, 20, 0));
            // The burst right after the worker starts: other orders of the same customers and products.
            const cold = await makeReturningOrders(hostedShop, ORDERS, 20, 0);
            const fresh = await makeNewCustomerOrders(hostedShop, NEW_CUSTOMERS);
            await partA(temporal, hostedNetvisor, hostedWoo, host, orders, cold, fresh);
          }
          if (ONLY.includes('c')) {
            const orders = await withoutLatency(hostedWoo, () => makeReturningOrders(hostedShop, PACED, 20, 100_000));
            await partC(temporal, hostedNetvisor, hostedWoo, () => host.landedDocuments(), orders);
          }
        } finally {
          await host.stop();
        }
      } finally {
        await temporal.stop();
      }
    }
    if (ONLY.includes('b')) {
      const most = Math.max(...TENANT_STEPS);
      out(`(b) ${TENANT_STEPS.join(', ')} tenants at once, each its own Netvisor environment (sandbox), ${PER_TENANT} orders per tenant from returning customers, one \`siirto worker\` process, Temporal server and sandboxes each in a process of their own`);
      out(`  latency: ${await setLatency(netvisor.url, 'netvisor', NETVISOR_LATENCY)} per environment; ${await setLatency(woo.url, 'woocommerce', WOO_LATENCY)}`);
      // The tenants' sandboxes in a process of their own, so their CPU is told apart from the HTTP server's.
      const host = await hostSandboxes([...Array.from({ length: most }, () => 'netvisor' as const), 'woocommerce']);
      const envs = host.urls.slice(0, most).map((url) => ({ url }));
      const hostedWoo = { url: host.urls[most] };
      const runs: TenantRunFigures[] = [];
      try {
        await control(hostedWoo.url, 'seed', { seed: 11, counts: { products: 60, orders: 0 } });
        for (const n of TENANT_STEPS) {
          runs.push(await runTenants(envs, hostedWoo, { tenants: n, perTenant: PER_TENANT, workers: 1, netvisorLatency: NETVISOR_LATENCY, wooLatency: WOO_LATENCY, prefix: `oe${n}`, sandboxPid: host.pid }));
          await sleep(1000);
        }
      } finally {
        await host.stop();
      }
      partB(runs);
    }
  } finally {
    await Promise.allSettled([netvisor.close(), woo.close()]);
  }
}

async function withoutLatency<T>(woo: { url: string }, make: () => Promise<T>): Promise<T> {
  await control(woo.url, 'latency', { ms: 0 });
  return make();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
