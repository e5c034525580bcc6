import crypto from 'node:crypto';
import { manualGet } from '../../client/order-lifecycle';
import { handleRackbeatOrderEvent } from '../../client/rackbeat-order-events';
import { orderLifecycleWorkflowId, type LifecycleState } from '../../workflows/order-lifecycle';
import { control } from '../support/sandboxes';
import { lifecycleState, lifecycleTenant, startLifecycleHarness, waitFor, type LifecycleHarness } from '../support/lifecycle-harness';

// Real Rackbeat deliveries carry only {key_name, key} and the Rackbeat-Webhook-Event header: no delivery id.
const taskQueue = `rackbeat-dedupe-${crypto.randomUUID()}`;
let h: LifecycleHarness;

beforeAll(async () => {
  // No webhooks are registered: the deliveries below are the only events the order sees; the backstop timer is long.
  h = await startLifecycleHarness(taskQueue, (urls) => [lifecycleTenant('t-dedupe', urls, { rackbeatCheckEvery: '1h' })]);
  // Link 24SO customer 1 and product P1000 the way the register sync does (field / equal number).
  const customerField = await h.rackbeat.fields.create({ name: '24SO customer id', slug: '24so-customer-id', type: 'text', available_for: 'customer' });
  await h.rackbeat.fields.create({ name: '24SO product id', slug: '24so-product-id', type: 'text', available_for: 'item' });
  await h.rackbeat.customers.fieldValues.write(1001, [{ id: customerField.id, value: '1' }]);
  const p = (await h.so.getProducts({})).find((x) => x.no === 'P1000')!;
  if (!(await h.rackbeat.products.findByNumber('P1000'))) await h.rackbeat.products.create({ number: 'P1000', name: p.name ?? 'P1000', group: 1, sales_price: p.price ?? '10' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const deliver = (event: string, number: number) =>
  handleRackbeatOrderEvent(h.client, 't-dedupe', { event, key: String(number), body: { key_name: 'number', key: String(number) } }, taskQueue);

it('the same delivery posted twice counts once; the same event later, and a distinct one, are processed', async () => {
  const p = (await h.so.getProducts({})).find((x) => x.no === 'P1000')!;
  const saved = await h.so.saveInvoiceOrder({ customerId: 1, orderStatus: 'Confirmed', invoiceRows: [{ productId: p.id, quantity: '1', price: p.price }] });
  const orderId = saved.orderId!;
  const wf = orderLifecycleWorkflowId('t-dedupe', orderId);
  await manualGet(h.client, 't-dedupe', orderId, taskQueue);
  const created = await waitFor(() => lifecycleState(h, wf), (s) => s.rackbeatNumber !== undefined && s.phase !== 'picked-up', 'the Rackbeat order');
  const number = created.rackbeatNumber!;

  // Reads of this Rackbeat order stall for 2 s (the routing's origin lookup among them), so the first delivery is
  // still pending when its copy arrives.
  await control(h.rackbeatUrl, 'faults', { rate: 1, kinds: ['timeout'], timeoutMs: 2000, paths: [`/api/orders/${number}`], methods: ['GET'] });
  try {
    await deliver('order.updated', number);
    await waitFor(() => control(h.rackbeatUrl, 'faults'), (f) => f.injected.timeout >= 1, 'the first delivery\'s lookup to stall');
    await deliver('order.updated', number);
  } finally {
    await control(h.rackbeatUrl, 'faults', { rate: 0 });
  }
  const first = await waitFor(() => lifecycleState(h, wf), (s) => s.eventsReceived >= 1 && s.checks >= 1, 'the first delivery to be checked');
  expect(first.eventsReceived).toBe(1);

  // The same event once the first was checked: a new change in Rackbeat, not a duplicate.
  await waitFor(() => h.client.workflow.getHandle(`rackbeat-order-event/t-dedupe/${number}/order.updated:${number}`).describe(), (d) => d.status.name === 'COMPLETED', 'the first routing to finish');
  await waitFor(() => lifecycleState(h, wf), (s) => s.checks >= 1 && s.eventsReceived === 1, 'the check');
  await deliver('order.updated', number);
  const again = await waitFor(() => lifecycleState(h, wf), (s) => s.eventsReceived >= 2, 'the repeated event to be processed');
  expect(again.eventsReceived).toBe(2);

  // A distinct event: ship in Rackbeat, deliver order.shipped, the order reaches Sent.
  const shipment = await h.rackbeat.orders.createShipment(number);
  await h.rackbeat.orders.markShipped(shipment.id);
  await deliver('order.shipped', number);
  const result: LifecycleState = await h.client.workflow.getHandle(wf).result();
  expect(result.phase).toBe('done');
  expect(result.eventsReceived).toBe(3);
});
