import { z } from 'zod';

/**
 * `stock:` in a tenant file: which shops get their stock levels from Netvisor's warehouses (workflows/stock-sync.ts).
 * Per shop: the Netvisor warehouse (inventory place) names whose balance is the shop's stock — one warehouse, or the
 * sum of several — which quantity is meant, how often Netvisor is asked for changes, and (Shopify) the location
 * whose inventory level is set. Products are matched by Netvisor product code = shop SKU.
 */
const Duration = z.string().regex(/^\d+(s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

export const ShopStockSettings = z
  .object({
    /** The id of a shop under `shops:`. */
    shop: z.string().min(1, 'name the shop (its id under shops:)'),
    /** Netvisor warehouse (inventory place) names, as Netvisor shows them, e.g. "Päävarasto". */
    warehouses: z.array(z.string().trim().min(1, 'a warehouse name cannot be empty')).min(1, 'name at least one Netvisor warehouse'),
    /** `one`: the shop shows the one named warehouse's balance; `sum`: the sum over every named warehouse. */
    mode: z.enum(['one', 'sum']).default('one'),
    /** `inventory`: Netvisor's stock balance (InventoryAmount); `available`: the balance minus what is reserved. */
    quantity: z.enum(['inventory', 'available']).default('inventory'),
    /** How often Netvisor is asked for stock changed since the last poll. */
    pollEvery: Duration.default('5m'),
    /** Shopify only: the name of the location whose inventory levels are set (needed when the shop has several). */
    location: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'one' && s.warehouses.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['warehouses'],
        message: `mode "one" takes exactly one warehouse (${s.warehouses.length} named): name one, or set mode: sum to add them up`,
      });
    }
    const seen = new Set<string>();
    s.warehouses.forEach((w, i) => {
      if (seen.has(w.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['warehouses', i], message: `warehouse "${w}" is named twice` });
      seen.add(w.toLowerCase());
    });
  });
export type ShopStockSettings = z.infer<typeof ShopStockSettings>;

export const StockSettings = z
  .object({
    shops: z.array(ShopStockSettings).default([]),
  })
  .strict();
export type StockSettings = z.infer<typeof StockSettings>;

/** Checks against the rest of the tenant file: the shops exist (once each), Netvisor is connected, `location` only for Shopify. */
export function checkStock(
  t: { stock?: StockSettings; shops: Array<{ id: string; system: string }>; connections: { netvisor?: unknown } },
  ctx: z.RefinementCtx,
): void {
  if (!t.stock) return;
  const seen = new Set<string>();
  t.stock.shops.forEach((s, i) => {
    const shop = t.shops.find((x) => x.id === s.shop);
    if (!shop) {
      const known = t.shops.map((x) => `"${x.id}"`).join(', ') || 'none';
      ctx.addIssue({ code: 'custom', path: ['stock', 'shops', i, 'shop'], message: `no shop "${s.shop}" under shops: (configured: ${known})` });
    } else if (s.location && shop.system !== 'shopify') {
      ctx.addIssue({ code: 'custom', path: ['stock', 'shops', i, 'location'], message: `location is for Shopify shops; "${s.shop}" is a ${shop.system} shop` });
    }
    if (seen.has(s.shop)) ctx.addIssue({ code: 'custom', path: ['stock', 'shops', i, 'shop'], message: `shop "${s.shop}" has two stock entries` });
    seen.add(s.shop);
  });
  if (t.stock.shops.length && !t.connections.netvisor) {
    ctx.addIssue({ code: 'custom', path: ['stock'], message: 'stock levels come from Netvisor, but connections.netvisor is missing' });
  }
}
