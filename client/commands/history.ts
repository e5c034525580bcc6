import type { Command } from 'commander';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { historyQuery, listPausedSchedules, listTransfers, sendDecision, type HistoryFilter, type PausedSchedule, type TransferRow } from '../history';
import { dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';
import { parseInteger } from './sandbox';
import { formatDate, hasKey, t, type Lang, type MessageKey } from '../../i18n';
import { cliLang, colourEnabled, colours, tableLines } from '../../i18n/cli';
import { localizeText } from '../../i18n/reasons';

interface ConnectOptions {
  address: string;
  namespace: string;
}

const withClient = async <T>(opts: ConnectOptions, body: (client: Awaited<ReturnType<typeof connectClient>>) => Promise<T>): Promise<T> => {
  const client = await connectClient(opts.address, codecFromEnvironment(dataDir()), opts.namespace);
  try {
    return await body(client);
  } finally {
    await client.connection.close();
  }
};

const addConnectOptions = (c: Command): Command =>
  c
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default');

/** Status → colour of its row (picocolors; off when not a terminal or with NO_COLOR). */
const STATUS_COLOUR: Record<string, 'green' | 'cyan' | 'red' | 'yellow'> = { done: 'green', running: 'cyan', 'needs-attention': 'red', skipped: 'yellow' };

function printSchedules(schedules: PausedSchedule[], lang: Lang): void {
  if (!schedules.length) return;
  process.stdout.write(`\n${t(lang, 'history.schedules', { count: schedules.length })}\n`);
  for (const s of schedules) process.stdout.write(`  ${s.scheduleId}: ${s.note ? localizeText(lang, s.note) : t(lang, 'history.schedules.noNote')}\n`);
}

/** The transfers as a table (cli-table3), each needs-attention row followed by its reason in the reader's language. */
export function formatTransfers(rows: TransferRow[], lang: Lang, colour = colourEnabled()): string {
  if (!rows.length) return `${t(lang, 'history.none')}\n`;
  const pc = colours(colour);
  const columns: Array<[MessageKey, (r: TransferRow) => string]> = [
    ['history.col.status', (r) => (r.status ? (hasKey(`status.${r.status}`) ? t(lang, `status.${r.status}`) : r.status) : '')],
    ['history.col.flow', (r) => r.flow ?? ''],
    ['history.col.tenant', (r) => r.tenant ?? ''],
    ['history.col.source', (r) => r.sourceId ?? ''],
    ['history.col.target', (r) => r.targetId ?? ''],
    ['history.col.started', (r) => (lang === 'en' ? r.started.replace('T', ' ').slice(0, 19) : formatDate(lang, r.started))],
    ['history.col.workflow', (r) => r.workflowId],
  ];
  const [head, ...lines] = tableLines(
    columns.map(([k]) => t(lang, k).toUpperCase()),
    rows.map((r) => columns.map(([, f]) => f(r))),
  );
  const out = [pc.bold(head)];
  rows.forEach((r, i) => {
    const paint = r.status && STATUS_COLOUR[r.status] ? pc[STATUS_COLOUR[r.status]] : (x: string) => x;
    out.push(paint(lines[i]));
    if (r.status === 'needs-attention' && r.error) out.push(`  ↳ ${localizeText(lang, r.error)}`);
    if (r.status === 'running' && r.waitingUntil) out.push(`  ↳ ${r.summary ?? t(lang, 'history.waitingUntil', { until: formatDate(lang, r.waitingUntil) })}`);
    if (r.queued) out.push(`  ↳ ${r.queued}`);
  });
  return `${out.join('\n')}\n`;
}

/** `siirto history`, `siirto retry`, `siirto skip`: the transfer history and the two ways to move a parked one on. */
export function registerHistoryCommands(program: Command): void {
  addConnectOptions(
    program
      .command('history')
      .description('list transfers (order exports, syncs, lifecycle steps) with their status and error')
      .option('--tenant <id>')
      .option('--flow <flow>', 'e.g. order-export, order-lifecycle, register-sync, stock, invoice, reconcile')
      .option('--entity <entity>', 'e.g. order, customer, product')
      .option('--status <status>', 'running | done | needs-attention | skipped')
      .option('--source <id>', 'source id, e.g. woo/1234')
      .option('--target <id>', 'target id, e.g. an invoice number')
      .option('--since <time>', 'started at or after (ISO time, or e.g. 2h / 3d ago)')
      .option('--limit <n>', 'at most this many rows', parseInteger, 100)
      .option('--query', 'print the visibility query (paste it in the Temporal UI) instead of running it')
      .option('--schedules', 'list the paused Schedules (of --tenant) and why, instead of the transfers')
      .option('--json', 'JSON for scripts'),
  ).action(async (opts: HistoryFilter & ConnectOptions & { limit: number; query?: boolean; schedules?: boolean; json?: boolean }) => {
    const filter: HistoryFilter = { ...opts, since: relativeTime(opts.since) };
    if (opts.query) {
      process.stdout.write(`${historyQuery(filter)}\n`);
      return;
    }
    if (opts.schedules) {
      const schedules = await withClient(opts, (client) => listPausedSchedules(client, opts.tenant));
      if (opts.json) process.stdout.write(`${JSON.stringify(schedules)}\n`);
      else if (!schedules.length) process.stdout.write(`${t(cliLang(), 'history.schedules.none')}\n`);
      else printSchedules(schedules, cliLang());
      return;
    }
    // The table also lists the paused Schedules, since they explain why nothing new arrives; --json stays one line
    // of transfers (use --schedules --json for those).
    const { rows, schedules } = await withClient(opts, async (client) => ({
      rows: await listTransfers(client, filter, opts.limit),
      schedules: opts.json ? [] : await listPausedSchedules(client, opts.tenant),
    }));
    if (opts.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    else {
      process.stdout.write(formatTransfers(rows, cliLang()));
      printSchedules(schedules, cliLang());
    }
  });

  for (const action of ['retry', 'skip'] as const) {
    addConnectOptions(
      program
        .command(`${action} <transfer>`)
        .description(action === 'retry' ? 'retry a transfer that needs attention, after fixing its cause' : 'skip a transfer that needs attention; it is recorded as skipped')
        .option('--reason <text>', 'why (kept in the transfer)')
        .option('--json', 'JSON for scripts'),
    ).action(async (transfer: string, opts: ConnectOptions & { reason?: string; json?: boolean }) => {
      // An Update: the transfer itself accepts it, or refuses with the reason (e.g. it is running, not parked).
      const out = await withClient(opts, (client) => sendDecision(client, transfer, action, opts.reason));
      const was = out.previousError ? localizeText(cliLang(), out.previousError) : t(cliLang(), 'status.needs-attention');
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `${t(cliLang(), action === 'retry' ? 'history.retrying' : 'history.skipped', { transfer, was })}\n`);
    });
  }
}

/** "2h", "3d", "30m" → an ISO time that long ago; anything else is passed on as a time. */
function relativeTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\d+)([mhd])$/.exec(value);
  if (!m) {
    if (Number.isNaN(Date.parse(value))) throw new Error(`--since "${value}" is neither a time nor a span like 2h or 3d`);
    return value;
  }
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return new Date(Date.now() - ms).toISOString();
}
