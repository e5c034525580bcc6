/**
 * Scale-out (issue #13): order-export throughput across 20 tenants, each with its own Netvisor environment (its own
 * sandbox at bench/latency-profiles.ts's Netvisor latency, one request in flight at a time as Netvisor requires), with 1, 2 and 4
 * `siirto worker` processes on the chaos topology (Temporal server in its own process, workers as processes, the
 * sandboxes in one of their own, the HTTP server in this one). Prints orders/s as ratios to the 1-worker run, the CPU each part
 * used, and names the point where the machine's cores, not the workers, set the pace. Not a test: nothing is
 * asserted. Orders come from returning customers whose cards and products exist beforehand (fresh state per run).
 * Options: --orders-per-tenant N (6; --full 15), --tenants N (20), --workers 1,2 (--full 1,2,4), --latency-ms 120.
 */
import { log } from '../client/log';
import { hostSandboxes } from './sandbox-host';
import { cores, sleep } from '../test/support/chaos-processes';
import { latencyFor } from './latency-profiles';
import { biggestCpuUser as biggestUser, runTenants, siirtoBusy, type TenantRunFigures } from './multi-tenant';
import { control, fmt, fullSize, setLatency } from './support';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const TENANTS = Number(arg('tenants', '20'));
const PER_TENANT = Number(arg('orders-per-tenant', fullSize() ? '15' : '6'));
const WORKER_COUNTS = arg('workers', fullSize() ? '1,2,4' : '1,2').split(',').map(Number);
const NETVISOR_LATENCY = latencyFor('netvisor', Number(arg('latency-ms', '120')));
const WOO_LATENCY = latencyFor('woocommerce');
type RunFigures = TenantRunFigures;

async function main(): Promise<void> {
  log.level = 'error'; // deferred webhooks (503 while Temporal is slow) are counted in the report
  // The sandboxes in a process of their own (bench/sandbox-host.ts), so their CPU is told apart from the HTTP server's.
  const host = await hostSandboxes([...Array.from({ length: TENANTS }, () => 'netvisor' as const), 'woocommerce']);
  const netvisors = host.urls.slice(0, TENANTS).map((url) => ({ url }));
  const woo = { url: host.urls[TENANTS] };
  await control(woo.url, 'seed', { seed: 5, counts: { products: 60, orders: 0 } });
  const runs: RunFigures[] = [];
  let latencyLine = '';
  try {
    latencyLine = `${await setLatency(netvisors[0].url, 'netvisor', NETVISOR_LATENCY)}; ${await setLatency(woo.url, 'woocommerce', WOO_LATENCY)}`;
    for (const w of WORKER_COUNTS) {
      runs.push(await runTenants(netvisors, woo, { tenants: TENANTS, perTenant: PER_TENANT, workers: w, netvisorLatency: NETVISOR_LATENCY, wooLatency: WOO_LATENCY, prefix: 'scale-out', sandboxPid: host.pid }));
      await sleep(1000);
    }
  } finally {
    await host.stop();
  }

  const base = runs[0];
  const n = cores();
  const callsPerOrder = base.netvisorCalls / base.orders;
  // One request in flight per environment: an environment does at most 1000 / latency requests per second.
  const ceiling = (TENANTS * (1000 / NETVISOR_LATENCY.ms)) / callsPerOrder;
  const minimalCeiling = TENANTS * (1000 / NETVISOR_LATENCY.ms);
  const busy = siirtoBusy;
  const lines = [
    `scale-out: ${TENANTS} tenants × ${PER_TENANT} orders from returning customers (cards and products in place), each tenant its own Netvisor sandbox, one request in flight per environment; ${n} cores`,
    `  latency: ${latencyLine}`,
    `  latency ceiling at the ${fmt(callsPerOrder, 2)} Netvisor calls per order made: ${fmt(ceiling)} orders/s over ${TENANTS} environments; at the minimal 1 call per order: ${fmt(minimalCeiling)} orders/s`,
    ...runs.map(
      (r) =>
        `  ${r.workers} worker${r.workers > 1 ? 's' : ' '}: ${fmt(r.rate, 2)} orders/s (${fmt(r.seconds)} s), ratio to 1 worker ${fmt(r.rate / base.rate, 2)}×, to the minimal-call ceiling ${fmt(r.rate / minimalCeiling, 2)}×; ` +
        `CPU ${fmt(100 * busy(r), 0)} % of ${n} cores (workers ${fmt(r.cpu.workers)} s, Temporal ${fmt(r.cpu.temporal)} s, sandboxes ${fmt(r.cpu.sandboxes)} s, HTTP server + driver ${fmt(r.cpu.self)} s; the whole machine ${fmt(100 * r.machine, 0)} % busy)` +
        `${r.deferred ? `; ${r.deferred} webhooks answered 503 and delivered again` : ''}${r.unexpectedExits ? `; ${r.unexpectedExits} workers died` : ''}`,
    ),
  ];
  // The CPU-bound point: the first run whose processes keep the cores at least 80 % busy (or the machine 90 %). Below that the workers
  // wait on something else (the latency ceiling, the cluster-wide Netvisor turn, Temporal), which is said instead.
  // The machine is counted too: when other programs fill the cores, Siirto is CPU-bound even below 80 % of its own.
  const bound = runs.find((r) => busy(r) >= 0.8 || r.machine >= 0.9);
  const best = runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  const after = (r: RunFigures) => runs.filter((x) => x.workers > r.workers);
  lines.push(
    bound
      ? `  CPU-bound from ${bound.workers} worker${bound.workers > 1 ? 's' : ''}: the ${n} cores are ${fmt(100 * bound.machine, 0)} % busy, ${fmt(100 * busy(bound), 0)} % by Siirto's processes (the biggest CPU user: ${biggest(bound)})` +
          `${busy(bound) < 0.5 ? ' — mostly other programs: the machine was not idle, rerun on an idle one for Siirto\'s own limit' : ''}` +
          `${after(bound).length ? `; more workers reach ${after(bound).map((r) => `${fmt(r.rate / bound.rate, 2)}×`).join(', ')} of its throughput` : ''}`
      : `  not CPU-bound up to ${runs[runs.length - 1].workers} workers: Siirto's processes kept the ${n} cores at most ${fmt(100 * Math.max(...runs.map(busy)), 0)} % busy; ` +
          `best at ${best.workers} worker${best.workers > 1 ? 's' : ''} (${fmt(best.rate / ceiling * 100, 0)} % of the latency ceiling)` +
          `${after(best).some((r) => r.rate < best.rate * 0.9) ? `; with more workers throughput falls while the cores idle, so the workers wait on each other (the cluster-wide one-request-in-flight turn per Netvisor environment) or on Temporal, not on CPU` : ''}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const biggest = biggestUser;

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
