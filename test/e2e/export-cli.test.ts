import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { reconcileShop } from '../../workflows/reconcile-shop';
import { skipSignal, statusQuery } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, temporalAddress, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const key = crypto.randomBytes(32);
const tenant = `again-${crypto.randomBytes(3).toString('hex')}`;
const taskQueue = `export-cli-${crypto.randomUUID()}`;
// The command checks the tenant file names the shop; a minimal one is enough for that.
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-export-cli-'));
fs.writeFileSync(path.join(configDir, `${tenant}.yaml`), `tenant: ${tenant}\nshops:\n  - id: woo\n    system: woocommerce\n`);
const env = { ...process.env, SIIRTO_PAYLOAD_KEY: `test:${key.toString('base64')}` };
const login = os.userInfo().username;
const siirto = (...args: string[]) => run(process.execPath, [CLI, ...args, '--address', temporalAddress(), '--task-queue', taskQueue, '--config', configDir], { env });
const exportJson = async (...args: string[]) => JSON.parse((await siirto('export', tenant, 'woo', ...args, '--json')).stdout);

let h: Harness;

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [demoLikeTenant(tenant, urls, { products: { createMissing: false } })], key);
  await control(h.wooUrl, 'seed', { seed: 7, counts: { products: 30 } });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  fs.rmSync(configDir, { recursive: true, force: true });
});

async function waitFor(workflowId: string, status: string) {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await h.client.workflow.getHandle(workflowId).query(statusQuery)).status === status) return;
    } catch {
      // not started yet, or between runs
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} never reached ${status}`);
}

const invoicesFor = async (reference: string) =>
  ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<Record<string, unknown>>).filter((i) => JSON.stringify(i).includes(`"woo:${reference}"`)); // our stamp: <shop>:<order number>

const placeOrder = async (sku: string) =>
  h.woo.createOrder({
    status: 'processing',
    billing: { first_name: 'Liisa', last_name: 'Koski', address_1: 'Rautatienkatu 1', city: 'Tampere', postcode: '33100', country: 'FI', email: 'liisa@example.fi' },
    line_items: [{ sku, quantity: 1, total: '10.00' }],
  });

async function reconcile() {
  const workflowId = `reconcile-test-${crypto.randomUUID()}`;
  const result = await h.client.workflow.execute(reconcileShop, { taskQueue, workflowId, args: [{ tenant, shop: 'woo', lookback: '1h' }] });
  return { ...result, summary: String((await h.client.workflow.getHandle(workflowId).describe()).memo?.summary) };
}

describe('siirto export: one order on demand, and a finished one again on purpose', () => {
  it('starts an export that never ran, and says so when it already finished', async () => {
    await h.netvisor.addProduct({ code: 'P1020', name: 'On hand', unitPrice: '10.00', vatRate: '25.5', active: true });
    const order = await placeOrder('P1020');
    const workflowId = exportOrderWorkflowId(tenant, 'woo', String(order.id));
    expect(await exportJson(String(order.id))).toEqual({ workflowId, outcome: 'started' });
    await waitFor(workflowId, 'done');
    expect(await exportJson(String(order.id))).toEqual({ workflowId, outcome: 'already-finished', previous: 'done' });
    const human = (await siirto('export', tenant, 'woo', String(order.id))).stdout;
    expect(human).toBe(`${workflowId}: the export already finished (done); nothing started. To run it again on purpose: siirto export ${tenant} woo ${order.id} --again --reason "<why>"\n`);
    expect(await invoicesFor(order.number)).toHaveLength(1);
  });

  it('redoes a skipped export with --again (audited), which reconciliation had reported as skipped, not exported', async () => {
    const order = await placeOrder('P1021');
    const orderId = String(order.id);
    const workflowId = exportOrderWorkflowId(tenant, 'woo', orderId);
    expect((await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(order.id)))).status).toBe(202);
    await waitFor(workflowId, 'needs-attention');
    await h.client.workflow.getHandle(workflowId).signal(skipSignal, { reason: 'product missing' });
    await h.client.workflow.getHandle(workflowId).result();

    // The poll neither restarts it nor counts it as exported.
    const first = await reconcile();
    expect(first.skipped).toBe(1);
    expect(first.skippedOrders).toEqual([orderId]);
    expect(first.started).toBe(0);
    expect(first.summary).toContain(`not exported: 1 skipped by an operator (order ${orderId}) (siirto export --again runs one once more)`);
    // A webhook does not restart it either.
    expect((await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(order.id)))).json).toEqual({ workflowId, alreadyFinished: true });

    // --again wants a reason.
    await expect(siirto('export', tenant, 'woo', orderId, '--again')).rejects.toMatchObject({ stderr: expect.stringContaining('--again needs --reason "<why>"') });

    await h.netvisor.addProduct({ code: 'P1021', name: 'Added by the operator', unitPrice: '10.00', vatRate: '25.5', active: true });
    const skippedRun = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    expect(await exportJson(orderId, '--again', '--reason', 'product added in Netvisor')).toEqual({
      workflowId,
      outcome: 'started-again',
      previous: 'skipped',
      again: { by: login, reason: 'product added in Netvisor' },
    });
    const handle = h.client.workflow.getHandle(workflowId);
    expect(await handle.result()).toMatchObject({ status: 'done' });
    const rerun = await handle.describe();
    expect(rerun.runId).not.toBe(skippedRun);
    expect(rerun.memo?.rerun).toEqual({ by: login, at: rerun.startTime.toISOString(), reason: 'product added in Netvisor' });
    expect(await invoicesFor(order.number)).toHaveLength(1);

    // Done now: the poll counts it exported, and neither it nor a webhook starts it once more.
    const second = await reconcile();
    expect(second).toMatchObject({ skipped: 0, started: 0 });
    expect(second.alreadyExported).toBeGreaterThanOrEqual(1);
    expect((await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(order.id)))).json).toEqual({ workflowId, alreadyFinished: true });
    expect((await handle.describe()).runId).toBe(rerun.runId);
  }, 120_000);

  it('runs a done export again without writing a second document', async () => {
    await h.netvisor.addProduct({ code: 'P1022', name: 'On hand', unitPrice: '10.00', vatRate: '25.5', active: true });
    const order = await placeOrder('P1022');
    const orderId = String(order.id);
    const workflowId = exportOrderWorkflowId(tenant, 'woo', orderId);
    await exportJson(orderId);
    const handle = h.client.workflow.getHandle(workflowId);
    const done = await handle.result();
    expect(await exportJson(orderId, '--again', '--reason', 'check the invoice', '--by', 'pekka')).toMatchObject({ outcome: 'started-again', previous: 'done' });
    const again = await handle.result();
    expect(again).toMatchObject({ status: 'done', number: done.number, documentId: done.documentId });
    expect(await invoicesFor(order.number)).toHaveLength(1);
    expect((await handle.describe()).memo?.rerun).toMatchObject({ by: 'pekka', reason: 'check the invoice' });
  }, 120_000);

  it('reports a terminated export as failed, not exported, and can run it again', async () => {
    const order = await placeOrder('P1023');
    const orderId = String(order.id);
    const workflowId = exportOrderWorkflowId(tenant, 'woo', orderId);
    expect(await exportJson(orderId)).toEqual({ workflowId, outcome: 'started' });
    await waitFor(workflowId, 'needs-attention');
    expect(await exportJson(orderId)).toEqual({ workflowId, outcome: 'running' });
    await h.client.workflow.getHandle(workflowId).terminate('operator gave up');
    const pass = await reconcile();
    expect(pass).toMatchObject({ failed: 1, failedOrders: [orderId], skipped: 0, started: 0 });
    expect(pass.summary).toContain(`1 failed (order ${orderId})`);
    expect(await exportJson(orderId)).toEqual({ workflowId, outcome: 'already-finished', previous: 'failed' });
    await h.netvisor.addProduct({ code: 'P1023', name: 'Added later', unitPrice: '10.00', vatRate: '25.5', active: true });
    expect(await exportJson(orderId, '--again', '--reason', 'terminated by mistake')).toMatchObject({ outcome: 'started-again', previous: 'failed' });
    expect(await h.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'done' });
    expect(await invoicesFor(order.number)).toHaveLength(1);
  }, 120_000);

  it('refuses an unknown shop, a reason without --again, and an order id that is not a number, in words', async () => {
    await expect(siirto('export', tenant, 'nope', '1')).rejects.toMatchObject({ stderr: expect.stringContaining(`tenant "${tenant}" has no shop "nope"`) });
    await expect(siirto('export', tenant, 'woo', '1', '--reason', 'x')).rejects.toMatchObject({ stderr: expect.stringContaining('--reason goes with --again') });
    await expect(siirto('export', tenant, 'woo', 'abc')).rejects.toMatchObject({ stderr: expect.stringContaining('"abc" is not a shop order id') });
  });
});
