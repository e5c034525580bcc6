import { NativeConnection, Runtime, DefaultLogger, Worker, type WorkerOptions } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import { createActivities } from '../activities';
import { Connections } from '../activities/connections';
import type { ResolvedTenant } from '../config/load';

export const TASK_QUEUE = 'siirto';

let runtimeInstalled = false;
/** The SDK's own log lines at WARN and above; Siirto logs what operators need itself. */
export function installRuntime(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by a test environment in this process.
  }
}

export interface WorkerSetup {
  address: string;
  namespace?: string;
  taskQueue?: string;
  tenants: ReadonlyMap<string, ResolvedTenant>;
  codec: PayloadCodec;
  /** Extra options, e.g. a prebuilt bundle in tests. */
  options?: Partial<WorkerOptions>;
}

/** Creates the Siirto worker: every workflow and activity on one task queue, payloads encrypted. */
export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: setup.address });
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue ?? TASK_QUEUE,
    // Tests pass a prebuilt `workflowBundle` in `options`; otherwise the worker bundles the workflows itself.
    ...(setup.options?.workflowBundle ? {} : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(new Connections(setup.tenants)),
    dataConverter: { payloadCodecs: [setup.codec] },
    ...setup.options,
  });
  return { worker, connection };
}
