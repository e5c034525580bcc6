/**
 * `npm run bench [name...]`: runs the benchmarks one after another (each starts its own dev server and
 * sandboxes) and prints their figures. Names are the files in bench/ without extension.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const available = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.js') && !['run.js', 'support.js'].includes(f))
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
  process.stdout.write(`\n== ${name} ==\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...passed], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
