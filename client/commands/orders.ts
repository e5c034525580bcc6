import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import type { LifecycleState } from '../../workflows/order-lifecycle';
import { manualGet, type ManualGetAnswer } from '../order-lifecycle';
import { configDir, dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';

/**
 * `siirto orders get <tenant> <24so-order-id>`: the manual GET. Fetches the 24SevenOffice order whatever its status
 * and hands it to its lifecycle workflow (signal-with-start on `order/<tenant>/24so/<id>`), so pressing it again
 * never gives a second Rackbeat order; prints whether the order was new or already followed, and where it stands.
 */
export function registerOrdersCommand(program: Command): void {
  const orders = program.command('orders').description('24SevenOffice ↔ Rackbeat order lifecycle');
  orders
    .command('get')
    .description('fetch a 24SevenOffice order into Rackbeat now, whatever its status (idempotent: one Rackbeat order however often)')
    .argument('<tenant>', 'tenant id (config/<tenant>.yaml)')
    .argument('<orderId>', '24SevenOffice order id')
    .option('--json', 'print one JSON object')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the workers', TASK_QUEUE)
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .action(async (tenant: string, rawId: string, opts: { json?: boolean; address: string; namespace: string; taskQueue: string; config: string }) => {
      if (!/^\d+$/.test(rawId)) throw new Error(`"${rawId}" is not a 24SevenOffice order id (a whole number)`);
      const file = ['yaml', 'yml'].map((ext) => path.join(opts.config, `${tenant}.${ext}`)).find((f) => fs.existsSync(f));
      if (!file) throw new Error(`unknown tenant "${tenant}": no ${path.join(opts.config, `${tenant}.yaml`)}`);
      const client = await connectClient(opts.address, codecFromEnvironment(dataDir()), opts.namespace);
      try {
        const answer = await manualGet(client, tenant, Number(rawId), opts.taskQueue);
        process.stdout.write(opts.json ? `${JSON.stringify(answer)}\n` : describeAnswer(tenant, Number(rawId), answer));
      } finally {
        await client.connection.close();
      }
    });
}

export function describeAnswer(tenant: string, orderId: number, a: ManualGetAnswer): string {
  const head =
    a.outcome === 'new'
      ? `24SO order ${orderId} (${tenant}): new — now followed as ${a.workflowId}`
      : `24SO order ${orderId} (${tenant}): already followed${a.finished ? ' (finished: nothing started)' : ''} — ${a.workflowId}`;
  return `${head}\n${a.state ? describeState(a.state) : '  state: not answered yet (is a worker running?)'}\n`;
}

function describeState(s: LifecycleState): string {
  const lines = [
    `  phase:    ${s.phase}${s.needsAttention ? ` (needs attention: ${s.needsAttention})` : ''}`,
    `  Rackbeat: ${s.rackbeatNumber === undefined ? '(not created yet)' : `order ${s.rackbeatNumber}${s.booked === undefined ? '' : s.booked ? ', booked' : ', draft/open'}${s.shipped ? ', shipped' : ''}`}`,
    `  lines:    ${s.lineMap.length} linked to 24SO rows; ${s.writeBacks} edit write-back(s); ${s.eventsReceived} Rackbeat event(s), ${s.duplicatesIgnored} duplicate(s) ignored`,
  ];
  const last = s.path[s.path.length - 1];
  if (last) lines.push(`  last:     ${last.at}  ${last.what}`);
  return lines.join('\n');
}
