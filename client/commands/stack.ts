import path from 'node:path';
import type { Command } from 'commander';
import { loadTenants, sandboxUrlVariable } from '../../config/load';
import { SANDBOX_SYSTEMS } from '../../sandbox/kit/server';
import { startSandboxes } from '../../sandbox/registry';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { codecAuthFromEnvironment } from '../codec-auth';
import { buildCodecServer, listenCodec } from '../codec-routes';
import { DEMO_SECRETS, runDemo } from '../demo';
import { freePort, portIsFree, startDevServer, temporalCliPath } from '../dev-server';
import { buildHttpServer, listen } from '../http';
import { log } from '../log';
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
  installRuntime();
  const data = dataDir();
  const codec = codecFromEnvironment(data);
  const serverPort = opts.serverPort ?? (await freePort());
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const uiOrigins = [`http://localhost:${opts.uiPort}`, `http://127.0.0.1:${opts.uiPort}`];

  // The codec endpoint first, on its own loopback listener: the UI is pointed at it when it starts.
  const codecAuth = codecAuthFromEnvironment();
  const codecApp = buildCodecServer({ codec, allowedOrigins: uiOrigins, auth: codecAuth });
  const codecUrl = await listenCodec(codecApp, { host: '127.0.0.1', port: opts.codecPort ?? 0, auth: codecAuth });
  onShutdown(() => codecApp.close());

  const temporal = await startDevServer(temporalCliPath(), {
    port: opts.temporalPort,
    uiPort: opts.uiPort,
    dbFile: path.join(data, 'temporal.db'),
    codecEndpoint: codecUrl,
  });
  onShutdown(() => temporal.stop());
  say({ service: 'temporal', address: `localhost:${opts.temporalPort}` }, `Temporal      localhost:${opts.temporalPort}`);
  say({ service: 'ui', url: `http://localhost:${opts.uiPort}` }, `Temporal UI   http://localhost:${opts.uiPort}`);

  const sandboxes = await startSandboxes(SANDBOX_SYSTEMS);
  onShutdown(async () => {
    await Promise.allSettled(sandboxes.map((s) => s.close()));
  });
  for (const s of sandboxes) process.env[sandboxUrlVariable(s.system)] = s.url;
  // The demo tenant reads the sandboxes' default credentials from these; real values set by the operator win.
  for (const [k, v] of Object.entries(DEMO_SECRETS)) process.env[k] ??= v;

  const tenants = loadTenants(configDir());
  const client = await connectClient(temporal.address, codec);
  const { worker, close } = await createWorker({ address: temporal.address, tenants, codec });
  const running = worker.run();
  onShutdown(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await close();
  });
  await ensureAllSchedules(client, tenants);

  const app = buildHttpServer({ tenants, temporal: client });
  await listen(app, serverPort);
  onShutdown(async () => {
    await app.close();
    await client.connection.close();
  });
  say({ service: 'server', url: serverUrl }, `HTTP server   ${serverUrl}  (webhooks at ${serverUrl}/webhooks/<system>/<tenant>)`);
  say({ service: 'codec', url: codecUrl }, `Codec         ${codecUrl}  (the Temporal UI decrypts payloads here; loopback only)`);
  for (const s of sandboxes) say({ system: s.system, url: s.url }, `sandbox       ${s.system.padEnd(12)} ${s.url}`);
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
    const netvisor = sandboxes.find((s) => s.system === 'netvisor')!;
    const workflowUrl = `http://localhost:${opts.uiPort}/namespaces/default/workflows/${encodeURIComponent(demo.workflowId)}`;
    say(
      { demo: { ...demo, workflowUrl, netvisorState: `${netvisor.url}/__sandbox/state` } },
      [
        '',
        `Demo: WooCommerce order ${demo.orderId} → Netvisor invoice ${demo.documentNumber ?? '(none)'} (${demo.status})`,
        `  the workflow in the Temporal UI:  ${workflowUrl}`,
        `  the invoice in the Netvisor sandbox: ${netvisor.url}/__sandbox/state`,
        '',
        'Press Ctrl-C to stop everything.',
      ].join('\n'),
    );
  }
  log.debug('stack running');
}
