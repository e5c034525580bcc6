import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadTenants, sandboxUrlVariable } from '../../config/load';
import { SANDBOX_SYSTEMS } from '../../sandbox/kit/server';
import { startSandboxes } from '../../sandbox/registry';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { writeWorkflowBundle } from '../cluster/bundle';
import { databaseNames, limitsUrl, postgresFromUrl, prepareDatabases } from '../cluster/postgres';
import { spawnSiirto, type SiirtoProcess } from '../cluster/processes';
import { startTemporalServer } from '../cluster/temporal-server';
import { clusterTools } from '../cluster/tools';
import { startUiServer } from '../cluster/ui-server';
import { DEMO_SECRETS, runDemo } from '../demo';
import { freePort, portIsFree } from '../dev-server';
import { configDir, dataDir } from '../paths';
import { onShutdown, shutdown } from '../shutdown';
import { payloadKeyProblem } from './worker';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

const PARTS = ['temporal', 'ui', 'worker', 'server'] as const;
type Part = (typeof PARTS)[number];

const Options = z.object({
  workers: z.number().int().min(0).max(64),
  json: z.boolean(),
  only: z.array(z.enum(PARTS, { message: `--only takes ${PARTS.join(', ')}` })).optional(),
  demo: z.boolean(),
  sandboxes: z.boolean().optional(),
  address: z.string().optional(),
  host: z.string(),
  temporalPort: z.number().int().min(0).max(65535),
  uiPort: z.number().int().min(0).max(65535),
  serverPort: z.number().int().min(0).max(65535),
  codecPort: z.number().int().min(0).max(65535),
  codecEndpoint: z.url({ protocol: /^https?$/, error: '--codec-endpoint must be an http(s) URL' }).optional(),
  dbSuffix: z.string().regex(/^[a-z0-9_]*$/i, 'only letters, digits and _').optional(),
  config: z.string(),
});
type ClusterOptions = z.infer<typeof Options>;

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${v}" is not a port number`);
  return n;
};

/**
 * `siirto cluster`: the production-shaped topology on this machine, each part its own process — the Temporal server
 * on PostgreSQL (databases created and migrated first), the Temporal UI server pointed at it and at Siirto's codec
 * endpoint, N `siirto worker` processes and `siirto server` (webhooks + codec listener). With the sandboxes (the
 * default when every part runs) the demo order goes through it. `--only` starts some parts, e.g. `--only temporal`.
 */
export function registerClusterCommand(program: Command): void {
  program
    .command('cluster')
    .description('run the production-shaped topology as separate processes: Temporal server on PostgreSQL, Temporal UI, N workers, HTTP server + codec')
    .option('--workers <n>', 'number of worker processes', (v) => Number(v), 2)
    .option('--json', 'print one JSON line per part when it is ready, then {"ready":true}', false)
    .option('--only <part...>', `start only these parts (${PARTS.join(', ')}); the others are reached with --address`)
    .option('--no-demo', 'do not place the demo order')
    .option('--sandboxes', 'run the sandboxes and the demo tenant (default: when every part runs)')
    .option('--no-sandboxes', 'no sandboxes: tenants reach their real systems; SIIRTO_PAYLOAD_KEY is then required')
    .option('--address <host:port>', 'an existing Temporal frontend, when --only leaves out temporal', process.env.TEMPORAL_ADDRESS)
    .option('--host <ip>', 'address the Temporal frontend, UI and webhooks listen on', '127.0.0.1')
    .option('--temporal-port <n>', 'Temporal frontend port (0: a free one)', port, 7233)
    .option('--ui-port <n>', 'Temporal UI port (0: a free one)', port, 8080)
    .option('--server-port <n>', 'webhook port of the HTTP server (0: a free one)', port, 3000)
    .option('--codec-port <n>', 'codec endpoint port, on loopback (0: a free one)', port, 3001)
    .option('--codec-endpoint <url>', 'the codec endpoint as the browser reaches it, for the UI (default: the server part\'s codec listener)')
    .option('--db-suffix <s>', 'suffix of the Temporal databases (siirto_temporal_<s>), to run a second cluster beside the first')
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) {
        process.stderr.write(`siirto cluster: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}\n`);
        process.exit(2);
      }
      try {
        await runCluster(parsed.data);
      } catch (err) {
        process.stderr.write(`siirto cluster: ${(err as Error).message}\n`);
        await shutdown('error', 1);
      }
    });
}

async function choose(requested: number, what: string, flag: string): Promise<number> {
  if (requested === 0) return freePort();
  if (!(await portIsFree(requested))) throw new Error(`port ${requested} (${what}) is in use: another cluster or stack is running. Stop it, or choose another port with ${flag} (0 takes a free one).`);
  return requested;
}

/** The one payload key every process of the cluster gets: the operator's, or with the sandboxes a local one. */
function payloadKey(sandboxes: boolean): string {
  if (process.env.SIIRTO_PAYLOAD_KEY) return process.env.SIIRTO_PAYLOAD_KEY;
  const problem = payloadKeyProblem({ ...process.env, SIIRTO_DEV_STACK: sandboxes ? '1' : undefined });
  if (problem) throw new Error(problem);
  codecFromEnvironment(dataDir()); // generates .data/payload-key once, as the dev stack does
  return fs.readFileSync(path.join(dataDir(), 'payload-key'), 'utf8').trim();
}

async function runCluster(opts: ClusterOptions): Promise<void> {
  const say = (json: Record<string, unknown>, human: string) => process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${human}\n`);
  const parts = new Set<Part>(opts.only ?? PARTS);
  const withSandboxes = opts.sandboxes ?? !opts.only;
  if (!parts.has('temporal') && !opts.address) throw new Error('without the temporal part, say which Temporal server to use: --address host:port (or TEMPORAL_ADDRESS)');
  const logs = path.join(dataDir(), 'cluster');
  fs.mkdirSync(logs, { recursive: true });
  const key = parts.has('worker') || parts.has('server') || (withSandboxes && opts.demo) ? payloadKey(withSandboxes) : undefined;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(key ? { SIIRTO_PAYLOAD_KEY: key } : {}) };

  if (withSandboxes) {
    const sandboxes = await startSandboxes(SANDBOX_SYSTEMS);
    onShutdown(async () => {
      await Promise.allSettled(sandboxes.map((s) => s.close()));
    });
    for (const s of sandboxes) {
      childEnv[sandboxUrlVariable(s.system)] = s.url;
      say({ system: s.system, url: s.url }, `sandbox       ${s.system.padEnd(12)} ${s.url}`);
    }
    // The demo tenant reads the sandboxes' default credentials from these; real values set by the operator win.
    for (const [k, v] of Object.entries(DEMO_SECRETS)) childEnv[k] ??= v;
  }

  let address = opts.address ?? '';
  if (parts.has('temporal')) {
    const tools = clusterTools();
    const postgres = postgresFromUrl();
    const databases = databaseNames(opts.dbSuffix);
    await prepareDatabases(tools, postgres, databases);
    const temporal = await startTemporalServer({
      tools,
      postgres,
      databases,
      port: await choose(opts.temporalPort, 'Temporal', '--temporal-port'),
      bindIp: opts.host,
      logFile: path.join(logs, 'temporal.log'),
    });
    onShutdown(() => temporal.stop());
    address = temporal.address;
    say({ service: 'temporal', address, pid: temporal.process.pid, databases, log: path.join(logs, 'temporal.log') }, `Temporal      ${address}  (PostgreSQL ${postgres.host}:${postgres.port}, databases ${databases.main}, ${databases.visibility})`);
  }

  const uiPort = parts.has('ui') ? await choose(opts.uiPort, 'Temporal UI', '--ui-port') : opts.uiPort;
  let codecUrl: string | undefined;
  const workers: SiirtoProcess[] = [];
  if (parts.has('worker') && opts.workers > 0) {
    const bundle = await writeWorkflowBundle(path.join(logs, 'workflows.js'));
    const started = await Promise.all(
      Array.from({ length: opts.workers }, (_, i) =>
        spawnSiirto({
          name: `worker ${i + 1}`,
          // Every worker paces the APIs through the one PostgreSQL, so the vendors' limits hold for the cluster as a whole.
          args: ['worker', '--json', '--address', address, '--config', opts.config, '--workflow-bundle', bundle, '--limits', 'postgres'],
          env: { ...childEnv, SIIRTO_POSTGRES_URL: limitsUrl(postgresFromUrl()) },
          isReady: (l) => l.service === 'worker',
          forwardStderr: true,
        }),
      ),
    );
    for (const w of started) {
      workers.push(w);
      onShutdown(async () => void (await w.stop()));
      say({ ...w.ready }, `worker        pid ${w.pid}  (${w.ready.identity}, task queue ${w.ready.taskQueue})`);
      // A dead worker is reported, not replaced: its work goes to the others (a supervisor may start a new one).
      void w.exit.then((code) => say({ service: 'worker', pid: w.pid, exited: code }, `worker        pid ${w.pid} exited (${code}); the other workers carry on`));
    }
  }

  let serverUrl: string | undefined;
  if (parts.has('server')) {
    const [webPort, codecPort] = [await choose(opts.serverPort, 'HTTP server', '--server-port'), await choose(opts.codecPort, 'codec endpoint', '--codec-port')];
    const url = `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${webPort}`;
    const server = await spawnSiirto({
      name: 'siirto server',
      args: ['server', '--address', address, '--host', opts.host, '--port', String(webPort), '--codec-port', String(codecPort), '--ui-origin', `http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`, '--config', opts.config],
      // The console reads the workers' request counts from the limits database.
      env: { ...childEnv, SIIRTO_POSTGRES_URL: limitsUrl(postgresFromUrl()) },
      forwardStderr: true,
      probe: async () => ((await fetch(`${url}/healthz`)).ok ? { service: 'server', url } : undefined),
    });
    onShutdown(async () => void (await server.stop()));
    serverUrl = url;
    codecUrl = `http://127.0.0.1:${codecPort}/codec`;
    say({ service: 'server', url, pid: server.pid }, `HTTP server   ${url}  (webhooks at ${url}/webhooks/<system>/<tenant>)`);
    say({ service: 'codec', url: codecUrl }, `Codec         ${codecUrl}  (the Temporal UI decrypts payloads here; loopback only)`);
  }

  if (parts.has('ui')) {
    const ui = await startUiServer({ tools: clusterTools(), temporalAddress: address, port: uiPort, host: opts.host, codecEndpoint: opts.codecEndpoint ?? codecUrl, logFile: path.join(logs, 'temporal-ui.log') });
    onShutdown(() => ui.stop());
    say({ service: 'ui', url: ui.url, pid: ui.process.pid }, `Temporal UI   ${ui.url}`);
  }
  say({ ready: true }, `ready: ${[...parts].join(', ')}${parts.has('worker') ? ` (${workers.length} worker processes)` : ''}`);

  if (opts.demo && withSandboxes && serverUrl && workers.length) {
    const tenants = loadTenants(opts.config, childEnv);
    const demoTenant = tenants.get('demo');
    if (!demoTenant) return;
    const client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address }), dataConverter: { payloadCodecs: [codecFromEnvironment(dataDir(), childEnv)] } });
    onShutdown(() => client.connection.close());
    try {
      const demo = await runDemo(demoTenant, serverUrl, client);
      const netvisorState = `${childEnv[sandboxUrlVariable('netvisor')]}/__sandbox/state`;
      const workflowUrl = `http://localhost:${uiPort}/namespaces/default/workflows/${encodeURIComponent(demo.workflowId)}`;
      say(
        { demo: { ...demo, workflowUrl, netvisorState } },
        [
          '',
          `Demo: WooCommerce order ${demo.orderId} → Netvisor invoice ${demo.documentNumber ?? '(none)'} (${demo.status}), through the cluster`,
          `  the workflow in the Temporal UI:  ${workflowUrl}`,
          `  the invoice in the Netvisor sandbox: ${netvisorState}`,
          '',
          'Press Ctrl-C to stop everything.',
        ].join('\n'),
      );
    } catch (err) {
      say({ demo: { status: 'failed', error: (err as Error).message } }, `Demo failed: ${(err as Error).message}`);
    }
  }
}
