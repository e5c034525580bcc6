import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker, type WorkerOptions } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import { createActivities } from '../activities';
import { Connections } from '../activities/connections';
import type { ResolvedTenant } from '../config/load';

import { TASK_QUEUE } from '../orchestration/task-queue';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';
import { workflowTaskSlotsFromEnvironment } from './task-slots';
import { warmRegisterCaches, warmRegistersFromEnvironment } from './warm-registers';

export { TASK_QUEUE };
export { watchTenantConfig, registeredWorkers, type ReloadResult } from './reload';

let runtimeInstalled = false;
/**
 * The SDK's own log lines at WARN and above; Siirto logs what operators need itself. `write` takes each line (the
 * CLI passes its logger, so the SDK's lines read like Siirto's own: pretty in a terminal, JSON lines otherwise).
 */
export function installRuntime(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN', write?: (entry: { level: string; message: string; meta?: Record<string, unknown> }) => void): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level, write) });
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
  /** Read the tenants' Netvisor registers into the register cache at start (worker/warm-registers.ts); default SIIRTO_REGISTER_CACHE_WARM=on. */
  warmRegisters?: boolean;
}

/** Creates the Siirto worker: every workflow and activity on one task queue, payloads encrypted. */
export async function createWorker(
  setup: WorkerSetup,
): Promise<{ worker: Worker; connection: NativeConnection; connections: Connections; registersWarm: Promise<void>; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: setup.address });
  // Activities that start workflows (reconciliation) share one client, made on first use.
  let client: Client | undefined;
  const temporal = () => {
    if (!client) {
      client = new Client({ connection: Connection.lazy({ interceptors: connectionInterceptors(), address: setup.address }), namespace: setup.namespace ?? 'default', dataConverter: { payloadCodecs: [setup.codec] } });
    }
    return client;
  };
  // Kept for reloads: a tenant whose credentials change gets new API clients (worker/reload.ts).
  const connections = new Connections(setup.tenants);
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue ?? TASK_QUEUE,
    // Tests pass a prebuilt `workflowBundle` in `options`; otherwise the worker bundles the workflows itself.
    ...(setup.options?.workflowBundle ? {} : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(connections, temporal),
    dataConverter: { payloadCodecs: [setup.codec] },
    // How long a workflow task waits on this worker's sticky queue before any worker may take it (SDK default 10 s).
    // When a worker dies (SIGKILL, OOM, a lost node) every workflow it had cached waits this long before another
    // worker replays it, so it is the bulk of what a kill costs a running migration. Shorter means a busy but live
    // worker (GC pause, all workflow slots taken) loses a task to another worker more often, which then replays the
    // history from its start: more CPU, same result. 3 s stays well above a healthy worker's poll latency.
    stickyQueueScheduleToStartTimeout: '3s',
    // A few workflow tasks at a time, so a burst's first orders go ahead of the rest (worker/task-slots.ts).
    maxConcurrentWorkflowTaskExecutions: workflowTaskSlotsFromEnvironment(),
    ...setup.options,
  });
  const registersWarm = (setup.warmRegisters ?? warmRegistersFromEnvironment()) ? warmRegisterCaches(connections, setup.tenants) : Promise.resolve();
  return {
    worker,
    connection,
    connections,
    registersWarm,
    async close() {
      await client?.connection.close();
      await connection.close();
    },
  };
}
