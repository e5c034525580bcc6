import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { Connections } from '../../activities/connections';
import { loadTenants } from '../../config/load';
import { parseSecretsFile, registeredWorkers, watchTenantConfig, type ReloadResult } from '../../worker/reload';

// `siirto reload` and the worker process run from the build (npm test builds first).
const DIST = path.resolve(__dirname, '../../dist');

const tenantFile = (customerKeyVar: string) => `
tenant: acme
name: Acme Oy
connections:
  netvisor:
    baseUrl: https://isvapi.netvisor.fi
    customerId: ACME
    customerKey: { env: ${customerKeyVar} }
    partnerId: SIIRTO
    partnerKey: { env: ACME_NV_PARTNER_KEY }
    organisationId: 1234567-1
`;

describe('credentials reload', () => {
  let root: string;
  let configDir: string;
  let dataDir: string;
  let secrets: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-reload-'));
    configDir = path.join(root, 'config');
    dataDir = path.join(root, 'data');
    fs.mkdirSync(configDir);
    secrets = path.join(root, 'secrets.env');
    fs.writeFileSync(secrets, 'ACME_NV_CUSTOMER_KEY=wrong-key\nACME_NV_PARTNER_KEY="pk"\n');
    fs.writeFileSync(path.join(configDir, 'acme.yaml'), tenantFile('ACME_NV_CUSTOMER_KEY'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const start = (env: NodeJS.ProcessEnv, watch: boolean, onReload?: (r: ReloadResult) => void) => {
    const tenants = loadTenants(configDir, { ...env, ...parseSecretsFile(fs.readFileSync(secrets, 'utf8')) });
    const connections = new Connections(tenants, {});
    const watcher = watchTenantConfig({ tenants, connections, configDir, dataDir, role: 'worker', env, watch, debounceMs: 50, onReload });
    return { tenants, connections, watcher };
  };

  it('a key fixed in the secrets file reaches new API clients on `siirto reload` (SIGHUP to the registered worker)', async () => {
    // The worker side in a process of its own (SIGHUP is a process's signal): it prints its Netvisor key after each reload.
    const script = `
      const { Connections } = require(${JSON.stringify(path.join(DIST, 'activities/connections.js'))});
      const { loadTenants } = require(${JSON.stringify(path.join(DIST, 'config/load.js'))});
      const { watchTenantConfig, reloadEnvironment } = require(${JSON.stringify(path.join(DIST, 'worker/reload.js'))});
      const tenants = loadTenants(process.env.CONFIG, reloadEnvironment());
      const connections = new Connections(tenants, {});
      let client = connections.netvisor('acme');
      const w = watchTenantConfig({ tenants, connections, configDir: process.env.CONFIG, dataDir: process.env.SIIRTO_DATA_DIR, role: 'worker', watch: false,
        onReload: (r) => { const next = connections.netvisor('acme'); console.log(JSON.stringify({ ...r, key: tenants.get('acme').connections.netvisor.customerKey, newClient: next !== client })); client = next; } });
      console.log(JSON.stringify({ ready: true, key: tenants.get('acme').connections.netvisor.customerKey }));
      process.on('SIGTERM', () => { w.close(); process.exit(0); });
      setInterval(() => {}, 1000);`;
    const env = { ...process.env, SIIRTO_SECRETS_FILE: secrets, SIIRTO_DATA_DIR: dataDir, CONFIG: configDir };
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Array<Record<string, unknown>> = [];
    readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    const until = async (n: number) => {
      for (let i = 0; i < 500 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      await until(1);
      expect(lines[0]).toEqual({ ready: true, key: 'wrong-key' });
      expect(registeredWorkers(dataDir).map((w) => w.pid)).toEqual([child.pid]);

      fs.writeFileSync(secrets, 'ACME_NV_CUSTOMER_KEY=right-key\nACME_NV_PARTNER_KEY=pk\n');
      const reload = spawnSync(process.execPath, [path.join(DIST, 'client/cli.js'), 'reload', '--json'], { env, encoding: 'utf8' });
      expect(reload.status).toBe(0);
      expect(JSON.parse(reload.stdout.trim())).toMatchObject({ pid: child.pid, role: 'worker', ok: true, changed: ['acme'] });
      await until(2);
      // The running worker now uses the fixed key, through a new client (the old one held a session made from the old key).
      expect(lines[1]).toMatchObject({ ok: true, changed: ['acme'], key: 'right-key', newClient: true });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(registeredWorkers(dataDir)).toEqual([]);
    const none = spawnSync(process.execPath, [path.join(DIST, 'client/cli.js'), 'reload'], { env, encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no running worker registered');
  });

  it('picks up an edited tenant file by itself, and keeps the running configuration when the new one does not load', async () => {
    const results: ReloadResult[] = [];
    const { tenants, watcher } = start({ SIIRTO_SECRETS_FILE: secrets, ACME_OTHER_KEY: 'other-key' }, true, (r) => results.push(r));
    try {
      fs.writeFileSync(path.join(configDir, 'acme.yaml'), tenantFile('ACME_OTHER_KEY'));
      for (let i = 0; i < 200 && !results.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(results[0]).toMatchObject({ ok: true, changed: ['acme'] });
      expect(tenants.get('acme')!.connections.netvisor!.customerKey).toBe('other-key');

      fs.writeFileSync(path.join(configDir, 'acme.yaml'), tenantFile('ACME_UNSET_KEY'));
      for (let i = 0; i < 200 && results.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(results.at(-1)).toMatchObject({ ok: false, error: expect.stringContaining('environment variable ACME_UNSET_KEY is not set') });
      expect(tenants.get('acme')!.connections.netvisor!.customerKey).toBe('other-key');
    } finally {
      watcher.close();
    }
  });

  it('reads KEY=VALUE secrets files and names the bad line', () => {
    expect(parseSecretsFile('# comment\n\nexport A=1\nB = "two words"\nC=\'x\'\n')).toEqual({ A: '1', B: 'two words', C: 'x' });
    expect(() => parseSecretsFile('A=1\nnot a pair\n')).toThrow('line 2: expected KEY=VALUE');
  });
});
