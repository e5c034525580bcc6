import { ConnectorError } from '../kit/errors';
import type { SoapCaller } from './caller';
import { addressesXml } from './companies';
import { SYSTEM } from './errors';
import { outcomes, single, type SaveOutcome } from './save';
import { IntList, InvoiceOrderList, type Addresses, type InvoiceOrder, type InvoiceRow, type OrderStatus } from './schemas';
import { el, list } from './soap';
import { formatDateTime, SENTINEL, writeFields, type WriteField } from './wire';

/** InvoiceService: sales orders and invoices are InvoiceOrder objects; OrderStatus tells which. */
export interface InvoiceRowInput {
  productId?: number;
  /** Required to edit or delete a row of an existing order. */
  rowId?: number;
  vatRate?: string;
  price?: string;
  name?: string;
  discountRate?: string;
  quantity?: string;
  cost?: string;
  changeState?: 'None' | 'Add' | 'Edit' | 'Delete';
  sequenceNumber?: number;
  type?: 'Normal' | 'Text' | 'TextBold';
  inPrice?: string;
  productNo?: string;
}

export interface InvoiceOrderInput {
  /** Set to update that order; leave out to create one. */
  orderId?: number;
  customerId?: number;
  customerName?: string;
  customerDeliveryName?: string;
  addresses?: Addresses;
  orderStatus?: OrderStatus;
  dateOrdered?: string;
  paymentTime?: number;
  ourReference?: number;
  includeVat?: boolean;
  yourReference?: string;
  invoiceTitle?: string;
  invoiceText?: string;
  customerOrgNo?: string;
  departmentId?: number;
  /** A customer-specific status id (what the company's own workflow calls its order states). */
  externalStatus?: number;
  invoiceEmailAddress?: string;
  invoiceRows?: InvoiceRowInput[];
  deliveryDate?: string;
  /**
   * A credit note: the InvoiceId (not the OrderId) of the invoice it credits. 24SevenOffice's documented way is an
   * `Invoiced` InvoiceOrder with negative quantities and ReferenceInvoiceId (docs/wire/twentyfourseven.md#credit-notes).
   */
  referenceInvoiceId?: number;
  /** The OrderId of the order a document comes from (e.g. the credited invoice's order). */
  referenceOrderId?: number;
  /**
   * Siirto's stamp ("our reference": the source document, e.g. `Rackbeat 10023`), so a retry finds its own earlier
   * write. ReferenceNumber is returned by GetInvoices and stays changeable on invoiced documents (UpdateInvoices),
   * unlike YourReference (the customer's) or OurReference (an employee id): docs/wire/open-points.md "24SO stamp".
   */
  referenceNumber?: string;
}

export interface InvoiceSearch {
  customerIds?: number[];
  changedAfter?: string | Date;
  orderStatuses?: OrderStatus[];
  invoiceIds?: number[];
  orderIds?: number[];
  externalStatuses?: number[];
}

const ints = (wrapperItem: string) => ((values: number[]) => values.map((v) => el(wrapperItem, String(v))).join('')) as (v: never) => string;

const ROW_FIELDS: WriteField<InvoiceRowInput>[] = [
  { wire: 'ProductId', key: 'productId', kind: 'int' },
  { wire: 'RowId', key: 'rowId', kind: 'int' },
  { wire: 'VatRate', key: 'vatRate', kind: 'decimal' },
  { wire: 'Price', key: 'price', kind: 'decimal' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'DiscountRate', key: 'discountRate', kind: 'decimal' },
  { wire: 'Quantity', key: 'quantity', kind: 'decimal' },
  { wire: 'Cost', key: 'cost', kind: 'decimal' },
  { wire: 'ChangeState', key: 'changeState', kind: 'string' },
  { wire: 'SequenceNumber', key: 'sequenceNumber', kind: 'int' },
  { wire: 'Type', key: 'type', kind: 'string' },
  { wire: 'InPrice', key: 'inPrice', kind: 'decimal' },
  { wire: 'ProductNo', key: 'productNo', kind: 'string' },
];

const ORDER_FIELDS: WriteField<InvoiceOrderInput>[] = [
  { wire: 'OrderId', key: 'orderId', kind: 'int' },
  { wire: 'CustomerId', key: 'customerId', kind: 'int' },
  { wire: 'CustomerName', key: 'customerName', kind: 'string' },
  { wire: 'CustomerDeliveryName', key: 'customerDeliveryName', kind: 'string' },
  { wire: 'Addresses', key: 'addresses', kind: addressesXml as (v: never) => string },
  { wire: 'OrderStatus', key: 'orderStatus', kind: 'string' },
  { wire: 'DateOrdered', key: 'dateOrdered', kind: 'dateTime' },
  { wire: 'PaymentTime', key: 'paymentTime', kind: 'int' },
  { wire: 'OurReference', key: 'ourReference', kind: 'int' },
  // minOccurs="1" nillable="true" in the WSDL: always present, xsi:nil when we leave it alone.
  { wire: 'IncludeVAT', key: 'includeVat', kind: 'nbool', required: true },
  { wire: 'YourReference', key: 'yourReference', kind: 'string' },
  { wire: 'InvoiceTitle', key: 'invoiceTitle', kind: 'string' },
  { wire: 'InvoiceText', key: 'invoiceText', kind: 'string' },
  { wire: 'CustomerOrgNo', key: 'customerOrgNo', kind: 'string' },
  { wire: 'DepartmentId', key: 'departmentId', kind: 'int' },
  { wire: 'ExternalStatus', key: 'externalStatus', kind: 'int' },
  { wire: 'InvoiceEmailAddress', key: 'invoiceEmailAddress', kind: 'string' },
  { wire: 'InvoiceRows', key: 'invoiceRows', kind: ((rows: InvoiceRowInput[]) => rows.map((r) => el('InvoiceRow', writeFields(ROW_FIELDS, r))).join('')) as (v: never) => string },
  { wire: 'DeliveryDate', key: 'deliveryDate', kind: 'dateTime' },
  { wire: 'ReferenceInvoiceId', key: 'referenceInvoiceId', kind: 'int' },
  { wire: 'ReferenceOrderId', key: 'referenceOrderId', kind: 'int' },
  { wire: 'ReferenceNumber', key: 'referenceNumber', kind: 'string' },
];

const SEARCH_FIELDS: WriteField<InvoiceSearch>[] = [
  { wire: 'CustomerIds', key: 'customerIds', kind: ints('int') },
  { wire: 'ChangedAfter', key: 'changedAfter', kind: 'dateTime' },
  { wire: 'OrderStates', key: 'orderStatuses', kind: ((s: string[]) => s.map((v) => el('OrderSlipStateType', v)).join('')) as (v: never) => string },
  { wire: 'InvoiceIds', key: 'invoiceIds', kind: ints('int') },
  { wire: 'OrderIds', key: 'orderIds', kind: ints('int') },
  { wire: 'ExternalStatus', key: 'externalStatuses', kind: ints('int') },
];

export const INVOICE_PROPERTIES = {
  orderId: 'OrderId',
  customerId: 'CustomerId',
  customerName: 'CustomerName',
  customerDeliveryName: 'CustomerDeliveryName',
  addresses: 'Addresses',
  orderStatus: 'OrderStatus',
  invoiceId: 'InvoiceId',
  dateOrdered: 'DateOrdered',
  dateInvoiced: 'DateInvoiced',
  dateChanged: 'DateChanged',
  paymentTime: 'PaymentTime',
  ourReference: 'OurReference',
  includeVat: 'IncludeVAT',
  yourReference: 'YourReference',
  orderTotalIncVat: 'OrderTotalIncVat',
  orderTotalVat: 'OrderTotalVat',
  invoiceTitle: 'InvoiceTitle',
  invoiceText: 'InvoiceText',
  customerOrgNo: 'CustomerOrgNo',
  departmentId: 'DepartmentId',
  externalStatus: 'ExternalStatus',
  invoiceEmailAddress: 'InvoiceEmailAddress',
  invoiceRows: 'InvoiceRows',
  deliveryDate: 'DeliveryDate',
  referenceInvoiceId: 'ReferenceInvoiceId',
  referenceOrderId: 'ReferenceOrderId',
  referenceNumber: 'ReferenceNumber',
} as const satisfies Record<keyof InvoiceOrder, string>;
export type InvoiceProperty = keyof typeof INVOICE_PROPERTIES;

export const ROW_PROPERTIES = {
  productId: 'ProductId',
  rowId: 'RowId',
  vatRate: 'VatRate',
  price: 'Price',
  name: 'Name',
  discountRate: 'DiscountRate',
  quantity: 'Quantity',
  cost: 'Cost',
  sequenceNumber: 'SequenceNumber',
  type: 'Type',
  inPrice: 'InPrice',
  productNo: 'ProductNo',
} as const satisfies Record<keyof InvoiceRow, string>;
export type RowProperty = keyof typeof ROW_PROPERTIES;

export interface InvoiceProperties {
  order?: readonly InvoiceProperty[];
  rows?: readonly RowProperty[];
}

/** GetInvoices takes at most 1000 OrderIds per call. */
const MAX_IDS = 1000;

export async function getInvoices(caller: SoapCaller, search: InvoiceSearch, properties: InvoiceProperties = {}): Promise<InvoiceOrder[]> {
  if (search.orderIds && search.orderIds.length > MAX_IDS) {
    const out: InvoiceOrder[] = [];
    for (let i = 0; i < search.orderIds.length; i += MAX_IDS) {
      out.push(...(await getInvoices(caller, { ...search, orderIds: search.orderIds.slice(i, i + MAX_IDS) }, properties)));
    }
    return out;
  }
  const orderProps = (properties.order ?? (Object.keys(INVOICE_PROPERTIES) as InvoiceProperty[])).map((p) => INVOICE_PROPERTIES[p]);
  const rowProps = (properties.rows ?? (Object.keys(ROW_PROPERTIES) as RowProperty[])).map((p) => ROW_PROPERTIES[p]);
  const inner =
    el('searchParams', writeFields(SEARCH_FIELDS, search)) +
    list('invoiceReturnProperties', 'string', orderProps) +
    list('rowReturnProperties', 'string', rowProps);
  const items = await caller.call('invoice', 'GetInvoices', inner, InvoiceOrderList, 'invoice orders');
  return items.map(({ apiException: _e, ...o }) => o);
}

export async function getInvoiceOrder(caller: SoapCaller, orderId: number, properties?: InvoiceProperties): Promise<InvoiceOrder | null> {
  const order = properties?.order && [...new Set([...properties.order, 'orderId' as const])];
  const hits = await getInvoices(caller, { orderIds: [orderId] }, { ...properties, order });
  return hits.find((o) => o.orderId === orderId) ?? null;
}

/**
 * "Did my earlier write land?" for documents stamped in ReferenceNumber: GetInvoices cannot search by it, so this
 * reads the customer's documents in the given states (default Invoiced) and keeps those whose ReferenceNumber is
 * exactly the stamp. Pass a `changedAfter` a little before the first attempt to keep the read small.
 */
export async function findInvoiceOrdersByReferenceNumber(
  caller: SoapCaller,
  q: { customerId: number; referenceNumber: string; orderStatuses?: OrderStatus[]; changedAfter?: string | Date },
  properties: InvoiceProperties = {},
): Promise<InvoiceOrder[]> {
  const order = properties.order && [...new Set([...properties.order, 'orderId' as const, 'referenceNumber' as const])];
  const found = await getInvoices(
    caller,
    { customerIds: [q.customerId], orderStatuses: q.orderStatuses ?? ['Invoiced'], ...(q.changedAfter !== undefined ? { changedAfter: q.changedAfter } : {}) },
    { ...properties, order },
  );
  return found.filter((o) => o.referenceNumber === q.referenceNumber);
}

export async function saveInvoiceOrders(caller: SoapCaller, orders: readonly InvoiceOrderInput[]): Promise<SaveOutcome<InvoiceOrder, InvoiceOrderInput>[]> {
  const inner = el('invoices', orders.map((o) => el('InvoiceOrder', writeFields(ORDER_FIELDS, o))).join(''));
  const echoed = await caller.call('invoice', 'SaveInvoices', inner, InvoiceOrderList, 'invoice orders');
  const label = (o: InvoiceOrderInput) => (o.orderId !== undefined ? `order ${o.orderId}` : `new order for customer ${o.customerId ?? '(none)'}`);
  return outcomes('invoice orders', orders, echoed, label, [...Object.values(INVOICE_PROPERTIES), ...Object.values(ROW_PROPERTIES)]);
}

export const saveInvoiceOrder = async (caller: SoapCaller, order: InvoiceOrderInput): Promise<InvoiceOrder> => single(await saveInvoiceOrders(caller, [order]));

/** Sets OrderStatus (and, when given, the customer's own ExternalStatus); safe to repeat. */
export async function setOrderStatus(caller: SoapCaller, orderId: number, orderStatus: OrderStatus, externalStatus?: number): Promise<InvoiceOrder> {
  await saveInvoiceOrder(caller, { orderId, orderStatus, externalStatus });
  return mustGet(caller, orderId);
}

export interface RowChanges {
  /** New quantities (or prices, names) for existing rows. Absolute values, so repeating an edit is harmless. */
  edit?: Array<{ rowId: number; quantity?: string; price?: string; name?: string; discountRate?: string }>;
  /** Rows to remove. Removing a row that is already gone is refused; read the order first. */
  remove?: number[];
  /** Rows to add. Not idempotent by itself: compare with the order's current rows before adding again. */
  add?: Omit<InvoiceRowInput, 'rowId' | 'changeState'>[];
}

/**
 * Applies row edits, deletions and additions to an open order in one SaveInvoices call, optionally with a new
 * status, and returns the order as it now stands (read back, since the echo of rows is not specified).
 */
export async function updateOrderRows(
  caller: SoapCaller,
  orderId: number,
  changes: RowChanges,
  status: { orderStatus?: OrderStatus; externalStatus?: number } = {},
): Promise<InvoiceOrder> {
  const rows: InvoiceRowInput[] = [
    ...(changes.edit ?? []).map((e) => ({ ...e, changeState: 'Edit' as const })),
    ...(changes.remove ?? []).map((rowId) => ({ rowId, changeState: 'Delete' as const })),
    ...(changes.add ?? []).map((a) => ({ ...a, changeState: 'Add' as const })),
  ];
  await saveInvoiceOrder(caller, { orderId, ...status, invoiceRows: rows });
  return mustGet(caller, orderId);
}

async function mustGet(caller: SoapCaller, orderId: number): Promise<InvoiceOrder> {
  const order = await getInvoiceOrder(caller, orderId);
  if (!order) throw new ConnectorError(SYSTEM, 'not-found', `24SevenOffice order ${orderId} was saved but cannot be read back`, { resource: 'invoice orders' });
  return order;
}

/**
 * OrderIds changed (or registered) after the given instants, for a full sync: then GetInvoices in chunks of 1000.
 * RegisteredAfter is required by the WSDL; left out, it goes as DateTime.MinValue, the service's "not set".
 */
export async function getOrderSyncList(caller: SoapCaller, params: { changedAfter?: string | Date; registeredAfter?: string | Date }): Promise<number[]> {
  const inner = el(
    'syncParams',
    (params.changedAfter !== undefined ? el('ChangedAfter', formatDateTime(params.changedAfter)) : '') +
      el('RegisteredAfter', params.registeredAfter !== undefined ? formatDateTime(params.registeredAfter) : SENTINEL.dateTime),
  );
  return caller.call('invoice', 'GetOrderSyncList', inner, IntList, 'order sync list');
}

/** The write tables, for the conformance test that holds them against the sandbox's WSDL. */
export { ROW_FIELDS as INVOICE_ROW_FIELDS, ORDER_FIELDS as INVOICE_ORDER_FIELDS, SEARCH_FIELDS as INVOICE_SEARCH_FIELDS };
