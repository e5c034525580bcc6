import fs from 'node:fs';
import path from 'node:path';
import { CI_MIGRATION_CHAOS, formatMigrationChaosReport, runMigrationChaos, type MigrationChaosReport } from '../support/chaos-migration';

/**
 * Issue #13, register migration: Severa customers → Netvisor through `siirto worker` processes with 10 % sandbox
 * faults; a worker is SIGKILLed with a batch's customer write in flight, and the Temporal server is SIGKILLed and
 * started again later in the run. Every record exactly once. Figures printed and saved to .data/chaos/.
 */
let report: MigrationChaosReport;

beforeAll(async () => {
  report = await runMigrationChaos({ ...CI_MIGRATION_CHAOS, progress: process.env.SIIRTO_CHAOS_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined });
  const text = formatMigrationChaosReport(report).join('\n');
  process.stdout.write(`${text}\n`);
  const out = path.resolve(__dirname, '../../.data/chaos');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'register-migration-ci.txt'), `${new Date().toISOString()}\n${text}\n`);
}, 360_000);

it('really did the chaos: a worker killed mid-batch, the Temporal server killed and back', () => {
  expect(report.kill?.request).toBe('POST /customer.nv');
  expect(report.temporalRestart).toBeDefined();
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

it('finishes the migration, every Severa customer read once', () => {
  expect(report.error).toBeUndefined();
  expect(report.result).toMatchObject({ status: 'done', counts: { read: CI_MIGRATION_CHAOS.records, skip: 0 } });
});

it('writes every record exactly once: none missing, none twice, nothing else', () => {
  expect(report.missing).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.unexpected).toEqual([]);
  expect(report.result!.counts.create + report.result!.counts.unchanged + report.result!.counts.conflict).toBe(CI_MIGRATION_CHAOS.records);
});
