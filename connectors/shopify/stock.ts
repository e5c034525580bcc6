import { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import type { ShopifyClient } from './client';
import { SYSTEM } from './errors';
import { pageInfoFromLink } from './orders';

/**
 * Inventory through the Shopify REST Admin API (docs/wire/shopify-stock.md): the shop's locations, each variant's
 * `sku` and `inventory_item_id` (from the product list; REST has no SKU filter), the levels of up to 50 items at
 * one location per read, and `inventory_levels/set.json`, which sets `available` absolutely — so a retried set
 * writes the same value. REST has no batch write for levels: one call per changed item, paced by the client on
 * X-Shopify-Shop-Api-Call-Limit.
 */
const Location = z.object({ id: z.number().int(), name: z.string(), active: z.boolean().optional().default(true) }).loose();
const Variant = z
  .object({ id: z.number().int(), sku: z.string().nullable().optional().transform((s) => s ?? ''), inventory_item_id: z.number().int().nullable().optional() })
  .loose();
const Product = z.object({ id: z.number().int(), variants: z.array(Variant).default([]) }).loose();
const Level = z.object({ inventory_item_id: z.number().int(), location_id: z.number().int(), available: z.number().int().nullable() }).loose();

export type ShopifyLocation = z.infer<typeof Location>;

/** Most ids Shopify takes in `inventory_item_ids`. */
export const LEVEL_IDS_PER_READ = 50;

export async function listLocations(api: ShopifyClient): Promise<ShopifyLocation[]> {
  const { data } = await api.request({ method: 'GET', path: 'locations.json', resource: 'locations' }, z.object({ locations: z.array(Location) }));
  return data.locations;
}

/** SKU → inventory item of every variant with a SKU (the first one, when two variants share a SKU). */
export async function inventoryItemsBySku(api: ShopifyClient, onPage: () => void = () => undefined): Promise<{ items: Map<string, number>; duplicates: string[] }> {
  const items = new Map<string, number>();
  const duplicates = new Set<string>();
  let query: Record<string, string | number> = { limit: 250, fields: 'id,variants' };
  for (;;) {
    const { data, headers } = await api.request({ method: 'GET', path: 'products.json', resource: 'products', query }, z.object({ products: z.array(Product) }));
    onPage();
    for (const p of data.products) {
      for (const v of p.variants) {
        if (!v.sku || v.inventory_item_id == null) continue;
        if (items.has(v.sku)) duplicates.add(v.sku);
        else items.set(v.sku, v.inventory_item_id);
      }
    }
    const next = pageInfoFromLink(headers.link).next;
    if (!next) return { items, duplicates: [...duplicates] };
    query = { limit: 250, page_info: next };
  }
}

/** `available` of each item at the location (items not stocked there are absent), 50 items per call. */
export async function levelsAt(api: ShopifyClient, locationId: number, itemIds: readonly number[], onPage: () => void = () => undefined): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  for (let i = 0; i < itemIds.length; i += LEVEL_IDS_PER_READ) {
    const chunk = itemIds.slice(i, i + LEVEL_IDS_PER_READ);
    let query: Record<string, string | number> = { inventory_item_ids: chunk.join(','), location_ids: String(locationId), limit: 250 };
    for (;;) {
      const { data, headers } = await api.request(
        { method: 'GET', path: 'inventory_levels.json', resource: 'inventory levels', query },
        z.object({ inventory_levels: z.array(Level) }),
      );
      onPage();
      for (const l of data.inventory_levels) if (l.location_id === locationId) out.set(l.inventory_item_id, l.available);
      const next = pageInfoFromLink(headers.link).next;
      if (!next) break;
      query = { limit: 250, page_info: next };
    }
  }
  return out;
}

/** Sets `available` of one item at one location (absolute, so idempotent). */
export async function setAvailable(api: ShopifyClient, locationId: number, inventoryItemId: number, available: number): Promise<void> {
  if (!Number.isInteger(available)) {
    throw new ConnectorError(SYSTEM, 'validation', `Shopify takes whole quantities; ${available} was asked for inventory item ${inventoryItemId}`, { field: 'available' });
  }
  await api.request(
    { method: 'POST', path: 'inventory_levels/set.json', resource: `inventory level of item ${inventoryItemId}`, body: { location_id: locationId, inventory_item_id: inventoryItemId, available } },
    z.object({ inventory_level: Level }),
  );
}
