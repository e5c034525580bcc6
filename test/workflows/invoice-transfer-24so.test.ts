import { Connections } from '../../activities/connections';
import { createInvoiceActivities } from '../../activities/invoices';
import type { InvoiceView } from '../../activities/invoices/view';
import { writeSoInvoice } from '../../activities/invoices/twentyfourseven';
import { manualGet } from '../../client/order-lifecycle';
import { startInvoiceTransfer } from '../../client/rackbeat-invoice-events';
import { InvoiceTransferSettings } from '../../config/invoice-schema';
import { LifecycleSettings } from '../../config/lifecycle-schema';
import type { CustomerInvoiceInput } from '../../connectors/rackbeat/invoices';
import type { InvoiceOrder, Product as SoProduct } from '../../connectors/twentyfourseven';
import { invoiceTransferWorkflowId, type InvoiceTransferResult } from '../../workflows/invoice-transfer';
import { orderLifecycleWorkflowId, stateQuery, type LifecycleState } from '../../workflows/order-lifecycle';
import { skipUpdate, statusQuery } from '../../workflows/transfer';
import { SiirtoFlow, SiirtoSourceId, SiirtoStatus } from '../../workflows/search-attributes';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, type RegisterHarness } from '../support/register-harness';

/**
 * Rackbeat invoices → 24SevenOffice on the dev server and the sandboxes, with faults on, and the order lifecycle:
 * an invoice of a Rackbeat order that came from 24SO invoices THAT 24SO order. Rackbeat customer 1001 is linked to
 * 24SO company 1 through the user-defined field (as the register sync leaves it); products pair by number.
 */
let h: RegisterHarness;
const T = 'inv-so';
let soProducts: SoProduct[];

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [
    {
      ...registerTenant(T, urls, [{ pair: 'rackbeat-24so', registers: { customers: { direction: 'rackbeat-to-24so' }, products: { direction: 'rackbeat-to-24so' } } }]),
      invoices: InvoiceTransferSettings.parse({ to: '24so' }),
      lifecycle: LifecycleSettings.parse({ rackbeatCheckEvery: '1s' }),
    },
  ]);
  soProducts = await h.so.getProducts({});
  const customerField = await h.rackbeat.fields.create({ name: '24SO customer id', slug: '24so-customer-id', type: 'text', available_for: 'customer' });
  await h.rackbeat.fields.create({ name: '24SO product id', slug: '24so-product-id', type: 'text', available_for: 'item' });
  await h.rackbeat.customers.fieldValues.write(1001, [{ id: customerField.id, value: '1' }]);
  for (const p of soProducts) if (!(await h.rackbeat.products.findByNumber(p.no!))) await h.rackbeat.products.create({ number: p.no!, name: p.name ?? p.no!, group: 1, sales_price: p.price ?? '10' });
  const tokens = h.tenants.get(T)!.sync!.rackbeatWebhookTokens as unknown as string[];
  tokens.push((await h.rackbeat.webhooks.ensure('customer_invoice.booked', `${h.serverUrl}/webhooks/rackbeat/${T}`)).token!);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const lines = (...l: Array<[string, number, string, string?]>): CustomerInvoiceInput['lines'] =>
  l.map(([item_id, quantity, line_price, discount]) => ({ item_id, quantity, line_price, vat_percentage: '25', ...(discount ? { discount_percentage: discount } : {}) }));
const bookInvoice = async (customer: number, l: CustomerInvoiceInput['lines']) =>
  (await h.rackbeat.invoices.create({ customer_id: customer, currency: 'NOK', payment_terms_id: 1, heading: 'Siirto test', your_reference: 'PO-24', lines: l })).number;

const handle = (number: number) => h.client.workflow.getHandle(invoiceTransferWorkflowId(T, number));
async function result(number: number): Promise<InvoiceTransferResult> {
  await eventually(() => handle(number).describe(), 30_000, `${invoiceTransferWorkflowId(T, number)} to start`);
  return handle(number).result();
}
/** Every 24SO InvoiceOrder stamped for this Rackbeat invoice. */
const soDocuments = async (number: number): Promise<InvoiceOrder[]> => (await h.so.getInvoices({})).filter((o) => o.referenceNumber === `rackbeat:${number}`);
const productId = (no: string) => soProducts.find((p) => p.no === no)!.id;

describe('invoiceTransfer: Rackbeat → 24SevenOffice', () => {
  it('turns a booked invoice into one Invoiced 24SO InvoiceOrder for the linked customer and products; duplicates change nothing', async () => {
    const number = await bookInvoice(1001, lines(['P1000', 2, '100.00', '10'], ['P1003', 1, '49.50']));
    const done = await result(number);
    expect(done).toMatchObject({ status: 'done', kind: 'invoice', target: '24so', found: false });
    const [doc, ...more] = await soDocuments(number);
    expect(more).toHaveLength(0);
    const rb = (await h.rackbeat.invoices.view(number))!;
    expect(doc).toMatchObject({ orderId: done.soOrderId, invoiceId: done.soInvoiceId, orderStatus: 'Invoiced', customerId: 1, yourReference: 'PO-24', invoiceTitle: 'Siirto test', paymentTime: rb.paymentTermsDays });
    expect(doc.dateOrdered?.slice(0, 10)).toBe(rb.invoiceDate);
    expect(doc.invoiceRows!.map((r) => [r.productId, Number(r.quantity), Number(r.price), Number(r.discountRate ?? 0), Number(r.vatRate)])).toEqual([
      [productId('P1000'), 2, 100, 10, 25],
      [productId('P1003'), 1, 49.5, 0, 25],
    ]);
    // Duplicate starts (a second delivery, the reconciliation) land on the finished workflow.
    expect(await startInvoiceTransfer(h.client, { tenant: T, number, trigger: 'reconcile' }, h.taskQueue)).toMatchObject({ alreadyFinished: true });
    expect(await soDocuments(number)).toHaveLength(1);
    const d = await handle(number).describe();
    expect([d.typedSearchAttributes.get(SiirtoFlow), d.typedSearchAttributes.get(SiirtoSourceId), d.typedSearchAttributes.get(SiirtoStatus)]).toEqual(['invoice', `rackbeat/${number}`, 'done']);
    expect(d.memo?.summary).toBe(`Rackbeat invoice ${number} → 24SO invoice ${done.soInvoiceId} (order ${done.soOrderId}) for customer 1001, ${rb.totals.gross} NOK`);
  });

  it('writes one 24SO document when SaveInvoices stores it but the reply is lost (commit-then-fail), and after a worker restart', async () => {
    await control(h.urls.so, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['InvoiceService'] });
    let number = 0;
    try {
      number = await bookInvoice(1001, lines(['P1004', 3, '20.00']));
      await eventually(async () => (await control(h.urls.so, 'faults')).injected['commit-then-fail'] >= 1, 30_000, 'the first save to land');
      await h.stopWorker();
      expect((await handle(number).describe()).status.name).toBe('RUNNING');
    } finally {
      await control(h.urls.so, 'faults', { rate: 0 });
    }
    expect(await soDocuments(number)).toHaveLength(1);
    await h.startWorker();
    expect(await result(number)).toMatchObject({ status: 'done', found: true });
    expect(await soDocuments(number)).toHaveLength(1);
  }, 90_000);

  it('makes a credited invoice an Invoiced credit note with negative quantities and ReferenceInvoiceId = the original 24SO invoice', async () => {
    const number = await bookInvoice(1001, lines(['P1006', 4, '15.00']));
    const original = await result(number);
    const { number: credit } = await h.rackbeat.invoices.createCreditNote(number, { book: true });
    const done = await result(credit);
    expect(done).toMatchObject({ status: 'done', kind: 'credit-note', credits: number });
    const [note] = await soDocuments(credit);
    expect(note).toMatchObject({ orderStatus: 'Invoiced', referenceInvoiceId: original.soInvoiceId, referenceOrderId: original.soOrderId, customerId: 1 });
    expect(note.invoiceRows!.map((r) => [r.productId, Number(r.quantity), Number(r.price)])).toEqual([[productId('P1006'), -4, 15]]);
    expect(await soDocuments(number)).toHaveLength(1);
  });

  it('invoices the 24SO order an order came from through the lifecycle (no second document), and the lifecycle shows it', async () => {
    const order = await h.so.saveInvoiceOrder({
      customerId: 1,
      orderStatus: 'Confirmed',
      invoiceRows: [
        { productId: productId('P1000'), quantity: '3', price: '100' },
        { productId: productId('P1003'), quantity: '1', price: '49.5' },
      ],
    });
    const orderId = order.orderId!;
    await manualGet(h.client, T, orderId, h.taskQueue);
    const lifecycle = h.client.workflow.getHandle(orderLifecycleWorkflowId(T, orderId));
    const followed = await eventually(async () => {
      const s: LifecycleState = await lifecycle.query(stateQuery);
      return s.rackbeatNumber !== undefined && s;
    }, 30_000, 'the Rackbeat order');
    const rbOrder = followed.rackbeatNumber!;
    // The warehouse ships 3 + 1; the lifecycle sets 24SO Sent and stays to show the invoice.
    const shipment = await h.rackbeat.orders.createShipment(rbOrder);
    await h.rackbeat.orders.markShipped(shipment.id);
    await eventually(async () => (await lifecycle.query(stateQuery)).phase === 'sent', 30_000, '24SO Sent');
    expect((await lifecycle.describe()).status.name).toBe('RUNNING');
    const before = (await h.so.getInvoices({ customerIds: [1] })).length;

    const number = await h.rackbeat.orders.convertToInvoice(rbOrder, { book: true });
    const done = await result(number);
    expect(done).toMatchObject({ status: 'done', lifecycleOrderId: orderId, soOrderId: orderId, lifecycle: 'told' });
    const so = (await h.so.getInvoiceOrder(orderId))!;
    expect(so).toMatchObject({ orderStatus: 'Invoiced', invoiceId: done.soInvoiceId, referenceNumber: `rackbeat:${number}` });
    expect(so.invoiceRows!.map((r) => [r.productId, Number(r.quantity)])).toEqual([
      [productId('P1000'), 3],
      [productId('P1003'), 1],
    ]);
    // No second document: the customer has as many InvoiceOrders as before.
    expect((await h.so.getInvoices({ customerIds: [1] })).length).toBe(before);

    const finished: LifecycleState = await lifecycle.result();
    expect(finished.phase).toBe('done');
    expect(finished.invoice).toMatchObject({ rackbeatInvoice: number, invoiceId: done.soInvoiceId });
    expect(finished.path.map((p) => p.what)).toContainEqual(`invoiced: Rackbeat invoice ${number} → 24SO order Invoiced (invoice ${done.soInvoiceId})`);
    expect((await lifecycle.describe()).memo?.summary).toMatch(new RegExp(`invoiced \\(Rackbeat invoice ${number}, 24SO invoice ${done.soInvoiceId}\\)`));
  }, 90_000);

  it('an order invoiced in Rackbeat before it is shipped: the lifecycle notes the invoice at once and, after shipping, leaves 24SO at Invoiced', async () => {
    const order = await h.so.saveInvoiceOrder({ customerId: 1, orderStatus: 'Confirmed', invoiceRows: [{ productId: productId('P1004'), quantity: '2', price: '20' }] });
    const orderId = order.orderId!;
    await manualGet(h.client, T, orderId, h.taskQueue);
    const lifecycle = h.client.workflow.getHandle(orderLifecycleWorkflowId(T, orderId));
    const { rackbeatNumber } = await eventually(async () => {
      const s: LifecycleState = await lifecycle.query(stateQuery);
      return s.rackbeatNumber !== undefined && s.phase === 'in-rackbeat' && s;
    }, 30_000, 'the Rackbeat order');
    const number = await h.rackbeat.orders.convertToInvoice(rackbeatNumber!, { book: true });
    const done = await result(number);
    expect(done).toMatchObject({ status: 'done', lifecycleOrderId: orderId, lifecycle: 'told' });
    expect((await lifecycle.query(stateQuery)).invoice).toMatchObject({ rackbeatInvoice: number, invoiceId: done.soInvoiceId });
    const shipment = await h.rackbeat.orders.createShipment(rackbeatNumber!);
    await h.rackbeat.orders.markShipped(shipment.id);
    const finished: LifecycleState = await lifecycle.result();
    expect(finished.phase).toBe('done');
    expect(finished.path.map((p) => p.what)).toEqual(expect.arrayContaining([`invoiced: Rackbeat invoice ${number} → 24SO order Invoiced (invoice ${done.soInvoiceId})`, expect.stringMatching(/24SO status left at Invoiced/)]));
    expect((await h.so.getInvoiceOrder(orderId))!.orderStatus).toBe('Invoiced');
  }, 90_000);

  it('brings a lifecycle order\'s rows to what Rackbeat invoiced (changed, removed, added) in one save, and a retry of the same step changes nothing', async () => {
    const order = await h.so.saveInvoiceOrder({
      customerId: 1,
      orderStatus: 'OrderState_Sent',
      invoiceRows: [
        { productId: productId('P1000'), quantity: '3', price: '100' },
        // The order's row says 15 % VAT; Rackbeat booked 25 %: the invoice carries what Rackbeat booked.
        { productId: productId('P1003'), quantity: '1', price: '49.5', vatRate: '15' },
        { productId: productId('P1004'), quantity: '2', price: '20' },
      ],
    });
    const line = (productNumber: string, quantity: string, unitPrice: string, discountPercent = '0') => ({ productNumber, name: productNumber, quantity, unitPrice, discountPercent, vatPercent: '25', lineTotal: '0' });
    const invoice: InvoiceView = {
      number: 99001, kind: 'invoice', booked: true, customerNumber: 1001, customerName: 'Test', invoiceDate: '2026-12-01', dueDate: '2026-12-15', currency: 'NOK',
      lines: [line('P1000', '2', '95', '5'), line('P1003', '1', '49.5'), line('P1006', '1', '15')],
      totals: { net: '0', vat: '0', gross: '0' },
    };
    const parties = { target: '24so' as const, customer: '1', products: { P1000: String(productId('P1000')), P1003: String(productId('P1003')), P1006: String(productId('P1006')) } };
    const activities = createInvoiceActivities(new Connections(h.tenants), () => h.client);
    const first = await activities.invoiceLifecycleOrder({ tenant: T, orderId: order.orderId!, invoice, parties });
    const retry = await activities.invoiceLifecycleOrder({ tenant: T, orderId: order.orderId!, invoice, parties });
    expect(first).toMatchObject({ orderId: order.orderId, found: false });
    expect(retry).toEqual({ ...first, found: true });
    // Another Rackbeat invoice for the same, already invoiced order writes nothing: the operator decides.
    await expect(activities.invoiceLifecycleOrder({ tenant: T, orderId: order.orderId!, invoice: { ...invoice, number: 99002 }, parties })).rejects.toThrow(
      `Rackbeat invoice 99002 is for 24SO order ${order.orderId} (through the order lifecycle), which is already invoiced as invoice ${first.invoiceId} (reference "rackbeat:99001"), not by this invoice`,
    );
    const so = (await h.so.getInvoiceOrder(order.orderId!))!;
    expect(so).toMatchObject({ orderStatus: 'Invoiced', invoiceId: first.invoiceId, referenceNumber: 'rackbeat:99001' });
    expect(so.invoiceRows!.map((r) => [r.productId, Number(r.quantity), Number(r.price), Number(r.discountRate ?? 0), Number(r.vatRate)])).toEqual([
      [productId('P1000'), 2, 95, 5, 25],
      [productId('P1003'), 1, 49.5, 0, 25],
      [productId('P1006'), 1, 15, 0, 25],
    ]);
  });

  it('syncs a customer the register sync has not linked yet into 24SO first, then writes the invoice for it', async () => {
    const link = async () => (await h.rackbeat.customers.fieldValues.read(1006)).find((v) => v.field.slug === '24so-customer-id')?.value;
    expect(await link()).toBeFalsy();
    const number = await bookInvoice(1006, lines(['P1010', 1, '5.00']));
    const done = await result(number);
    expect(done).toMatchObject({ status: 'done' });
    const [doc] = await soDocuments(number);
    const linked = await link();
    expect(linked).toMatch(/^\d+$/);
    expect(doc.customerId).toBe(Number(linked));
    expect((await h.so.getCompany(Number(linked)))?.externalId).toBe('1006');
  });
  it('parks an invoice in another currency than 24SO books the customer in, instead of booking its amounts as NOK', async () => {
    // Customer 1001 is linked to 24SO company 1, whose currency is the company's own (LOCAL): NOK, the pair's default.
    const number = (await h.rackbeat.invoices.create({ customer_id: 1001, currency: 'EUR', payment_terms_id: 1, lines: lines(['P1000', 1, '100.00']) })).number;
    const parked = await eventually(async () => {
      const s = await handle(number).query(statusQuery);
      return s.status === 'needs-attention' && s;
    }, 60_000, `${invoiceTransferWorkflowId(T, number)} to need attention`);
    expect(parked.step).toBe('document');
    expect(parked.error?.message).toMatch(new RegExp(`^Rackbeat invoice ${number} is in EUR, but 24SevenOffice books customer 1's invoices in NOK .*Siirto does not convert amounts`));
    expect(await soDocuments(number)).toHaveLength(0);
    await handle(number).executeUpdate(skipUpdate, { args: [{ by: 'test', reason: 'entered by hand' }] });
    expect(await result(number)).toMatchObject({ status: 'skipped' });
  });
  it('names a twin document at once when two attempts wrote the same invoice (two workers without the cluster-wide lock)', async () => {
    const line = { productNumber: 'P1000', name: 'P1000', quantity: '1', unitPrice: '100', discountPercent: '0', vatPercent: '25', lineTotal: '100' };
    const invoice: InvoiceView = {
      number: 99101, kind: 'invoice', booked: true, customerNumber: 1001, customerName: 'Test', invoiceDate: '2026-12-01', dueDate: '2026-12-15', currency: 'NOK',
      lines: [line], totals: { net: '100', vat: '25', gross: '125' },
    };
    const parties = { target: '24so' as const, customer: '1', products: { P1000: String(productId('P1000')) } };
    // Both attempts believe they are the first (no look before writing), as two workers can after a timeout.
    const first = await writeSoInvoice(h.so, invoice, parties, false, undefined, 'NOK');
    await expect(writeSoInvoice(h.so, invoice, parties, false, undefined, 'NOK')).rejects.toThrow(
      new RegExp(`^24SevenOffice has 2 documents stamped "rackbeat:99101" \\(orders \\d+, ${first.orderId}\\): two attempts wrote at once`),
    );
    expect(await soDocuments(99101)).toHaveLength(2);
  });
});
