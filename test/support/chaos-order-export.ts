import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { businessIdCheckDigit } from '../../domain/business-id';
import { startSandboxes } from '../../sandbox/registry';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { reconcileShop } from '../../workflows/reconcile-shop';
import { SiirtoStatus } from '../../workflows/search-attributes';
import { statusQuery } from '../../workflows/transfer';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import { pidOfClientPort, sleep } from './chaos-processes';
import { orderExportTenantYaml, SANDBOX_SECRETS, startTopology, watchRequests, type Topology } from './chaos-topology';
import { wooDeliveryHeaders } from './order-export-harness';

/**
 * The order-export chaos run (issue #13): WooCommerce orders reach Siirto by signed webhooks — some twice at once,
 * some again much later, some never (the reconciliation poll must find those) — while several worker processes
 * export them to Netvisor with 10 % sandbox faults of every kind. Worker processes are SIGKILLed while their
 * invoice write is stalled in the sandbox (a timeout fault on the write), and the Temporal server is SIGKILLed and
 * started again once. The run then waits until every order's transfer is terminal and counts, from the Netvisor
 * sandbox's own state, the documents per order.
 *
 * Shared by test/chaos/order-export-chaos.test.ts (a CI-sized run) and bench/chaos.ts (`--orders 5000`).
 */
export interface OrderChaosOptions {
  orders: number;
  workers: number;
  /** How many times a worker is SIGKILLed with its invoice write stalled in the sandbox. */
  workerKills: number;
  /** Sandbox fault rate on every API request (Netvisor and WooCommerce). */
  faultRate: number;
  /** How long a timeout fault stalls a request before the sandbox processes it anyway. */
  stallMs: number;
  /** Webhooks are sent over this long (the kills and the Temporal restart happen meanwhile). */
  sendOverMs: number;
  /** "Minutes later": when the late duplicates of a delivered webhook arrive (scaled down in the CI run). */
  lateDuplicateAfterMs: number;
  /** Shares of the orders whose webhook is lost, sent twice at once, and sent again late. */
  lostShare: number;
  concurrentDuplicateShare: number;
  lateDuplicateShare: number;
  /** The reconciliation poll's period (a Schedule's job in production). */
  reconcileEveryMs: number;
  /** Give up waiting for the drain after this long. */
  drainTimeoutMs: number;
  seed: number;
  progress?: (line: string) => void;
}

export const CI_ORDER_CHAOS: OrderChaosOptions = {
  orders: 200,
  workers: 3,
  workerKills: 3,
  faultRate: 0.1,
  stallMs: 4000,
  sendOverMs: 40_000,
  lateDuplicateAfterMs: 30_000,
  lostShare: 0.05,
  concurrentDuplicateShare: 0.2,
  lateDuplicateShare: 0.1,
  reconcileEveryMs: 15_000,
  drainTimeoutMs: 300_000,
  seed: 13,
};

export interface WorkerKill {
  pid: number;
  atMs: number;
  /** The stalled request the worker was waiting for. */
  request: string;
  stalledForMs: number;
}

export interface OrderOutcome {
  orderId: string;
  number: string;
  workflowId: string;
  documents: number;
  /** done, skipped, needs-attention, running, failed, none (no workflow: lost). */
  status: string;
  reason?: string;
}

export interface OrderChaosReport {
  options: OrderChaosOptions;
  temporal: string;
  outcomes: OrderOutcome[];
  lost: OrderOutcome[];
  duplicated: OrderOutcome[];
  done: number;
  needsAttention: OrderOutcome[];
  notTerminal: OrderOutcome[];
  /** First webhook → every transfer terminal (or the drain timeout). */
  drainSeconds: number;
  drained: boolean;
  kills: WorkerKill[];
  temporalRestart?: { atMs: number; downMs: number };
  unexpectedWorkerExits: Topology['unexpectedExits'];
  workerStartFailures: string[];
  faults: Record<string, Record<string, number>>;
  webhooks: { deliveries: number; concurrentDuplicates: number; lateDuplicates: number; lostOnPurpose: number; answered503: number; gaveUp: number; refused: string[] };
  reconcilePasses: number;
  /** Customer cards created more than once for the same business ID. */
  duplicateCustomers: Array<{ businessId: string; cards: number }>;
  netvisorOverlap?: { maxInFlight: number; refused: number };
}

const post = async (url: string, body: unknown): Promise<any> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
};
const get = async (url: string): Promise<any> => (await fetch(url)).json();

/** A deterministic dice for the run's choices, so that a failing run can be replayed. */
function dice(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function businessIds(n: number): string[] {
  const out: string[] = [];
  for (let body = 2_600_000; out.length < n; body += 37) {
    const check = businessIdCheckDigit(String(body));
    if (check !== null) out.push(`${body}-${check}`);
  }
  return out;
}

const ALL_FAULTS = ['500', '429', 'timeout', 'reset', 'commit-then-fail'];
const WRITE_PATH = 'salesinvoice.nv';

export async function runOrderExportChaos(options: OrderChaosOptions): Promise<OrderChaosReport> {
  const say = options.progress ?? (() => undefined);
  const roll = dice(options.seed);
  const sandboxes = await startSandboxes(['netvisor', 'woocommerce'], { seed: options.seed });
  const [netvisor, woocommerce] = sandboxes as [StartedSandbox, StartedSandbox];
  let topology: Topology | undefined;
  try {
    await post(`${woocommerce.url}/__sandbox/seed`, { seed: options.seed, counts: { products: 60, orders: 0 } });
    topology = await startTopology({ tenants: [orderExportTenantYaml('chaos', netvisor.url, woocommerce.url)], workers: options.workers, prefix: 'chaos' });
    const t = topology;
    say(`topology up: ${options.workers} worker processes, ${t.temporal.describe} at ${t.temporal.address}, HTTP server ${t.serverUrl}`);

    // The orders: 25 companies with business IDs, so that concurrent orders of one company meet at its customer card.
    const woo = new WooCommerceClient({ baseUrl: woocommerce.url, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
    const companies = businessIds(25);
    const orders: Array<{ id: number; number: string; body: string }> = [];
    for (let i = 0; i < options.orders; i++) {
      const c = i % companies.length;
      const created = await woo.createOrder({
        status: 'processing',
        billing: { first_name: 'Asiakas', last_name: `Nro ${i}`, company: `Kaaos ${c} Oy`, address_1: 'Katu 1', city: 'Tampere', postcode: '33100', country: 'FI', email: `k${i}@example.fi` },
        line_items: [{ sku: `P${1008 + (i % 40)}`, quantity: 1 + (i % 3) }, { sku: `P${1010 + ((i * 7) % 40)}`, quantity: 1 }],
        meta_data: [{ key: '_billing_business_id', value: companies[c] }],
      });
      orders.push({ id: created.id, number: String(900000 + Number(created.number)), body: JSON.stringify(await woo.getOrder(created.id)) });
    }
    const customersBefore = new Set(((await get(`${netvisor.url}/__sandbox/state`)).customers as Array<{ code: string }>).map((c) => c.code));

    // Faults on: 10 % of every API request, every kind. Counts are kept across reconfigurations.
    const faultTotals: Record<string, Record<string, number>> = { netvisor: {}, woocommerce: {} };
    const collectFaults = async (s: StartedSandbox) => {
      const { injected } = await get(`${s.url}/__sandbox/faults`);
      for (const [k, v] of Object.entries(injected as Record<string, number>)) faultTotals[s.system][k] = (faultTotals[s.system][k] ?? 0) + v;
    };
    const generalFaults = { rate: options.faultRate, kinds: ALL_FAULTS, timeoutMs: options.stallMs, retryAfterSeconds: 1 };
    await post(`${netvisor.url}/__sandbox/faults`, { ...generalFaults, seed: options.seed });
    await post(`${woocommerce.url}/__sandbox/faults`, { ...generalFaults, seed: options.seed + 1 });

    // Webhooks: a plan per order, sent at a steady pace over sendOverMs.
    const signature = (body: string) => crypto.createHmac('sha256', SANDBOX_SECRETS.CHAOS_WOO_WEBHOOK_SECRET).update(body).digest('base64');
    const hooks = { deliveries: 0, concurrentDuplicates: 0, lateDuplicates: 0, lostOnPurpose: 0, answered503: 0, gaveUp: 0, refused: [] as string[] };
    const deliver = async (order: (typeof orders)[number]): Promise<void> => {
      // Like the shops: a delivery that fails is tried again with backoff, a few times, then given up.
      for (let attempt = 1; attempt <= 6; attempt++) {
        hooks.deliveries++;
        let status = 0;
        try {
          const res = await fetch(`${t.serverUrl}/webhooks/woocommerce/chaos`, {
            method: 'POST',
            headers: wooDeliveryHeaders(signature(order.body)),
            body: order.body,
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        if (status >= 200 && status < 300) return;
        if (status === 503) hooks.answered503++;
        else if (status !== 0) hooks.refused.push(`${order.id}: ${status}`);
        await sleep(Math.min(8000, 500 * 2 ** attempt));
      }
      hooks.gaveUp++;
    };
    const inFlightHooks = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      inFlightHooks.add(p);
      void p.finally(() => inFlightHooks.delete(p));
    };

    const started = Date.now();
    const since = () => Date.now() - started;
    const lateAt: Array<{ at: number; order: (typeof orders)[number] }> = [];
    const sender = (async () => {
      const gap = options.sendOverMs / Math.max(1, orders.length);
      for (const [i, order] of orders.entries()) {
        await sleep(Math.max(0, started + i * gap - Date.now()));
        const r = roll();
        if (r < options.lostShare) {
          hooks.lostOnPurpose++;
          continue;
        }
        if (r < options.lostShare + options.concurrentDuplicateShare) {
          hooks.concurrentDuplicates++;
          track(Promise.all([deliver(order), deliver(order), ...(roll() < 0.3 ? [deliver(order)] : [])]).then(() => undefined));
        } else track(deliver(order));
        if (roll() < options.lateDuplicateShare) {
          hooks.lateDuplicates++;
          lateAt.push({ at: since() + options.lateDuplicateAfterMs, order });
        }
      }
    })();
    const late = (async () => {
      await sender;
      for (const l of lateAt) {
        await sleep(Math.max(0, l.at - since()));
        track(deliver(l.order));
      }
    })();

    // Reconciliation passes, as the reconcile Schedule would run them.
    let reconcilePasses = 0;
    let reconciling = true;
    const reconciler = (async () => {
      while (reconciling) {
        await sleep(options.reconcileEveryMs);
        if (!reconciling) break;
        try {
          await t.client.workflow.start(reconcileShop, { taskQueue: TASK_QUEUE, workflowId: `chaos-reconcile-${reconcilePasses}-${Date.now()}`, args: [{ tenant: 'chaos', shop: 'woo', lookback: '24h' }] });
          reconcilePasses++;
        } catch {
          // Temporal is down right now; the next pass comes.
        }
      }
    })();

    // The kills: a timeout fault on the invoice write, and the worker whose write it is SIGKILLed while it stalls.
    const watcher = watchRequests(netvisor);
    const kills: WorkerKill[] = [];
    const killer = (async () => {
      const spacing = Math.max(3000, options.sendOverMs / (options.workerKills + 1));
      for (let k = 0; k < options.workerKills; k++) {
        await sleep(Math.max(0, (k + 1) * spacing - since()));
        await collectFaults(netvisor);
        await post(`${netvisor.url}/__sandbox/faults`, { rate: 1, kinds: ['timeout'], paths: [WRITE_PATH], methods: ['POST'], timeoutMs: options.stallMs, seed: options.seed + k });
        const end = Date.now() + 60_000;
        let killed = false;
        while (!killed && Date.now() < end) {
          const stalled = watcher.inFlight().filter((r) => r.method === 'POST' && r.path.endsWith(WRITE_PATH) && Date.now() - r.since >= 300);
          for (const r of stalled) {
            const pid = pidOfClientPort(r.remotePort, t.workers().map((w) => w.pid));
            if (pid === undefined) continue;
            await t.killWorker(pid);
            kills.push({ pid, atMs: since(), request: `POST /${WRITE_PATH}`, stalledForMs: Date.now() - r.since });
            say(`SIGKILL worker ${pid} at ${Math.round(since() / 1000)} s, its invoice write stalled in the sandbox for ${Date.now() - r.since} ms`);
            killed = true;
            break;
          }
          if (!killed) await sleep(50);
        }
        await collectFaults(netvisor);
        await post(`${netvisor.url}/__sandbox/faults`, { ...generalFaults, seed: options.seed + 100 + k });
      }
    })();

    // The Temporal server: SIGKILLed once, half-way through the webhooks, and started again on its state.
    let temporalRestart: OrderChaosReport['temporalRestart'];
    const restarter = (async () => {
      await sleep(Math.max(0, options.sendOverMs * 0.55 - since()));
      const at = since();
      await t.temporal.kill();
      say(`SIGKILL Temporal server at ${Math.round(at / 1000)} s`);
      await sleep(2000);
      await t.temporal.start();
      temporalRestart = { atMs: at, downMs: since() - at };
      say(`Temporal server back after ${Math.round((since() - at) / 1000)} s`);
    })();

    await Promise.all([sender, killer, restarter]);
    await late;
    while (inFlightHooks.size) await Promise.allSettled([...inFlightHooks]);
    say(`webhooks sent at ${Math.round(since() / 1000)} s; waiting for every transfer to be terminal`);

    // Drain: every order's transfer done, or parked as needs-attention with its reason.
    const ids = new Map(orders.map((o) => [exportOrderWorkflowId('chaos', 'woo', String(o.id)), o]));
    let states = new Map<string, { status: string; reason?: string }>();
    let drained = false;
    let lastSay = 0;
    const drainEnd = Date.now() + options.drainTimeoutMs;
    while (Date.now() < drainEnd) {
      states = await transferStates(t.client, ids.keys()).catch(() => states);
      const terminal = [...ids.keys()].filter((id) => ['done', 'skipped', 'needs-attention'].includes(states.get(id)?.status ?? 'none')).length;
      if (terminal === ids.size) {
        drained = true;
        break;
      }
      if (Date.now() - lastSay > 15_000) {
        lastSay = Date.now();
        say(`${Math.round(since() / 1000)} s: ${terminal}/${ids.size} terminal`);
      }
      await sleep(2000);
    }
    const drainSeconds = since() / 1000;
    reconciling = false;
    await reconciler;
    watcher.stop();
    await collectFaults(netvisor);
    await collectFaults(woocommerce);
    await post(`${netvisor.url}/__sandbox/faults`, { rate: 0 });
    await post(`${woocommerce.url}/__sandbox/faults`, { rate: 0 });
    // Parked transfers carry their reason in the status query; read it now that Temporal is calm.
    for (const [id, s] of states) {
      if (s.status === 'needs-attention') s.reason = (await t.client.workflow.getHandle(id).query(statusQuery).catch(() => undefined))?.error?.message;
    }

    // The sandbox's own state is the truth: documents per order number, customer cards per business ID.
    const nvState = await get(`${netvisor.url}/__sandbox/state`);
    const docsByNumber = new Map<string, number>();
    for (const d of nvState.salesInvoices as Array<{ number: string }>) docsByNumber.set(d.number, (docsByNumber.get(d.number) ?? 0) + 1);
    const outcomes: OrderOutcome[] = [...ids.entries()].map(([workflowId, o]) => ({
      orderId: String(o.id),
      number: o.number,
      workflowId,
      documents: docsByNumber.get(o.number) ?? 0,
      status: states.get(workflowId)?.status ?? 'none',
      reason: states.get(workflowId)?.reason,
    }));
    const cardsByBusinessId = new Map<string, number>();
    for (const c of nvState.customers as Array<{ code: string; businessId?: string }>) {
      if (customersBefore.has(c.code)) continue;
      const key = c.businessId ?? '';
      if (key) cardsByBusinessId.set(key, (cardsByBusinessId.get(key) ?? 0) + 1);
    }
    const stats = await get(`${netvisor.url}/__sandbox/stats`);
    return {
      options,
      temporal: t.temporal.describe,
      outcomes,
      lost: outcomes.filter((o) => o.status === 'none' || (o.documents === 0 && o.status === 'done')),
      duplicated: outcomes.filter((o) => o.documents > 1),
      done: outcomes.filter((o) => o.status === 'done').length,
      needsAttention: outcomes.filter((o) => o.status === 'needs-attention'),
      notTerminal: outcomes.filter((o) => !['done', 'skipped', 'needs-attention'].includes(o.status)),
      drainSeconds,
      drained,
      kills,
      temporalRestart,
      unexpectedWorkerExits: t.unexpectedExits,
      workerStartFailures: t.startFailures,
      faults: faultTotals,
      webhooks: hooks,
      reconcilePasses,
      duplicateCustomers: [...cardsByBusinessId].filter(([, n]) => n > 1).map(([businessId, cards]) => ({ businessId, cards })),
      netvisorOverlap: stats.overlap ? { maxInFlight: stats.overlap.maxInFlight, refused: stats.overlap.refused } : undefined,
    };
  } finally {
    await topology?.stop().catch(() => undefined);
    await Promise.allSettled(sandboxes.map(async (s) => s.close()));
  }
}

/** Each export's status from visibility: closed ones by their SiirtoStatus, running ones too (needs-attention or running). */
async function transferStates(client: Client, ids: Iterable<string>): Promise<Map<string, { status: string }>> {
  const wanted = new Set(ids);
  const out = new Map<string, { status: string }>();
  for await (const w of client.workflow.list({ query: "WorkflowType = 'exportOrder'" })) {
    if (!wanted.has(w.workflowId)) continue;
    const attr = w.typedSearchAttributes.get(SiirtoStatus);
    const execution = w.status.name;
    let status: string;
    if (execution === 'RUNNING') status = attr === 'needs-attention' ? 'needs-attention' : 'running';
    else if (execution === 'COMPLETED') status = attr === 'skipped' ? 'skipped' : 'done';
    else status = `failed (${execution})`;
    out.set(w.workflowId, { status });
  }
  return out;
}

export function formatOrderChaosReport(r: OrderChaosReport): string[] {
  const o = r.options;
  const faults = (s: string) => Object.entries(r.faults[s] ?? {}).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `order-export chaos: ${o.orders} orders, ${o.workers} worker processes, ${r.temporal}; sandbox faults ${o.faultRate * 100} % (500, 429, timeout ${o.stallMs} ms, reset, commit-then-fail)`,
    `  chaos: ${r.kills.length} worker SIGKILLs with the invoice write stalled (${r.kills.map((k) => `${Math.round(k.atMs / 1000)} s`).join(', ')}); Temporal server SIGKILLed at ${r.temporalRestart ? `${Math.round(r.temporalRestart.atMs / 1000)} s, back after ${fmtS(r.temporalRestart.downMs)}` : 'never'}; ${r.unexpectedWorkerExits.length} workers died on their own; ${r.workerStartFailures.length} worker starts failed and were tried again (Temporal down)`,
    `  webhooks: ${r.webhooks.deliveries} deliveries; ${r.webhooks.concurrentDuplicates} orders sent 2-3 times at once, ${r.webhooks.lateDuplicates} sent again ${fmtS(o.lateDuplicateAfterMs)} later${o.lateDuplicateAfterMs < 120_000 ? ' (scaled down from minutes)' : ''}, ${r.webhooks.lostOnPurpose} never sent, ${r.webhooks.gaveUp} given up after retries; ${r.webhooks.answered503} answered 503 while Temporal was down; ${r.reconcilePasses} reconciliation passes`,
    `  faults injected: Netvisor ${faults('netvisor')}; WooCommerce ${faults('woocommerce')}`,
    `  lost: ${r.lost.length}   duplicated: ${r.duplicated.length}   terminal: ${r.outcomes.length - r.notTerminal.length}/${r.outcomes.length} (done ${r.done}, needs-attention ${r.needsAttention.length})   time to drain: ${fmtS(r.drainSeconds * 1000)}${r.drained ? '' : ' (NOT drained: gave up)'}`,
    ...r.unexpectedWorkerExits.slice(0, 3).map((e) => `    worker ${e.pid} ended on its own (${e.how}): ${e.tail.trim().split('\n').slice(-2).join(' | ').slice(0, 400)}`),
    ...r.needsAttention.slice(0, 5).map((n) => `    needs-attention ${n.workflowId}: ${n.reason ?? '(no reason)'}`),
    ...r.notTerminal.slice(0, 5).map((n) => `    not terminal ${n.workflowId}: ${n.status}`),
    ...r.duplicated.slice(0, 5).map((n) => `    duplicated ${n.workflowId}: ${n.documents} documents numbered ${n.number}`),
    `  customer cards created twice for one business ID: ${r.duplicateCustomers.length}${r.netvisorOverlap ? `; Netvisor requests in flight at once for the environment: at most ${r.netvisorOverlap.maxInFlight} (${r.netvisorOverlap.refused} refused as overlapping)` : ''}`,
  ];
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
