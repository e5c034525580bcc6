import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../client/cli';
import { Connections } from '../../activities/connections';
import { createOrderLifecycleActivities } from '../../activities/order-lifecycle';
import { manualGet } from '../../client/order-lifecycle';
import { ensureLifecycleSchedules } from '../../client/lifecycle-schedules';
import { handleRackbeatOrderEvent } from '../../client/rackbeat-order-events';
import type { Product as SoProduct } from '../../connectors/twentyfourseven';
import { retrySignal, statusQuery } from '../../workflows/transfer';
import {
  lifecycleScheduleId,
  operatorUpdate,
  orderLifecycle,
  orderLifecycleWorkflowId,
  pollLifecycleOrders,
  rackbeatEventSignal,
  routeRackbeatOrderEvent,
  type LifecycleState,
} from '../../workflows/order-lifecycle';
import { SiirtoFlow, SiirtoStatus, SiirtoTargetId } from '../../workflows/search-attributes';
import { control } from '../support/sandboxes';
import { temporalAddress } from '../support/order-export-harness';
import { cursorQuery, lifecycleCursorWorkflowId } from '../../workflows/lifecycle-cursor';
import { lifecycleState, lifecycleTenant, rackbeatOrdersFor, soOrder, startLifecycleHarness, waitFor, type LifecycleHarness } from '../support/lifecycle-harness';

const taskQueue = `order-lifecycle-${crypto.randomUUID()}`;
let h: LifecycleHarness;
let soProducts: SoProduct[];
/** 24SO customer 1 is linked through the Rackbeat user-defined field (as the register sync does), customer 2 by number. */
const LINKED_BY_FIELD = 1;
const LINKED_BY_NUMBER = 2;
const UNLINKED = 3;

beforeAll(async () => {
  h = await startLifecycleHarness(taskQueue, (urls) => [
    lifecycleTenant('t-poll', urls),
    lifecycleTenant('t-booked', urls),
    lifecycleTenant('t-draft', urls, { createAs: 'draft' }),
    lifecycleTenant('t-ship', urls, { createAs: 'booked-ready-to-ship', pickUpStatus: 'Packed' }),
    lifecycleTenant('t-backstop', urls, { rackbeatCheckEvery: '1s' }),
    // A look-back shorter than the pause below: only a kept cursor can find the order.
    lifecycleTenant('t-cursor', urls, { firstPollLookback: '1s' }),
  ]);
  soProducts = await h.so.getProducts({});
  // The links the register sync (issue 7) leaves behind: 24SO ids in Rackbeat user-defined fields, or equal numbers.
  const customerField = await h.rackbeat.fields.create({ name: '24SO customer id', slug: '24so-customer-id', type: 'text', available_for: 'customer' });
  const productField = await h.rackbeat.fields.create({ name: '24SO product id', slug: '24so-product-id', type: 'text', available_for: 'item' });
  await h.rackbeat.customers.fieldValues.write(1001, [{ id: customerField.id, value: String(LINKED_BY_FIELD) }]);
  await h.rackbeat.customers.create({ number: LINKED_BY_NUMBER, company_name: 'Fjord Handel AS', payment_terms_id: 1 });
  for (const p of soProducts) {
    if (!(await h.rackbeat.products.findByNumber(p.no!))) {
      // 24SO P1001 is Rackbeat "P1001/B": linked by the field, not by number.
      const rackbeatNumber = `${p.no}/B`;
      if (await h.rackbeat.products.findByNumber(rackbeatNumber)) await h.rackbeat.products.fieldValues.write(rackbeatNumber, [{ id: productField.id, value: String(p.id) }]);
      else await h.rackbeat.products.create({ number: p.no!, name: p.name ?? p.no!, group: 1, sales_price: p.price ?? '10' });
    }
  }
  // Rackbeat tells Siirto's webhook route about every order change, for t-booked; the route checks each hook's token.
  const tokens: string[] = [];
  for (const event of ['order.updated', 'order.booked', 'order.shipped']) {
    const hook = await h.rackbeat.webhooks.create({ event, url: `${h.serverUrl}/webhooks/rackbeat/t-booked`, is_active: true });
    tokens.push(hook.token!);
  }
  Object.assign(h.tenants.get('t-booked')!, { sync: { pairs: [], rackbeatWebhookTokens: tokens } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const product = (no: string) => {
  const p = soProducts.find((x) => x.no === no);
  if (!p) throw new Error(`no 24SO product ${no}`);
  return p;
};

/** A 24SO order at `status` with rows `[product number, quantity]`. */
async function soOrderWith(rows: Array<[string, number]>, status: 'Confirmed' | 'Production' | 'Pack' | 'Web' = 'Confirmed', customerId = LINKED_BY_FIELD) {
  const saved = await h.so.saveInvoiceOrder({
    customerId,
    orderStatus: status,
    invoiceRows: rows.map(([no, quantity]) => ({ productId: product(no).id, quantity: String(quantity), price: product(no).price })),
  });
  return saved.orderId!;
}

const follow = (tenant: string, orderId: number) => manualGet(h.client, tenant, orderId, taskQueue);

/** Waits until the lifecycle has its Rackbeat order and returns it (from the sandbox store). */
async function rackbeatOrderOf(tenant: string, orderId: number) {
  const wf = orderLifecycleWorkflowId(tenant, orderId);
  await waitFor(() => lifecycleState(h, wf), (s) => s.rackbeatNumber !== undefined, `${wf} to create its Rackbeat order`);
  const orders = await rackbeatOrdersFor(h, orderId);
  expect(orders).toHaveLength(1);
  return orders[0];
}

const rowsOf = async (orderId: number) =>
  ((await soOrder(h, orderId)).invoiceRows ?? []).map((r) => ({ no: r.productNo, quantity: Number(r.quantity), rowId: r.rowId }));

describe('pick-up', () => {
  it('picks up orders at the configured status with the poll and creates exactly one booked Rackbeat order, 24SO ids stamped', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const picked = await soOrderWith([['P1000', 2], ['P1001', 1]]);
    const notYet = await soOrderWith([['P1003', 1]], 'Web');
    const otherStatus = await soOrderWith([['P1003', 1]], 'Production');
    const run = (n: number) =>
      h.client.workflow.execute(pollLifecycleOrders, { taskQueue, workflowId: `poll-test-${n}-${crypto.randomUUID()}`, args: [{ tenant: 't-poll', taskQueue, since }] });
    const first = await run(1);
    expect(first.seen).toBe(1);
    const rb = await rackbeatOrderOf('t-poll', picked);
    expect(rb).toMatchObject({ is_booked: true, customer_id: 1001, heading: `24SO ${picked}` });
    // P1001 is "P1001/B" in Rackbeat, found through the user-defined field.
    expect(rb.lines.map((l: any) => [l.child_id, l.quantity])).toEqual([['P1000', 2], ['P1001/B', 1]]);

    // The 24SO row ids are kept per Rackbeat line.
    const state = await lifecycleState(h, orderLifecycleWorkflowId('t-poll', picked));
    const rows = await rowsOf(picked);
    expect(state.lineMap).toEqual(rb.lines.map((l: any, i: number) => ({ lineId: l.id, rowId: rows[i].rowId })));

    // The next poll sees the same order again: still one workflow, one Rackbeat order.
    const second = await run(2);
    expect(second.signalled).toBe(1);
    await waitFor(() => lifecycleState(h, orderLifecycleWorkflowId('t-poll', picked)), (s) => s.pickUps >= 2, 'the second pick-up signal');
    expect(await rackbeatOrdersFor(h, picked)).toHaveLength(1);
    for (const id of [notYet, otherStatus]) {
      await expect(h.client.workflow.getHandle(orderLifecycleWorkflowId('t-poll', id)).describe()).rejects.toThrow(/not found/i);
      expect(await rackbeatOrdersFor(h, id)).toHaveLength(0);
    }
    const description = await h.client.workflow.getHandle(orderLifecycleWorkflowId('t-poll', picked)).describe();
    expect(description.typedSearchAttributes.get(SiirtoFlow)).toBe('order-lifecycle');
    expect(description.typedSearchAttributes.get(SiirtoTargetId)).toBe(String(rb.number));
  });

  it('runs the poll from the tenant Schedule, each run continuing from the previous run\'s cursor', async () => {
    const tenants = new Map([['t-poll', lifecycleTenant('t-poll', { rackbeat: h.rackbeatUrl, so: h.soUrl }, { pollEvery: '1h', firstPollLookback: '2m' })]]);
    const [scheduleId] = await ensureLifecycleSchedules(h.client, tenants, taskQueue);
    expect(scheduleId).toBe(lifecycleScheduleId('t-poll'));
    const schedule = h.client.schedule.getHandle(scheduleId);
    try {
      const results = async () => {
        const d = await schedule.describe();
        return Promise.all(d.info.recentActions.map((a) => h.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result()));
      };
      await schedule.trigger();
      const [first] = await waitFor(results, (r) => r.length === 1, 'the first scheduled poll');
      const order = await soOrderWith([['P1003', 3]]);
      await schedule.trigger();
      const all = await waitFor(results, (r) => r.length === 2, 'the second scheduled poll');
      const second = all[1] as { since: string; seen: number };
      expect(second.since).toBe((first as { cursor: string }).cursor);
      expect(second.seen).toBeGreaterThanOrEqual(1);
      await rackbeatOrderOf('t-poll', order);
    } finally {
      await schedule.delete();
    }
  });

  it('creates the order as a draft when configured', async () => {
    const orderId = await soOrderWith([['P1000', 1]]);
    await follow('t-draft', orderId);
    const rb = await rackbeatOrderOf('t-draft', orderId);
    expect(rb.is_booked).toBe(false);
  });

  it('creates the order booked and ready to ship when configured (Packed pick-up)', async () => {
    const orderId = await soOrderWith([['P1003', 2]], 'Pack');
    await follow('t-ship', orderId);
    const rb = await waitFor(async () => (await rackbeatOrdersFor(h, orderId))[0], (o) => o?.is_ready_for_shipping === true, 'ready to ship');
    expect(rb.is_booked).toBe(true);
    const state = await control(h.rackbeatUrl, 'state');
    expect(state.orderShipments.filter((s: any) => s.order_number === rb.number)).toHaveLength(1);
  });
});

describe('manual GET', () => {
  it('pressed five times gives one Rackbeat order; the first answer is "new", the next "already followed"', async () => {
    // Web: not a pick-up status; the manual GET fetches it anyway.
    const orderId = await soOrderWith([['P1004', 4]], 'Web');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await follow('t-booked', orderId));
    expect(answers.map((a) => a.outcome)).toEqual(['new', 'already followed', 'already followed', 'already followed', 'already followed']);
    await rackbeatOrderOf('t-booked', orderId);
    expect(await rackbeatOrdersFor(h, orderId)).toHaveLength(1);
    const state = await lifecycleState(h, orderLifecycleWorkflowId('t-booked', orderId));
    expect(state.pickUps).toBe(5);
  });
});

describe('siirto orders get', () => {
  it('prints "new" the first time and "already followed" after, with the state; --json for scripts', async () => {
    const orderId = await soOrderWith([['P1010', 2]], 'Web');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-config-'));
    fs.writeFileSync(path.join(dir, 't-booked.yaml'), 'tenant: t-booked\n');
    const saved = { key: process.env.SIIRTO_PAYLOAD_KEY, config: process.env.SIIRTO_CONFIG_DIR };
    process.env.SIIRTO_PAYLOAD_KEY = h.payloadKey;
    process.env.SIIRTO_CONFIG_DIR = dir;
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const run = (...args: string[]) => buildProgram().exitOverride().parseAsync(['node', 'siirto', 'orders', 'get', ...args, '--address', temporalAddress(), '--task-queue', taskQueue]);
    try {
      await run('t-booked', String(orderId));
      await run('t-booked', String(orderId), '--json');
      await expect(run('t-nope', String(orderId))).rejects.toThrow(/unknown tenant "t-nope"/);
    } finally {
      write.mockRestore();
      process.env.SIIRTO_PAYLOAD_KEY = saved.key;
      process.env.SIIRTO_CONFIG_DIR = saved.config;
      if (saved.key === undefined) delete process.env.SIIRTO_PAYLOAD_KEY;
      if (saved.config === undefined) delete process.env.SIIRTO_CONFIG_DIR;
    }
    expect(out[0]).toMatch(new RegExp(`^24SO order ${orderId} \\(t-booked\\): new — now followed as order/t-booked/24so/${orderId}`));
    expect(out[0]).toMatch(/phase: +(picked-up|in-rackbeat)/);
    const json = JSON.parse(out[1]);
    expect(json).toMatchObject({ workflowId: `order/t-booked/24so/${orderId}`, outcome: 'already followed', finished: false });
    await rackbeatOrderOf('t-booked', orderId);
  });
});

describe('forward and back', () => {
  it('sets the 24SO order to Sent as soon as Rackbeat ships it (webhook → route → workflow)', async () => {
    const orderId = await soOrderWith([['P1000', 1], ['P1003', 2]]);
    await follow('t-booked', orderId);
    const rb = await rackbeatOrderOf('t-booked', orderId);
    const shipment = await h.rackbeat.orders.createShipment(rb.number);
    await h.rackbeat.orders.markShipped(shipment.id);
    const wf = orderLifecycleWorkflowId('t-booked', orderId);
    const result: LifecycleState = await h.client.workflow.getHandle(wf).result();
    expect(result.phase).toBe('done');
    expect((await soOrder(h, orderId)).orderStatus).toBe('OrderState_Sent');
    expect((await h.webhookDeliveries()).some((d) => d.topic === 'order.shipped' && d.url.endsWith('/t-booked') && d.status === 202)).toBe(true);
    const d = await h.client.workflow.getHandle(wf).describe();
    expect(d.typedSearchAttributes.get(SiirtoStatus)).toBe('done');
    expect(result.path.map((p) => p.what)).toEqual(expect.arrayContaining([expect.stringMatching(/^created Rackbeat order/), expect.stringMatching(/24SO Sent/)]));
    // A manual GET of a finished order starts nothing and says so.
    const again = await follow('t-booked', orderId);
    expect(again).toMatchObject({ outcome: 'already followed', finished: true });
  });

  it('5 ordered, edited to 3 in Rackbeat and booked again: 24SO shows 3 and is back at Accepted', async () => {
    const orderId = await soOrderWith([['P1004', 5]]);
    await follow('t-booked', orderId);
    const rb = await rackbeatOrderOf('t-booked', orderId);
    // The warehouse's 24SO status moved on meanwhile (packing).
    await h.so.setOrderStatus(orderId, 'Pack');
    await h.rackbeat.orders.reopen(rb.number);
    await h.rackbeat.orders.updateLine(rb.number, rb.lines[0].id, { quantity: 3 });
    await h.rackbeat.orders.book(rb.number);
    const wf = orderLifecycleWorkflowId('t-booked', orderId);
    await waitFor(() => lifecycleState(h, wf), (s) => s.writeBacks === 1, 'the edit to flow back');
    const so = await soOrder(h, orderId);
    expect(so.invoiceRows!.map((r) => Number(r.quantity))).toEqual([3]);
    expect(so.orderStatus).toBe('Confirmed');
  });

  it('deleted and added lines flow back; the row mapping follows them to the shipment', async () => {
    const orderId = await soOrderWith([['P1000', 2], ['P1003', 1]]);
    await follow('t-booked', orderId);
    const rb = await rackbeatOrderOf('t-booked', orderId);
    const [keep, drop] = rb.lines;
    await h.rackbeat.orders.reopen(rb.number);
    await h.rackbeat.orders.deleteLine(rb.number, drop.id);
    // Rackbeat's "P1005/B" is 24SO's P1005 (linked through the user-defined field).
    const added = await h.rackbeat.orders.addLine(rb.number, { item_id: 'P1005/B', quantity: 7 });
    await h.rackbeat.orders.updateLine(rb.number, keep.id, { quantity: 4 });
    await h.rackbeat.orders.book(rb.number);
    const wf = orderLifecycleWorkflowId('t-booked', orderId);
    const state = await waitFor(() => lifecycleState(h, wf), (s) => s.writeBacks >= 1 && s.phase === 'in-rackbeat', 'edits to flow back');
    const rows = await rowsOf(orderId);
    expect(rows.map((r) => [r.no, r.quantity])).toEqual([['P1000', 4], ['P1005', 7]]);
    expect(state.lineMap).toEqual([{ lineId: keep.id, rowId: rows[0].rowId }, { lineId: added.id, rowId: rows[1].rowId }]);
    expect((await soOrder(h, orderId)).orderStatus).toBe('Confirmed');

    const shipment = await h.rackbeat.orders.createShipment(rb.number);
    await h.rackbeat.orders.markShipped(shipment.id);
    await h.client.workflow.getHandle(wf).result();
    expect((await soOrder(h, orderId)).orderStatus).toBe('OrderState_Sent');
    expect((await rowsOf(orderId)).map((r) => [r.no, r.quantity])).toEqual([['P1000', 4], ['P1005', 7]]);
  });

  it('does not route events of Rackbeat orders that did not come from 24SO', async () => {
    const own = await h.rackbeat.orders.create({ customer_id: 1002, heading: 'Rackbeat-only order', lines: [{ item_id: 'P1000', quantity: 1 }] });
    const result = await h.client.workflow.execute(routeRackbeatOrderEvent, {
      taskQueue,
      workflowId: `route-test-${crypto.randomUUID()}`,
      args: [{ tenant: 't-booked', rackbeatNumber: own.number, event: 'order.booked', eventId: 'x', receivedAt: new Date().toISOString() }],
    });
    expect(result).toMatchObject({ routed: false, reason: expect.stringMatching(/did not come from 24SO/) });
  });
});

describe('events: duplicated, late, reordered, lost', () => {
  it('gives the same outcome when events come twice, late and in the wrong order', async () => {
    // t-draft gets no webhooks: the events below are the only ones it sees.
    const orderId = await soOrderWith([['P1006', 6], ['P1007', 1]]);
    await follow('t-draft', orderId);
    const rb = await rackbeatOrderOf('t-draft', orderId);
    await h.rackbeat.orders.updateLine(rb.number, rb.lines[0].id, { quantity: 5 });
    await h.rackbeat.orders.book(rb.number);
    const shipment = await h.rackbeat.orders.createShipment(rb.number);
    await h.rackbeat.orders.markShipped(shipment.id);

    const wf = orderLifecycleWorkflowId('t-draft', orderId);
    const handle = h.client.workflow.getHandle(wf);
    const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    // shipped first, then its duplicate, then the older "updated" and "booked" events, then shipped once more.
    const shipped = { eventId: 'e-3', event: 'order.shipped', occurredAt: t(3) };
    await handle.signal(rackbeatEventSignal, shipped);
    await handle.signal(rackbeatEventSignal, shipped);
    await handle.signal(rackbeatEventSignal, { eventId: 'e-1', event: 'order.updated', occurredAt: t(1) });
    await handle.signal(rackbeatEventSignal, { eventId: 'e-2', event: 'order.booked', occurredAt: t(2) });
    await handle.signal(rackbeatEventSignal, shipped);
    const result = await handle.result();

    expect(result).toMatchObject({ phase: 'done', writeBacks: 1 });
    expect(result.duplicatesIgnored).toBeGreaterThanOrEqual(1);
    expect(result.lateEvents).toBeGreaterThanOrEqual(1);
    const so = await soOrder(h, orderId);
    expect(so.orderStatus).toBe('OrderState_Sent');
    expect(so.invoiceRows!.map((r) => Number(r.quantity))).toEqual([5, 1]);
    expect(await rackbeatOrdersFor(h, orderId)).toHaveLength(1);
  });

  it('reaches Sent without any webhook: the timer reads Rackbeat (polling backstop)', async () => {
    const orderId = await soOrderWith([['P1000', 1]]);
    await follow('t-backstop', orderId);
    const rb = await rackbeatOrderOf('t-backstop', orderId);
    const shipment = await h.rackbeat.orders.createShipment(rb.number);
    await h.rackbeat.orders.markShipped(shipment.id);
    const result = await h.client.workflow.getHandle(orderLifecycleWorkflowId('t-backstop', orderId)).result();
    expect(result.phase).toBe('done');
    expect(result.eventsReceived).toBe(0);
    expect((await soOrder(h, orderId)).orderStatus).toBe('OrderState_Sent');
  });

  it('continues as new when its history grows, carrying the state, and still ends at Sent', async () => {
    const orderId = await soOrderWith([['P1004', 2]]);
    const wf = orderLifecycleWorkflowId('t-backstop', orderId);
    // Started as followOrder would, with a tiny history budget so that the timer checks (every 1s) exhaust it soon.
    await h.client.workflow.start(orderLifecycle, {
      taskQueue,
      workflowId: wf,
      args: [{ tenant: 't-backstop', orderId, trigger: 'manual', requestId: 'budget-test', historyBudget: 40 }],
    });
    const rb = await rackbeatOrderOf('t-backstop', orderId);
    const first = await h.client.workflow.getHandle(wf).describe();
    const carried = await waitFor(() => lifecycleState(h, wf), (s) => (s.generation ?? 0) >= 2, 'two continue-as-new', 30_000);
    expect(carried).toMatchObject({ rackbeatNumber: rb.number, startedBy: 'budget-test' });
    expect(carried.lineMap).toHaveLength(1);
    expect(carried.path.map((p) => p.what)).toContainEqual(expect.stringMatching(/^continuing as new after \d+ history events/));
    expect((await h.client.workflow.getHandle(wf).describe()).runId).not.toBe(first.runId);
    const shipment = await h.rackbeat.orders.createShipment(rb.number);
    await h.rackbeat.orders.markShipped(shipment.id);
    const result: LifecycleState = await h.client.workflow.getHandle(wf).result();
    expect(result.phase).toBe('done');
    expect((await soOrder(h, orderId)).orderStatus).toBe('OrderState_Sent');
    expect(await rackbeatOrdersFor(h, orderId)).toHaveLength(1);
  });

  it('routes a delivery handed to handleRackbeatOrderEvent to the order it came from', async () => {
    const orderId = await soOrderWith([['P1003', 1]]);
    await follow('t-draft', orderId);
    const rb = await rackbeatOrderOf('t-draft', orderId);
    await h.rackbeat.orders.book(rb.number);
    await handleRackbeatOrderEvent(h.client, 't-draft', { event: 'order.booked', key: String(rb.number), body: { key_name: 'number', key: String(rb.number) } }, taskQueue);
    // Wait for the event itself: the order's own backstop check may see the booking first.
    const state = await waitFor(() => lifecycleState(h, orderLifecycleWorkflowId('t-draft', orderId)), (s) => (s.eventsReceived ?? 0) >= 1, 'the routed event');
    expect(state.eventsReceived).toBe(1);
    expect((await waitFor(() => lifecycleState(h, orderLifecycleWorkflowId('t-draft', orderId)), (s) => s.booked === true, 'the booked state')).booked).toBe(true);
    await h.client.workflow.getHandle(orderLifecycleWorkflowId('t-draft', orderId)).executeUpdate(operatorUpdate, { args: [{ action: 'cancel-follow', reason: 'test done' }] });
  });
});

describe('faults and operators', () => {
  it('creates one Rackbeat order when the create is stored but its reply is lost (commit-then-fail)', async () => {
    await control(h.rackbeatUrl, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/api/orders/drafts'] });
    try {
      const orderId = await soOrderWith([['P1000', 2]]);
      await follow('t-draft', orderId);
      await rackbeatOrderOf('t-draft', orderId);
      const faults = await control(h.rackbeatUrl, 'faults');
      expect(faults.injected['commit-then-fail']).toBeGreaterThanOrEqual(1);
      expect(await rackbeatOrdersFor(h, orderId)).toHaveLength(1);
      const state = await lifecycleState(h, orderLifecycleWorkflowId('t-draft', orderId));
      expect(state.path.map((p) => p.what)).toContainEqual(expect.stringMatching(/^found Rackbeat order/));
    } finally {
      await control(h.rackbeatUrl, 'faults', { rate: 0 });
    }
  });

  it('creates one booked Rackbeat order when every create is stored and its reply lost, until the lookup finds it', async () => {
    await control(h.rackbeatUrl, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/api/orders'], methods: ['POST'] });
    try {
      const orderId = await soOrderWith([['P1003', 1], ['P1004', 2]]);
      await follow('t-booked', orderId);
      const rb = await rackbeatOrderOf('t-booked', orderId);
      expect(rb.is_booked).toBe(true);
      expect((await control(h.rackbeatUrl, 'faults')).injected['commit-then-fail']).toBe(1);
    } finally {
      await control(h.rackbeatUrl, 'faults', { rate: 0 });
    }
  });

  it('writes edits back once when 24SO saves fail half the time, some after storing', async () => {
    const orderId = await soOrderWith([['P1000', 3], ['P1003', 2]]);
    await follow('t-backstop', orderId);
    const rb = await rackbeatOrderOf('t-backstop', orderId);
    await h.rackbeat.orders.reopen(rb.number);
    await h.rackbeat.orders.deleteLine(rb.number, rb.lines[1].id);
    await h.rackbeat.orders.addLine(rb.number, { item_id: 'P1006', quantity: 2 });
    await h.rackbeat.orders.addLine(rb.number, { item_id: 'P1007', quantity: 1 });
    await h.rackbeat.orders.updateLine(rb.number, rb.lines[0].id, { quantity: 1 });
    await control(h.soUrl, 'faults', { rate: 0.5, kinds: ['commit-then-fail', '500'], paths: ['InvoiceService'], seed: 7 });
    try {
      await h.rackbeat.orders.book(rb.number);
      const wf = orderLifecycleWorkflowId('t-backstop', orderId);
      await waitFor(() => lifecycleState(h, wf), (s) => s.writeBacks >= 1 && s.phase === 'in-rackbeat', 'edits to flow back despite faults', 45_000);
      const faults = await control(h.soUrl, 'faults');
      expect(faults.injected['commit-then-fail'] + faults.injected['500']).toBeGreaterThanOrEqual(1);
    } finally {
      await control(h.soUrl, 'faults', { rate: 0 });
    }
    expect((await rowsOf(orderId)).map((r) => [r.no, r.quantity])).toEqual([['P1000', 1], ['P1006', 2], ['P1007', 1]]);
    expect((await soOrder(h, orderId)).orderStatus).toBe('Confirmed');
  }, 60_000);

  it('a write-back retried after its reply was lost changes nothing twice (the same activity input, run again)', async () => {
    const orderId = await soOrderWith([['P1000', 3], ['P1003', 2]]);
    await follow('t-draft', orderId);
    const rb = await rackbeatOrderOf('t-draft', orderId);
    const wf = orderLifecycleWorkflowId('t-draft', orderId);
    const { lineMap } = await lifecycleState(h, wf);
    // A draft: the workflow writes back only once the order is booked, so the activity runs here alone.
    await h.rackbeat.orders.deleteLine(rb.number, rb.lines[1].id);
    await h.rackbeat.orders.addLine(rb.number, { item_id: 'P1006', quantity: 2 });
    await h.rackbeat.orders.updateLine(rb.number, rb.lines[0].id, { quantity: 1 });
    const activities = createOrderLifecycleActivities(new Connections(h.tenants), () => h.client);
    const { lines } = await activities.readRackbeatOrder({ tenant: 't-draft', number: rb.number });
    const input = { tenant: 't-draft', orderId, lines, lineMap, setStatus: 'Confirmed' as const };
    const first = await activities.writeBackEdits(input);
    const retry = await activities.writeBackEdits(input);
    expect(first).toMatchObject({ edited: 1, removed: 1, added: 1 });
    expect(retry).toMatchObject({ edited: 0, removed: 0 });
    const byLine = (m: typeof lineMap) => [...m].sort((a, b) => a.lineId - b.lineId);
    expect(byLine(retry.lineMap)).toEqual(byLine(first.lineMap));
    expect((await rowsOf(orderId)).map((r) => [r.no, r.quantity])).toEqual([['P1000', 1], ['P1006', 2]]);
    await h.client.workflow.getHandle(wf).executeUpdate(operatorUpdate, { args: [{ action: 'cancel-follow' }] });
  });

  it('parks an order whose customer is not linked, with the reason, and goes on after the link and a retry', async () => {
    const orderId = await soOrderWith([['P1000', 1]], 'Confirmed', UNLINKED);
    await follow('t-booked', orderId);
    const wf = orderLifecycleWorkflowId('t-booked', orderId);
    const handle = h.client.workflow.getHandle(wf);
    const parked = await waitFor(() => handle.query(statusQuery), (s) => s.status === 'needs-attention', 'needs-attention');
    expect(parked.error?.message).toMatch(new RegExp(`24SO customer ${UNLINKED} .* is not linked to a Rackbeat customer`));
    expect(parked.error?.type).toBe('Siirto.business');
    expect((await lifecycleState(h, wf)).needsAttention).toMatch(/^create in Rackbeat: 24SO customer/);
    expect(await rackbeatOrdersFor(h, orderId)).toHaveLength(0);
    // The register sync links the customer; the operator retries.
    await h.rackbeat.customers.create({ number: UNLINKED, company_name: 'Nordlys Verksted AS', payment_terms_id: 1 });
    await handle.signal(retrySignal);
    await rackbeatOrderOf('t-booked', orderId);
    await handle.executeUpdate(operatorUpdate, { args: [{ action: 'resync' }] });
    const stopped = await handle.executeUpdate(operatorUpdate, { args: [{ action: 'cancel-follow', reason: 'handled by hand' }] });
    expect(stopped.accepted).toBe('cancel-follow');
    const result = await handle.result();
    expect(result.phase).toBe('stopped');
    await expect(handle.executeUpdate(operatorUpdate, { args: [{ action: 'resync' }] })).rejects.toThrow();
  });
});

describe('the pick-up cursor', () => {
  it('lives in the tenant entity: a Schedule made anew continues where the last poll stopped, losing nothing', async () => {
    const tenants = new Map([['t-cursor', lifecycleTenant('t-cursor', { rackbeat: h.rackbeatUrl, so: h.soUrl }, { pollEvery: '1h', firstPollLookback: '1s' })]]);
    const runs = async (scheduleId: string) => {
      const d = await h.client.schedule.getHandle(scheduleId).describe();
      return Promise.all(d.info.recentActions.map((a) => h.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result()));
    };
    let [scheduleId] = await ensureLifecycleSchedules(h.client, tenants, taskQueue);
    await h.client.schedule.getHandle(scheduleId).trigger();
    const [first] = (await waitFor(() => runs(scheduleId), (r) => r.length === 1, 'the first poll')) as Array<{ cursor: string }>;

    // An order reaches the pick-up status; then the Schedule is gone for longer than the look-back (deleted by an
    // operator and made again at a second go-live, as after any outage that leaves no completed run to read).
    const order = await soOrderWith([['P1004', 2]]);
    await h.client.schedule.getHandle(scheduleId).delete();
    await new Promise((r) => setTimeout(r, 4000));
    [scheduleId] = await ensureLifecycleSchedules(h.client, tenants, taskQueue);
    try {
      await h.client.schedule.getHandle(scheduleId).trigger();
      const [again] = (await waitFor(() => runs(scheduleId), (r) => r.length === 1, 'the poll of the new Schedule')) as Array<{ since: string; seen: number }>;
      expect(again.since).toBe(first.cursor);
      expect(await h.client.workflow.getHandle(lifecycleCursorWorkflowId('t-cursor')).query(cursorQuery)).not.toBeNull();
      await rackbeatOrderOf('t-cursor', order);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
      await h.client.workflow.getHandle(lifecycleCursorWorkflowId('t-cursor')).terminate('test done').catch(() => undefined);
    }
  });
});
