import { TwentyFourSevenClient } from '../../../connectors/twentyfourseven';
import { findInvoiceOrdersByReferenceNumber } from '../../../connectors/twentyfourseven/invoices';
import { control, startTestSandboxes } from '../../support/sandboxes';

/**
 * 24SevenOffice invoices and credit notes through the connector (docs/wire/twentyfourseven.md#credit-notes): an
 * invoice is an InvoiceOrder saved as Invoiced (it gets an InvoiceId); a credit note is an Invoiced InvoiceOrder with
 * negative quantities and ReferenceInvoiceId = the credited invoice's InvoiceId; ReferenceNumber carries our stamp.
 */
let url: string;
let stop: () => Promise<void>;
const client = () =>
  new TwentyFourSevenClient({
    baseUrl: url,
    applicationId: '00000000-0000-0000-0000-000000000024',
    username: 'sandbox@siirto.test',
    password: 'sandbox',
    identityId: '1d000000-0000-4000-8000-000000024001',
  });

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 7);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

async function invoiced(c: TwentyFourSevenClient, customerName: string, stamp: string) {
  const customer = await c.saveCompany({ name: customerName, type: 'Business' });
  const [p1] = await c.getProducts({}, ['id', 'price']);
  const invoice = await c.saveInvoiceOrder({
    customerId: customer.id,
    orderStatus: 'Invoiced',
    referenceNumber: stamp,
    invoiceRows: [{ productId: p1.id, quantity: '3', price: '100.00' }],
  });
  return { customer, product: p1, invoice };
}

describe('InvoiceService credit notes', () => {
  test('an Invoiced order gets an InvoiceId; its credit note refers to it and GetInvoices returns the references and the stamp', async () => {
    const c = client();
    const { customer, product, invoice } = await invoiced(c, 'Kreditkunde AS', 'Rackbeat 10023');
    expect(invoice.invoiceId).toEqual(expect.any(Number));

    const credit = await c.saveInvoiceOrder({
      customerId: customer.id,
      orderStatus: 'Invoiced',
      referenceInvoiceId: invoice.invoiceId,
      referenceOrderId: invoice.orderId,
      referenceNumber: 'Rackbeat 10024',
      invoiceRows: [{ productId: product.id, quantity: '-1', price: '100.00' }],
    });
    expect(credit.invoiceId).toEqual(expect.any(Number));
    expect(credit.invoiceId).not.toBe(invoice.invoiceId);

    const read = await c.getInvoiceOrder(credit.orderId!);
    expect(read).toMatchObject({
      orderStatus: 'Invoiced',
      customerId: customer.id,
      referenceInvoiceId: invoice.invoiceId,
      referenceOrderId: invoice.orderId,
      referenceNumber: 'Rackbeat 10024',
      orderTotalIncVat: '-125',
    });
    expect(read!.invoiceRows!.map((r) => r.quantity)).toEqual(['-1']);
    // Found again by the stamp, as a retry does: the customer's invoiced documents, filtered on ReferenceNumber.
    const mine = await c.getInvoices({ customerIds: [customer.id!], orderStatuses: ['Invoiced'] }, { order: ['orderId', 'invoiceId', 'referenceNumber', 'referenceInvoiceId'] });
    expect(mine.find((o) => o.referenceNumber === 'Rackbeat 10024')).toMatchObject({ orderId: credit.orderId, referenceInvoiceId: invoice.invoiceId });
    expect(mine.find((o) => o.referenceNumber === 'Rackbeat 10023')).toMatchObject({ orderId: invoice.orderId, referenceInvoiceId: undefined });

    const again = await findInvoiceOrdersByReferenceNumber(c, { customerId: customer.id!, referenceNumber: 'Rackbeat 10024' }, { order: ['invoiceId'] });
    expect(again.map((o) => [o.orderId, o.invoiceId, o.referenceNumber])).toEqual([[credit.orderId, credit.invoiceId, 'Rackbeat 10024']]);
    expect(await findInvoiceOrdersByReferenceNumber(c, { customerId: customer.id!, referenceNumber: 'Rackbeat 1002' })).toEqual([]);
    const stored = (await control(url, 'state')).invoices.find((o: { OrderId: number }) => o.OrderId === credit.orderId);
    expect(stored).toMatchObject({ OrderStatus: 'Invoiced', ReferenceInvoiceId: invoice.invoiceId, ReferenceOrderId: invoice.orderId, ReferenceNumber: 'Rackbeat 10024' });
  });

  test('an order the lifecycle created is invoiced by setting its status: it keeps its OrderId and gets an InvoiceId', async () => {
    const c = client();
    const customer = await c.saveCompany({ name: 'Ordrekunde AS', type: 'Business' });
    const [p1] = await c.getProducts({}, ['id']);
    const order = await c.saveInvoiceOrder({ customerId: customer.id, orderStatus: 'Confirmed', invoiceRows: [{ productId: p1.id, quantity: '2' }] });
    expect((await c.getInvoiceOrder(order.orderId!))?.invoiceId).toBeUndefined();
    const done = await c.setOrderStatus(order.orderId!, 'Invoiced');
    expect(done).toMatchObject({ orderId: order.orderId, orderStatus: 'Invoiced', invoiceId: expect.any(Number) });
  });

  test('refuses a reference to an invoice that does not exist, is not invoiced or is another customer’s, and an unknown ReferenceOrderId', async () => {
    const c = client();
    const { customer, product, invoice } = await invoiced(c, 'Kreditkunde AS', 'Rackbeat 10023');
    const other = await c.saveCompany({ name: 'Annen Kunde AS', type: 'Business' });
    const open = await c.saveInvoiceOrder({ customerId: customer.id, orderStatus: 'Confirmed', invoiceRows: [{ productId: product.id, quantity: '1' }] });
    const credit = (over: object) => c.saveInvoiceOrder({ customerId: customer.id, orderStatus: 'Invoiced', invoiceRows: [{ productId: product.id, quantity: '-1', price: '100.00' }], ...over });

    await expect(credit({ referenceInvoiceId: 987654 })).rejects.toMatchObject({
      errorClass: 'validation',
      field: 'ReferenceInvoiceId',
      message: expect.stringContaining('invoice 987654 does not exist'),
    });
    // An open order has no InvoiceId, so its OrderId is no invoice either.
    await expect(credit({ referenceInvoiceId: open.orderId })).rejects.toMatchObject({ field: 'ReferenceInvoiceId' });
    await expect(credit({ customerId: other.id, referenceInvoiceId: invoice.invoiceId })).rejects.toMatchObject({
      field: 'ReferenceInvoiceId',
      message: expect.stringContaining(`belongs to customer ${customer.id}, not to customer ${other.id}`),
    });
    await expect(credit({ referenceInvoiceId: invoice.invoiceId, referenceOrderId: 987654 })).rejects.toMatchObject({ field: 'ReferenceOrderId' });
    // An invoice stays as it is: no reference can be added afterwards.
    await expect(c.saveInvoiceOrder({ orderId: invoice.orderId, referenceInvoiceId: invoice.invoiceId })).rejects.toMatchObject({
      field: 'OrderId',
      message: expect.stringContaining('can no longer be changed'),
    });
    const refused = (await control(url, 'state')).invoices.filter((o: { CustomerId: number; OrderStatus: string }) => o.OrderStatus === 'Invoiced' && [customer.id, other.id].includes(o.CustomerId));
    expect(refused).toHaveLength(1);
  });
});
