/**
 * The chaos run (issue #13): `npm run bench -- chaos` at CI size (200 orders, 3 kills, 120 records), `--full` for the
 * big run (`--orders 5000`, 5 kills, late duplicates 3 minutes later, 2,000 records). The same run as test/chaos/ (worker
 * processes SIGKILLed with their invoice write stalled, the Temporal server SIGKILLed and restarted, webhooks
 * duplicated at once and minutes later, some lost, 10 % sandbox faults of every kind), at full size, then the
 * register-migration chaos run. Prints lost / duplicated / terminal / time to drain. Not a test: nothing is
 * asserted, but the exit code is 1 when an order was lost or written twice, or a record migrated twice.
 *
 * Options: --full, --orders N (200; full 5000), --workers N (3), --kills N (3; full 5), --late-after-s S (30; full 180),
 * --records N (120; full 2000: the migration run; 0 skips it), --verbose. Every kill is a SIGKILL of a worker process.
 * The sandboxes answer without added latency here: this run counts lost and doubled orders, not speed.
 */
import { log } from '../client/log';
import { fullSize } from './support';
import { CI_MIGRATION_CHAOS, formatMigrationChaosReport, runMigrationChaos } from '../test/support/chaos-migration';
import { CI_ORDER_CHAOS, formatOrderChaosReport, runOrderExportChaos } from '../test/support/chaos-order-export';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} needs a number, got "${process.argv[i + 1] ?? ''}"\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  // Deferred webhooks while the Temporal server is down are expected here and counted in the report.
  log.level = 'error';
  const full = fullSize();
  const orders = option('orders', full ? 5000 : CI_ORDER_CHAOS.orders);
  const records = option('records', full ? 2000 : CI_MIGRATION_CHAOS.records);
  const verbose = process.argv.includes('--verbose');
  const progress = (line: string) => process.stderr.write(`  … ${line}\n`);
  let bad = false;

  // Webhooks arrive at about 20 orders/s (a busy shop's peak hour compressed), so the chaos happens while they flow.
  const sendOverMs = Math.max(CI_ORDER_CHAOS.sendOverMs, (orders / 20) * 1000);
  const report = await runOrderExportChaos({
    ...CI_ORDER_CHAOS,
    orders,
    workers: option('workers', 3),
    workerKills: option('kills', full ? 5 : CI_ORDER_CHAOS.workerKills),
    sendOverMs,
    lateDuplicateAfterMs: option('late-after-s', full ? 180 : CI_ORDER_CHAOS.lateDuplicateAfterMs / 1000) * 1000,
    reconcileEveryMs: full ? 30_000 : CI_ORDER_CHAOS.reconcileEveryMs,
    drainTimeoutMs: Math.max(600_000, sendOverMs * 4),
    progress: verbose ? progress : undefined,
  });
  process.stdout.write(`${formatOrderChaosReport(report).join('\n')}\n`);
  bad ||= report.lost.length > 0 || report.duplicated.length > 0 || report.notTerminal.length > 0;

  if (records > 0) {
    const m = await runMigrationChaos({ ...CI_MIGRATION_CHAOS, records, timeoutMs: Math.max(600_000, records * 300), progress: verbose ? progress : undefined });
    process.stdout.write(`${formatMigrationChaosReport(m).join('\n')}\n`);
    bad ||= m.missing.length > 0 || m.duplicated.length > 0 || m.unexpected.length > 0 || !m.result;
  }
  process.exit(bad ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
