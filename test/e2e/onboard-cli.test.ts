import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { parseTenantFile, sandboxUrlVariable } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * `siirto onboard` as an operator runs it: the built CLI (dist/, `node scripts/bootstrap.js`) against a worker on
 * the shared dev server and the sandboxes. It prints the checklist with the precise message per system, stops for
 * a decision it may not make alone (exit 3), and continues from where the workflow is when run again.
 */
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const run = crypto.randomBytes(3).toString('hex');
const taskQueue = `onboard-cli-${run}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-onboard-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  SIIRTO_PAYLOAD_KEY: `test:${crypto.randomBytes(32).toString('base64')}`,
  SIIRTO_DATA_DIR: dir,
  OB_NV_CUSTOMER_KEY: 'sandbox-customer-key',
  OB_NV_PARTNER_KEY: 'sandbox-partner-key',
  OB_RB_TOKEN: 'sandbox-rackbeat-token',
  OB_SEVERA_SECRET: 'sandbox-secret',
  OB_SEVERA_WRONG: 'not-the-secret',
};

function tenantFile(id: string, severaSecretVar: string): string {
  const file = path.join(dir, `${id}.yaml`);
  fs.writeFileSync(
    file,
    `tenant: ${id}
name: ${id} Oy
connections:
  netvisor:
    baseUrl: sandbox:netvisor
    customerId: SIIRTO-SANDBOX
    customerKey: { env: OB_NV_CUSTOMER_KEY }
    partnerId: SIIRTO_SANDBOX
    partnerKey: { env: OB_NV_PARTNER_KEY }
    organisationId: 1234567-1
  rackbeat:
    baseUrl: sandbox:rackbeat
    apiToken: { env: OB_RB_TOKEN }
  severa:
    baseUrl: sandbox:severa
    clientId: sandbox-client
    clientSecret: { env: ${severaSecretVar} }
sync:
  pairs:
    - pair: rackbeat-netvisor
      registers:
        customers: { direction: rackbeat-to-netvisor }
`,
  );
  return file;
}

let urls: Record<string, string>;
let stopSandboxes: () => Promise<void>;
let worker: Worker;
let running: Promise<void>;
let closeWorker: () => Promise<void>;
let good: string;
let bad: string;

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'rackbeat', 'severa'], 9);
  stopSandboxes = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, v]) => [k, v.url]));
  for (const [system, url] of Object.entries(urls)) env[sandboxUrlVariable(system)] = url;
  good = tenantFile(`cli-${run}`, 'OB_SEVERA_SECRET');
  bad = tenantFile(`cli-${run}-bad`, 'OB_SEVERA_WRONG');
  const tenants = new Map([good, bad].map((f) => parseTenantFile(f, env)).map((t) => [t.tenant, t]));
  const w = await createWorker({ address: temporalAddress(), tenants, codec: codecFromEnvironment(dir, env), taskQueue, options: { workflowBundle: await workflowBundle(), shutdownGraceTime: '100ms' } });
  worker = w.worker;
  closeWorker = w.close;
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await closeWorker?.();
  await stopSandboxes?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'onboard', ...args, '--address', temporalAddress(), '--task-queue', taskQueue], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

test('a wrong Severa secret: the checklist names it, Netvisor is OK, exit 1', async () => {
  const r = await cli([bad, '--pair', 'severa-netvisor']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`Onboarding severa-netvisor for cli-${run}-bad (onboarding/cli-${run}-bad/severa-netvisor)`);
  expect(r.stdout).toContain('✖ Credentials\n');
  expect(r.stdout).toContain('✖ severa     Invalid Severa API key: connection cannot be established. Check the API key.\n');
  expect(r.stdout).toContain('✔ netvisor   OK\n');
  // Not a terminal: no colour codes.
  expect(r.stdout).not.toContain('\u001b[');
  expect(r.stdout).toContain('Fix the above and run "siirto onboard" again');
});

test('an invalid tenant file is refused with the field before anything starts', async () => {
  const file = path.join(dir, 'broken.yaml');
  fs.writeFileSync(file, 'tenant: broken\nname: Broken\nconnections:\n  severa:\n    baseUrl: sandbox:severa\n    clientId: x\n    clientSecret: plain-text\n');
  const r = await cli([file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${file}: connections.severa.clientSecret: secrets are not written in the file`);
});

test('stops for agreement, then continues where it was: prerequisites created, plan shown, migrated, live', async () => {
  await control(urls.rackbeat, 'seed', { seed: 9, counts: { customerGroups: 0, supplierGroups: 0, paymentTerms: 0, customers: 2, suppliers: 0, orders: 0 } });
  await control(urls.netvisor, 'seed', { seed: 9, counts: { customers: 0 } });

  // The file configures one pair, so --pair is not needed. Without --yes and without a terminal, nothing is created.
  const first = await cli([good]);
  expect(first.code).toBe(3);
  expect(first.stdout).toContain('✔ Credentials\n');
  expect(first.stdout).toContain('✔ Permissions\n');
  expect(first.stdout).toContain('✖ rackbeat   customer group 1: Missing in Rackbeat: customer group 1\n');
  expect(first.stdout).toContain('Rerun with --yes');
  expect((await control(urls.rackbeat, 'state')).customerGroups).toHaveLength(0);

  const second = await cli([good, '--yes', '--go-live', 'now', '--json']);
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  const out = JSON.parse(second.stdout);
  expect(out.workflowId).toBe(`onboarding/cli-${run}/rackbeat-netvisor`);
  expect(out.checklist.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
    'credentials:ok',
    'permissions:ok',
    'prerequisites:ok',
    'registers:ok',
    'migrations:ok',
    'go-live:ok',
  ]);
  expect(out.checklist.migrations.map((m: { dryRun: boolean; summary: string }) => [m.dryRun, m.summary])).toEqual([
    [true, '2 read; to create 2, to update 0, unchanged 0, conflicts 0, skipped 0'],
    [false, '2 read; create 2, update 0, unchanged 0, conflicts 0, skipped 0'],
  ]);
  expect((await control(urls.rackbeat, 'state')).customerGroups).toHaveLength(1);

  // Live: running it again re-checks the credentials and shows the checklist.
  const third = await cli([good]);
  expect(third.code).toBe(0);
  expect(third.stdout).toContain('✔ Credentials\n');
  expect(third.stdout).toContain('  ✔ Go-live (live ');
});

test('go-live at a later time is scheduled, shown on the next run, and cancelled with --cancel-go-live', async () => {
  const at = new Date(Date.now() + 86_400_000).toISOString();
  const first = await cli([good, '--pair', 'severa-netvisor', '--go-live', at]);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('✔ Registers and directions\n    no registers chosen: nothing to migrate\n');
  expect(first.stdout).toContain(`⏱ Go-live scheduled for ${at}\n`);
  const again = await cli([good, '--pair', 'severa-netvisor']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`Go-live is scheduled for ${at} (a durable timer; cancel with --cancel-go-live)`);
  const cancel = await cli([good, '--pair', 'severa-netvisor', '--cancel-go-live', '--json']);
  expect(cancel.code).toBe(0);
  expect(JSON.parse(cancel.stdout).checklist.goLive).toEqual({ status: 'cancelled', at, schedules: [] });
});

test('the migrations the CLI ran are finished, none left running', async () => {
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address: temporalAddress() });
  try {
    const open = connection.workflowService.listOpenWorkflowExecutions({ namespace: 'default', maximumPageSize: 100, typeFilter: { name: 'migrateRegister' } });
    const executions = (await open).executions ?? [];
    expect(executions.filter((e) => e.execution?.workflowId?.includes(`cli-${run}`))).toEqual([]);
  } finally {
    await connection.close();
  }
});
