'use strict';
// Finds or installs the Temporal CLI (dev server + UI). Plain Node, no dependencies: it runs before `npm ci`.
// Order: $TEMPORAL_CLI, `temporal` on PATH, tools/bin/temporal (built earlier), `go install` into tools/bin,
// and last, on a machine without Go, the download that @temporalio/testing performs.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const os = require('node:os');

const ROOT = path.resolve(__dirname, '..');
const TOOLS_BIN = path.join(ROOT, 'tools', 'bin');
const CLI_VERSION = 'v1.5.1';
const CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@${CLI_VERSION}`;
// A machine-wide copy, so that a fresh clone on a warm machine (CI) reuses the build instead of redoing it.
const SHARED_BIN = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'siirto', `temporal-cli-${CLI_VERSION}`);

/** A `go install` build reports version 0.0.0-DEV, so the check is that the binary runs, not its version string. */
function runs(file) {
  if (!file) return false;
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && /temporal version/i.test(r.stdout);
}

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function findTemporalCli() {
  if (process.env.TEMPORAL_CLI) {
    if (runs(process.env.TEMPORAL_CLI)) return { path: process.env.TEMPORAL_CLI, via: 'TEMPORAL_CLI' };
    throw new Error(`TEMPORAL_CLI=${process.env.TEMPORAL_CLI} does not run ("--version" failed). Fix the path or unset it.`);
  }
  const fromPath = onPath('temporal');
  if (runs(fromPath)) return { path: fromPath, via: 'PATH' };
  const built = path.join(TOOLS_BIN, 'temporal');
  if (runs(built)) return { path: built, via: 'tools/bin' };
  const shared = path.join(SHARED_BIN, 'temporal');
  if (runs(shared)) {
    install(shared, built);
    return { path: built, via: `the machine's earlier build (${SHARED_BIN})` };
  }
  return null;
}

function install(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, `${to}.tmp`);
  fs.chmodSync(`${to}.tmp`, 0o755);
  fs.renameSync(`${to}.tmp`, to);
}

/** Keeps a copy of a fresh build for the next clone on this machine; failing to is not an error. */
function share(built) {
  try {
    install(built, path.join(SHARED_BIN, 'temporal'));
  } catch {
    // read-only home: the next clone builds again
  }
}

function goInstall(log) {
  const go = onPath('go');
  if (!go) return null;
  log(`Building the Temporal CLI once with "go install ${CLI_MODULE}" into tools/bin (a few minutes the first time)...`);
  fs.mkdirSync(TOOLS_BIN, { recursive: true });
  const r = spawnSync(go, ['install', CLI_MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: TOOLS_BIN, CGO_ENABLED: '0' },
  });
  const built = path.join(TOOLS_BIN, 'temporal');
  if (r.status !== 0 || !runs(built)) throw new Error('go install of the Temporal CLI failed; see the output above.');
  share(built);
  return { path: built, via: 'go install' };
}

/** Without Go: let @temporalio/testing download the CLI from Temporal's CDN (needs internet), then keep the binary. */
async function sdkDownload(log) {
  log('No Go toolchain: downloading the Temporal CLI through @temporalio/testing...');
  const { TestWorkflowEnvironment } = require('@temporalio/testing');
  const downloadDir = path.join(ROOT, 'tools', 'download');
  fs.mkdirSync(downloadDir, { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir, version: 'v1.5.1', ttl: 365 * 24 * 3600 * 1000 } },
  });
  await env.teardown();
  const found = fs
    .readdirSync(downloadDir)
    .map((f) => path.join(downloadDir, f))
    .find((f) => fs.statSync(f).isFile() && runs(f));
  if (!found) throw new Error(`the SDK download left no runnable CLI in ${downloadDir}`);
  install(found, path.join(TOOLS_BIN, 'temporal'));
  share(path.join(TOOLS_BIN, 'temporal'));
  return { path: path.join(TOOLS_BIN, 'temporal'), via: '@temporalio/testing download' };
}

async function ensureTemporalCli(log = (m) => console.error(m)) {
  return findTemporalCli() || goInstall(log) || (await sdkDownload(log));
}

module.exports = { findTemporalCli, ensureTemporalCli };

if (require.main === module) {
  ensureTemporalCli()
    .then((r) => console.log(r.path))
    .catch((e) => {
      console.error(e.message);
      process.exit(1);
    });
}
