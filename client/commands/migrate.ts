import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { checkRoute, type PairName, type PlanEntry, type RegisterName } from '../../domain/sync';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import { progressQuery, type MigrationProgress, type RegisterMigrationResult } from '../../workflows/register-migration';
import { startMigration } from '../migrations';
import { dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';
import { parseInteger } from './sandbox';
import { hasKey, t, type Lang } from '../../i18n';
import { cliLang, tableLines } from '../../i18n/cli';

interface MigrateOptions {
  direction: string;
  dryRun?: boolean;
  json?: boolean;
  batchSize?: number;
  address: string;
  namespace: string;
  taskQueue: string;
}

/**
 * `siirto migrate <tenant> <pair> <register...> --direction <d> [--dry-run] [--json]`. A dry run prints the plan
 * (to create, to update and by which rule, conflicts, skipped with reasons); a real run starts or reattaches to one
 * migration workflow per register and shows a progress bar with ETA from their `progress` query.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('initial migration of registers between two systems (resumable; --dry-run shows the plan first)')
    .argument('<tenant>', 'tenant id (config/<tenant>.yaml)')
    .argument('<pair>', 'rackbeat-netvisor | rackbeat-24so | severa-netvisor')
    .argument('<register...>', 'customers, suppliers, products, product-groups, cost-centres (as the pair allows)')
    .requiredOption('--direction <direction>', 'e.g. rackbeat-to-netvisor')
    .option('--dry-run', 'plan only: nothing is written')
    .option('--json', 'print JSON (one object per register) instead of tables')
    .option('--batch-size <n>', 'records per batch', parseInteger)
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the workers', TASK_QUEUE)
    .action(async (tenant: string, pair: string, registers: string[], opts: MigrateOptions) => {
      const problems = registers.map((r) => checkRoute(pair, r, opts.direction)).filter((p): p is string => !!p);
      if (problems.length) throw new Error(problems.join('; '));
      const client = await connectClient(opts.address, codecFromEnvironment(dataDir()), opts.namespace);
      try {
        const handles = await Promise.all(
          registers.map((register) =>
            startMigration(
              client,
              { tenant, pair: pair as PairName, register: register as RegisterName, direction: opts.direction, dryRun: !!opts.dryRun, ...(opts.batchSize ? { batchSize: opts.batchSize } : {}) },
              opts.taskQueue,
            ),
          ),
        );
        const showBars = !opts.json && !opts.dryRun && process.stderr.isTTY !== false;
        const results = showBars ? await withProgressBars(registers, handles) : await Promise.all(handles.map((h) => h.result()));
        results.forEach((result, i) => {
          process.stdout.write(opts.json ? `${JSON.stringify({ register: registers[i], workflowId: handles[i].workflowId, ...result })}\n` : describeResult(registers[i], result));
        });
      } finally {
        await client.connection.close();
      }
    });
}

async function withProgressBars(registers: string[], handles: Array<{ query: (q: typeof progressQuery) => Promise<MigrationProgress>; result: () => Promise<RegisterMigrationResult> }>): Promise<RegisterMigrationResult[]> {
  const bars = new cliProgress.MultiBar(
    { format: '{register} |{bar}| {value}/{total} records | {percentage}% | ETA {eta_formatted} | {status}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const bar = registers.map((register) => bars.create(1, 0, { register: register.padEnd(14), status: 'starting' }));
  let finished = false;
  const poll = async () => {
    while (!finished) {
      await Promise.all(
        handles.map(async (h, i) => {
          const p = await h.query(progressQuery).catch(() => null);
          if (!p) return;
          // Without a known total (token-paged sources) the bar grows with the records read.
          bar[i].setTotal(Math.max(1, p.total ?? p.done + 1));
          bar[i].update(p.done, { status: p.finished ? 'done' : `batch ${p.batches}, run ${p.runs}` });
        }),
      );
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const polling = poll();
  try {
    return await Promise.all(handles.map((h) => h.result()));
  } finally {
    finished = true;
    await polling;
    bars.stop();
  }
}

export function describeResult(register: string, r: RegisterMigrationResult, lang: Lang = cliLang()): string {
  const c = r.counts;
  const dryRun = r.dryRun ? 'yes' : 'no';
  const rules = Object.entries(c.matchedBy).map(([k, v]) => `${k}: ${v}`).join(', ') || t(lang, 'migrate.matchedBy.none');
  const lines = [
    t(lang, 'migrate.head', { register, dryRun, status: hasKey(`status.${r.status}`) ? t(lang, `status.${r.status}`) : r.status }),
    `  ${t(lang, 'migrate.read', { read: c.read, hasTotal: r.total !== undefined ? 'yes' : 'no', total: r.total ?? '', batches: r.batches, runs: r.runs })}`,
    `  ${t(lang, 'migrate.counts', { dryRun, create: c.create, update: c.update, unchanged: c.unchanged, conflict: c.conflict, skip: c.skip })}`,
    `  ${t(lang, 'migrate.matchedBy', { rules })}`,
  ];
  const shown = r.dryRun ? r.entries : r.entries.filter((e) => e.action === 'conflict' || e.action === 'skip');
  if (shown.length) lines.push('', table(shown, lang));
  if (r.entriesDropped) lines.push(`  ${t(lang, 'migrate.more', { count: r.entriesDropped })}`);
  return `${lines.join('\n')}\n\n`;
}

/** The plan lines as a borderless table (cli-table3); long cells are cut at 40 characters, the reason is kept whole. */
function table(entries: PlanEntry[], lang: Lang): string {
  const cut = (v: string) => (v.length > 40 ? v.slice(0, 40) : v);
  const rows = entries.map((e) => [e.action, e.sourceId, e.key ?? '', e.name ?? '', e.rule ? `${e.rule}${e.targetKey ? ` → ${e.targetKey}` : ''}` : (e.targetKey ?? ''), e.reason ?? ''].map((v, i) => (i === 5 ? v : cut(v))));
  const head = (['migrate.plan.action', 'migrate.plan.source', 'migrate.plan.key', 'migrate.plan.name', 'migrate.plan.match', 'migrate.plan.reason'] as const).map((k) => t(lang, k));
  const rule = head.map((h, i) => '-'.repeat(Math.max(h.length, ...rows.map((r) => r[i].length))));
  return tableLines(head, [rule, ...rows], '  ').join('\n');
}
