import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { parseTenantFile, sandboxUrlVariable } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * `siirto onboard` with the transfers a tenant file configures besides the register sync (issue #17): the built CLI
 * (dist/) against a worker on the shared dev server and the sandboxes. A tenant file with a shop exporting to
 * Netvisor and taking its stock from Netvisor is onboarded as shop-netvisor without --pair; the permissions step prints the rights the stock transfer
 * needs; `--transfers` chooses (a name the file lacks is refused, in Finnish with --lang fi); go-live prints the
 * stock Schedule, which exists afterwards.
 */
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const run = crypto.randomBytes(3).toString('hex');
const taskQueue = `onboard-cli-tr-${run}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-onboard-tr-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  SIIRTO_PAYLOAD_KEY: `test:${crypto.randomBytes(32).toString('base64')}`,
  SIIRTO_DATA_DIR: dir,
  OBT_NV_CUSTOMER_KEY: 'sandbox-customer-key',
  OBT_NV_PARTNER_KEY: 'sandbox-partner-key',
  OBT_WOO_KEY: 'ck_sandbox',
  OBT_WOO_SECRET: 'cs_sandbox',
  OBT_WOO_HOOK: 'whs',
};
const tenant = `cli-tr-${run}`;
let file: string;
let stopSandboxes: () => Promise<void>;
let worker: Worker;
let running: Promise<void>;
let closeWorker: () => Promise<void>;
let connection: Connection;
let client: Client;
const schedules: string[] = [];

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'woocommerce'], 13);
  stopSandboxes = started.stop;
  for (const [system, s] of Object.entries(started.sandboxes)) env[sandboxUrlVariable(system)] = s.url;
  await control(started.sandboxes.netvisor.url, 'seed', { seed: 13 });
  file = path.join(dir, `${tenant}.yaml`);
  fs.writeFileSync(
    file,
    `tenant: ${tenant}
name: ${tenant} Oy
connections:
  netvisor:
    baseUrl: sandbox:netvisor
    customerId: SIIRTO-SANDBOX
    customerKey: { env: OBT_NV_CUSTOMER_KEY }
    partnerId: SIIRTO_SANDBOX
    partnerKey: { env: OBT_NV_PARTNER_KEY }
    organisationId: 1234567-1
shops:
  - id: woo
    system: woocommerce
    exportTo: netvisor
    baseUrl: sandbox:woocommerce
    consumerKey: { env: OBT_WOO_KEY }
    consumerSecret: { env: OBT_WOO_SECRET }
    webhookSecret: { env: OBT_WOO_HOOK }
orderExport:
  numbering: { offset: 900000, max: 999999 }
stock:
  shops:
    - shop: woo
      warehouses: [Päävarasto]
      pollEvery: 15m
`,
  );
  const tenants = new Map([[tenant, parseTenantFile(file, env)]]);
  const w = await createWorker({ address: temporalAddress(), tenants, codec: codecFromEnvironment(dir, env), taskQueue, options: { workflowBundle: await workflowBundle(), shutdownGraceTime: '100ms' } });
  worker = w.worker;
  closeWorker = w.close;
  running = worker.run();
  connection = await Connection.connect({ interceptors: connectionInterceptors(), address: temporalAddress() });
  client = new Client({ connection, dataConverter: { payloadCodecs: [codecFromEnvironment(dir, env)] } });
}, 120_000);

afterAll(async () => {
  for (const id of schedules) await client?.schedule.getHandle(id).delete().catch(() => undefined);
  await connection?.close();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await closeWorker?.();
  await stopSandboxes?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

function siirto(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
const onboard = (...args: string[]) => ['onboard', file, '--address', temporalAddress(), '--task-queue', taskQueue, ...args];

test('a transfer the file lacks is refused (in Finnish with --lang fi); the rights the stock transfer needs are printed', async () => {
  const r = await siirto(['--lang', 'fi', ...onboard('--transfers', 'invoices')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  // No --pair: the order export and the stock both go with shop-netvisor.
  expect(r.stdout).toContain(`(onboarding/${tenant}/shop-netvisor)`);
  expect(r.stdout).toContain('✔ shop:woo   products (REST API key read/write): OK: REST API -avain saa kirjoittaa (tarkistettu tyhjällä tuote-erällä, joka ei muuta mitään)\n');
  expect(r.stdout).toContain('✔ netvisor   Varasto / inventorybywarehouse.nv: OK (varastosaldot kauppaan woo)\n');
  expect(r.stdout).toContain('✖ parilla shop-netvisor ei ole asiakastiedostossa siirtoa "invoices": käytä stock:woo\n');
});

test('--transfers stock:woo --go-live now: live with the stock Schedule, which exists', async () => {
  const r = await siirto(onboard('--transfers', 'stock:woo', '--go-live', 'now'));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  schedules.push(`reconcile/${tenant}/woo`, `stock/${tenant}/woo`);
  expect(r.stdout).toContain('✔ Registers and directions\n');
  expect(r.stdout).toContain('    ✔ shop:woo   stock: stock levels Netvisor → woo from warehouse Päävarasto (stock balance), polled every 15m\n');
  expect(r.stdout).toContain(`✔ Go-live: live; Schedules reconcile/${tenant}/woo, stock/${tenant}/woo\n`);
  const schedule = await client.schedule.getHandle(`stock/${tenant}/woo`).describe();
  expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchStock', taskQueue });

  // --json carries the choice and the offers.
  const again = JSON.parse((await siirto(onboard('--json'))).stdout);
  expect(again.checklist.transfers).toEqual(['stock:woo']);
  expect(again.checklist.goLive).toMatchObject({ status: 'live', schedules: [`reconcile/${tenant}/woo`, `stock/${tenant}/woo`] });
});
