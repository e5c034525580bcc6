'use strict';
// What `npm start` and `npm test` run first, so that a fresh clone needs no other step:
// dependencies from the lock file, the Temporal CLI, and the TypeScript build (and for `npm test` or with
// --cluster, the Temporal server, temporal-sql-tool and UI server of `siirto cluster`; for `npm test`, Debian's
// Chromium for the browser tests).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const log = (m) => console.error(`[bootstrap] ${m}`);

function run(cmd, args, { optional = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0 && !optional) {
    log(`"${cmd} ${args.join(' ')}" failed with exit code ${r.status}`);
    process.exit(r.status || 1);
  }
  return r.status === 0;
}

const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0);

function ensureDependencies() {
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (fs.existsSync(installed) && mtime(installed) >= mtime(lock)) return;
  log('installing dependencies from the lock file (npm ci)...');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (ci.status === 0) return;
  // No fallback to `npm install`: an install that does not follow the lock file is not reproducible.
  const reason = (ci.stderr || '').split('\n').find((l) => /npm error (?!code|$)/.test(l)) || `exit code ${ci.status}`;
  log(`npm ci refused the lock file: ${reason.replace(/^npm error /, '').trim()}`);
  log('run "npm install" once to bring package-lock.json in line with package.json, commit it, and try again');
  process.exit(1);
}

function build() {
  // Incremental: a warm build only checks what changed.
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo']);
}

async function main() {
  ensureDependencies();
  const { ensureTemporalCli } = require('./temporal-cli');
  const cli = await ensureTemporalCli(log);
  fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.data', 'temporal-cli'), cli.path);
  log(`Temporal CLI: ${cli.path} (found via ${cli.via})`);
  // The Temporal server on PostgreSQL, temporal-sql-tool and the UI server: for `npm test` (the cluster e2e and
  // chaos tests run on them) or when asked; `npm start` runs the dev server and does not need them.
  if (process.env.npm_lifecycle_event === 'test' || process.argv.includes('--cluster')) {
    const found = require('./temporal-server').ensureTemporalServer(log);
    log(`Temporal server ${found.version}: ${path.dirname(found.server)} (found via ${found.via.server}); UI server ${found.uiVersion} (via ${found.via.ui})`);
  }
  // Debian's Chromium for the browser tests (apt-get when /usr/bin/chromium is missing): `npm test` alone works.
  if (process.env.npm_lifecycle_event === 'test') {
    log(`Chromium: ${require('./chromium').ensureChromium(log)}`);
  }
  build();
}

main().catch((e) => {
  log(e.message);
  process.exit(1);
});
