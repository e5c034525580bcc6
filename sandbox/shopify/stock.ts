import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';
import type { ShopifyProduct } from './orders';
import { authorize, json, jsonBody, shopifyError, shopTime, type ShopifyScope } from './wire';

/**
 * Inventory in the Shopify sandbox, as the REST Admin API documents it (docs/wire/shopify-stock.md): locations,
 * products with their variants (`sku`, `inventory_item_id`), inventory levels per item × location
 * (`GET inventory_levels.json?inventory_item_ids=…&location_ids=…`) and `POST inventory_levels/set.json`, which
 * sets `available` absolutely (connecting the item to the location first if it was not stocked there). Every set is
 * logged in `stockWrites`, so tests can count what was written. The sandbox's products have one variant each.
 */
const API = '/admin/api/:version';
export const STOCK_COLLECTIONS = ['locations', 'inventoryLevels', 'stockWrites'] as const;
/** Scopes the stock routes need; the sandbox's read-write token has them. */
export const STOCK_SCOPES: ShopifyScope[] = ['read_products', 'read_inventory', 'write_inventory', 'read_locations'];
/** Most ids `inventory_item_ids` / `location_ids` take in one call. */
export const MAX_IDS = 50;

export interface LocationRecord {
  [k: string]: unknown;
  id: number;
  name: string;
  active: boolean;
}

export interface InventoryLevelRecord {
  [k: string]: unknown;
  inventory_item_id: number;
  location_id: number;
  available: number | null;
  updated_at: string;
}

export interface StockWrite {
  [k: string]: unknown;
  at: string;
  inventory_item_id: number;
  location_id: number;
  sku: string;
  available: number;
}

/** The sandbox's inventory item of a variant (a fixed offset, so seeds stay reproducible). */
export const inventoryItemId = (variantId: number): number => variantId + 2_000_000_000_000;

const LOCATIONS: LocationRecord[] = [
  { id: 64_000_000_001, name: 'Helsinki', active: true },
  { id: 64_000_000_002, name: 'Tampere', active: true },
];

/** Two locations; every product stocked at Helsinki (10 available), none at Tampere yet. */
export function seedStock(ctx: SandboxContext): void {
  for (const l of LOCATIONS) ctx.store.insert<LocationRecord>('locations', { ...l });
  const at = shopTime(new Date('2026-01-01T08:00:00Z'));
  for (const p of ctx.store.list<ShopifyProduct>('products')) {
    ctx.store.insert<InventoryLevelRecord>('inventoryLevels', { inventory_item_id: inventoryItemId(p.variant_id), location_id: LOCATIONS[0].id, available: 10, updated_at: at });
  }
}

const renderLocation = (l: LocationRecord) => ({
  id: l.id,
  name: l.name,
  active: l.active,
  legacy: false,
  country_code: 'FI',
  admin_graphql_api_id: `gid://shopify/Location/${l.id}`,
});

const renderLevel = (l: InventoryLevelRecord) => ({ ...l, admin_graphql_api_id: `gid://shopify/InventoryLevel/${l.location_id}?inventory_item_id=${l.inventory_item_id}` });

function renderProduct(ctx: SandboxContext, p: ShopifyProduct) {
  const item = inventoryItemId(p.variant_id);
  const total = ctx.store.list<InventoryLevelRecord>('inventoryLevels').filter((l) => l.inventory_item_id === item).reduce((n, l) => n + (l.available ?? 0), 0);
  return {
    id: p.id,
    title: p.title,
    status: 'active',
    variants: [
      {
        id: p.variant_id,
        product_id: p.id,
        title: 'Default Title',
        sku: p.sku,
        price: p.price,
        inventory_item_id: item,
        inventory_management: 'shopify',
        inventory_quantity: total,
      },
    ],
  };
}

/** `ids` as Shopify takes them: comma-separated integers; null when malformed. */
function idList(raw: string | undefined): number[] | null | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ids = raw.split(',').map((s) => s.trim());
  if (!ids.every((s) => /^\d+$/.test(s))) return null;
  return ids.map(Number);
}

const encode = (offset: number, rest: Record<string, string>) => Buffer.from(JSON.stringify({ offset, ...rest })).toString('base64url');
function decode(raw: string): ({ offset: number } & Record<string, unknown>) | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof c.offset === 'number' ? (c as { offset: number }) : null;
  } catch {
    return null;
  }
}

/** limit (1..250) and page_info (alone with limit/fields), as for orders; null after replying. */
function paging(request: FastifyRequest, reply: Parameters<typeof json>[0]): { limit: number; cursor?: { offset: number } & Record<string, unknown>; q: Record<string, string | undefined> } | null {
  const q = request.query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
    shopifyError(reply, 400, { limit: 'must be between 1 and 250' });
    return null;
  }
  if (q.page_info === undefined) return { limit, q };
  const extra = Object.keys(q).filter((k) => !['page_info', 'limit', 'fields'].includes(k));
  if (extra.length) {
    shopifyError(reply, 400, { page_info: `cannot be combined with ${extra.join(', ')}` });
    return null;
  }
  const cursor = decode(q.page_info);
  if (!cursor) {
    shopifyError(reply, 400, { page_info: 'Invalid value.' });
    return null;
  }
  return { limit, cursor, q };
}

export function stockRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const levels = () => ctx.store.list<InventoryLevelRecord>('inventoryLevels');
  const nextLink = (request: FastifyRequest, resource: string, limit: number, offset: number, rest: Record<string, string>) => {
    const { version } = request.params as { version: string };
    return `<${ctx.url}/admin/api/${version}/${resource}?limit=${limit}&page_info=${encode(offset, rest)}>; rel="next"`;
  };

  app.get(`${API}/locations.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_locations')) return reply;
    return json(reply, 200, { locations: ctx.store.list<LocationRecord>('locations').map(renderLocation) });
  });

  // Products in id order with their variants; cursor paging through the Link header.
  app.get(`${API}/products.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_products')) return reply;
    const p = paging(request, reply);
    if (!p) return reply;
    const offset = p.cursor?.offset ?? 0;
    const all = [...ctx.store.list<ShopifyProduct>('products')].sort((a, b) => a.id - b.id);
    const page = all.slice(offset, offset + p.limit);
    if (offset + p.limit < all.length) reply.header('Link', nextLink(request, 'products.json', p.limit, offset + p.limit, {}));
    return json(reply, 200, { products: page.map((x) => renderProduct(ctx, x)) });
  });

  app.get(`${API}/inventory_levels.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_inventory')) return reply;
    const p = paging(request, reply);
    if (!p) return reply;
    const source = p.cursor ? { inventory_item_ids: p.cursor.items as string | undefined, location_ids: p.cursor.locations as string | undefined } : p.q;
    const items = idList(source.inventory_item_ids);
    const locations = idList(source.location_ids);
    if (items === null) return shopifyError(reply, 422, { inventory_item_ids: ['is invalid'] });
    if (locations === null) return shopifyError(reply, 422, { location_ids: ['is invalid'] });
    if (!items && !locations) return shopifyError(reply, 422, { base: ['inventory_item_ids or location_ids must be specified'] });
    if ((items?.length ?? 0) > MAX_IDS || (locations?.length ?? 0) > MAX_IDS) {
      return shopifyError(reply, 422, { base: [`at most ${MAX_IDS} ids may be given per parameter`] });
    }
    const matching = levels()
      .filter((l) => (!items || items.includes(l.inventory_item_id)) && (!locations || locations.includes(l.location_id)))
      .sort((a, b) => a.inventory_item_id - b.inventory_item_id || a.location_id - b.location_id);
    const offset = p.cursor?.offset ?? 0;
    const page = matching.slice(offset, offset + p.limit);
    if (offset + p.limit < matching.length) {
      const rest: Record<string, string> = {};
      if (source.inventory_item_ids) rest.items = source.inventory_item_ids;
      if (source.location_ids) rest.locations = source.location_ids;
      reply.header('Link', nextLink(request, 'inventory_levels.json', p.limit, offset + p.limit, rest));
    }
    return json(reply, 200, { inventory_levels: page.map(renderLevel) });
  });

  app.post(`${API}/inventory_levels/set.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'write_inventory')) return reply;
    const body = jsonBody(request) as { location_id?: unknown; inventory_item_id?: unknown; available?: unknown } | undefined;
    if (!body || typeof body !== 'object') return shopifyError(reply, 400, { inventory_level: 'Required parameter missing or invalid' });
    const missing = (['location_id', 'inventory_item_id', 'available'] as const).filter((k) => body[k] === undefined || body[k] === null);
    if (missing.length) return shopifyError(reply, 400, Object.fromEntries(missing.map((k) => [k, 'Required parameter missing or invalid'])));
    if (!Number.isInteger(body.available)) return shopifyError(reply, 422, { available: ['must be an integer'] });
    const location = ctx.store.find<LocationRecord>('locations', (l) => l.id === Number(body.location_id));
    if (!location) return shopifyError(reply, 422, { location_id: ['Location does not exist'] });
    const itemId = Number(body.inventory_item_id);
    const product = ctx.store.find<ShopifyProduct>('products', (p) => inventoryItemId(p.variant_id) === itemId);
    if (!product) return shopifyError(reply, 422, { inventory_item_id: ['Inventory item does not exist'] });
    const now = shopTime(new Date());
    let level = levels().find((l) => l.inventory_item_id === itemId && l.location_id === location.id);
    if (!level) level = ctx.store.insert<InventoryLevelRecord>('inventoryLevels', { inventory_item_id: itemId, location_id: location.id, available: 0, updated_at: now });
    level.available = body.available as number;
    level.updated_at = now;
    ctx.store.insert<StockWrite>('stockWrites', { at: new Date().toISOString(), inventory_item_id: itemId, location_id: location.id, sku: product.sku, available: level.available });
    return json(reply, 200, { inventory_level: renderLevel(level) });
  });
}
