import type { RackbeatApi } from './client';
import type { Amount } from './products';
import { Register, type ListQuery } from './register';
import { ConvertedToInvoice, Order, OrderLine, OrderShipment, type Page } from './schemas';
import { parseResponse } from '../kit/parse';
import { SYSTEM } from './errors';

export interface OrderLineInput {
  /** The product or BOM number. */
  item_id: string;
  quantity: Amount;
  name?: string;
  /** Unit price; the product's sales price when absent. */
  line_price?: Amount;
  discount_percentage?: Amount;
  vat_percentage?: Amount;
}

/** Create body as used against production in 2025; addresses are flat `address_*` / `delivery_address_*` keys. */
export interface OrderInput {
  /** The customer's number. */
  customer_id: number;
  heading?: string;
  currency?: string;
  order_date?: string;
  deliver_at?: string;
  payment_terms_id?: number;
  layout_id?: number;
  employee_id?: number;
  our_reference_id?: number;
  vat_zone?: string;
  address_name?: string;
  address_street?: string;
  address_street2?: string;
  address_city?: string;
  address_zipcode?: string;
  address_country?: string;
  delivery_address_name?: string;
  delivery_address_street?: string;
  delivery_address_street2?: string;
  delivery_address_city?: string;
  delivery_address_zipcode?: string;
  delivery_address_country?: string;
  lines: OrderLineInput[];
}

const num = (v: Amount | undefined) => (v === undefined ? undefined : Number(v));
const lineBody = (l: Partial<OrderLineInput>) => ({
  ...l,
  quantity: num(l.quantity),
  line_price: num(l.line_price),
  discount_percentage: num(l.discount_percentage),
  vat_percentage: num(l.vat_percentage),
});

/**
 * Sales orders. A draft is an order with `is_booked=false`; booking locks its lines until it is reopened.
 * Shipping is two calls: create-shipment on the order, then mark-shipped on the shipment.
 */
export class Orders extends Register<typeof Order, number, OrderInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'orders', singular: 'order', plural: 'orders', schema: Order, noun: 'order' });
  }

  protected override toBody(input: Partial<OrderInput>): unknown {
    return { ...input, lines: input.lines?.map(lineBody) };
  }

  /** `POST orders` creates the order booked; see createDraft for an unbooked one. */
  override create(input: OrderInput) {
    return super.create(input);
  }

  createDraft(input: OrderInput) {
    return this.api.one('POST', 'orders/drafts', 'order', Order, { resource: 'draft order', body: this.toBody(input) });
  }

  book(number: number, options: { sendMail?: boolean } = {}) {
    return this.api.one('POST', `orders/${number}/book`, 'order', Order, {
      resource: this.noun(number),
      body: { mail: { send: options.sendMail ?? false } },
    });
  }

  /** Unbooks the order so its lines can change again. */
  reopen(number: number) {
    return this.api.one('POST', `orders/${number}/reopen`, 'order', Order, { resource: this.noun(number) });
  }

  listLines(number: number, query: ListQuery = {}): Promise<Page<OrderLine>> {
    return this.api.page(`orders/${number}/lines`, 'order_lines', OrderLine, { resource: `order ${number} lines`, query });
  }

  addLine(number: number, line: OrderLineInput) {
    return this.api.one('POST', `orders/${number}/lines`, 'order_line', OrderLine, {
      resource: `order ${number} line`,
      body: lineBody(line),
    });
  }

  updateLine(number: number, lineId: number, line: Partial<OrderLineInput>) {
    return this.api.one('PUT', `orders/${number}/lines/${lineId}`, 'order_line', OrderLine, {
      resource: `order ${number} line ${lineId}`,
      body: lineBody(line),
    });
  }

  async deleteLine(number: number, lineId: number): Promise<void> {
    await this.api.call('DELETE', `orders/${number}/lines/${lineId}`, { resource: `order ${number} line ${lineId}` });
  }

  /** Starts shipping a booked order; the shipment is then marked shipped (markShipped). */
  createShipment(number: number) {
    return this.api.one('POST', `orders/${number}/create-shipment`, 'order_shipment', OrderShipment, {
      resource: `order ${number} shipment`,
    });
  }

  async listShipments(number: number): Promise<OrderShipment[]> {
    const page = await this.api.page('order-shipments', 'order_shipments', OrderShipment, {
      resource: `order ${number} shipments`,
      query: { order_number: number, limit: 100 },
    });
    return page.items;
  }

  /** `pick: true` also registers the goods as picked, as Rackbeat's own clients do. */
  markShipped(shipmentId: number, options: { pick?: boolean } = {}) {
    return this.api.one('POST', `orders/shipments/${shipmentId}/mark-shipped`, 'order_shipment', OrderShipment, {
      resource: `order shipment ${shipmentId}`,
      body: { pick: options.pick ?? true },
    });
  }

  /** Creates a customer invoice from a booked order; answers with the invoice number. */
  async convertToInvoice(number: number, options: { book?: boolean } = {}): Promise<number> {
    const resource = `order ${number} invoice`;
    const { data } = await this.api.call('POST', `orders/${number}/convert-to-invoice`, {
      resource,
      query: { book: options.book ?? false },
    });
    return parseResponse(SYSTEM, resource, ConvertedToInvoice, data).invoice_id;
  }
}
