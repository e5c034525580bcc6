import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';
import type { WooProduct } from './orders';
import { authenticate, jsonBody, wooError } from './wire';

/**
 * Product stock in the WooCommerce sandbox (docs/wire/woocommerce-stock.md): the documented stock fields on every
 * product (`manage_stock` default false, `stock_quantity` null until managed, `stock_status`, `backorders`), the
 * `sku` list filter (comma-separated, as WooCommerce splits it) and `POST /products/batch` for updates. Every stock
 * write the batch applies is logged in the `stockWrites` collection, so tests can count what was written.
 */
const BASE = '/wp-json/wc/v3';
/** WooCommerce's default for `woocommerce_rest_batch_items_limit`. */
export const BATCH_LIMIT = 100;

export const STOCK_COLLECTIONS = ['stockWrites'] as const;

export interface StockWrite {
  [k: string]: unknown;
  at: string;
  product_id: number;
  sku: string;
  stock_quantity: number | null;
  manage_stock: boolean;
}

type StockFields = { manage_stock?: boolean; stock_quantity?: number | null; stock_status?: string; backorders?: string };

/** A product as the API shows it, with the stock fields' documented defaults when the record has none. */
export function renderProduct(p: WooProduct): WooProduct & Required<StockFields> & { type: string } {
  const s = p as WooProduct & StockFields & { type?: string };
  const manage = s.manage_stock === true;
  return {
    type: 'simple',
    ...p,
    manage_stock: manage,
    stock_quantity: manage ? (s.stock_quantity ?? 0) : null,
    stock_status: s.stock_status ?? 'instock',
    backorders: s.backorders ?? 'no',
  };
}

/** The list filters the sandbox knows for products: `sku` (comma-separated, exact; the whole string counts as one too). */
export function productFilter(request: FastifyRequest): (p: WooProduct) => boolean {
  const raw = (request.query as Record<string, string | undefined>).sku;
  if (!raw) return () => true;
  const skus = raw.split(',');
  if (skus.length > 1) skus.push(raw);
  return (p) => skus.includes(p.sku);
}

/** WooCommerce's rule (notify-no-stock amount 0): managed stock at or below zero is out of stock unless backorders are allowed. */
function stockStatus(p: WooProduct & StockFields): string {
  if (!p.manage_stock) return p.stock_status ?? 'instock';
  if ((p.stock_quantity ?? 0) > 0) return 'instock';
  return p.backorders && p.backorders !== 'no' ? 'onbackorder' : 'outofstock';
}

export function stockRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.post(`${BASE}/products/batch`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'edit')) return reply;
    const body = jsonBody(request) as { create?: unknown[]; update?: unknown[]; delete?: unknown[] } | undefined;
    if (body === undefined || typeof body !== 'object' || body === null) return wooError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    const total = ['create', 'update', 'delete'].reduce((n, k) => n + (Array.isArray(body[k as 'update']) ? body[k as 'update']!.length : 0), 0);
    if (total > BATCH_LIMIT) {
      return wooError(reply, 413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
    }
    const out: { create?: unknown[]; update?: unknown[]; delete?: unknown[] } = {};
    // Creating and deleting products is not emulated: each such item gets an error entry, as a failed item would.
    for (const k of ['create', 'delete'] as const) {
      if (Array.isArray(body[k])) {
        out[k] = body[k]!.map((item) => ({
          id: typeof (item as { id?: unknown })?.id === 'number' ? (item as { id: number }).id : 0,
          error: { code: 'sandbox_not_emulated', message: `The sandbox does not ${k} products through the batch endpoint.`, data: { status: 400 } },
        }));
      }
    }
    if (Array.isArray(body.update)) {
      const now = new Date();
      out.update = body.update.map((raw) => {
        const item = (raw ?? {}) as StockFields & { id?: unknown };
        const id = Number(item.id);
        const product = ctx.store.find<WooProduct & StockFields>('products', (p) => p.id === id);
        if (!Number.isInteger(id) || !product) {
          return { id: Number.isInteger(id) ? id : 0, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } };
        }
        const q = item.stock_quantity;
        if (q !== undefined && q !== null && !Number.isInteger(q)) {
          return { id, error: { code: 'rest_invalid_param', message: 'Invalid parameter(s): stock_quantity', data: { status: 400, params: { stock_quantity: 'stock_quantity is not of type integer.' } } } };
        }
        if (item.manage_stock !== undefined) product.manage_stock = item.manage_stock === true;
        if (item.backorders !== undefined) product.backorders = item.backorders;
        // WooCommerce keeps a quantity only for managed stock.
        if (q !== undefined && product.manage_stock) product.stock_quantity = q;
        product.stock_status = stockStatus(product);
        if (q !== undefined || item.manage_stock !== undefined) {
          ctx.store.insert<StockWrite>('stockWrites', {
            at: now.toISOString(),
            product_id: id,
            sku: product.sku,
            stock_quantity: product.manage_stock ? (product.stock_quantity ?? 0) : null,
            manage_stock: product.manage_stock === true,
          });
        }
        return renderProduct(product);
      });
    }
    return reply.type('application/json; charset=UTF-8').send(JSON.stringify(out));
  });
}
