import { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import type { WooCommerceClient } from './client';
import { SYSTEM } from './errors';

/**
 * Stock levels in WooCommerce REST v3 (docs/wire/woocommerce-stock.md): products found by SKU in one list call
 * (`GET products?sku=a,b,c`: WooCommerce splits the parameter on commas), quantities written with the products
 * batch endpoint (`POST products/batch`, `update: [{id, manage_stock, stock_quantity}]`, at most 100 objects per
 * call). A quantity is only counted by WooCommerce when `manage_stock` is on, so both are written together.
 */
export const WooStockProduct = z
  .object({
    id: z.number().int(),
    sku: z.string().nullable().optional().transform((s) => s ?? ''),
    type: z.string().optional(),
    manage_stock: z.union([z.boolean(), z.literal('parent')]).optional().transform((m) => m === true),
    stock_quantity: z.number().nullable().optional().transform((q) => (q === undefined ? null : q)),
  })
  .loose();
export type WooStockProduct = z.infer<typeof WooStockProduct>;

const BatchItemError = z.object({ code: z.string().optional(), message: z.string().optional() }).loose();
const BatchReply = z
  .object({
    update: z.array(z.object({ id: z.number().int().optional(), error: BatchItemError.optional() }).loose()).default([]),
  })
  .loose();

/** WooCommerce's default batch limit (`woocommerce_rest_batch_items_limit`). */
export const WOO_BATCH_LIMIT = 100;
/** SKUs per lookup: one page of 100 products, and a query string that stays short. */
const SKUS_PER_LOOKUP = 50;

export interface WooStockWrite {
  id: number;
  sku: string;
  quantity: number;
}

export interface WooStockWriteResult {
  written: number;
  /** Items WooCommerce refused inside a successful batch reply (e.g. a product deleted meanwhile). */
  refused: Array<{ id: number; sku: string; reason: string }>;
}

/** The products carrying these SKUs (exact match; a SKU no product has is simply absent from the result). */
export async function productsBySku(api: WooCommerceClient, skus: readonly string[], onPage: () => void = () => undefined): Promise<Map<string, WooStockProduct>> {
  const found = new Map<string, WooStockProduct>();
  const wanted = [...new Set(skus.filter((s) => s && !s.includes(',')))];
  for (let i = 0; i < wanted.length; i += SKUS_PER_LOOKUP) {
    const chunk = wanted.slice(i, i + SKUS_PER_LOOKUP);
    for (let page = 1; ; page++) {
      const { data, headers } = await api.request(
        { method: 'GET', path: 'products', resource: 'products by SKU', query: { sku: chunk.join(','), per_page: 100, page, status: 'any' } },
        z.array(WooStockProduct),
      );
      onPage();
      for (const p of data) if (chunk.includes(p.sku) && !found.has(p.sku)) found.set(p.sku, p);
      const pages = Number(Array.isArray(headers['x-wp-totalpages']) ? headers['x-wp-totalpages'][0] : headers['x-wp-totalpages']);
      if (!Number.isFinite(pages) || page >= pages || data.length === 0) break;
    }
  }
  return found;
}

/** Writes absolute quantities (idempotent: a retried batch writes the same values), 100 products per call. */
export async function writeStock(api: WooCommerceClient, writes: readonly WooStockWrite[], onBatch: () => void = () => undefined): Promise<WooStockWriteResult> {
  const result: WooStockWriteResult = { written: 0, refused: [] };
  for (let i = 0; i < writes.length; i += WOO_BATCH_LIMIT) {
    const chunk = writes.slice(i, i + WOO_BATCH_LIMIT);
    const { data } = await api.request(
      {
        method: 'POST',
        path: 'products/batch',
        resource: 'product stock (batch)',
        body: { update: chunk.map((w) => ({ id: w.id, manage_stock: true, stock_quantity: w.quantity })) },
      },
      BatchReply,
    );
    onBatch();
    for (const w of chunk) {
      const item = data.update.find((u) => u.id === w.id);
      if (item?.error) result.refused.push({ id: w.id, sku: w.sku, reason: `${item.error.code ?? 'error'}: ${item.error.message ?? 'refused'}` });
      else if (!item) {
        throw new ConnectorError(SYSTEM, 'validation', `WooCommerce's batch reply does not mention product ${w.id} (${w.sku})`, {
          resource: 'products/batch',
          code: 'UNEXPECTED_RESPONSE',
        });
      } else result.written++;
    }
  }
  return result;
}
