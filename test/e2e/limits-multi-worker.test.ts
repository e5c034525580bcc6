import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { sandboxUrlVariable } from '../../config/load';
import { RackbeatClient } from '../../connectors/rackbeat';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { LINK_FIELDS } from '../../domain/mapping/rackbeat-twentyfourseven';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { exportOrder, exportOrderWorkflowId } from '../../workflows/order-export';
import { migrateRegister, migrationWorkflowId } from '../../workflows/register-migration';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * Issue 13: the API limits hold across every worker process. Three `siirto worker` processes (the built CLI) share
 * one task queue and one PostgreSQL for their limits, and run many order exports (to Netvisor and Procountor) and
 * register migrations (Severa → Netvisor, 24SevenOffice ↔ Rackbeat) at once. The sandboxes are the witnesses: the
 * Netvisor sandbox counts the largest overlap of calls for one environment, the others count their busiest window
 * against their (scaled-down) published limit and every request they refused for it.
 *
 * The sandbox limits are scaled down, and the workers' paces with them (SIIRTO_PACE_*), so that three workers pacing
 * only themselves would go over: SIIRTO_TEST_LIMITS=process runs the same load with `--limits process`, and then
 * the sandboxes see overlaps and refusals (this test fails), which shows the load is heavy enough to matter.
 */
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const run = crypto.randomBytes(3).toString('hex');
const tenant = `lim-${run}`;
const taskQueue = `limits-${run}`;
const mode = process.env.SIIRTO_TEST_LIMITS ?? 'postgres';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-limits-'));
const pgBase = new URL(process.env.SIIRTO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432');
const inDatabase = (name: string) => Object.assign(new URL(pgBase.toString()), { pathname: `/${name}` }).toString();
const LIMITS_DB = `siirto_limits_e2e_${run}`;

const ORDERS_PER_SHOP = 14;

/** Scaled limits: the sandbox's (what the "vendor" enforces) and the workers' pace, a margin below it. */
const LIMITS = {
  procountor: { sandbox: { perSecond: 8 }, limit: 8, pace: '6/1250ms' },
  rackbeat: { sandbox: { perSecond: 5 }, limit: 5, pace: '4/1250ms' },
  '24so': { sandbox: { perSecond: 6 }, limit: 6, pace: '4/1250ms' },
  severa: { sandbox: { perSecond: 2 }, limit: 2, pace: '2/1250ms' },
} as const;

const env: NodeJS.ProcessEnv = {
  ...process.env,
  SIIRTO_PAYLOAD_KEY: `test:${crypto.randomBytes(32).toString('base64')}`,
  SIIRTO_DATA_DIR: dir,
  SIIRTO_POSTGRES_URL: inDatabase(LIMITS_DB),
  SIIRTO_PACE_PROCOUNTOR: LIMITS.procountor.pace,
  SIIRTO_PACE_RACKBEAT: LIMITS.rackbeat.pace,
  SIIRTO_PACE_TWENTYFOURSEVEN: LIMITS['24so'].pace,
  SIIRTO_PACE_SEVERA: LIMITS.severa.pace,
  LIM_NV_CUSTOMER_KEY: 'sandbox-customer-key',
  LIM_NV_PARTNER_KEY: 'sandbox-partner-key',
  LIM_PC_SECRET: 'sandbox-secret',
  LIM_PC_API_KEY: 'sandbox-api-key',
  LIM_RB_TOKEN: 'sandbox-rackbeat-token',
  LIM_SO_APP: '00000000-0000-0000-0000-000000000024',
  LIM_SO_PASSWORD: 'sandbox',
  LIM_SEVERA_SECRET: 'sandbox-secret',
  LIM_WOO_KEY: 'ck_sandbox',
  LIM_WOO_SECRET: 'cs_sandbox',
  LIM_WOO_HOOK: 'sandbox-webhook-secret',
};
if (mode === 'process') delete env.SIIRTO_POSTGRES_URL;

const shop = (id: string, exportTo: string) => `  - id: ${id}
    system: woocommerce
    exportTo: ${exportTo}
    baseUrl: sandbox:woocommerce
    consumerKey: { env: LIM_WOO_KEY }
    consumerSecret: { env: LIM_WOO_SECRET }
    webhookSecret: { env: LIM_WOO_HOOK }
`;

fs.writeFileSync(
  path.join(dir, `${tenant}.yaml`),
  `tenant: ${tenant}
name: Rajat Oy
connections:
  netvisor:
    baseUrl: sandbox:netvisor
    customerId: SIIRTO-SANDBOX
    customerKey: { env: LIM_NV_CUSTOMER_KEY }
    partnerId: SIIRTO_SANDBOX
    partnerKey: { env: LIM_NV_PARTNER_KEY }
    organisationId: 1234567-1
    language: FI
  procountor:
    baseUrl: sandbox:procountor/api
    clientId: sandbox-client
    clientSecret: { env: LIM_PC_SECRET }
    apiKey: { env: LIM_PC_API_KEY }
  rackbeat:
    baseUrl: sandbox:rackbeat
    apiToken: { env: LIM_RB_TOKEN }
  twentyfourseven:
    baseUrl: sandbox:24so
    applicationId: { env: LIM_SO_APP }
    username: single@siirto.test
    password: { env: LIM_SO_PASSWORD }
  severa:
    baseUrl: sandbox:severa
    clientId: sandbox-client
    clientSecret: { env: LIM_SEVERA_SECRET }
shops:
${shop('woo-nv', 'netvisor')}${shop('woo-pc', 'procountor')}orderExport:
  numbering: { offset: 900000, max: 999999 }
  procountor: { finish: unfinished, customerData: order }
sync:
  pairs:
    - pair: rackbeat-24so
      registers:
        products: { direction: 24so-to-rackbeat }
        customers: { direction: rackbeat-to-24so }
      currency: DKK
      language: da
    - pair: severa-netvisor
      registers:
        customers: { direction: severa-to-netvisor }
        cost-centres: { direction: severa-to-netvisor }
`,
);

let urls: Record<string, string>;
let stopSandboxes: () => Promise<void>;
let connection: Connection;
let client: Client;
/** Every workflow the test started: any still running at the end is terminated. */
const started: Array<{ terminate(reason?: string): Promise<unknown> }> = [];
const workers: Array<{ child: ChildProcess; stderr: string[]; exited: Promise<number | null> }> = [];

const bundleFile = path.join(dir, 'workflows.js');

function startWorker() {
  const args = [CLI, 'worker', '--address', temporalAddress(), '--config', dir, '--task-queue', taskQueue, '--limits', mode, '--workflow-bundle', bundleFile];
  const child = spawn(process.execPath, args, {
    env: { ...env, SIIRTO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  workers.push({ child, stderr, exited });
}

/** The distinct worker identities polling the activity queue (each process has its own). */
async function activityPollers(): Promise<number> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return new Set((res.pollers ?? []).map((p) => p.identity)).size;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`${what} not within ${timeoutMs} ms; worker stderr:\n${workers.map((w) => w.stderr.join('')).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor', 'woocommerce', 'procountor', 'rackbeat', '24so', 'severa'], 13);
  stopSandboxes = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, v]) => [k, v.url]));
  for (const [system, url] of Object.entries(urls)) env[sandboxUrlVariable(system)] = url;

  await control(urls.woocommerce, 'seed', { seed: 13, counts: { products: ORDERS_PER_SHOP, orders: 0 } });
  await control(urls.severa, 'seed', { seed: 13, counts: { customers: 16, products: 0 } });
  // Netvisor starts without customer cards, so the Severa customers' numbers are free.
  await control(urls.netvisor, 'seed', { seed: 13, counts: { customers: 0 } });
  await control(urls.rackbeat, 'seed', { seed: 13, counts: { customers: 12, suppliers: 0, orders: 0 } });
  const rackbeat = new RackbeatClient({ baseUrl: urls.rackbeat, apiToken: 'sandbox-rackbeat-token' });
  await rackbeat.fields.create({ name: '24SO product id', slug: LINK_FIELDS.products, type: 'text', available_for: 'item' });
  await rackbeat.fields.create({ name: '24SO customer id', slug: LINK_FIELDS.customers, type: 'text', available_for: 'customer' });
  for (const [system, l] of Object.entries(LIMITS)) await control(urls[system], 'limits', l.sandbox);
  // Netvisor takes its time over each call, as the real one does: overlapping calls have room to collide.
  await control(urls.netvisor, 'netvisor/processing-time', { ms: 15 });

  connection = await Connection.connect({ interceptors: connectionInterceptors(), address: temporalAddress() });
  client = new Client({ connection, dataConverter: { payloadCodecs: [codecFromEnvironment(dir, env)] } });
  // One bundle for the three workers (what `siirto cluster` does), instead of three webpack runs on two cores.
  fs.writeFileSync(bundleFile, (await workflowBundle()).code);
  for (let i = 0; i < 3; i++) startWorker();
  // Every worker polls before any work is given out, so all three take a share.
  await until(async () => (await activityPollers()) === 3, 'three workers polling', 180_000);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(started.map((h) => h.terminate('limits test over')));
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((r) => setTimeout(r, 15_000))]);
  for (const w of workers) w.child.kill('SIGKILL');
  await connection?.close();
  await stopSandboxes?.();
  fs.rmSync(dir, { recursive: true, force: true });
  if (mode === 'postgres') {
    const admin = new PgClient({ connectionString: inDatabase('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${LIMITS_DB}" WITH (FORCE)`);
    await admin.end();
  }
}, 60_000);

it('three workers, many orders and syncs at once: Netvisor never sees two calls in flight, no sandbox sees its limit exceeded', async () => {
  const woo = new WooCommerceClient({ baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
  const products = ((await control(urls.woocommerce, 'state')).products as Array<{ sku: string }>).map((p) => p.sku);
  const orders = [];
  for (let i = 0; i < ORDERS_PER_SHOP; i++) {
    orders.push(
      await woo.createOrder({
        status: 'processing',
        billing: { first_name: 'Aino', last_name: `Raja ${i}`, company: `Rajatesti ${run} ${i} Oy`, address_1: `Rajakatu ${i + 1}`, city: 'Oulu', postcode: '90100', country: 'FI' },
        line_items: [{ sku: products[i], quantity: 1 + (i % 3) }],
      }),
    );
  }

  const handles = [];
  for (const order of orders) {
    for (const shopId of ['woo-nv', 'woo-pc']) {
      handles.push(
        await client.workflow.start(exportOrder, {
          taskQueue,
          workflowId: exportOrderWorkflowId(tenant, shopId, String(order.id)),
          args: [{ tenant, shop: shopId, orderId: String(order.id), trigger: 'manual' }],
        }),
      );
    }
  }
  const migrations = [
    { pair: 'severa-netvisor', register: 'customers', direction: 'severa-to-netvisor', batchSize: 2 },
    { pair: 'severa-netvisor', register: 'cost-centres', direction: 'severa-to-netvisor', batchSize: 1 },
    { pair: 'rackbeat-24so', register: 'products', direction: '24so-to-rackbeat', batchSize: 3 },
    { pair: 'rackbeat-24so', register: 'customers', direction: 'rackbeat-to-24so', batchSize: 3 },
  ] as const;
  const migrationHandles = [];
  for (const m of migrations) {
    migrationHandles.push(
      await client.workflow.start(migrateRegister, {
        taskQueue,
        workflowId: migrationWorkflowId(tenant, m.pair, m.register),
        args: [{ tenant, ...m, tuning: { heartbeatTimeout: '20s', retryInterval: '1s' } }],
      }),
    );
  }

  // Everything settles (or, with limits per process only, the run is cut off), then the witnesses speak first.
  started.push(...handles, ...migrationHandles);
  const all = Promise.allSettled([...handles, ...migrationHandles].map((h) => h.result()));
  await Promise.race([all, new Promise((r) => setTimeout(r, 240_000))]);
  // All witnesses in one comparison, so a failure shows every sandbox's figures at once.
  const netvisor = await control(urls.netvisor, 'stats');
  const seen: Record<string, unknown> = { netvisor: { maxInFlight: netvisor.overlap.maxInFlight, refused: netvisor.overlap.refused } };
  const expected: Record<string, unknown> = { netvisor: { maxInFlight: 1, refused: 0 } };
  for (const [system, l] of Object.entries(LIMITS)) {
    const stats = await control(urls[system], 'stats');
    seen[system] = { ...stats.rateLimit, withinLimit: stats.rateLimit.busiestWindow <= l.limit, busy: stats.requests > l.limit };
    expected[system] = { limit: l.limit, windowMs: 1000, busiestWindow: stats.rateLimit.busiestWindow, refused: 0, withinLimit: true, busy: true };
  }
  expect(seen).toEqual(expected);

  const exported = await Promise.all(handles.map((h) => h.result()));
  expect(exported.every((r) => r.status === 'done')).toBe(true);
  const migrated = await Promise.all(migrationHandles.map((h) => h.result()));
  expect(migrated.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
  expect(migrated.map((r) => r.counts.read)).toEqual([16, 5, migrated[2].counts.read, 12]);
  expect(migrated[2].counts.read).toBeGreaterThan(0);
  // Records refused are the seeds' own data clashes (names, numbers), never a limit or an overlap.
  const refusals = migrated.flatMap((r) => r.entries.filter((e) => e.action === 'conflict' || e.action === 'skip'));
  expect(refusals.filter((e) => /limit|quota|quarantine|another request|overlap|too many/i.test(e.reason ?? ''))).toEqual([]);

  // The work happened, in every system.
  const nvState = await control(urls.netvisor, 'state');
  const numbers = orders.map((o) => String(900000 + Number(o.number)));
  expect((nvState.salesInvoices as Array<{ number: string }>).filter((i) => numbers.includes(i.number))).toHaveLength(ORDERS_PER_SHOP);
  expect(netvisor.requests).toBeGreaterThan(ORDERS_PER_SHOP * 4);

  // Every worker took part (activity tasks started by three identities).
  const identities = new Set<string>();
  for (const h of [...handles, ...migrationHandles]) {
    for (const event of (await h.fetchHistory()).events ?? []) {
      const who = event.activityTaskStartedEventAttributes?.identity;
      if (who) identities.add(who);
    }
  }
  expect(identities.size).toBe(3);
}, 420_000);
