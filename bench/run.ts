/**
 * `npm run bench [name...] [-- options]`: runs the benchmarks one after another (each starts its own dev server and
 * sandboxes) and prints their figures. Names are the files in bench/ without extension (shared modules excepted).
 * Without options each runs at CI size (a few minutes in all); `--full` runs each at full size.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Modules the benchmarks share: not benchmarks themselves. */
const LIBRARIES = ['run.js', 'support.js', 'multi-tenant.js', 'latency-profiles.js', 'polling-model.js', 'sandbox-host.js', 'server-host.js', 'json-lines-child.js', 'history-timing.js'];
const available = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.js') && !LIBRARIES.includes(f))
  .map((f) => f.replace(/\.js$/, ''));
// `npm run bench -- chaos --orders 5000`: names first; everything from the first option on goes to each benchmark.
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const passed = firstOption < 0 ? [] : args.slice(firstOption);
const wanted = names.length ? names : available;
let failed = 0;
for (const name of wanted) {
  if (!available.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; choose from ${available.join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name} (${new Date().toISOString()}) ==\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...passed], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
