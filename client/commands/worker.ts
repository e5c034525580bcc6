import type { Command } from 'commander';
import { loadTenants } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime, TASK_QUEUE } from '../../worker/worker';
import { log } from '../log';
import { configDir, dataDir } from '../paths';
import { onShutdown } from '../shutdown';

/**
 * `siirto worker`: the worker process alone, against a Temporal server that runs elsewhere. It creates no
 * Schedules: a tenant's flows start at its go-live (`siirto onboard`), not whenever a worker starts.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a Siirto worker against an existing Temporal server')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .action(async (opts: { address: string; namespace: string; config: string }) => {
      installRuntime();
      const tenants = loadTenants(opts.config);
      const codec = codecFromEnvironment(dataDir());
      const { worker, close } = await createWorker({ address: opts.address, namespace: opts.namespace, tenants, codec });
      const running = worker.run();
      onShutdown(async () => {
        worker.shutdown();
        await running.catch(() => undefined);
        await close();
      });
      log.info({ address: opts.address, taskQueue: TASK_QUEUE, tenants: [...tenants.keys()] }, 'worker running');
      await running;
    });
}
