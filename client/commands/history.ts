import type { Command } from 'commander';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { historyQuery, listPausedSchedules, listTransfers, sendDecision, type HistoryFilter, type PausedSchedule, type TransferRow } from '../history';
import { dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';
import { parseInteger } from './sandbox';

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

const COLOURS: Record<string, string> = { done: '32', running: '36', 'needs-attention': '31', skipped: '33' };
const paint = (status: string | undefined, text: string): string =>
  process.stdout.isTTY && status && COLOURS[status] ? `\u001b[${COLOURS[status]}m${text}\u001b[0m` : text;

function printSchedules(schedules: PausedSchedule[]): void {
  if (!schedules.length) return;
  process.stdout.write(`\npaused Schedules (${schedules.length}):\n`);
  for (const s of schedules) process.stdout.write(`  ${s.scheduleId}: ${s.note ?? 'paused, no note'}\n`);
}

function printTable(rows: TransferRow[]): void {
  if (!rows.length) {
    process.stdout.write('no transfers match\n');
    return;
  }
  const columns: Array<[string, (r: TransferRow) => string]> = [
    ['STATUS', (r) => r.status ?? ''],
    ['FLOW', (r) => r.flow ?? ''],
    ['TENANT', (r) => r.tenant ?? ''],
    ['SOURCE', (r) => r.sourceId ?? ''],
    ['TARGET', (r) => r.targetId ?? ''],
    ['STARTED', (r) => r.started.replace('T', ' ').slice(0, 19)],
    ['TRANSFER', (r) => r.workflowId],
  ];
  const widths = columns.map(([h, f]) => Math.max(h.length, ...rows.map((r) => f(r).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map(([h]) => h))}\n`);
  for (const r of rows) {
    process.stdout.write(`${paint(r.status, line(columns.map(([, f]) => f(r))))}\n`);
    if (r.status === 'needs-attention' && r.error) process.stdout.write(`  ↳ ${r.error}\n`);
    if (r.status === 'running' && r.waitingUntil) process.stdout.write(`  ↳ ${r.summary ?? `waiting until ${r.waitingUntil}`}\n`);
    if (r.queued) process.stdout.write(`  ↳ ${r.queued}\n`);
  }
}

/** `siirto history`, `siirto retry`, `siirto skip`: the transfer history and the two ways to move a parked one on. */
export function registerHistoryCommands(program: Command): void {
  addConnectOptions(
    program
      .command('history')
      .description('list transfers (order exports, syncs, lifecycle steps) with their status and error')
      .option('--tenant <id>')
      .option('--flow <flow>', 'e.g. order-export, reconcile, register-sync')
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
      else if (!schedules.length) process.stdout.write('no paused Schedules\n');
      else printSchedules(schedules);
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
      printTable(rows);
      printSchedules(schedules);
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
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `${action === 'retry' ? 'retrying' : 'skipped'} ${transfer} (was: ${out.previousError ?? 'needs attention'})\n`);
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
