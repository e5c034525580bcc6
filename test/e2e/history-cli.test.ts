import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { statusQuery } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, temporalAddress, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const key = crypto.randomBytes(32);
const env = { ...process.env, SIIRTO_PAYLOAD_KEY: `test:${key.toString('base64')}` };
const siirto = (...args: string[]) => run(process.execPath, [CLI, ...args, '--address', temporalAddress()], { env });

const tenant = `hist-${crypto.randomBytes(3).toString('hex')}`;
let h: Harness;

async function waitFor(workflowId: string, status: string) {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await h.client.workflow.getHandle(workflowId).query(statusQuery)).status === status) return;
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} never reached ${status}`);
}

/** Visibility is eventually consistent: poll the CLI until the expected rows show. */
async function historyRows(...args: string[]): Promise<any[]> {
  for (let i = 0; i < 50; i++) {
    const rows = JSON.parse((await siirto('history', '--tenant', tenant, '--json', ...args)).stdout);
    if (rows.length) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
  return [];
}

beforeAll(async () => {
  h = await startHarness(`history-${crypto.randomUUID()}`, (urls) => [demoLikeTenant(tenant, urls, { products: { createMissing: false } })], key);
  await control(h.wooUrl, 'seed', { seed: 5, counts: { products: 30 } });
}, 120_000);
afterAll(() => h?.stop());

describe('siirto history / retry / skip', () => {
  it('lists a parked transfer with its error, retries it after the fix, and skips another', async () => {
    const place = async (skus: string[]) => {
      const created = await h.woo.createOrder({
        status: 'processing',
        billing: { first_name: 'Liisa', last_name: 'Koski', address_1: 'Rautatienkatu 1', city: 'Tampere', postcode: '33100', country: 'FI', email: 'liisa@example.fi' },
        line_items: skus.map((sku) => ({ sku, quantity: 1 })),
      });
      await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(created.id)));
      return exportOrderWorkflowId(tenant, 'woo', String(created.id));
    };
    const first = await place(['P1025']);
    const second = await place(['P1026']);
    await waitFor(first, 'needs-attention');
    await waitFor(second, 'needs-attention');

    const parked = await historyRows('--status', 'needs-attention');
    expect(parked.map((r) => r.workflowId).sort()).toEqual([first, second].sort());
    expect(parked[0]).toMatchObject({ tenant, flow: 'order-export', entity: 'order', status: 'needs-attention' });
    expect(parked[0].error).toMatch(/not found in Netvisor and creating products is off/);

    const table = (await siirto('history', '--tenant', tenant, '--status', 'needs-attention')).stdout;
    expect(table).toMatch(/STATUS\s+FLOW\s+TENANT\s+SOURCE\s+TARGET\s+STARTED\s+TRANSFER/);
    expect(table).toContain('↳ product P1025 not found in Netvisor');

    // Fix the cause, then retry; skip the other one.
    await h.netvisor.addProduct({ code: 'P1025', name: 'Lisätty', unitPrice: '5.00', vatRate: '25.5', active: true });
    expect((await siirto('retry', first)).stdout).toContain(`retrying ${first}`);
    expect((await siirto('skip', second, '--reason', 'duplicate order')).stdout).toContain(`skipped ${second}`);
    await waitFor(first, 'done');
    await waitFor(second, 'skipped');

    const done = await historyRows('--status', 'done');
    expect(done.map((r) => r.workflowId)).toContain(first);
    expect(done.find((r) => r.workflowId === first).targetId).toMatch(/^9\d{5}$/);

    // Retrying something that is not parked says so and changes nothing.
    await expect(siirto('retry', first)).rejects.toMatchObject({ stderr: `siirto: ${first} is done, not waiting for an operator: nothing to retry\n` });
  });

  it('refuses a retry while the transfer runs, naming its step; lists the Schedules paused for revoked credentials, and why', async () => {
    // A transfer visibly running: Netvisor's product look-up stalls.
    await control(h.netvisorUrl, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 4000, paths: ['productlist.nv', 'getproduct.nv'] });
    try {
      const created = await h.woo.createOrder({
        status: 'processing',
        billing: { first_name: 'Liisa', last_name: 'Koski', address_1: 'Rautatienkatu 1', city: 'Tampere', postcode: '33100', country: 'FI', email: 'liisa@example.fi' },
        line_items: [{ sku: 'P1027', quantity: 1 }],
      });
      await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(created.id)));
      const id = exportOrderWorkflowId(tenant, 'woo', String(created.id));
      for (let i = 0; i < 100; i++) {
        const s = await h.client.workflow.getHandle(id).query(statusQuery).catch(() => undefined);
        if (s?.step === 'products') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await expect(siirto('retry', id)).rejects.toMatchObject({ stderr: `siirto: ${id} is running (step products), not waiting for an operator: nothing to retry\n` });
    } finally {
      await control(h.netvisorUrl, 'faults', { rate: 0 });
    }

    const scheduleId = `reconcile/${tenant}/woo`;
    await h.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: 'reconcileShop', args: [{ tenant, shop: 'woo', lookback: '1h' }], taskQueue: 'nowhere' },
      state: { paused: true, note: 'paused: credentials (netvisor): Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.' },
    });
    try {
      const table = (await siirto('history', '--tenant', tenant)).stdout;
      expect(table).toContain(`paused Schedules (1):\n  ${scheduleId}: paused: credentials (netvisor): Invalid Netvisor credentials`);
      expect(JSON.parse((await siirto('history', '--tenant', tenant, '--schedules', '--json')).stdout)).toEqual([
        { scheduleId, note: 'paused: credentials (netvisor): Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.' },
      ]);
      // --json without --schedules stays one line of transfers.
      expect(Array.isArray(JSON.parse((await siirto('history', '--tenant', tenant, '--json')).stdout))).toBe(true);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('prints the visibility query for the Temporal UI', async () => {
    const { stdout } = await siirto('history', '--tenant', 'demo', '--status', 'needs-attention', '--query');
    expect(stdout.trim()).toBe("SiirtoTenant = 'demo' AND SiirtoStatus = 'needs-attention' AND SiirtoFlow IS NOT NULL");
  });
});
