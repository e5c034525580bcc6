import crypto from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { listPausedSchedules, sendDecision } from '../../client/history';
import { ensureReconcileSchedules } from '../../orchestration/schedules';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { retrySignal, retryUpdate, skipSignal, skipUpdate, statusQuery, type DecisionResult, type TransferState } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * Operator decisions are never lost: retry and skip are Updates that the transfer accepts or refuses with a
 * sentence; the retry and skip signals (for the Temporal UI) are kept when they come early and applied when the
 * transfer parks; skipping a transfer that paused the tenant's Schedules resumes them.
 */
const taskQueue = `decisions-${crypto.randomUUID()}`;
const STRICT = 'd-strict';
const BADKEY = `d-badkey-${crypto.randomBytes(3).toString('hex')}`;
let h: Harness;

const wooOrder = (skus: string[]): WooOrderInput => ({
  status: 'processing',
  billing: { first_name: 'Aino', last_name: 'Virta', address_1: 'Hämeenkatu 3', city: 'Tampere', postcode: '33100', country: 'FI', email: 'aino@example.fi' },
  line_items: skus.map((sku) => ({ sku, quantity: 1, total: '10.00' })),
});

async function place(tenant: string, skus: string[]): Promise<string> {
  const created = await h.woo.createOrder(wooOrder(skus));
  const res = await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(created.id)));
  expect(res.status).toBe(202);
  return exportOrderWorkflowId(tenant, 'woo', String(created.id));
}

async function waitFor(workflowId: string, ok: (s: TransferState) => boolean, what: string, timeoutMs = 30_000): Promise<TransferState> {
  const deadline = Date.now() + timeoutMs;
  let last: TransferState | undefined;
  for (;;) {
    try {
      last = await h.client.workflow.getHandle(workflowId).query(statusQuery);
      if (ok(last)) return last;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${workflowId}: ${what} not reached; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Netvisor's product look-up stalls for a few seconds: the transfer is visibly running at its products step. */
const stallProductLookups = () => control(h.netvisorUrl, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 4000, paths: ['productlist.nv', 'getproduct.nv'] });
const noFaults = () => control(h.netvisorUrl, 'faults', { rate: 0 });

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant(STRICT, urls, { products: { createMissing: false } }),
    { ...demoLikeTenant(BADKEY, urls), connections: { netvisor: { ...demoLikeTenant('x', urls).connections.netvisor!, partnerKey: 'revoked-key' } } },
  ]);
  await control(h.wooUrl, 'seed', { seed: 12, counts: { products: 40 } });
}, 120_000);
afterEach(noFaults);
afterAll(() => h?.stop());

describe('retry and skip as Updates', () => {
  it('refuses a retry while the transfer is running, with the step; accepts it once parked, and the retry goes through', async () => {
    await stallProductLookups();
    const workflowId = await place(STRICT, ['P1030']);
    const handle = h.client.workflow.getHandle(workflowId);
    // The customer and the products are resolved at once (Netvisor's one turn held by the stalled product look-up):
    // the step is both until the customer is in, then the products.
    await waitFor(workflowId, (s) => s.status === 'running' && /products$/.test(s.step), 'running at products');
    const refusal = (action: string) => new RegExp(`^${workflowId} is running \\(step (customer and products|products)\\), not waiting for an operator: nothing to ${action}$`);

    const refused = await handle.executeUpdate(retryUpdate, { args: [{}] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(refusal('retry'));
    // What `siirto retry` says: the same sentence, not "retrying".
    await expect(sendDecision(h.client, workflowId, 'retry')).rejects.toThrow(refusal('retry'));
    await noFaults();

    const parked = await waitFor(workflowId, (s) => s.status === 'needs-attention', 'needs-attention');
    expect(parked.queued).toBeUndefined();
    await h.netvisor.addProduct({ code: 'P1030', name: 'Lisätty', unitPrice: '8.00', vatRate: '25.5', active: true });
    const accepted = await handle.executeUpdate(retryUpdate, { args: [{ note: 'product added' }] });
    expect(accepted).toEqual({ transfer: workflowId, action: 'retry', step: 'products', previousError: parked.error?.message });
    expect(accepted.previousError).toMatch(/P1030 not found in Netvisor/);
    expect(await handle.result()).toMatchObject({ status: 'done' });
    expect((await handle.query(statusQuery)).attempts).toBe(2);

    // Once finished, the CLI's answer names the status.
    await expect(sendDecision(h.client, workflowId, 'skip')).rejects.toThrow(`${workflowId} is done, not waiting for an operator: nothing to skip`);
  });

  it('a second decision on the same parked transfer is refused, not mixed into the first', async () => {
    const workflowId = await place(STRICT, ['P1031']);
    const handle = h.client.workflow.getHandle(workflowId);
    await waitFor(workflowId, (s) => s.status === 'needs-attention', 'needs-attention');
    const [first, second] = await Promise.allSettled([
      handle.executeUpdate(skipUpdate, { args: [{ reason: 'test order' }] }),
      handle.executeUpdate(retryUpdate, { args: [{}] }),
    ]);
    // Exactly one is accepted; the other gets the sentence of a transfer that is no longer waiting.
    const accepted = [first, second].filter((o): o is PromiseFulfilledResult<DecisionResult> => o.status === 'fulfilled');
    const refused = [first, second].filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    if (refused[0].reason instanceof WorkflowNotFoundError) {
      // The skip won and the transfer closed before the retry reached it: refused by Temporal itself, never applied.
      expect(accepted[0].value.action).toBe('skip');
    } else {
      expect(refused[0].reason).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused[0].reason as WorkflowUpdateFailedError).cause?.message).toMatch(/ not waiting for an operator: nothing to (retry|skip)$/);
      expect((refused[0].reason as WorkflowUpdateFailedError).cause?.message.startsWith(`${workflowId} `)).toBe(true);
    }
    if (accepted[0].value.action === 'retry') {
      // The retry won: P1031 is still missing, so the transfer parks again and is skipped then.
      await waitFor(workflowId, (s) => s.status === 'needs-attention' && s.attempts === 2, 'parked again');
      await handle.executeUpdate(skipUpdate, { args: [{ reason: 'test order' }] });
    }
    expect(await handle.result()).toMatchObject({ status: 'skipped' });
    expect((await handle.query(statusQuery)).error?.message).toMatch(/\(skipped: test order\)$/);
  });
});

describe('retry and skip as signals (the Temporal UI)', () => {
  it('a skip signalled while the transfer runs is kept, shown, and applied when the transfer parks', async () => {
    await stallProductLookups();
    const workflowId = await place(STRICT, ['P1032']);
    const handle = h.client.workflow.getHandle(workflowId);
    await waitFor(workflowId, (s) => s.status === 'running' && s.step === 'products', 'running at products');
    await handle.signal(skipSignal, { reason: 'not ours' });
    const queued = await waitFor(workflowId, (s) => s.queued !== undefined, 'queued decision');
    expect(queued.queued).toMatchObject({ action: 'skip', text: 'not ours' });
    expect((await handle.describe()).memo?.queued).toMatch(/^skip signalled at .*: applies when the transfer next needs attention$/);
    await noFaults();

    expect(await handle.result()).toMatchObject({ status: 'skipped' });
    const final = await handle.query(statusQuery);
    expect(final).toMatchObject({ status: 'skipped', lastDecision: { action: 'skip', outcome: 'applied at products' } });
    expect(final.error?.message).toMatch(/P1032 not found in Netvisor.*\(skipped: not ours\)$/);
  });

  it('a retry signalled while running is not needed when the transfer goes through, and says so', async () => {
    await h.netvisor.addProduct({ code: 'P1033', name: 'Olemassa', unitPrice: '8.00', vatRate: '25.5', active: true });
    await stallProductLookups();
    const workflowId = await place(STRICT, ['P1033']);
    const handle = h.client.workflow.getHandle(workflowId);
    await waitFor(workflowId, (s) => s.status === 'running' && s.step === 'products', 'running at products');
    await handle.signal(retrySignal);
    await waitFor(workflowId, (s) => s.queued?.action === 'retry', 'queued retry');
    await noFaults();
    expect(await handle.result()).toMatchObject({ status: 'done' });
    const final = await handle.query(statusQuery);
    expect(final.queued).toBeUndefined();
    expect(final).toMatchObject({ attempts: 1, lastDecision: { action: 'retry', outcome: 'not needed: the transfer went through' } });
  });
});

describe('revoked credentials and the tenant’s Schedules', () => {
  it('skipping the transfer that paused the Schedules resumes them; the paused Schedules are listed with the reason until then', async () => {
    const [scheduleId] = await ensureReconcileSchedules(h.client, new Map([[BADKEY, h.tenants.get(BADKEY)!]]), taskQueue);
    try {
      const workflowId = await place(BADKEY, ['P1034']);
      const parked = await waitFor(workflowId, (s) => s.status === 'needs-attention', 'needs-attention');
      expect(parked.error?.message).toBe('Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.');
      const deadline = Date.now() + 10_000;
      let paused = await listPausedSchedules(h.client, BADKEY);
      while (!paused.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        paused = await listPausedSchedules(h.client, BADKEY);
      }
      expect(paused).toEqual([{ scheduleId, note: `paused: credentials (netvisor): ${parked.error?.message}` }]);

      // The skip as the Temporal UI sends it: a signal (the CLI's Update goes the same way, see above).
      await h.client.workflow.getHandle(workflowId).signal(skipSignal, { reason: 'key being renewed' });
      expect(await h.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'skipped' });
      expect((await h.client.schedule.getHandle(scheduleId).describe()).state).toMatchObject({ paused: false, note: `resumed: ${workflowId}, which paused it for the netvisor credentials, was skipped` });
      expect(await listPausedSchedules(h.client, BADKEY)).toEqual([]);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
