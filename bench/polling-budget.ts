/**
 * Polling budget (issue #14): per tenant, the calls per hour each system receives from Siirto's Schedules at the
 * default intervals (shop reconciliation, order-lifecycle pick-up, register sync change polls), printed against each
 * system's published limit. Measured by counting (bench/polling-model.ts): the Schedules are built by
 * orchestration/schedules.ts from a tenant with default settings, each poll is run against the sandboxes and a
 * steady-state poll's calls are counted. Idle polls: changes found add their own reads and writes on top.
 * test/unit/polling-budget.test.ts asserts 24SevenOffice's share. Usage: node dist/bench/polling-budget.js
 */
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { log } from '../client/log';
import { startSandboxes } from '../sandbox/registry';
import { EncryptionCodec } from '../worker/payload-codec';
import { createWorker, installRuntime } from '../worker/worker';
import { LATENCY_PROFILES, oneInFlightPerHour, PUBLISHED_LIMITS } from './latency-profiles';
import { budgetTenant, measurePollingBudget, POLLED_SYSTEMS, type BudgetUrls } from './polling-model';
import { benchTemporal, control, fmt } from './support';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';

async function main(): Promise<void> {
  log.level = 'warn';
  installRuntime('ERROR');
  const temporal = await benchTemporal();
  const sandboxes = await startSandboxes(POLLED_SYSTEMS);
  try {
    const urls = Object.fromEntries(sandboxes.map((s) => [s.system, s.url])) as BudgetUrls;
    await control(urls.woocommerce, 'seed', { seed: 3, counts: { orders: 0 } });
    const tenant = budgetTenant('budget', urls);
    const codec = new EncryptionCodec({ id: 'bench', key: crypto.randomBytes(32) });
    const taskQueue = `bench-polling-${crypto.randomUUID()}`;
    const client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address: temporal.address }), dataConverter: { payloadCodecs: [codec] } });
    const { worker, close } = await createWorker({ address: temporal.address, tenants: new Map([[tenant.tenant, tenant]]), codec, taskQueue });
    const running = worker.run();
    try {
      const b = await measurePollingBudget({ client, taskQueue, tenant, urls });
      const lines = [
        `polling budget per tenant at the default intervals, ${new Date().toISOString()} (measured: each Schedule's poll run against the sandboxes, a steady-state idle poll's calls counted)`,
        '  tenant: WooCommerce → Netvisor export (reconcile every 5m), 24SO ↔ Rackbeat lifecycle (pick-up every 1m), register sync 24SO → Rackbeat for all four registers and Severa → Netvisor (every 5m), the shop\'s stock from Netvisor (every 5m)',
        '  Schedules:',
        ...b.polls.map((p) => `    ${p.scheduleId.padEnd(44)} every ${p.every.padEnd(3)} ${String(p.pollsPerHour).padStart(3)}/h × ${Object.entries(p.calls).map(([s, n]) => `${n} ${LATENCY_PROFILES[s as keyof typeof LATENCY_PROFILES].label}`).join(', ') || 'no calls (nothing to poll)'}`),
        '  per system, calls/hour against the published limit:',
      ];
      for (const sys of POLLED_SYSTEMS) {
        const n = b.perHour[sys];
        const limit = PUBLISHED_LIMITS[sys];
        const cap = limit?.perHour ?? (sys === 'netvisor' ? oneInFlightPerHour('netvisor') : null);
        lines.push(
          `    ${LATENCY_PROFILES[sys].label.padEnd(14)} ${String(Math.round(n)).padStart(5)}/h` +
            (cap ? ` = ${fmt((100 * n) / cap, 2)} % of ${limit?.text ?? `${cap}/h`}` : ' (no published limit: self-hosted)') +
            (limit ? ` [${limit.source}]` : ''),
        );
      }
      lines.push(
        `  plus, per open lifecycle order (not a Schedule): a Rackbeat read of the order every rackbeatCheckEvery (default 5m) = ${b.openOrderChecksPerHour} checks/hour per open order, behind its webhooks`,
        `  24SevenOffice: one tenant's idle polling leaves ${fmt(100 - (100 * b.perHour['24so']) / 7200, 1)} % of 7,200/hour to the customer's other integrations (orders and register changes found add their own calls: bench order-lifecycle prints them per order)`,
        '  Procountor: no Schedule polls it (Shopify → Procountor export is webhook-driven; reconciliation reads the shop)',
        '  not counted: a 24SO session login when the session expires; the first poll of a register (it only sets the cursor)',
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      worker.shutdown();
      await running;
      await close();
      await client.connection.close();
    }
  } finally {
    await Promise.allSettled(sandboxes.map((s) => s.close()));
    await temporal.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
