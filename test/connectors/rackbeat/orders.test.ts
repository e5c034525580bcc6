import { RackbeatClient } from '../../../connectors/rackbeat';
import { control } from '../../support/sandboxes';
import { collect, failure, startRackbeat } from './harness';

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;
let items: string[];

beforeAll(async () => {
  env = await startRackbeat(5);
  rb = env.client();
  items = (await collect(rb.products.iterate())).map((p) => p.number);
});
afterAll(() => env.stop());

describe('Rackbeat orders and customer invoices', () => {
  test('seeded orders are drafts and booked ones; filters by is_booked', async () => {
    const all = await collect(rb.orders.iterate());
    expect(all.length).toBe(4);
    const drafts = await rb.orders.list({ is_booked: false });
    expect(drafts.items.every((o) => !o.is_booked)).toBe(true);
    expect(drafts.total).toBeGreaterThan(0);
    expect((await rb.orders.list({ is_booked: true })).total).toBe(4 - drafts.total);
  });

  test('draft → edit lines → book → locked → reopen → edit → book', async () => {
    const draft = await rb.orders.createDraft({
      customer_id: 1001, heading: '24SO 5531', deliver_at: '2026-03-01',
      lines: [{ item_id: items[1], quantity: 2, line_price: '100.00' }, { item_id: items[0], quantity: '1.5' }],
    });
    expect(draft).toMatchObject({ is_booked: false, heading: '24SO 5531', total_subtotal: expect.any(String) });
    expect(draft.lines).toHaveLength(2);
    expect(draft.lines[0]).toMatchObject({ child_id: items[1], quantity: '2', line_price: '100' });
    expect(draft.customer?.number).toBe(1001);

    const added = await rb.orders.addLine(draft.number, { item_id: items[2], quantity: 3, discount_percentage: 10 });
    const edited = await rb.orders.updateLine(draft.number, draft.lines[0].id, { quantity: 5 });
    expect(edited).toMatchObject({ quantity: '5', line_price: '100', line_total: '500' });
    await rb.orders.deleteLine(draft.number, draft.lines[1].id);
    const lines = await rb.orders.listLines(draft.number);
    expect(lines.items.map((l) => l.id)).toEqual([draft.lines[0].id, added.id]);

    const booked = await rb.orders.book(draft.number);
    expect(booked.is_booked).toBe(true);
    expect(booked.booked_at).toBeTruthy();

    for (const attempt of [
      () => rb.orders.addLine(draft.number, { item_id: items[0], quantity: 1 }),
      () => rb.orders.updateLine(draft.number, added.id, { quantity: 9 }),
      () => rb.orders.deleteLine(draft.number, added.id),
    ]) {
      const err = await failure(attempt());
      expect(err).toMatchObject({ errorClass: 'validation', field: 'is_booked', code: '422' });
      expect(err.message).toContain('Reopen the order first');
    }
    expect(await failure(rb.orders.book(draft.number))).toMatchObject({ field: 'is_booked' });

    const reopened = await rb.orders.reopen(draft.number);
    expect(reopened.is_booked).toBe(false);
    expect((await rb.orders.updateLine(draft.number, added.id, { quantity: 4 })).quantity).toBe('4');
    expect((await rb.orders.book(draft.number)).lines.find((l) => l.id === added.id)?.quantity).toBe('4');
  });

  test('totals are exact decimals (subtotal, VAT 25 %, total)', async () => {
    const o = await rb.orders.createDraft({ customer_id: 1002, lines: [{ item_id: items[0], quantity: 3, line_price: '0.10', vat_percentage: 25 }] });
    expect(o).toMatchObject({ total_subtotal: '0.3', total_vat: '0.08', total_total: '0.38' });
  });

  test('create booked, update header, ship with create-shipment and mark-shipped, invoice and book the invoice', async () => {
    const order = await rb.orders.create({ customer_id: 1003, currency: 'EUR', lines: [{ item_id: items[3], quantity: 1 }] });
    expect(order.is_booked).toBe(true);
    expect((await rb.orders.update(order.number, { heading: 'Web 42' })).heading).toBe('Web 42');
    expect(await failure(rb.orders.reopen(order.number + 1000))).toMatchObject({ errorClass: 'not-found' });

    const shipment = await rb.orders.createShipment(order.number);
    expect(shipment).toMatchObject({ order_number: order.number, is_shipped: false });
    expect((await rb.orders.get(order.number)).is_ready_for_shipping).toBe(true);
    expect((await rb.orders.listShipments(order.number)).map((s) => s.id)).toEqual([shipment.id]);
    const shipped = await rb.orders.markShipped(shipment.id);
    expect(shipped).toMatchObject({ is_shipped: true, is_picked: true });
    const after = await rb.orders.get(order.number);
    expect(after).toMatchObject({ is_shipped: true });
    expect(await failure(rb.orders.reopen(order.number))).toMatchObject({ field: 'is_shipped' });
    expect(await failure(rb.orders.markShipped(shipment.id))).toMatchObject({ field: 'is_shipped' });

    const invoiceNumber = await rb.orders.convertToInvoice(order.number);
    const invoice = await rb.invoices.get(invoiceNumber);
    expect(invoice).toMatchObject({ order_id: order.number, customer_id: 1003, is_booked: false, currency: 'EUR' });
    expect(invoice.total_total).toBe(after.total_total);
    expect(await failure(rb.orders.convertToInvoice(order.number))).toMatchObject({ field: 'is_invoiced' });
    expect((await rb.invoices.book(invoiceNumber)).is_booked).toBe(true);
    expect(await failure(rb.invoices.book(invoiceNumber))).toMatchObject({ field: 'is_booked' });
    expect((await rb.invoices.list({ is_booked: true })).items.map((i) => i.number)).toContain(invoiceNumber);
    expect((await collect(rb.invoices.iterate())).length).toBe(1);
    expect(await rb.invoices.find(999)).toBeNull();

    const booked = await rb.orders.create({ customer_id: 1001, lines: [{ item_id: items[0], quantity: 1 }] });
    expect((await rb.invoices.get(await rb.orders.convertToInvoice(booked.number, { book: true }))).is_booked).toBe(true);
  });

  test('a shipment needs a booked order; drafts can be deleted, booked orders not', async () => {
    const draft = await rb.orders.createDraft({ customer_id: 1001, lines: [] });
    expect(await failure(rb.orders.createShipment(draft.number))).toMatchObject({ field: 'is_booked' });
    expect(await failure(rb.orders.book(draft.number))).toMatchObject({ field: 'lines' });
    await rb.orders.delete(draft.number);
    expect(await rb.orders.find(draft.number)).toBeNull();
    const booked = await rb.orders.create({ customer_id: 1001, lines: [{ item_id: items[0], quantity: 1 }] });
    expect(await failure(rb.orders.delete(booked.number))).toMatchObject({ field: 'is_booked' });
  });

  test('order validation names the line field', async () => {
    const err = await failure(rb.orders.create({ customer_id: 1001, lines: [{ item_id: items[0], quantity: 1 }, { item_id: 'NOPE-1', quantity: 1 }] }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'lines.1.item_id' });
    expect(err.message).toContain('The selected lines.1.item_id is invalid.');
    expect(await failure(rb.orders.createDraft({ customer_id: 424242, lines: [] }))).toMatchObject({ field: 'customer_id' });
    expect(await failure(rb.orders.create({ customer_id: 1001, lines: [] }))).toMatchObject({ field: 'lines' });
    expect(await failure(rb.orders.createDraft({ customer_id: 1001, deliver_at: '1.3.2026', lines: [] }))).toMatchObject({ field: 'deliver_at' });
    const state = await control(env.url, 'state');
    expect(state.orders.every((o: any) => o.lines.every((l: any) => l.child_id !== 'NOPE-1'))).toBe(true);
  });
});
