/**
 * Many tenants at once, each with its own Netvisor environment (its own sandbox, one request in flight at a time),
 * on the chaos topology: the Temporal server in its own process, `siirto worker` processes, the sandboxes and
 * Siirto's HTTP server in this one. Shared by bench/order-export.ts (b) and bench/scale-out.ts. Not a benchmark by
 * itself (bench/run.ts skips it).
 */
import crypto from 'node:crypto';
import { WooCommerceClient } from '../connectors/woocommerce';
import type { LatencyConfig } from '../sandbox/kit/latency';
import { cores, machineCpu, sleep } from '../test/support/chaos-processes';
import { orderExportTenantYaml, SANDBOX_SECRETS, startTopology } from '../test/support/chaos-topology';
import { exportOrderWorkflowId } from '../workflows/order-export';
import { control, fmt, freshNetvisorWithRegisters, makeReturningOrders, processCpuSeconds, totalRequests, WOO_CREDENTIALS, type BenchOrder } from './support';

/** A sandbox the run talks to over HTTP only (it may live in another process: bench/sandbox-host.ts). */
export interface SandboxAt {
  url: string;
}

export interface TenantRunFigures {
  tenants: number;
  workers: number;
  orders: number;
  seconds: number;
  rate: number;
  netvisorCalls: number;
  /** CPU seconds during the run: worker processes, the Temporal server, this process (HTTP server + driver, and the sandboxes unless hosted apart), the sandbox host. */
  cpu: { workers: number; temporal: number; self: number; sandboxes: number };
  /** Whether the sandboxes ran in their own process (else they are in `self`). */
  sandboxesApart: boolean;
  /** How busy the whole machine was (other programs included), 0..1. */
  machine: number;
  /** Webhooks answered 503 and delivered again. */
  deferred: number;
  unexpectedExits: number;
}

export interface TenantRunOptions {
  tenants: number;
  perTenant: number;
  workers: number;
  netvisorLatency: LatencyConfig;
  wooLatency: LatencyConfig;
  /** Customers per tenant; their cards and the products exist in each tenant's Netvisor before the run. */
  customersPerTenant?: number;
  prefix: string;
  /** The process hosting the sandboxes, when not this one. */
  sandboxPid?: number;
}

/** One run: fresh Netvisor states with the customers and products in place, webhooks for every order, until all are done. */
export async function runTenants(netvisors: readonly SandboxAt[], woo: SandboxAt, o: TenantRunOptions): Promise<TenantRunFigures> {
  const envs = netvisors.slice(0, o.tenants);
  const tenantIds = envs.map((_, i) => `${o.prefix}-${String(i + 1).padStart(2, '0')}`);
  // Orders are made before the clock starts and without latency (the export is what is measured).
  await control(woo.url, 'latency', { ms: 0 });
  const shop = new WooCommerceClient({ baseUrl: woo.url, ...WOO_CREDENTIALS });
  const orders: Array<BenchOrder & { tenant: string }> = [];
  for (const [t, tenant] of tenantIds.entries()) {
    const mine = await makeReturningOrders(shop, o.perTenant, o.customersPerTenant ?? 5, t * 1000);
    await freshNetvisorWithRegisters(envs[t].url, mine);
    orders.push(...mine.map((m) => ({ ...m, tenant })));
  }
  for (const nv of envs) await control(nv.url, 'latency', o.netvisorLatency);
  await control(woo.url, 'latency', o.wooLatency);
  // Interleave the tenants, as independent shops' orders arrive.
  orders.sort((a, b) => (a.id % o.perTenant) - (b.id % o.perTenant) || a.tenant.localeCompare(b.tenant));

  const t = await startTopology({ tenants: envs.map((nv, i) => orderExportTenantYaml(tenantIds[i], nv.url, woo.url)), workers: o.workers, prefix: o.prefix });
  try {
    const callsBefore = await totalRequests(envs.map((e) => e.url));
    const cpu0 = t.cpu();
    const sb0 = processCpuSeconds(o.sandboxPid);
    const m0 = machineCpu();
    const t0 = performance.now();
    // Deliveries as the shops make them: a 503 (Temporal did not take the start within the door's deadline) is
    // delivered again a moment later. At most 20 in flight, like a handful of busy shops.
    let deferred = 0;
    const queue = [...orders];
    const deliverOne = async (order: (typeof orders)[number]) => {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${t.serverUrl}/webhooks/woocommerce/${order.tenant}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-wc-webhook-topic': 'order.created',
            'x-wc-webhook-resource': 'order',
            'x-wc-webhook-event': 'created',
            'x-wc-webhook-id': '1',
            'x-wc-webhook-delivery-id': crypto.randomUUID(),
            'x-wc-webhook-signature': crypto.createHmac('sha256', SANDBOX_SECRETS.CHAOS_WOO_WEBHOOK_SECRET).update(order.body).digest('base64'),
          },
          body: order.body,
        });
        if (res.status === 202) return;
        if (res.status !== 503 || attempt >= 10) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
        deferred++;
        await sleep(1000);
      }
    };
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await deliverOne(next);
      }),
    );
    await Promise.all(
      orders.map(async (order) => {
        const r = await t.client.workflow.getHandle(exportOrderWorkflowId(order.tenant, 'woo', String(order.id))).result();
        if (r.status !== 'done') throw new Error(`order ${order.id} of ${order.tenant} ended ${r.status}`);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = t.cpu();
    const sb1 = processCpuSeconds(o.sandboxPid);
    const m1 = machineCpu();
    return {
      tenants: o.tenants,
      workers: o.workers,
      orders: orders.length,
      seconds,
      rate: orders.length / seconds,
      netvisorCalls: (await totalRequests(envs.map((e) => e.url))) - callsBefore,
      cpu: { workers: cpu1.workers - cpu0.workers, temporal: cpu1.temporal - cpu0.temporal, self: cpu1.self - cpu0.self, sandboxes: sb1 - sb0 },
      sandboxesApart: o.sandboxPid !== undefined,
      deferred,
      machine: m1.total > m0.total ? (m1.busy - m0.busy) / (m1.total - m0.total) : 0,
      unexpectedExits: t.unexpectedExits.length,
    };
  } finally {
    await t.stop();
  }
}

/** Share of the machine's cores Siirto's processes used during a run. */
export const siirtoBusy = (r: TenantRunFigures): number => (r.cpu.workers + r.cpu.temporal + r.cpu.self + r.cpu.sandboxes) / (r.seconds * cores());

/** "workers 31 %, Temporal 22 %, sandboxes + HTTP 12 % of 2 cores": each part's CPU as a share of the machine. */
export function cpuShares(r: TenantRunFigures): string {
  const pct = (s: number) => `${fmt((100 * s) / (r.seconds * cores()), 0)} %`;
  const rest = r.sandboxesApart ? `sandboxes ${pct(r.cpu.sandboxes)}, HTTP server + driver ${pct(r.cpu.self)}` : `sandboxes + HTTP server ${pct(r.cpu.self)}`;
  return `workers ${pct(r.cpu.workers)}, Temporal server ${pct(r.cpu.temporal)}, ${rest} of ${cores()} cores (machine ${fmt(100 * r.machine, 0)} % busy)`;
}

export function biggestCpuUser(r: TenantRunFigures): string {
  const parts: Array<[string, number]> = r.sandboxesApart
    ? [['the workers', r.cpu.workers], ['the Temporal server', r.cpu.temporal], ['the sandboxes', r.cpu.sandboxes], ['the HTTP server and driver', r.cpu.self]]
    : [['the workers', r.cpu.workers], ['the Temporal server', r.cpu.temporal], ['the sandboxes and HTTP server', r.cpu.self]];
  parts.sort((a, b) => b[1] - a[1]);
  return `${parts[0][0]} (${fmt((100 * parts[0][1]) / (r.seconds * cores()), 0)} % of the machine)`;
}
