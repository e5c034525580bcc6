import type { Command } from 'commander';
import { registeredWorkers, type ReloadResult } from '../../worker/reload';
import { dataDir } from '../paths';

interface ReloadOptions {
  json: boolean;
  wait: string;
}

/**
 * `siirto reload`: every worker (and `siirto stack`) running on this data dir re-reads its tenant files and
 * SIIRTO_SECRETS_FILE now. Workers register in <data dir>/workers/; each gets SIGHUP, and the answer each wrote
 * back is printed (a configuration that does not load is refused whole and the running one kept).
 */
export function registerReloadCommand(program: Command): void {
  program
    .command('reload')
    .description('make running workers re-read tenant files and secrets now (SIGHUP to each worker of this data dir)')
    .option('--json', 'one JSON line per worker: {"pid":…,"role":…,"ok":…,"changed":[…]}', false)
    .option('--wait <seconds>', 'how long to wait for each worker to answer', '10')
    .action(async (opts: ReloadOptions) => {
      const dir = dataDir();
      const workers = registeredWorkers(dir);
      if (workers.length === 0) {
        process.stderr.write(`siirto reload: no running worker registered in ${dir}/workers (start one with "siirto worker" or "npm start"; SIIRTO_DATA_DIR chooses the data dir)\n`);
        process.exit(1);
      }
      const deadline = Date.now() + Math.max(1, Number(opts.wait) || 10) * 1000;
      let failed = false;
      for (const w of workers) {
        const before = w.lastReload?.at;
        process.kill(w.pid, 'SIGHUP');
        let answer: ReloadResult | undefined;
        while (Date.now() < deadline) {
          const now = registeredWorkers(dir).find((r) => r.pid === w.pid);
          if (!now) break;
          if (now.lastReload && now.lastReload.at !== before) {
            answer = now.lastReload;
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        if (!answer || !answer.ok) failed = true;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ pid: w.pid, role: w.role, ...(answer ?? { ok: false, error: 'no answer in time' }) })}\n`);
        } else if (!answer) {
          process.stdout.write(`${w.role} ${w.pid}: no answer within ${opts.wait} s\n`);
        } else if (answer.ok) {
          process.stdout.write(`${w.role} ${w.pid}: reloaded; ${answer.changed.length ? `changed: ${answer.changed.join(', ')}` : 'nothing changed'}\n`);
        } else {
          process.stdout.write(`${w.role} ${w.pid}: refused, the running configuration stays:\n${answer.error}\n`);
        }
      }
      process.exitCode = failed ? 1 : 0;
    });
}
