import fs from 'node:fs';
import path from 'node:path';
import { CI_ORDER_CHAOS, formatOrderChaosReport, runOrderExportChaos, type OrderChaosReport } from '../support/chaos-order-export';

/**
 * Issue #13, CI-sized: a few hundred orders through several `siirto worker` processes while workers are SIGKILLed
 * with their invoice write stalled in the Netvisor sandbox, the Temporal server is SIGKILLed and started again,
 * webhooks come twice at once, again later (scaled down from minutes: see the printed line) or never, and 10 % of
 * the sandbox requests fail in every way the kit knows. `npm run bench -- chaos --orders 5000` is the big run.
 * The figures are printed and saved to .data/chaos/order-export-ci.txt.
 */
let report: OrderChaosReport;

beforeAll(async () => {
  report = await runOrderExportChaos({ ...CI_ORDER_CHAOS, progress: process.env.SIIRTO_CHAOS_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined });
  const text = formatOrderChaosReport(report).join('\n');
  process.stdout.write(`${text}\n`);
  const out = path.resolve(__dirname, '../../.data/chaos');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'order-export-ci.txt'), `${new Date().toISOString()}\n${text}\n`);
}, 480_000);

const show = (list: Array<{ workflowId: string; status: string; documents: number; reason?: string }>) =>
  list.slice(0, 10).map((o) => `${o.workflowId}: ${o.status}, ${o.documents} documents${o.reason ? `, ${o.reason}` : ''}`);

it('really did the chaos: workers killed mid-write, Temporal killed and back, duplicated and lost webhooks, every fault kind', () => {
  expect(report.kills).toHaveLength(CI_ORDER_CHAOS.workerKills);
  for (const k of report.kills) expect(k.request).toBe('POST /salesinvoice.nv');
  expect(report.temporalRestart).toBeDefined();
  expect(report.webhooks.concurrentDuplicates).toBeGreaterThan(0);
  expect(report.webhooks.lateDuplicates).toBeGreaterThan(0);
  expect(report.webhooks.lostOnPurpose).toBeGreaterThan(0);
  for (const kind of ['500', '429', 'timeout', 'reset', 'commit-then-fail']) expect(report.faults.netvisor[kind] ?? 0).toBeGreaterThan(0);
});

it('leaves every transfer terminal: done, or needs-attention with its reason', () => {
  expect(report.drained).toBe(true);
  expect(show(report.notTerminal)).toEqual([]);
  for (const n of report.needsAttention) expect(n.reason).toMatch(/\S/);
});

it('loses no order: every order has its workflow, and every done one its document', () => {
  expect(show(report.lost)).toEqual([]);
});

it('writes no order twice: at most one document per order, exactly one for every done order', () => {
  expect(show(report.duplicated)).toEqual([]);
  expect(show(report.outcomes.filter((o) => o.status === 'done' && o.documents !== 1))).toEqual([]);
});

it('creates no customer card twice for one business ID', () => {
  expect(report.duplicateCustomers).toEqual([]);
});
