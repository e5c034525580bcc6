import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ResolvedTenant } from '../../config/load';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';
import { createWorker } from '../../worker/worker';
import { temporalAddress, workflowBundle } from './order-export-harness';

/** A client and a running Siirto worker on the test dev server, for the onboarding suites. */
export interface TestWorker {
  client: Client;
  /** Shuts the worker down and closes the client's connection. */
  stop(): Promise<void>;
}

export async function startTestWorker(tenants: ReadonlyMap<string, ResolvedTenant>, taskQueue: string, codec: PayloadCodec): Promise<TestWorker> {
  const address = temporalAddress();
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  const w = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: await workflowBundle(), shutdownGraceTime: '100ms' } });
  const running = w.worker.run();
  return {
    client,
    async stop() {
      w.worker.shutdown();
      await running.catch(() => undefined);
      await w.close();
      await connection.close();
    },
  };
}
