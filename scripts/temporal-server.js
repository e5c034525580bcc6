'use strict';
// Finds or installs what `siirto cluster` runs beyond one machine: the Temporal server (not the dev server),
// temporal-sql-tool with the PostgreSQL schema it migrates, and the standalone Temporal UI server. Plain Node, no
// dependencies, like scripts/temporal-cli.js. Order, per tool: tools/temporal-<kind>-<version>/ (built earlier in
// this clone), the machine's earlier build in ~/.cache/siirto/, then `go install` from the Go module proxy.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SERVER_VERSION = 'v1.29.1';
// The UI version the Temporal CLI v1.5.1 embeds (scripts/temporal-cli.js).
const UI_VERSION = 'v2.42.1';
const CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'siirto');
/** Where `siirto cluster` reads the installed paths from (like .data/temporal-cli for the CLI). */
const MARKER = path.join(ROOT, '.data', 'temporal-server.json');

const KITS = [
  {
    dir: `temporal-server-${SERVER_VERSION}`,
    tools: [
      { name: 'temporal-server', module: `go.temporal.io/server/cmd/server@${SERVER_VERSION}`, built: 'server', version: /temporal version 1\.29\.1/ },
      { name: 'temporal-sql-tool', module: `go.temporal.io/server/cmd/tools/sql@${SERVER_VERSION}`, built: 'sql', version: /temporal-sql-tool version 1\.29\.1/ },
    ],
    // The schema temporal-sql-tool migrates to, from the same module version.
    files: { from: `go.temporal.io/server@${SERVER_VERSION}`, copy: ['schema/postgresql/v12'] },
  },
  {
    dir: `temporal-ui-${UI_VERSION}`,
    tools: [{ name: 'temporal-ui-server', module: `github.com/temporalio/ui-server/v2/cmd/server@${UI_VERSION}`, built: 'server', version: /2\.42\.1/ }],
  },
];

function runs(file, version) {
  if (!fs.existsSync(file)) return false;
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && version.test(r.stdout + r.stderr);
}

/** A kit directory is complete when every tool runs and every copied file tree is there. */
function complete(dir, kit) {
  return kit.tools.every((t) => runs(path.join(dir, t.name), t.version)) && (kit.files?.copy ?? []).every((c) => fs.existsSync(path.join(dir, c)));
}

function copyKit(from, to) {
  const tmp = `${to}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, tmp, { recursive: true });
  fs.rmSync(to, { recursive: true, force: true });
  fs.renameSync(tmp, to);
}

function writable(p) {
  fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) writable(path.join(p, e));
}

function goInstall(kit, into, log) {
  const go = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(`"${kit.tools.map((t) => t.name).join('", "')}" must be built with Go (go install from the module proxy), and no "go" command was found. Install Go 1.23 or newer and run this again.`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-go-'));
  fs.mkdirSync(into, { recursive: true });
  for (const t of kit.tools) {
    log(`Building ${t.name} once with "go install ${t.module}" (a few minutes the first time)...`);
    const gobin = path.join(tmp, t.name);
    const r = spawnSync('go', ['install', t.module], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' } });
    if (r.status !== 0) throw new Error(`go install ${t.module} failed; see the output above.`);
    fs.copyFileSync(path.join(gobin, t.built), path.join(into, t.name));
    fs.chmodSync(path.join(into, t.name), 0o755);
  }
  if (kit.files) {
    const moduleDir = path.join(go.stdout.trim(), kit.files.from);
    for (const c of kit.files.copy) {
      fs.cpSync(path.join(moduleDir, c), path.join(into, c), { recursive: true });
      writable(path.join(into, c)); // the module cache is read-only, and so would the copy be
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

function ensureKit(kit, log) {
  const local = path.join(ROOT, 'tools', kit.dir);
  if (complete(local, kit)) return { dir: local, via: `tools/${kit.dir}` };
  const shared = path.join(CACHE, kit.dir);
  if (complete(shared, kit)) {
    copyKit(shared, local);
    return { dir: local, via: `the machine's earlier build (${shared})` };
  }
  const staging = `${local}.build-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  goInstall(kit, staging, log);
  if (!complete(staging, kit)) throw new Error(`the build in ${staging} does not run ("--version" failed)`);
  fs.rmSync(local, { recursive: true, force: true });
  fs.renameSync(staging, local);
  try {
    copyKit(local, shared); // for the next clone on this machine; a read-only home just builds again
  } catch {}
  return { dir: local, via: 'go install' };
}

/** Installs (or finds) every tool and writes .data/temporal-server.json; returns its content. */
function ensureTemporalServer(log = (m) => console.error(m)) {
  const [server, ui] = KITS.map((k) => ensureKit(k, log));
  const found = {
    version: SERVER_VERSION,
    uiVersion: UI_VERSION,
    server: path.join(server.dir, 'temporal-server'),
    sqlTool: path.join(server.dir, 'temporal-sql-tool'),
    schemaDir: path.join(server.dir, 'schema', 'postgresql', 'v12'),
    uiServer: path.join(ui.dir, 'temporal-ui-server'),
    via: { server: server.via, ui: ui.via },
  };
  fs.mkdirSync(path.dirname(MARKER), { recursive: true });
  fs.writeFileSync(MARKER, `${JSON.stringify(found, null, 2)}\n`);
  return found;
}

module.exports = { ensureTemporalServer, SERVER_VERSION, UI_VERSION, MARKER };

if (require.main === module) {
  try {
    const found = ensureTemporalServer();
    console.log(JSON.stringify(found));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
