import { ConnectorError } from '../kit/errors';
import type { ShopifyClient } from './client';
import { SYSTEM } from './errors';
import { ShopifyOrderEnvelope, ShopifyOrdersEnvelope, type ShopifyOrder, type ShopifyOrderInput } from './schemas';

export interface ListOrdersOptions {
  /** ISO date-time; orders updated at or after it. */
  updatedAtMin?: string;
  /** Shopify lists only open orders unless told otherwise; reconciliation wants `any`. */
  status?: 'open' | 'closed' | 'cancelled' | 'any';
  /** 1..250, default 50. */
  limit?: number;
  /** A cursor from a previous page; Shopify then ignores (and refuses) the other filters. */
  pageInfo?: string;
}

export interface OrderPage {
  orders: ShopifyOrder[];
  nextPageInfo?: string;
  previousPageInfo?: string;
}

/** `<url?page_info=…>; rel="next", <…>; rel="previous"` → page_info by rel. */
export function pageInfoFromLink(link: string | string[] | undefined): { next?: string; previous?: string } {
  const value = Array.isArray(link) ? link.join(', ') : link;
  const out: { next?: string; previous?: string } = {};
  for (const m of (value ?? '').matchAll(/<([^>]+)>;\s*rel="?(next|previous)"?/g)) {
    const info = new URL(m[1]).searchParams.get('page_info');
    if (info) out[m[2] as 'next' | 'previous'] = info;
  }
  return out;
}

export async function listOrders(api: ShopifyClient, options: ListOrdersOptions): Promise<OrderPage> {
  const limit = options.limit ?? 50;
  if (limit < 1 || limit > 250) throw new ConnectorError(SYSTEM, 'validation', `Shopify pages hold 1 to 250 orders; ${limit} was asked`, { field: 'limit' });
  const query = options.pageInfo
    ? { limit, page_info: options.pageInfo }
    : { limit, status: options.status ?? 'any', updated_at_min: options.updatedAtMin };
  const { data, headers } = await api.request({ method: 'GET', path: 'orders.json', resource: 'orders', query }, ShopifyOrdersEnvelope);
  const links = pageInfoFromLink(headers.link);
  return { orders: data.orders, nextPageInfo: links.next, previousPageInfo: links.previous };
}

export async function* ordersUpdatedSince(api: ShopifyClient, iso: string, limit = 250): AsyncGenerator<ShopifyOrder> {
  let page = await listOrders(api, { updatedAtMin: iso, status: 'any', limit });
  for (;;) {
    yield* page.orders;
    if (!page.nextPageInfo) return;
    page = await listOrders(api, { pageInfo: page.nextPageInfo, limit });
  }
}

export async function getOrder(api: ShopifyClient, id: number): Promise<ShopifyOrder> {
  const { data } = await api.request({ method: 'GET', path: `orders/${id}.json`, resource: `order ${id}` }, ShopifyOrderEnvelope);
  return data.order;
}

export async function createOrder(api: ShopifyClient, order: ShopifyOrderInput): Promise<ShopifyOrder> {
  const { data } = await api.request({ method: 'POST', path: 'orders.json', resource: 'order', body: { order } }, ShopifyOrderEnvelope);
  return data.order;
}
