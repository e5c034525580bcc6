'use strict';
// Debian's Chromium for the browser tests (playwright-core drives it; it downloads no browser of its own).
// Run by scripts/bootstrap.js for `npm test` and by .ci/run. Installs the `chromium` package with apt-get when
// /usr/bin/chromium is missing: as root directly, otherwise through sudo. SIIRTO_CHROMIUM (a binary elsewhere) skips it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function ensureChromium(log = (m) => console.error(`[chromium] ${m}`)) {
  const configured = (process.env.SIIRTO_CHROMIUM || '').trim();
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`SIIRTO_CHROMIUM=${configured} does not exist: point it at a Chromium binary, or unset it to use ${DEFAULT_CHROMIUM}`);
    return configured;
  }
  if (fs.existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasSudo = spawnSync('sh', ['-c', 'command -v sudo'], { stdio: 'ignore' }).status === 0;
  if (!root && !hasSudo) {
    throw new Error(`${DEFAULT_CHROMIUM} is missing and this user is not root and has no sudo: install Debian's chromium package ("apt-get install chromium") or set SIIRTO_CHROMIUM`);
  }
  const prefix = root ? [] : ['sudo'];
  const steps = [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'],
  ];
  log(`${DEFAULT_CHROMIUM} is missing (the browser tests need it): installing Debian's chromium package${root ? '' : ' with sudo'}`);
  for (const step of steps) {
    const cmd = [...prefix, ...step];
    log(`running: ${cmd.join(' ')}`);
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`"${cmd.join(' ')}" failed with exit code ${r.status}: install chromium by hand or set SIIRTO_CHROMIUM`);
  }
  if (!fs.existsSync(DEFAULT_CHROMIUM)) throw new Error(`apt-get installed chromium but ${DEFAULT_CHROMIUM} is still missing`);
  log(`installed ${DEFAULT_CHROMIUM}`);
  return DEFAULT_CHROMIUM;
}

module.exports = { ensureChromium, DEFAULT_CHROMIUM };

if (require.main === module) {
  try {
    const found = ensureChromium();
    console.error(`[chromium] browser tests use ${found}`);
  } catch (e) {
    console.error(`[chromium] ${e.message}`);
    process.exit(1);
  }
}
