import crypto from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { retrySignal, skipSignal, statusQuery } from '../../workflows/transfer';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { SiirtoStatus, SiirtoTargetId } from '../../workflows/search-attributes';
import { demoLikeTenant, postWooWebhook, startHarness, WEBHOOK_SECRET, wooSignature, workflowBundle, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

const taskQueue = `order-export-${crypto.randomUUID()}`;
let h: Harness;

/**
 * The WooCommerce sandbox is seeded with products P1000…P1029 and Netvisor with P1000…P1007, so P1010 and up
 * exist in the shop but not yet in Netvisor. Each test uses its own SKUs.
 */
const order = (skus: [string, string], extra: Partial<WooOrderInput> = {}): WooOrderInput => ({
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { first_name: 'Aino', last_name: 'Virtanen', company: 'Revontuli Design Oy', address_1: 'Hämeenkatu 12', city: 'Tampere', postcode: '33100', country: 'FI', email: 'aino@revontuli.fi' },
  meta_data: [{ key: '_billing_business_id', value: '2345678-0' }],
  line_items: [
    { sku: skus[0], quantity: 2, total: '20.00' },
    { sku: skus[1], quantity: 1, total: '7.50' },
  ],
  shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: '5.90' }],
  ...extra,
});

const invoicesFor = async (reference: string) =>
  ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<Record<string, unknown>>).filter((i) => JSON.stringify(i).includes(`"woo:${reference}"`));

async function waitForStatus(workflowId: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = await h.client.workflow.getHandle(workflowId).query(statusQuery);
      if (s.status === status) return s;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${workflowId} did not reach ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant('t-main', urls),
    demoLikeTenant('t-strict', urls, { products: { createMissing: false } }),
  ]);
  await control(h.wooUrl, 'seed', { seed: 1, counts: { products: 30 } });
}, 120_000);

/** Creates an order in the WooCommerce sandbox and delivers its webhook to the tenant, signed. */
async function placeOrder(tenant: string, input: WooOrderInput) {
  const created = await h.woo.createOrder(input);
  const body = JSON.stringify(await h.woo.getOrder(created.id));
  const res = await postWooWebhook(h.serverUrl, tenant, body);
  return { created, body, res, workflowId: exportOrderWorkflowId(tenant, 'woo', String(created.id)) };
}

afterAll(async () => {
  await h?.stop();
});

describe('exportOrder: a WooCommerce order becomes one Netvisor sales invoice', () => {
  it('goes from the shop webhook to an invoice, with customer and products upserted first', async () => {
    // The sandbox itself delivers the webhook here, as WooCommerce would.
    const { webhook } = await h.woo.ensureWebhook({ name: 'Siirto', topic: 'order.created', deliveryUrl: `${h.serverUrl}/webhooks/woocommerce/t-main`, secret: WEBHOOK_SECRET });
    const created = await h.woo.createOrder(order(['P1010', 'P1011']));
    const workflowId = exportOrderWorkflowId('t-main', 'woo', String(created.id));
    try {
      await waitForStatus(workflowId, 'done');
    } finally {
      await h.woo.deleteWebhook(webhook.id);
    }
    const result = await h.client.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ status: 'done', number: String(900000 + Number(created.number)) });

    const state = await control(h.netvisorUrl, 'state');
    expect(state.products.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['P1010', 'P1011']));
    // The order has an email, so the new customer card gets it as its email invoicing address (channel: email).
    expect(state.customers.find((c: { name: string }) => c.name === 'Revontuli Design Oy')).toMatchObject({ emailInvoicingAddress: 'aino@revontuli.fi' });
    const invoices = await invoicesFor(created.number);
    expect(invoices).toHaveLength(1);
    // The content: the shop's total to the cent, billing and delivery, product rows, payment method as a comment.
    const shopOrder = await h.woo.getOrder(created.id);
    const invoice = invoices[0] as any;
    expect(Number(String(invoice.amount).replace(',', '.')).toFixed(2)).toBe(Number(shopOrder.total).toFixed(2));
    expect(invoice.billing).toMatchObject({ name: 'Revontuli Design Oy', street: 'Hämeenkatu 12', postalCode: '33100', city: 'Tampere' });
    expect(invoice.ourReference).toBe(`woo:${created.number}`);
    const productRows = invoice.lines.filter((l: { type: string }) => l.type !== 'comment');
    expect(productRows.map((l: { productCode?: string; code?: string }) => l.productCode ?? l.code)).toEqual(expect.arrayContaining(['P1010', 'P1011']));
    expect(JSON.stringify(invoice.lines)).toContain('Verkkopankki');

    const description = await h.client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(SiirtoStatus)).toBe('done');
    expect(description.typedSearchAttributes.get(SiirtoTargetId)).toBe(result.number);
  });

  it('gives one invoice when the same webhook arrives twice', async () => {
    const { created, body, workflowId } = await placeOrder('t-main', order(['P1012', 'P1013']));
    await waitForStatus(workflowId, 'done');
    const again = await postWooWebhook(h.serverUrl, 't-main', body);
    const third = await postWooWebhook(h.serverUrl, 't-main', body);
    expect(again.status).toBe(202);
    expect(third.json).toEqual({ workflowId, alreadyFinished: true });
    expect(await invoicesFor(created.number)).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and starts nothing', async () => {
    const created = await h.woo.createOrder(order(['P1014', 'P1015']));
    const workflowId = exportOrderWorkflowId('t-strict', 'woo', String(created.id));
    const body = JSON.stringify(await h.woo.getOrder(created.id));
    const res = await postWooWebhook(h.serverUrl, 't-strict', body, wooSignature(body, 'not-the-secret'));
    expect(res.status).toBe(401);
    const tampered = await postWooWebhook(h.serverUrl, 't-strict', body.replace('Revontuli', 'Revontulx'), wooSignature(body));
    expect(tampered.status).toBe(401);
    await expect(h.client.workflow.getHandle(workflowId).describe()).rejects.toThrow(/not found/i);
  });

  it('writes once when Netvisor stores the invoice but the reply is lost', async () => {
    await control(h.netvisorUrl, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/salesinvoice.nv?method=add'] });
    try {
      const { created, workflowId } = await placeOrder('t-main', order(['P1016', 'P1017']));
      await waitForStatus(workflowId, 'done', 60_000);
      const faults = await control(h.netvisorUrl, 'faults');
      expect(faults.injected['commit-then-fail']).toBeGreaterThanOrEqual(1);
      expect(await invoicesFor(created.number)).toHaveLength(1);
    } finally {
      await control(h.netvisorUrl, 'faults', { rate: 0 });
    }
  });

  it('parks an order with an unknown product as needs-attention, then retries after the fix', async () => {
    const { created, res, workflowId } = await placeOrder('t-strict', order(['P1020', 'P1021']));
    expect(res.status).toBe(202);
    const parked = await waitForStatus(workflowId, 'needs-attention');
    expect(parked.error?.message).toMatch(/products P1020, P1021 not found in Netvisor and creating products is off/);
    expect((await h.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(SiirtoStatus)).toBe('needs-attention');

    await h.netvisor.addProduct({ code: 'P1020', name: 'Added by the operator', unitPrice: '8.00', vatRate: '25.5', active: true });
    await h.netvisor.addProduct({ code: 'P1021', name: 'Added by the operator too', unitPrice: '6.00', vatRate: '25.5', active: true });
    await h.client.workflow.getHandle(workflowId).signal(retrySignal);
    const done = await waitForStatus(workflowId, 'done');
    expect(done.attempts).toBe(2);
    expect(await invoicesFor(created.number)).toHaveLength(1);
  });

  it('lets an operator skip a parked order, and records it as skipped', async () => {
    const { created, workflowId } = await placeOrder('t-strict', order(['P1022', 'P1023']));
    await waitForStatus(workflowId, 'needs-attention');
    await h.client.workflow.getHandle(workflowId).signal(skipSignal, { reason: 'test order' });
    expect(await h.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'skipped' });
    expect(await invoicesFor(created.number)).toHaveLength(0);
  });

  it('replays its recorded histories deterministically (a worker restarted mid-flow rebuilds the same state)', async () => {
    const handles = [];
    for await (const info of h.client.workflow.list({ query: `WorkflowType = 'exportOrder' AND ExecutionStatus = 'Completed' AND SiirtoTenant = 't-main'` })) handles.push(info.workflowId);
    expect(handles.length).toBeGreaterThanOrEqual(2);
    for (const workflowId of handles) {
      const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [h.codec] } }, history, workflowId);
    }
  });

  it('keeps secrets and personal data out of every workflow history in plain text, memos and errors included', async () => {
    const { workflowId } = await placeOrder('t-main', order(['P1018', 'P1019']));
    await waitForStatus(workflowId, 'done');
    const ids: string[] = [];
    // Listing decodes memos, which are encrypted too: it needs the codec. The histories are read without it.
    for await (const info of h.client.workflow.list({ query: `SiirtoTenant = 't-main' OR SiirtoTenant = 't-strict'` })) ids.push(info.workflowId);
    expect(ids.length).toBeGreaterThanOrEqual(6); // done, parked-then-retried and skipped ones
    for (const id of ids) {
      const history = await h.rawClient.workflow.getHandle(id).fetchHistory();
      const text = JSON.stringify(history, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      for (const secret of ['sandbox-customer-key', 'sandbox-partner-key', 'cs_sandbox', 'sandbox-webhook-secret', 'aino@revontuli.fi', 'Revontuli Design', 'Hämeenkatu']) {
        expect({ id, found: text.includes(secret) ? secret : null }).toEqual({ id, found: null });
      }
    }
  });
});
