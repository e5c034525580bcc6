import Decimal from 'decimal.js';
import type { SandboxContext } from '../kit/server';
import { apiException, type CompanyRecord } from './companies';
import type { ProductRecord } from './products';
import { changeStamp, clientName, owned, type OwnedRecord, type SessionRecord } from './state';
import { enumList, field, intList, INVOICE_ORDER, listOf, ORDER_STATES, readEntity, searchScalar, SENTINEL, writeEntity, type WireRecord } from './wire';
import { el, kid, kids, SoapFault, type XNode } from './xml';

/** InvoiceService: sales orders and invoices are both InvoiceOrder, told apart by OrderStatus. */
export interface InvoiceRecord extends OwnedRecord {
  OrderId: number;
  OrderStatus: string;
  InvoiceRows: WireRecord[];
}

class ItemError extends Error {}

/** Totals as the sandbox computes them: rows are net prices; VAT per row. Rounding and IncludeVAT handling: docs/wire/open-points.md. */
export function computeTotals(order: InvoiceRecord): void {
  let net = new Decimal(0);
  let vat = new Decimal(0);
  for (const row of order.InvoiceRows) {
    if (row.Price === undefined || row.Quantity === undefined) continue;
    const discount = new Decimal((row.DiscountRate as string | undefined) ?? 0);
    const line = new Decimal(row.Price as string).times(row.Quantity as string).times(new Decimal(1).minus(discount.div(100)));
    net = net.plus(line);
    vat = vat.plus(line.times((row.VatRate as string | undefined) ?? 0).div(100));
  }
  order.OrderTotalVat = vat.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
  order.OrderTotalIncVat = net.plus(vat).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

function completeRow(ctx: SandboxContext, session: SessionRecord, row: WireRecord): WireRecord {
  const { ChangeState: _s, ...r } = row;
  if (r.ProductId !== undefined) {
    const product = owned<ProductRecord>(ctx, 'products', session.clientId).find((p) => p.Id === r.ProductId);
    if (!product) throw new ItemError(`InvoiceRows.ProductId: product ${r.ProductId} does not exist`);
    r.Name ??= product.Name;
    r.Price ??= product.Price;
    r.VatRate ??= product.TaxRate ?? '25';
    r.ProductNo ??= product.No;
  }
  if ((r.Type ?? 'Normal') === 'Normal' && r.ProductId === undefined && r.Name === undefined) {
    throw new ItemError('InvoiceRows: a row needs a ProductId or a Name');
  }
  r.RowId = ctx.store.nextId(`row:${session.clientId}`);
  return r;
}

/**
 * Row changes on an existing order follow ChangeState: Add, Edit (by RowId), Delete (by RowId); rows not mentioned
 * stay. A row without ChangeState is an edit when its RowId exists, else an addition.
 * How 24SO treats rows left out of an update is an open point (docs/wire/open-points.md); the order-lifecycle needs deletes to be explicit anyway.
 */
function applyRows(ctx: SandboxContext, session: SessionRecord, rows: WireRecord[], changes: WireRecord[]): WireRecord[] {
  const result = rows.map((r) => ({ ...r }));
  for (const change of changes) {
    const state = (change.ChangeState as string | undefined) ?? 'None';
    const at = change.RowId === undefined ? -1 : result.findIndex((r) => r.RowId === change.RowId);
    if ((state === 'Edit' || state === 'Delete') && at < 0) throw new ItemError(`InvoiceRows.RowId: row ${change.RowId ?? '(none)'} does not exist on this order`);
    if (state === 'Delete') result.splice(at, 1);
    else if (state === 'Edit' || (state === 'None' && at >= 0)) {
      const { ChangeState: _s, ...fields } = change;
      result[at] = { ...result[at], ...fields };
    } else result.push(completeRow(ctx, session, { ...change, RowId: undefined }));
  }
  return result;
}

/**
 * Credit notes (docs/wire/twentyfourseven.md#credit-notes): an Invoiced order with negative rows and
 * ReferenceInvoiceId = the credited invoice's InvoiceId. The sandbox holds a reference to what it names: the invoice
 * must exist, be invoiced and belong to the same customer; ReferenceOrderId must be an existing order. The texts are
 * the sandbox's own (docs/wire/open-points.md, "24SO credit-note references").
 */
function checkReferences(orders: InvoiceRecord[], fields: WireRecord, existing: InvoiceRecord | undefined): void {
  if (existing?.OrderStatus === 'Invoiced') return; // refused below: an invoice can no longer be changed
  const customerId = fields.CustomerId ?? existing?.CustomerId;
  const refInvoice = fields.ReferenceInvoiceId;
  if (refInvoice !== undefined) {
    const credited = orders.find((o) => o.InvoiceId === refInvoice);
    if (!credited) throw new ItemError(`ReferenceInvoiceId: invoice ${refInvoice} does not exist`);
    if (credited.OrderStatus !== 'Invoiced') throw new ItemError(`ReferenceInvoiceId: invoice ${refInvoice} is not invoiced (order ${credited.OrderId} is ${credited.OrderStatus})`);
    if (customerId !== undefined && credited.CustomerId !== customerId) {
      throw new ItemError(`ReferenceInvoiceId: invoice ${refInvoice} belongs to customer ${String(credited.CustomerId)}, not to customer ${String(customerId)}`);
    }
    if (existing && existing.OrderId === credited.OrderId) throw new ItemError(`ReferenceInvoiceId: order ${existing.OrderId} cannot refer to its own invoice`);
  }
  const refOrder = fields.ReferenceOrderId;
  if (refOrder !== undefined && !orders.some((o) => o.OrderId === refOrder)) throw new ItemError(`ReferenceOrderId: order ${refOrder} does not exist`);
}

function saveOne(ctx: SandboxContext, session: SessionRecord, input: WireRecord): WireRecord {
  const { DateChanged: _d, InvoiceId: _i, OrderTotalIncVat: _t, OrderTotalVat: _v, InvoiceRows: rowInput, ...fields } = input;
  const orders = owned<InvoiceRecord>(ctx, 'invoices', session.clientId);
  try {
    if (typeof fields.CustomerName === 'string' && fields.CustomerName.length > 100) throw new ItemError('CustomerName: must be at most 100 characters');
    if (typeof fields.CustomerDeliveryName === 'string' && fields.CustomerDeliveryName.length > 250) {
      throw new ItemError('CustomerDeliveryName: must be at most 250 characters');
    }
    if (fields.CustomerId !== undefined) {
      const customer = owned<CompanyRecord>(ctx, 'companies', session.clientId).find((c) => c.Id === fields.CustomerId);
      if (!customer) throw new ItemError(`CustomerId: customer ${fields.CustomerId} does not exist`);
      fields.CustomerName ??= customer.Name;
    }
    checkReferences(orders, fields, fields.OrderId === undefined ? undefined : orders.find((o) => o.OrderId === fields.OrderId));
    let order: InvoiceRecord;
    if (fields.OrderId !== undefined) {
      const existing = orders.find((o) => o.OrderId === fields.OrderId);
      if (!existing) throw new ItemError(`OrderId: order ${fields.OrderId} does not exist`);
      if (existing.OrderStatus === 'Invoiced') throw new ItemError(`OrderId: order ${fields.OrderId} is invoiced and can no longer be changed`);
      const rows = rowInput ? applyRows(ctx, session, existing.InvoiceRows, rowInput as WireRecord[]) : existing.InvoiceRows;
      // A nil nullable (IncludeVAT) is "not set" here, like the sentinels: no change.
      const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
      order = { ...existing, ...changes, InvoiceRows: rows };
      Object.assign(existing, order);
      order = existing;
    } else {
      if (fields.CustomerId === undefined) throw new ItemError('CustomerId: an order needs a customer');
      const rows = ((rowInput as WireRecord[] | undefined) ?? []).map((r) => {
        if (r.ChangeState === 'Edit' || r.ChangeState === 'Delete') throw new ItemError('InvoiceRows.ChangeState: a new order can only add rows');
        return completeRow(ctx, session, r);
      });
      order = {
        clientId: session.clientId,
        client: clientName(session.clientId),
        OrderStatus: 'Web',
        DateOrdered: changeStamp(),
        ...fields,
        OrderId: ctx.store.nextId(`order:${session.clientId}`, 10001),
        InvoiceRows: rows,
      };
      ctx.store.insert('invoices', order);
    }
    if (order.OrderStatus === 'Invoiced' && order.InvoiceId === undefined) {
      order.InvoiceId = ctx.store.nextId(`invoice:${session.clientId}`, 50001);
      order.DateInvoiced = changeStamp();
    }
    computeTotals(order);
    order.DateChanged = changeStamp();
    // The echo: what was sent, with the server's ids and the order's rows as they now stand.
    return { ...input, OrderId: order.OrderId, InvoiceId: order.InvoiceId, InvoiceRows: order.InvoiceRows };
  } catch (err) {
    if (err instanceof ItemError) return { ...input, APIException: apiException(err.message) };
    throw err;
  }
}

const SEARCH = { changedAfter: field('ChangedAfter', 'dateTime', SENTINEL.dateTime) };

function search(ctx: SandboxContext, session: SessionRecord, params: XNode | undefined): InvoiceRecord[] {
  const list = (name: string) => (kid(params, name) ? intList(kid(params, name), name) : undefined);
  const customerIds = list('CustomerIds');
  const invoiceIds = list('InvoiceIds');
  const orderIds = list('OrderIds');
  const external = list('ExternalStatus');
  const states = kid(params, 'OrderStates') ? enumList(kid(params, 'OrderStates'), 'OrderSlipStateType', ORDER_STATES, 'OrderSlipStateType') : undefined;
  const after = searchScalar(params, SEARCH.changedAfter) as string | undefined;
  const has = (l: number[] | undefined, v: unknown) => l === undefined || l.length === 0 || l.includes(v as number);
  return owned<InvoiceRecord>(ctx, 'invoices', session.clientId).filter(
    (o) =>
      has(customerIds, o.CustomerId) &&
      has(invoiceIds, o.InvoiceId) &&
      has(orderIds, o.OrderId) &&
      has(external, o.ExternalStatus) &&
      (states === undefined || states.length === 0 || states.includes(o.OrderStatus)) &&
      (after === undefined || Date.parse(o.DateChanged as string) > Date.parse(after)),
  );
}

/** OrderIds changed or registered after the given instants; RegisteredAfter is required by the WSDL. */
function orderSyncList(ctx: SandboxContext, session: SessionRecord, params: XNode | undefined): string {
  const changed = searchScalar(params, SEARCH.changedAfter) as string | undefined;
  const registeredNode = kid(params, 'RegisteredAfter');
  if (!registeredNode) throw new SoapFault('soap:Client', 'Server was unable to read request. ---> RegisteredAfter is required.');
  const registered = searchScalar(params, field('RegisteredAfter', 'dateTime', SENTINEL.dateTime)) as string | undefined;
  return owned<InvoiceRecord>(ctx, 'invoices', session.clientId)
    .filter(
      (o) =>
        (changed === undefined || Date.parse(o.DateChanged as string) > Date.parse(changed)) &&
        (registered === undefined || Date.parse(o.DateOrdered as string) > Date.parse(registered)),
    )
    .map((o) => el('int', String(o.OrderId)))
    .join('');
}

export function invoiceService(ctx: SandboxContext, session: SessionRecord, op: string, node: XNode): string {
  if (op === 'GetOrderSyncList') return orderSyncList(ctx, session, kid(node, 'syncParams'));
  if (op === 'GetInvoices') {
    const props = new Set(listOf(kid(node, 'invoiceReturnProperties'), 'string'));
    const rowProps = new Set(listOf(kid(node, 'rowReturnProperties'), 'string'));
    return search(ctx, session, kid(node, 'searchParams'))
      .map((o) => el('InvoiceOrder', writeEntity(INVOICE_ORDER, o, props, rowProps)))
      .join('');
  }
  // SaveInvoices
  return kids(kid(node, 'invoices'), 'InvoiceOrder')
    .map((o) => el('InvoiceOrder', writeEntity(INVOICE_ORDER, saveOne(ctx, session, readEntity(INVOICE_ORDER, o)))))
    .join('');
}

export const INVOICE_OPERATIONS = ['GetInvoices', 'SaveInvoices', 'GetOrderSyncList'];
