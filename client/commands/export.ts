import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import { describeManualExport, manualExport } from '../manual-export';
import { configDir, dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';

interface ExportOptions {
  again?: boolean;
  reason?: string;
  by?: string;
  json?: boolean;
  address: string;
  namespace: string;
  taskQueue: string;
  config: string;
}

/**
 * `siirto export <tenant> <shop> <order>`: start one order's export now (it never ran), or say how it ended.
 * `--again --reason "<why>"` runs a finished one once more, on purpose (a skipped or failed export can be redone;
 * a done one finds its document and writes nothing new); who, when and why are kept in the run's memo.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('start the export of one shop order (or say how it ended); --again runs a finished one once more')
    .argument('<tenant>', 'tenant id (config/<tenant>.yaml)')
    .argument('<shop>', 'shop id in the tenant file')
    .argument('<order>', "the shop's order id")
    .option('--again', 'run a finished export (done, skipped or failed) once more; needs --reason', false)
    .option('--reason <text>', 'why it runs again (kept in the memo)')
    .option('--by <who>', 'who runs it again (default: the login name)')
    .option('--json', 'print one JSON line')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the workers', TASK_QUEUE)
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .action(async (tenant: string, shop: string, orderId: string, opts: ExportOptions) => {
      if (!/^\d+$/.test(orderId)) throw new Error(`"${orderId}" is not a shop order id (a whole number)`);
      checkShop(opts.config, tenant, shop);
      const reason = opts.reason?.trim();
      if (opts.again && !reason) throw new Error('--again needs --reason "<why>": the reason is kept with the run, for whoever reads the history later');
      if (!opts.again && reason) throw new Error('--reason goes with --again');
      const again = opts.again ? { by: opts.by?.trim() || loginName(), reason: reason! } : undefined;
      const client = await connectClient(opts.address, codecFromEnvironment(dataDir()), opts.namespace);
      try {
        const answer = await manualExport(client, { tenant, shop, orderId, again }, opts.taskQueue);
        process.stdout.write(opts.json ? `${JSON.stringify(answer)}\n` : `${describeManualExport(answer, `siirto export ${tenant} ${shop} ${orderId}`)}\n`);
      } finally {
        await client.connection.close();
      }
    });
}

/** The tenant file must exist and name the shop; read as plain YAML, so the secrets' variables need not be set here. */
function checkShop(dir: string, tenant: string, shop: string): void {
  const file = ['yaml', 'yml'].map((ext) => path.join(dir, `${tenant}.${ext}`)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`unknown tenant "${tenant}": no ${path.join(dir, `${tenant}.yaml`)}`);
  const shops = ((YAML.parse(fs.readFileSync(file, 'utf8')) as { shops?: Array<{ id?: unknown }> } | null)?.shops ?? []).map((s) => String(s?.id));
  if (!shops.includes(shop)) throw new Error(`tenant "${tenant}" has no shop "${shop}" (shops in ${file}: ${shops.join(', ') || 'none'})`);
}

function loginName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
