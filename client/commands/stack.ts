import path from 'node:path';
import type { Command } from 'commander';
import { loadTenants, sandboxUrlVariable } from '../../config/load';
import { SANDBOX_SYSTEMS, type SandboxSystem, type StartedSandbox } from '../../sandbox/kit/server';
import { startSandboxes } from '../../sandbox/registry';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime, watchTenantConfig } from '../../worker/worker';
import { consoleAuthOrDemo, DEMO_CONSOLE_USERS, listenConsole } from '../console';
import { codecAuthFromEnvironment } from '../codec-auth';
import { buildCodecServer, listenCodec } from '../codec-routes';
import { DEMO_SECRETS, runDemo, type DemoResult } from '../demo';
import { portIsFree, startDevServer, temporalCliPath } from '../dev-server';
import { buildHttpServer, listen } from '../http';
import { log, writeSdkLogLine } from '../log';
import { configDir, dataDir } from '../paths';
import { onShutdown, shutdown } from '../shutdown';
import { ensureAllSchedules } from '../../orchestration/schedules';
import { connectClient } from '../../orchestration/temporal';
import { parseInteger } from './sandbox';

interface StackOptions {
  demo: boolean;
  json: boolean;
  temporalPort: number;
  uiPort: number;
  serverPort?: number;
  codecPort?: number;
  consolePort?: number;
}

/**
 * `siirto stack` (what `npm start` runs): the Temporal dev server with its UI, every sandbox, the worker and the
 * HTTP server in one process tree, then the demo. Ctrl-C stops everything in reverse order.
 */
export function registerStackCommand(program: Command): void {
  program
    .command('stack')
    .description('run the whole local stack: Temporal dev server + UI, sandboxes, worker, HTTP server, and the demo')
    .option('--no-demo', 'skip the demo scenario (tenants are loaded as usual)')
    .option('--json', 'print one JSON line per service when it is ready, then {"ready":true}', false)
    .option('--temporal-port <n>', 'Temporal frontend port', parseInteger, 7233)
    .option('--ui-port <n>', 'Temporal UI port', parseInteger, 8233)
    .option('--server-port <n>', 'HTTP server port (default: a free port)', parseInteger)
    .option('--codec-port <n>', 'payload codec endpoint port, on 127.0.0.1 (default: a free port)', parseInteger)
    .option('--console-port <n>', "operator's console port, on 127.0.0.1 (default: a free port)", parseInteger)
    .action(async (opts: StackOptions) => {
      try {
        await runStack(opts);
      } catch (err) {
        process.stderr.write(`siirto stack: ${(err as Error).message}\n`);
        await shutdown('error', 1);
      }
    });
}

async function runStack(opts: StackOptions): Promise<void> {
  const say = (json: Record<string, unknown>, human: string) => process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${human}\n`);
  for (const [name, port] of [['Temporal', opts.temporalPort], ['Temporal UI', opts.uiPort]] as const) {
    if (!(await portIsFree(port))) {
      throw new Error(`port ${port} (${name}) is in use: another Temporal server or Siirto stack is running. Stop it, or choose other ports with --temporal-port/--ui-port.`);
    }
  }
  installRuntime('WARN', writeSdkLogLine);
  const data = dataDir();
  const codec = codecFromEnvironment(data);
  const temporalAddress = `127.0.0.1:${opts.temporalPort}`;
  const uiUrl = `http://localhost:${opts.uiPort}`;
  const uiOrigins = [uiUrl, `http://127.0.0.1:${opts.uiPort}`];

  // Every listener of our own binds before the Temporal dev server starts: the dev server takes random ports of
  // its own, so a port picked "free" ahead of time could be gone by the time we listened on it (EADDRINUSE).
  // The codec endpoint first, on its own loopback listener: the UI is pointed at it when it starts.
  const codecAuth = codecAuthFromEnvironment();
  const codecApp = buildCodecServer({ codec, allowedOrigins: uiOrigins, auth: codecAuth });
  const codecUrl = await listenCodec(codecApp, { host: '127.0.0.1', port: opts.codecPort ?? 0, auth: codecAuth });
  onShutdown(() => codecApp.close());

  // Sandboxes already running (their SIIRTO_SANDBOX_<SYSTEM>_URL set and answering) are used as they are; the
  // others start here, keeping their records and id sequences in the data dir beside Temporal's history.
  const { started: sandboxes, external } = await prepareSandboxes(path.join(data, 'sandboxes'));
  onShutdown(async () => {
    await Promise.allSettled(sandboxes.map((s) => s.close()));
  });
  // The demo tenant reads the sandboxes' default credentials from these; real values set by the operator win.
  for (const [k, v] of Object.entries(DEMO_SECRETS)) process.env[k] ??= v;

  const config = configDir();
  const tenants = loadTenants(config);
  // Lazy: the frontend is not up yet; the HTTP server and the console answer meanwhile, their Temporal calls wait.
  const client = await connectClient(temporalAddress, codec, 'default', { lazy: true });
  onShutdown(() => client.connection.close());
  const app = buildHttpServer({ tenants, temporal: client });
  const serverUrl = await listen(app, opts.serverPort ?? 0);
  onShutdown(() => app.close());
  const consoleAuth = consoleAuthOrDemo();
  const consoleSite = await listenConsole({ tenants, temporal: client, host: '127.0.0.1', port: opts.consolePort ?? 0, temporalUiUrl: uiUrl, auth: consoleAuth });
  onShutdown(() => consoleSite.close());

  const temporal = await startDevServer(temporalCliPath(), {
    port: opts.temporalPort,
    uiPort: opts.uiPort,
    dbFile: path.join(data, 'temporal.db'),
    codecEndpoint: codecUrl,
  });
  onShutdown(() => temporal.stop());
  say({ service: 'temporal', address: `localhost:${opts.temporalPort}` }, `Temporal      localhost:${opts.temporalPort}`);
  say({ service: 'ui', url: uiUrl }, `Temporal UI   ${uiUrl}`);

  const { worker, close, connections } = await createWorker({ address: temporal.address, tenants, codec });
  const running = worker.run();
  onShutdown(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await close();
  });
  // A credential fixed in config/ or in the secrets file takes effect without a restart (and on `siirto reload`).
  const reloader = watchTenantConfig({
    tenants,
    connections,
    configDir: config,
    dataDir: data,
    role: 'stack',
    onReload: (r) => (r.ok ? log.info({ changed: r.changed }, 'tenant configuration reloaded') : log.error({ error: r.error }, 'tenant configuration not reloaded: the running one stays')),
  });
  onShutdown(async () => reloader.close());
  await ensureAllSchedules(client, tenants);

  say({ service: 'server', url: serverUrl }, `HTTP server   ${serverUrl}  (webhooks at ${serverUrl}/webhooks/<system>/<tenant>)`);
  const demoSignIn = consoleAuth.demo ? DEMO_CONSOLE_USERS.map((u) => ({ user: u.name, role: u.role, password: u.password })) : undefined;
  say(
    { service: 'console', url: consoleSite.url, ...(demoSignIn ? { demoUsers: demoSignIn } : {}) },
    `Console       ${consoleSite.url}  ` +
      (demoSignIn ? `(sign in as ${demoSignIn.map((u) => `${u.user} / ${u.password} (${u.role})`).join(' or ')})` : '(sign in with SIIRTO_CONSOLE_USERS)'),
  );
  say({ service: 'codec', url: codecUrl }, `Codec         ${codecUrl}  (the Temporal UI decrypts payloads here; loopback only)`);
  for (const s of sandboxes) say({ system: s.system, url: s.url }, `sandbox       ${s.system.padEnd(12)} ${s.url}`);
  for (const s of external) say({ system: s.system, url: s.url, external: true }, `sandbox       ${s.system.padEnd(12)} ${s.url}  (already running: used as it is)`);
  say({ ready: true }, `ready: ${tenants.size} tenant(s) loaded (${[...tenants.keys()].join(', ')})`);

  const demoTenant = tenants.get('demo');
  if (opts.demo && demoTenant) {
    let demo: Awaited<ReturnType<typeof runDemo>>;
    try {
      demo = await runDemo(demoTenant, serverUrl, client);
    } catch (err) {
      // The stack stays up: everything else is usable, and the error says what to look at.
      say({ demo: { status: 'failed', error: (err as Error).message } }, `Demo failed: ${(err as Error).message}`);
      return;
    }
    const netvisorUrl = process.env[sandboxUrlVariable('netvisor')]!;
    const workflowUrl = `http://localhost:${opts.uiPort}/namespaces/default/workflows/${encodeURIComponent(demo.workflowId)}`;
    say(
      { demo: { ...demo, workflowUrl, netvisorState: `${netvisorUrl}/__sandbox/state` } },
      [
        '',
        `Demo: WooCommerce order ${demo.orderId} → Netvisor invoice ${demo.documentNumber ?? '(none)'} (${demo.status})`,
        `  the workflow in the Temporal UI:  ${workflowUrl}`,
        `  the invoice in the Netvisor sandbox: ${netvisorUrl}/__sandbox/state`,
        ...consoleSceneLines(demo, consoleSite.url),
        '',
        'Press Ctrl-C to stop everything.',
      ].join('\n'),
    );
  }
  log.debug('stack running');
}

/** Is a sandbox answering at this URL? (Its control route; 2 s at most.) */
async function sandboxAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/__sandbox/stats`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Each system's sandbox: the one its SIIRTO_SANDBOX_<SYSTEM>_URL names when that answers (say, `siirto sandbox
 * woocommerce` in another terminal), else a new one that keeps its state under `stateDir`.
 */
async function prepareSandboxes(stateDir: string): Promise<{ started: StartedSandbox[]; external: Array<{ system: SandboxSystem; url: string }> }> {
  const external: Array<{ system: SandboxSystem; url: string }> = [];
  const toStart: SandboxSystem[] = [];
  for (const system of SANDBOX_SYSTEMS) {
    const variable = sandboxUrlVariable(system);
    const url = process.env[variable];
    if (url && (await sandboxAnswers(url))) external.push({ system, url });
    else {
      if (url) process.stderr.write(`siirto stack: ${variable}=${url} does not answer; starting a ${system} sandbox of its own instead\n`);
      toStart.push(system);
    }
  }
  const started = await startSandboxes(toStart, { stateDir });
  for (const s of started) process.env[sandboxUrlVariable(s.system)] = s.url;
  return { started, external };
}

/** What the demo put in the console, for the human output. */
function consoleSceneLines(demo: DemoResult, consoleUrl: string): string[] {
  const scenes = demo.console;
  if (!scenes) return [];
  const line = (label: string, scene: object, ok: (s: any) => string) => `  ${label.padEnd(16)} ${'error' in scene ? `not set up: ${(scene as { error: string }).error}` : ok(scene)}`;
  return [
    `In the console (${consoleUrl}):`,
    line('needs attention', scenes.needsAttention, (s) => `order ${s.orderId} (${s.status}): ${s.fix}`),
    line('migration', scenes.migration, (s) => s.workflowId),
    line('onboarding', scenes.onboarding, (s) => `${s.workflowId}, waiting for the operator`),
    line('invoice', scenes.invoice, (s) => `Rackbeat invoice ${s.number} → ${s.workflowId}`),
  ];
}
