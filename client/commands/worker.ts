import os from 'node:os';
import type { Command } from 'commander';
import { configureLimits } from '../../activities/api-limits';
import { loadTenants } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import { createWorker, installRuntime, watchTenantConfig } from '../../worker/worker';
import { log, writeSdkLogLine } from '../log';
import { configDir, dataDir } from '../paths';
import { onShutdown } from '../shutdown';

interface WorkerCommandOptions {
  address: string;
  namespace: string;
  config: string;
  json: boolean;
  workflowBundle?: string;
  taskQueue: string;
  limits?: string;
}

/**
 * Every worker of a deployment must encrypt with the same key, so outside the local dev stack (which sets
 * SIIRTO_DEV_STACK=1 and keeps a generated key in .data) a worker does not start without SIIRTO_PAYLOAD_KEY.
 */
export function payloadKeyProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SIIRTO_PAYLOAD_KEY || env.SIIRTO_DEV_STACK === '1') return undefined;
  return (
    'SIIRTO_PAYLOAD_KEY is not set. Every worker and the HTTP server must share one payload key, ' +
    'so a worker outside the local dev stack does not start without it. Set SIIRTO_PAYLOAD_KEY=<key id>:<base64 of 32 bytes> ' +
    `(make one with: node -e "console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))") ` +
    'on every worker and server.'
  );
}

/**
 * `siirto worker`: the worker process alone, against a Temporal server that runs elsewhere. It creates no
 * Schedules: a tenant's flows start at its go-live (`siirto onboard`), not whenever a worker starts. Run as many as
 * needed: they share the task queue, and Temporal hands a dead worker's work to the others.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a Siirto worker against an existing Temporal server')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .option('--json', 'print one JSON line when the worker polls: {"service":"worker",...}', false)
    .option('--workflow-bundle <file>', 'prebuilt workflow bundle (what `siirto cluster` builds once for all its workers)', process.env.SIIRTO_WORKFLOW_BUNDLE)
    .option('--task-queue <name>', 'task queue to poll', TASK_QUEUE)
    .option('--limits <mode>', 'where API limits hold: process (this worker) or postgres (all workers; on when SIIRTO_POSTGRES_URL is set)', process.env.SIIRTO_LIMITS)
    .action(async (opts: WorkerCommandOptions) => {
      const problem = payloadKeyProblem();
      if (problem) {
        process.stderr.write(`siirto worker: ${problem}\n`);
        process.exit(2);
      }
      installRuntime('WARN', writeSdkLogLine);
      const limits = configureLimits(opts.limits);
      const tenants = loadTenants(opts.config);
      const codec = codecFromEnvironment(dataDir());
      const identity = `${process.pid}@${os.hostname()}`;
      const { worker, close, connections } = await createWorker({
        address: opts.address,
        namespace: opts.namespace,
        taskQueue: opts.taskQueue,
        tenants,
        codec,
        options: { identity, ...(opts.workflowBundle ? { workflowBundle: { codePath: opts.workflowBundle } } : {}) },
      });
      const running = worker.run();
      onShutdown(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await close();
      });
      // Fixed credentials take effect without a restart: on a change in --config or SIIRTO_SECRETS_FILE, or SIGHUP (`siirto reload`).
      const reloader = watchTenantConfig({
        tenants,
        connections,
        configDir: opts.config,
        dataDir: dataDir(),
        role: 'worker',
        onReload: (r) => (r.ok ? log.info({ changed: r.changed, tenants: r.tenants }, 'tenant configuration reloaded') : log.error({ error: r.error }, 'tenant configuration not reloaded: the running one stays')),
      });
      onShutdown(async () => reloader.close());
      const ready = { service: 'worker', pid: process.pid, identity, address: opts.address, namespace: opts.namespace, taskQueue: opts.taskQueue, tenants: [...tenants.keys()], limits: limits.where };
      if (opts.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
      log.info(ready, 'worker running');
      await running;
    });
}
