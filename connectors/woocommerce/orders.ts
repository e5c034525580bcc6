import { ConnectorError } from '../kit/errors';
import type { WooCommerceClient } from './client';
import { SYSTEM } from './errors';
import { WooOrder, WooOrderList, type WooOrderInput } from './schemas';

export interface ListOrdersOptions {
  /** ISO date-time in UTC; compared with the GMT modified date (`dates_are_gmt=true`). */
  modifiedAfter?: string;
  page?: number;
  /** 1..100 (WooCommerce's limit). */
  perPage?: number;
  status?: string | string[];
  orderBy?: 'date' | 'modified' | 'id';
  order?: 'asc' | 'desc';
}

export interface OrderPage {
  orders: WooOrder[];
  total: number;
  totalPages: number;
}

const header = (h: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

function paging(h: Record<string, string | string[] | undefined>): { total: number; totalPages: number } {
  const total = Number(header(h, 'x-wp-total'));
  const totalPages = Number(header(h, 'x-wp-totalpages'));
  if (!Number.isInteger(total) || !Number.isInteger(totalPages)) {
    throw new ConnectorError(SYSTEM, 'validation', 'WooCommerce did not send X-WP-Total / X-WP-TotalPages with the order list', {
      resource: 'orders',
      code: 'UNEXPECTED_RESPONSE',
    });
  }
  return { total, totalPages };
}

/** WooCommerce wants `modified_after` without a zone when `dates_are_gmt` is set; a trailing Z is accepted too. */
const gmt = (iso: string): string => new Date(iso).toISOString().slice(0, 19);

export async function listOrders(api: WooCommerceClient, options: ListOrdersOptions): Promise<OrderPage> {
  if (options.perPage !== undefined && (options.perPage < 1 || options.perPage > 100)) {
    throw new ConnectorError(SYSTEM, 'validation', `WooCommerce pages hold 1 to 100 orders; ${options.perPage} was asked`, { field: 'per_page' });
  }
  if (options.modifiedAfter !== undefined && Number.isNaN(Date.parse(options.modifiedAfter))) {
    throw new ConnectorError(SYSTEM, 'validation', `"${options.modifiedAfter}" is not a date-time`, { field: 'modified_after' });
  }
  const status = Array.isArray(options.status) ? options.status.join(',') : options.status;
  const { data, headers } = await api.request(
    {
      method: 'GET',
      path: 'orders',
      resource: 'orders',
      query: {
        page: options.page ?? 1,
        per_page: options.perPage ?? 10,
        modified_after: options.modifiedAfter === undefined ? undefined : gmt(options.modifiedAfter),
        dates_are_gmt: options.modifiedAfter === undefined ? undefined : true,
        status,
        orderby: options.orderBy,
        order: options.order,
      },
    },
    WooOrderList,
  );
  return { orders: data, ...paging(headers) };
}

export async function* ordersModifiedAfter(api: WooCommerceClient, iso: string, perPage = 100): AsyncGenerator<WooOrder> {
  // Ascending by modification time so that a caller can checkpoint the last date it saw.
  for (let page = 1; ; page++) {
    const result = await listOrders(api, { modifiedAfter: iso, page, perPage, orderBy: 'modified', order: 'asc' });
    yield* result.orders;
    if (page >= result.totalPages || result.orders.length === 0) return;
  }
}

export async function getOrder(api: WooCommerceClient, id: number): Promise<WooOrder> {
  const { data } = await api.request({ method: 'GET', path: `orders/${id}`, resource: `order ${id}` }, WooOrder);
  return data;
}

export async function createOrder(api: WooCommerceClient, body: WooOrderInput): Promise<WooOrder> {
  const { data } = await api.request({ method: 'POST', path: 'orders', resource: 'order', body }, WooOrder);
  return data;
}
