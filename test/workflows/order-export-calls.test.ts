import crypto from 'node:crypto';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { businessIdCheckDigit } from '../../domain/business-id';
import { Party } from '../../domain/model';
import { exportOrderWorkflowId, type ExportOrderResult } from '../../workflows/order-export';
import { retrySignal, statusQuery, type TransferState } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * Netvisor calls per order (issue #14, "Calls to the minimum"), counted by the sandbox itself (GET /__sandbox/stats,
 * by method and path). One tenant, one worker, one order at a time, so the counts are exact:
 * - a returning customer with known products costs one call, the document;
 * - a new customer costs one changed-since read of the customer register (the check that no card of theirs was made
 *   meanwhile) and its write; a new product only its write;
 * - a retried attempt (an activity attempt after a lost reply, or an operator's retry) looks before it writes;
 * - a cached card that Netvisor no longer has is found out when the document is refused, and the order still
 *   exports once.
 * Netvisor is seeded with products P1000…P1007; the shop with P1000…P1029. No changed-since read falls inside a
 * test: the refresh interval is set far beyond the file's run.
 */
const taskQueue = `order-export-calls-${crypto.randomUUID()}`;
let h: Harness;
const savedRefresh = process.env.SIIRTO_REGISTER_CACHE_REFRESH_S;

const businessId = (body: string) => {
  const check = businessIdCheckDigit(body);
  if (check === null) throw new Error(`${body} has no valid check digit: pick another body`);
  return `${body}-${check}`;
};

const wooOrder = (company: string, bid: string, skus: string[]): WooOrderInput => ({
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { company, first_name: 'Outi', last_name: 'Ostaja', address_1: 'Puistokatu 4', city: 'Jyväskylä', postcode: '40100', country: 'FI', email: 'outi@example.fi' },
  meta_data: [{ key: '_billing_business_id', value: bid }],
  line_items: skus.map((sku) => ({ sku, quantity: 1, total: '10.00' })),
});

type Counts = Record<string, number>;
const stats = async (): Promise<Counts> => (await control(h.netvisorUrl, 'stats')).byPath as Counts;
const delta = (before: Counts, after: Counts): Counts =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) > 0 ? [[k, v - (before[k] ?? 0)]] : [])));
const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

async function waitForStatus(workflowId: string, status: string, timeoutMs = 60_000): Promise<TransferState> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await h.client.workflow.getHandle(workflowId).query(statusQuery);
      if ((last as TransferState).status === status) return last as TransferState;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${workflowId} did not reach ${status}; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function place(tenant: string, input: WooOrderInput): Promise<{ workflowId: string; number: string }> {
  const created = await h.woo.createOrder(input);
  const res = await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(created.id)));
  expect(res.status).toBe(202);
  return { workflowId: exportOrderWorkflowId(tenant, 'woo', String(created.id)), number: created.number };
}

/** Exports one order to done and returns the Netvisor calls it cost, by method and path. */
async function callsOf(tenant: string, input: WooOrderInput): Promise<{ calls: Counts; result: ExportOrderResult; number: string }> {
  const before = await stats();
  const { workflowId, number } = await place(tenant, input);
  const result: ExportOrderResult = await h.client.workflow.getHandle(workflowId).result();
  expect(result.status).toBe('done');
  return { calls: delta(before, await stats()), result, number };
}

const invoicesFor = async (tenant: string, number: string) =>
  ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<{ ourReference?: string; invoiceNumber?: string; number?: string }>).filter((i) => JSON.stringify(i).includes(`"woo:${number}"`));

const RETURNING = { name: 'Kalliosilta Oy', bid: businessId('4300001'), code: '43001' };

beforeAll(async () => {
  process.env.SIIRTO_REGISTER_CACHE_REFRESH_S = String(24 * 3600);
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant('calls', urls),
    demoLikeTenant('calls-strict', urls, { products: { createMissing: false }, numbering: { offset: 700000, max: 799999 } }),
    demoLikeTenant('calls-prefetch', urls, { numbering: { offset: 600000, max: 699999 } }),
  ]);
  await control(h.wooUrl, 'seed', { seed: 1, counts: { products: 30 } });
  // A customer card made by hand before Siirto ever ran, under a number of its own.
  await h.netvisor.addCustomer(Party.parse({ kind: 'customer', code: RETURNING.code, name: RETURNING.name, businessId: RETURNING.bid, address: { street: 'Siltakatu 1', postalCode: '40100', city: 'Jyväskylä', country: 'FI' } }));
}, 120_000);

afterAll(async () => {
  await h?.stop();
  if (savedRefresh === undefined) delete process.env.SIIRTO_REGISTER_CACHE_REFRESH_S;
  else process.env.SIIRTO_REGISTER_CACHE_REFRESH_S = savedRefresh;
});

describe('order export: Netvisor calls per order', () => {
  it("a returning customer's order with known products costs one Netvisor call, the document", async () => {
    // The worker's first order reads both registers once (one call each, no paging), then writes its document.
    const first = await callsOf('calls', wooOrder(RETURNING.name, RETURNING.bid, ['P1000', 'P1001']));
    expect(first.result.customerCode).toBe(RETURNING.code);
    expect(first.calls).toEqual({ 'GET /customerlist.nv': 1, 'GET /productlist.nv': 1, 'POST /salesinvoice.nv': 1 });

    for (const skus of [['P1002'], ['P1000', 'P1003', 'P1004']]) {
      const next = await callsOf('calls', wooOrder(RETURNING.name, RETURNING.bid, skus));
      expect(next.result.customerCode).toBe(RETURNING.code);
      expect(next.calls).toEqual({ 'POST /salesinvoice.nv': 1 });
      expect(await invoicesFor('calls', next.number)).toHaveLength(1);
    }
  });

  it('the customer and the products are asked for in one workflow task, and the document in the next (a round trip less per order)', async () => {
    const { workflowId } = await place('calls', wooOrder(RETURNING.name, RETURNING.bid, ['P1002', 'P1003']));
    const handle = h.client.workflow.getHandle(workflowId);
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = new Map<string, string>();
    for (const e of events) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name) scheduled.set(a.activityType.name, String(a.workflowTaskCompletedEventId));
    }
    expect(scheduled.get('resolveCustomer')).toBeDefined();
    // Before: resolveCustomer, then ensureProducts a workflow task later.
    expect(scheduled.get('ensureProducts')).toBe(scheduled.get('resolveCustomer'));
    expect(scheduled.get('createSalesDocument')).not.toBe(scheduled.get('resolveCustomer'));
  });

  it("the registers are read while the shop's order is (the shop read starts the register cache's read), and not again", async () => {
    // A tenant whose registers this worker has not read yet; its shop refuses the order read for now.
    const created = await h.woo.createOrder(wooOrder(RETURNING.name, RETURNING.bid, ['P1001']));
    const body = JSON.stringify(await h.woo.getOrder(created.id));
    const before = await stats();
    await control(h.wooUrl, 'faults', { rate: 1, kinds: ['500'], paths: [`/orders/${created.id}`] });
    try {
      expect((await postWooWebhook(h.serverUrl, 'calls-prefetch', body)).status).toBe(202);
      // Before: nothing until the shop read succeeded.
      const deadline = Date.now() + 15_000;
      let read: Counts = {};
      while (Date.now() < deadline && !(read['GET /customerlist.nv'] && read['GET /productlist.nv'])) {
        await new Promise((r) => setTimeout(r, 100));
        read = delta(before, await stats());
      }
      expect(read).toEqual({ 'GET /customerlist.nv': 1, 'GET /productlist.nv': 1 });
    } finally {
      await control(h.wooUrl, 'faults', { rate: 0 });
    }
    const result: ExportOrderResult = await h.client.workflow.getHandle(exportOrderWorkflowId('calls-prefetch', 'woo', String(created.id))).result();
    expect(result).toMatchObject({ status: 'done', customerCode: RETURNING.code });
    expect(delta(before, await stats())).toEqual({ 'GET /customerlist.nv': 1, 'GET /productlist.nv': 1, 'POST /salesinvoice.nv': 1 });
  });

  it('a new customer adds one check of the customer register and its own write; their next order costs one call again', async () => {
    const bid = businessId('4300002');
    const first = await callsOf('calls', wooOrder('Uusiasiakas Oy', bid, ['P1001']));
    expect(first.result.customerCode).toBe(bid.replace('-', ''));
    // The miss is checked in Netvisor with one changed-since read of the customer register (a card made since our
    // read, under any number, must be found, or we would make a second card of one company); then the card itself,
    // then the document.
    expect(first.calls).toEqual({ 'GET /customerlist.nv': 1, 'POST /customer.nv': 1, 'POST /salesinvoice.nv': 1 });

    const again = await callsOf('calls', wooOrder('Uusiasiakas Oy', bid, ['P1001']));
    expect(again.result.customerCode).toBe(bid.replace('-', ''));
    expect(again.calls).toEqual({ 'POST /salesinvoice.nv': 1 });
  });

  it("a customer whose card a person made after the worker's register read is found by the check, not created again", async () => {
    const bid = businessId('4300004');
    await h.netvisor.addCustomer(Party.parse({ kind: 'customer', code: '43004', name: 'Käsin Tehty Oy', businessId: bid, address: { street: 'Torikatu 2', postalCode: '40100', city: 'Jyväskylä', country: 'FI' } }));
    const { calls, result } = await callsOf('calls', wooOrder('Käsin Tehty Oy', bid, ['P1001']));
    expect(result.customerCode).toBe('43004');
    expect(calls).toEqual({ 'GET /customerlist.nv': 1, 'POST /salesinvoice.nv': 1 });
    const cards = ((await control(h.netvisorUrl, 'state')).customers as Array<{ businessId: string }>).filter((c) => c.businessId === bid);
    expect(cards).toHaveLength(1);
  });

  it('a new product adds only its own write', async () => {
    const { calls } = await callsOf('calls', wooOrder(RETURNING.name, RETURNING.bid, ['P1000', 'P1012']));
    expect(calls).toEqual({ 'POST /product.nv': 1, 'POST /salesinvoice.nv': 1 });
    const products = (await control(h.netvisorUrl, 'state')).products as Array<{ code: string }>;
    expect(products.filter((p) => p.code === 'P1012')).toHaveLength(1);
  });

  it('a retried attempt looks before writing and finds its own earlier write (reply lost after Netvisor stored it)', async () => {
    await control(h.netvisorUrl, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/salesinvoice.nv?method=add'] });
    let out: Awaited<ReturnType<typeof callsOf>>;
    try {
      out = await callsOf('calls', wooOrder(RETURNING.name, RETURNING.bid, ['P1005']));
    } finally {
      await control(h.netvisorUrl, 'faults', { rate: 0 });
    }
    // Attempt 1 wrote without looking (nothing earlier could have written); its reply was lost. Attempt 2 looked
    // first, found the invoice with our stamp, and wrote nothing.
    expect(out.calls).toEqual({ 'POST /salesinvoice.nv': 1, 'GET /salesinvoicelist.nv': 1, 'GET /getsalesinvoice.nv': 1 });
    expect(await invoicesFor('calls', out.number)).toHaveLength(1);
  });

  it("an operator's retry looks before writing", async () => {
    const before = await stats();
    const { workflowId, number } = await place('calls-strict', wooOrder(RETURNING.name, RETURNING.bid, ['P1006', 'P1020']));
    const parked = await waitForStatus(workflowId, 'needs-attention');
    expect(parked.error?.message).toMatch(/P1020 not found in Netvisor/);
    await h.netvisor.addProduct({ code: 'P1020', name: 'Added by the operator', unitPrice: '8.00', vatRate: '25.5', active: true });
    await h.client.workflow.getHandle(workflowId).signal(retrySignal);
    expect((await waitForStatus(workflowId, 'done')).attempts).toBe(2);
    const calls = delta(before, await stats());
    // The look before the write: the second pass may follow a write of the first, so it asks by number first.
    expect(calls['GET /salesinvoicelist.nv']).toBe(1);
    expect(calls['POST /salesinvoice.nv']).toBe(1);
    expect(await invoicesFor('calls-strict', number)).toHaveLength(1);
  });

  it('a cached card deleted in Netvisor is found out when the document is refused, and the order still exports once', async () => {
    const bid = businessId('4300003');
    const code = bid.replace('-', '');
    await callsOf('calls', wooOrder('Poistuva Oy', bid, ['P1001']));
    // Someone deletes the card in Netvisor; this worker still holds it.
    expect(h.sandboxes.netvisor.ctx.store.remove('customers', (c) => c.code === code)).toBe(1);

    const out = await callsOf('calls', wooOrder('Poistuva Oy', bid, ['P1001']));
    expect(out.result.customerCode).toBe(code);
    expect(await invoicesFor('calls', out.number)).toHaveLength(1);
    const cards = ((await control(h.netvisorUrl, 'state')).customers as Array<{ code: string }>).filter((c) => c.code === code);
    expect(cards).toHaveLength(1);
    // Refused write, the check of the card (gone) and the product (there), the customer searched and created again,
    // the product looked up, then the document looked for (the refused attempt counts as an earlier one) and written.
    expect(out.calls).toEqual({
      'POST /salesinvoice.nv': 2,
      'GET /customerlist.nv': 1 + 3,
      'GET /getproduct.nv': 1 + 1,
      'POST /customer.nv': 1,
      'GET /salesinvoicelist.nv': 1,
    });
    // And the card is known again: the next order costs one call.
    expect((await callsOf('calls', wooOrder('Poistuva Oy', bid, ['P1001']))).calls).toEqual({ 'POST /salesinvoice.nv': 1 });
  });
});
