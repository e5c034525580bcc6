import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer, temporalCliPath, type DevServer } from '../../client/dev-server';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { migrateRegister, progressQuery } from '../../workflows/register-migration';
import { workflowBundle } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { eventually, registerTenant, state } from '../support/register-harness';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * A Temporal server restart in the middle of a migration: this file runs its own dev server on a SQLite file,
 * stops it after a few saved batches and starts it again on the same file and port. The migration must resume
 * from its saved cursor and finish with every record once.
 */
let server: DevServer;
let dir: string;

afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('resumes after the Temporal server restarts, every Severa customer once in Netvisor', async () => {
  installRuntime('ERROR');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-restart-'));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  const cli = process.env.TEMPORAL_CLI ?? temporalCliPath(path.resolve(__dirname, '../..'));
  server = await startDevServer(cli, { port, dbFile });
  const address = server.address;

  const { sandboxes, stop: stopSandboxes } = await startTestSandboxes(['netvisor', 'rackbeat', 'severa', '24so']);
  const urls = { netvisor: sandboxes.netvisor.url, rackbeat: sandboxes.rackbeat.url, severa: sandboxes.severa.url, so: sandboxes['24so'].url };
  await control(urls.severa, 'seed', { seed: 9, counts: { customers: 80 } });
  await control(urls.netvisor, 'seed', { seed: 9, counts: { customers: 0, salesInvoices: 0 } });
  const tenants = new Map([['t-restart', registerTenant('t-restart', urls)]]);
  const codec = new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });
  const taskQueue = `restart-${crypto.randomUUID()}`;
  const bundle = await workflowBundle();

  const startWorker = async () => {
    const w = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: bundle, shutdownGraceTime: '100ms' } });
    return { ...w, running: w.worker.run().catch((err: Error) => err) };
  };
  let worker = await startWorker();
  let connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  let client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  try {
    const handle = await client.workflow.start(migrateRegister, {
      taskQueue,
      workflowId: 'migration/t-restart/severa-netvisor/customers',
      args: [{ tenant: 't-restart', pair: 'severa-netvisor', register: 'customers', direction: 'severa-to-netvisor', batchSize: 4, tuning: { heartbeatTimeout: '3s', retryInterval: '500ms' } }],
    });
    const atStop = await eventually(async () => {
      const p = await handle.query(progressQuery);
      return p.done >= 20 && p;
    }, 30_000, '20 records migrated');
    expect(atStop.done).toBeLessThan(80);

    // The server goes away (its SQLite file stays), and the worker with it; both come back.
    worker.worker.shutdown();
    await server.stop();
    await worker.running;
    await worker.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    server = await startDevServer(cli, { port, dbFile });
    worker = await startWorker();
    connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
    client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });

    const resumed = client.workflow.getHandle<typeof migrateRegister>(handle.workflowId);
    const afterRestart = await resumed.query(progressQuery);
    // Nothing saved before the stop was lost.
    expect(afterRestart.done).toBeGreaterThanOrEqual(atStop.done);
    const result = await resumed.result();
    expect(result).toMatchObject({ status: 'done', counts: { read: 80, skip: 0 } });
    // The seeded names repeat now and then: a second company with the same name but another business ID is a
    // reported conflict (name rule), never a second card.
    const conflicts = result.entries.filter((e) => e.action === 'conflict');
    expect(conflicts).toHaveLength(result.counts.conflict);
    for (const c of conflicts) expect(c.reason).toMatch(/business ID/);
    expect(result.counts.create + result.counts.unchanged + result.counts.conflict).toBe(80);

    const severa = (await state(urls.severa)).customers.map((c) => String(c.number));
    const netvisor = (await state(urls.netvisor)).customers.map((c) => c.code).filter((c) => c !== 'TEMP');
    expect(new Set(netvisor).size).toBe(netvisor.length);
    expect([...netvisor, ...conflicts.map((c) => c.key!)].sort()).toEqual([...severa].sort());
  } finally {
    worker.worker.shutdown();
    await worker.running;
    await worker.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await stopSandboxes();
  }
}, 90_000);
