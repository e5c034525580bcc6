import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { correctDemoOrder, DEMO_BAD_BUSINESS_ID, DEMO_GOOD_BUSINESS_ID, DEMO_SECRETS } from '../../client/demo';
import { readChecklist } from '../../client/onboarding';
import { manualGet } from '../../client/order-lifecycle';
import { stateQuery as lifecycleStateQuery } from '../../workflows/order-lifecycle';
import { parseTenantFile, sandboxUrlVariable } from '../../config/load';
import { connectClient } from '../../orchestration/temporal';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { retryUpdate, statusQuery } from '../../workflows/transfer';
import { portIsFree, temporalCliPath } from '../../client/dev-server';
import { startSandboxes } from '../../sandbox/registry';
import type { StartedSandbox } from '../../sandbox/kit/server';

const CLI = path.resolve(__dirname, '../../dist/client/cli.js');

interface StackRun {
  child: ChildProcess;
  lines: Array<Record<string, any>>;
  stderr: () => string;
}

/**
 * A stand-in for the Temporal CLI that notes which TCP ports are listening at the moment the dev server is started,
 * then becomes the real CLI (exec: same pid, so the stack's stop reaches it).
 */
function listenRecordingCli(dir: string): { cli: string; listening: () => number[] } {
  const log = path.join(dir, 'listening-at-temporal-start');
  const cli = path.join(dir, 'temporal-wrapper.sh');
  fs.writeFileSync(cli, `#!/bin/sh\ncat /proc/net/tcp /proc/net/tcp6 > '${log}' 2>/dev/null\nexec '${temporalCliPath()}' "$@"\n`, { mode: 0o755 });
  const listening = () =>
    fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A') // TCP_LISTEN
      .map((f) => parseInt(f[1].split(':').pop()!, 16));
  return { cli, listening };
}

/** A free port from 20000–31999, outside the range the OS picks port-0 listeners from. */
async function fixedFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
}

/** Starts `siirto stack --json` and resolves once it printed its demo line. */
function startStack(dataDir: string, temporalPort: number, uiPort: number, env: NodeJS.ProcessEnv = {}): Promise<StackRun> {
  const child = spawn(process.execPath, [CLI, 'stack', '--json', '--temporal-port', String(temporalPort), '--ui-port', String(uiPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIIRTO_DATA_DIR: dataDir, SIIRTO_LOG_LEVEL: 'debug', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const lines: Array<Record<string, any>> = [];
  const rl = readline.createInterface({ input: child.stdout! });
  return new Promise<StackRun>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no demo line within 120 s; stderr: ${stderr}`)), 120_000);
    rl.on('line', (line) => {
      lines.push(JSON.parse(line));
      if (lines.at(-1)!.demo) {
        clearTimeout(timer);
        resolve({ child, lines, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}: ${stderr}`)));
  });
}

async function stop(run: StackRun): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => run.child.once('exit', resolve));
  run.child.kill('SIGINT');
  return exited;
}

/**
 * What `npm start` runs, end to end: its own Temporal dev server with the UI, every sandbox, the worker, the HTTP
 * server and the demo. Ports are free ones here (the real default is 7233/8233), and the data directory is temporary.
 */
describe('siirto stack --json', () => {
  const runs: StackRun[] = [];
  let dataDir: string;
  let outside: StartedSandbox[] = [];
  afterAll(async () => {
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.allSettled(outside.map((s) => s.close()));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every service, runs the demo into the Netvisor sandbox, stops everything on SIGINT, and does it again', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-stack-'));
    // Below Linux's ephemeral range (32768 and up): a port the OS hands out for port 0 could otherwise go to one of
    // the stack's own listeners, bound before the dev server takes these two.
    const temporalPort = await fixedFreePort();
    let uiPort = await fixedFreePort();
    while (uiPort === temporalPort) uiPort = await fixedFreePort();
    const recorder = listenRecordingCli(dataDir);
    const first = await startStack(dataDir, temporalPort, uiPort, { TEMPORAL_CLI: recorder.cli });
    runs.push(first);
    const { lines } = first;

    expect(lines[0]).toEqual({ service: 'temporal', address: `localhost:${temporalPort}` });
    expect(lines[1]).toEqual({ service: 'ui', url: `http://localhost:${uiPort}` });
    expect(lines[2]).toMatchObject({ service: 'server', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    // The operator's console, with the demo sign-in, beside the Temporal UI.
    const consoleLine = lines.find((l) => l.service === 'console')!;
    expect(consoleLine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(consoleLine.demoUsers).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'operator', role: 'operator', password: 'siirto-demo' })]));
    expect((await fetch(`${consoleLine.url}/login`)).status).toBe(200);
    // No EADDRINUSE race: the stack's own listeners (HTTP server, console, codec, sandboxes) were all bound before
    // the Temporal dev server, which takes random ports of its own, was started.
    const portOf = (url: string) => Number(new URL(url).port);
    const ours = [lines[2].url, consoleLine.url, lines.find((l) => l.service === 'codec')!.url, ...lines.filter((l) => l.system).map((l) => l.url)].map(portOf);
    expect(recorder.listening()).toEqual(expect.arrayContaining(ours));
    const systems = lines.filter((l) => l.system).map((l) => l.system);
    expect(systems.sort()).toEqual(['24so', 'netvisor', 'procountor', 'rackbeat', 'severa', 'shopify', 'woocommerce']);
    const readyAt = lines.findIndex((l) => l.ready === true);
    expect(readyAt).toBeGreaterThan(systems.length + 2 - 1);

    const demo = lines.at(-1)!.demo;
    expect(demo.status).toBe('done');
    expect(demo.documentNumber).toMatch(/^9\d{5}$/);
    const netvisor = lines.find((l) => l.system === 'netvisor')!;
    const state = (await (await fetch(`${netvisor.url}/__sandbox/state`)).json()) as { salesInvoices: unknown[] };
    expect(JSON.stringify(state.salesInvoices)).toContain(demo.documentNumber);
    // The UI serves, and the server's health check lists the demo tenant.
    expect((await fetch(`http://localhost:${uiPort}/`)).status).toBe(200);
    expect(await (await fetch(`${lines[2].url}/healthz`)).json()).toMatchObject({ ok: true, tenants: ['demo'] });
    // The codec endpoint has its own loopback listener, the UI is pointed at it, and the webhook door offers none.
    const codec = lines.find((l) => l.service === 'codec')!;
    expect(codec.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/codec$/);
    expect(((await (await fetch(`http://localhost:${uiPort}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } }).Codec.Endpoint).toBe(codec.url);
    const preflight = await fetch(`${codec.url}/decode`, { method: 'OPTIONS', headers: { origin: `http://localhost:${uiPort}` } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://localhost:${uiPort}`);
    expect((await fetch(`${lines[2].url}/codec/decode`, { method: 'POST', body: '{"payloads":[]}' })).status).toBe(404);
    expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);

    // Something for every console page: a parked order the operator can fix and retry, a migration, an onboarding.
    const scenes = demo.console;
    expect(scenes.needsAttention).toMatchObject({ status: 'needs-attention', fix: expect.stringContaining(DEMO_GOOD_BUSINESS_ID) });
    expect(scenes.migration.workflowId).toBe('migration/demo/rackbeat-netvisor/customers');
    expect(scenes.onboarding.workflowId).toBe('onboarding/demo/rackbeat-24so');
    // The console serves the demo in all three languages: signed in as the demo operator, every page shows the demo.
    const pages = await consolePages(consoleLine.url as string, { transfers: '/transfers?tenant=demo', migrations: '/migrations', onboarding: '/onboarding', tenants: '/tenants' });
    for (const [lang, nav] of Object.entries({ 'fi-FI': 'Siirtohistoria', 'nb-NO': 'Overføringer', 'en-GB': 'Transfers' })) {
      const page = pages[lang];
      expect(page.transfers).toContain(nav);
      expect(page.transfers).toContain(scenes.needsAttention.workflowId);
      expect(page.migrations).toContain('rackbeat');
      expect(page.onboarding).toContain('rackbeat-24so');
      expect(page.tenants).toContain('demo');
    }
    const sandboxEnv = Object.fromEntries(lines.filter((l) => l.system).map((l) => [sandboxUrlVariable(l.system), l.url]));
    const tenant = parseTenantFile(path.resolve(__dirname, '../../config/demo.yaml'), { ...DEMO_SECRETS, ...sandboxEnv });
    const client = await connectClient(`127.0.0.1:${temporalPort}`, codecFromEnvironment(dataDir, { SIIRTO_DEV_STACK: '1' }));
    try {
      const parked = client.workflow.getHandle(scenes.needsAttention.workflowId);
      expect((await parked.query(statusQuery)).summary).toContain(DEMO_BAD_BUSINESS_ID);
      await correctDemoOrder(tenant, scenes.needsAttention.orderId);
      await parked.executeUpdate(retryUpdate, { args: [{ by: 'stack test' }] });
      expect(await parked.result()).toMatchObject({ status: 'done' });
      const migrated = (await client.workflow.getHandle(scenes.migration.workflowId).result()) as { counts: Record<string, number> };
      expect(migrated.counts.read).toBeGreaterThan(0);
      expect((await readChecklist(client.workflow.getHandle(scenes.onboarding.workflowId))).pair).toBe('rackbeat-24so');

      // The invoice booked in Rackbeat became one Netvisor sales invoice with the same number, for a customer the
      // register sync brought over first.
      expect(scenes.invoice.workflowId).toBe(`invoice/demo/rackbeat/${scenes.invoice.number}`);
      expect(await client.workflow.getHandle(scenes.invoice.workflowId).result()).toMatchObject({ status: 'done', target: 'netvisor', netvisorKey: expect.any(String) });
      const invoiced = (await (await fetch(`${netvisor.url}/__sandbox/state`)).json()) as { salesInvoices: Array<{ number?: string; invoiceNumber?: string }> };
      expect(JSON.stringify(invoiced.salesInvoices)).toContain(`"${scenes.invoice.number}"`);

      // The demo's 24SO customers and products are linked in Rackbeat: a manual GET of a seeded 24SO order becomes
      // a Rackbeat order instead of parking on "not linked to a Rackbeat customer".
      expect(scenes.linked.customers).toBeGreaterThan(0);
      const got = await manualGet(client, 'demo', 10001);
      const lifecycle = client.workflow.getHandle(got.workflowId);
      let state = await lifecycle.query(lifecycleStateQuery);
      for (let i = 0; i < 240 && state.rackbeatNumber === undefined; i++) {
        await new Promise((r) => setTimeout(r, 250));
        state = await lifecycle.query(lifecycleStateQuery);
      }
      expect(state.rackbeatNumber).toEqual(expect.any(Number));
    } finally {
      await client.connection.close();
    }

    expect(await stop(first)).toBe(0);
    // No orphans: the dev server's ports are released.
    expect(await portIsFree(temporalPort)).toBe(true);
    expect(await portIsFree(uiPort)).toBe(true);
    // Nothing the stack printed carries a credential (the 24SO sandbox password "sandbox" is too common a word to check).
    const printed = first.stderr() + JSON.stringify(lines);
    for (const secret of Object.values(DEMO_SECRETS).filter((s) => s.length > 8)) expect(printed).not.toContain(secret);

    // The sandboxes kept their state beside Temporal's history.
    expect(fs.existsSync(path.join(dataDir, 'sandboxes', 'woocommerce.json'))).toBe(true);

    // A second start keeps Temporal's history and the sandboxes' state: the shop still has the first run's order,
    // and the new order gets an id after it, which is exported (not taken as the earlier, finished export).
    // A Netvisor sandbox already running (its URL in the environment) is used instead of a new one.
    outside = await startSandboxes(['netvisor']);
    const second = await startStack(dataDir, temporalPort, uiPort, { SIIRTO_SANDBOX_NETVISOR_URL: outside[0].url });
    runs.push(second);
    const again = second.lines.at(-1)!.demo;
    expect(again.status).toBe('done');
    expect(Number(again.orderId)).toBeGreaterThan(Number(demo.orderId));
    // The restored Rackbeat sandbox still has the links: nothing is linked twice.
    expect(again.console.linked).toEqual({ customers: 0, products: 0 });
    // The demo's Rackbeat invoice is found again, not booked a second time.
    expect(again.console.invoice).toEqual(scenes.invoice);
    const wooAgain = second.lines.find((l) => l.system === 'woocommerce')!;
    const shopState = (await (await fetch(`${wooAgain.url}/__sandbox/state`)).json()) as { orders: Array<{ id: number }> };
    expect(shopState.orders.map((o) => String(o.id))).toEqual(expect.arrayContaining([demo.orderId, again.orderId]));
    expect(second.lines.find((l) => l.system === 'netvisor')).toEqual({ system: 'netvisor', url: outside[0].url, external: true });
    const stateAgain = outside[0].ctx.store.snapshot() as { salesInvoices: unknown[] };
    expect(JSON.stringify(stateAgain.salesInvoices)).toContain(again.documentNumber);
    expect(await stop(second)).toBe(0);
  }, 240_000);
});

/** Signs in to the console as the demo operator (with its CSRF token) and reads each page in fi, nb and en. */
async function consolePages(url: string, paths: Record<string, string>): Promise<Record<string, Record<string, string>>> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const login = await fetch(`${url}/login`);
  keep(login);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
  const signedIn = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ user: 'operator', password: 'siirto-demo', _csrf: csrf }).toString(),
  });
  expect(signedIn.status).toBe(303);
  keep(signedIn);
  const out: Record<string, Record<string, string>> = {};
  for (const lang of ['fi-FI', 'nb-NO', 'en-GB']) {
    out[lang] = {};
    for (const [name, p] of Object.entries(paths)) {
      const res = await fetch(`${url}${p}`, { headers: { cookie: cookie(), 'accept-language': lang } });
      expect(res.status).toBe(200);
      out[lang][name] = await res.text();
    }
  }
  return out;
}
