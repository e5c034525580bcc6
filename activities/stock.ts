import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import Decimal from 'decimal.js';
import type { ShopStockSettings } from '../config/stock-schema';
import { inventoryByWarehouse, type NetvisorInventoryItem } from '../connectors/netvisor/inventory';
import { inventoryChangedSince } from '../connectors/netvisor/inventory-changes';
import { inventoryItemsBySku, levelsAt, listLocations, setAvailable } from '../connectors/shopify/stock';
import { productsBySku, writeStock } from '../connectors/woocommerce/stock';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

/**
 * Stock levels Netvisor → webshop (workflows/stock-sync.ts). One poll: the balances Netvisor reports as changed
 * since the cursor, the shop's current quantities of those products read in batch, and writes of only the
 * quantities that differ (WooCommerce's products batch; Shopify's inventory_levels/set.json, one per item). Writing
 * an absolute quantity is idempotent, so a retried poll — after a lost reply, a commit-then-fail or a worker
 * killed mid-way — compares again and writes only what is still different.
 */
export interface StockPollInput {
  tenant: string;
  shop: string;
  /** Netvisor's clock (ISO instant) at the previous poll's reply; absent on the first poll, which reads everything. */
  cursor?: string;
  /** SKUs the entity has already reported missing; the result says which of them are in the shop now. */
  knownMissing?: string[];
}

export interface StockPollResult {
  /** The next cursor: Netvisor's TimeStamp of this poll's reply (the previous cursor if the reply had none). */
  cursor?: string;
  /** Products Netvisor reported (changed since the cursor, or all on the first poll). */
  read: number;
  written: number;
  unchanged: number;
  /** Product codes Netvisor has and the shop has no product (or variant) for, among those read. */
  missing: string[];
  /** Of `knownMissing`, those read this time and found in the shop. */
  present: string[];
  /** Netvisor products without a product code: they cannot be matched. */
  withoutCode: number;
  /** Writes the shop refused item by item (WooCommerce batch errors). */
  refused: Array<{ sku: string; reason: string }>;
  /** Shopify: SKUs more than one variant carries (the first is written). */
  duplicateSkus: string[];
  /** On a full read: configured warehouses no product has a balance in (a misspelt name reads as zero stock). */
  unseenWarehouses?: string[];
}

/** How far below Netvisor's TimeStamp the next poll asks from: a change committed while the reply was built is read again. */
export const CURSOR_OVERLAP_MS = 60_000;
/** Netvisor's documented cap for `productidlist` reads (netvisorkeylist 500). */
const PRODUCTS_PER_READ = 500;
const MAX_LISTED = 1000;

/** The quantity the shop shows for one Netvisor product: whole units, never below zero (docs/wire/woocommerce-stock.md). */
export function shopQuantity(item: NetvisorInventoryItem, settings: Pick<ShopStockSettings, 'warehouses' | 'quantity'>): number {
  const names = new Set(settings.warehouses.map((w) => w.toLowerCase()));
  let total = new Decimal(0);
  for (const w of item.warehouses) {
    if (!names.has(w.name.trim().toLowerCase())) continue;
    const amount = new Decimal(w.inventoryAmount || '0');
    total = total.plus(settings.quantity === 'available' ? amount.minus(w.reservedAmount || '0') : amount);
  }
  return Math.max(0, total.floor().toNumber());
}

export function createStockActivities(connections: Connections, temporal: () => Client) {
  const settingsOf = (tenantId: string, shopId: string): ShopStockSettings => {
    const tenant = connections.tenant(tenantId);
    const found = (tenant.stock?.shops as ShopStockSettings[] | undefined)?.find((s) => s.shop === shopId);
    if (!found) throw needsOperator(`tenant "${tenantId}" has no stock settings for shop "${shopId}" (stock.shops in config/${tenantId}.yaml)`, 'Siirto.config');
    return found;
  };

  /** Netvisor's balances since the cursor, each product as a full row (every warehouse), keyed by product code. */
  async function readNetvisor(input: StockPollInput) {
    const nv = connections.netvisor(input.tenant).connection;
    const since = input.cursor ? new Date(Date.parse(input.cursor) - CURSOR_OVERLAP_MS) : undefined;
    const changes = await inventoryChangedSince(nv, { changedSince: since });
    heartbeat({ step: 'netvisor', read: changes.items.length });
    let items = changes.items;
    // Which warehouses a changed-since reply lists for a product (all, or only the changed ones) is not documented;
    // a missing row would read as zero stock, so changed products are read again whole.
    if (since && items.length) {
      const keys = items.map((i) => i.productNetvisorKey);
      items = [];
      for (let i = 0; i < keys.length; i += PRODUCTS_PER_READ) {
        items.push(...(await inventoryByWarehouse(nv, { productIds: keys.slice(i, i + PRODUCTS_PER_READ) })));
        heartbeat({ step: 'netvisor', reread: items.length });
      }
    }
    return { items, netvisorTime: changes.netvisorTime };
  }

  return {
    /** Run by the stock Schedule (`stock/<tenant>/<shop>`): wakes the shop's stock entity, starting it if needed. */
    async requestStockPoll(input: { tenant: string; shop: string; taskQueue: string }): Promise<void> {
      await temporal().workflow.signalWithStart('stockSync', {
        workflowId: stockWorkflowId(input.tenant, input.shop),
        taskQueue: input.taskQueue,
        args: [{ tenant: input.tenant, shop: input.shop }],
        signal: 'poll',
        signalArgs: [],
      });
    },

    async pollStock(input: StockPollInput): Promise<StockPollResult> {
      return classified(async () => {
        const settings = settingsOf(input.tenant, input.shop);
        const shop = connections.shop(input.tenant, input.shop);
        const { items, netvisorTime } = await readNetvisor(input);
        const result: StockPollResult = {
          cursor: netvisorTime ?? input.cursor,
          read: items.length,
          written: 0,
          unchanged: 0,
          missing: [],
          present: [],
          withoutCode: 0,
          refused: [],
          duplicateSkus: [],
        };
        if (!input.cursor && items.length) {
          // Only a full read shows every warehouse. None of the configured names seen: a misspelling would set every
          // product to zero, so the poll stops for an operator; some unseen: reported, the others go on.
          const seen = new Set(items.flatMap((i) => i.warehouses.map((w) => w.name.trim().toLowerCase())));
          const unseen = settings.warehouses.filter((w) => !seen.has(w.toLowerCase()));
          if (unseen.length === settings.warehouses.length) {
            const names = [...new Set(items.flatMap((i) => i.warehouses.map((w) => w.name)))].slice(0, 20).map((n) => `"${n}"`).join(', ');
            throw needsOperator(
              `none of the warehouses ${settings.warehouses.map((w) => `"${w}"`).join(', ')} configured for shop "${input.shop}" holds any stock in Netvisor (its warehouses: ${names || 'none'}); fix stock.shops[].warehouses in config/${input.tenant}.yaml`,
              'Siirto.config',
            );
          }
          if (unseen.length) result.unseenWarehouses = unseen;
        }
        const wanted = new Map<string, number>();
        for (const item of items) {
          const code = item.productCode.trim();
          if (!code) result.withoutCode++;
          else wanted.set(code, shopQuantity(item, settings));
        }
        const known = new Set(input.knownMissing ?? []);
        const progress = () => heartbeat({ step: 'shop', written: result.written, unchanged: result.unchanged });
        const noteFound = (sku: string) => {
          if (known.has(sku)) result.present.push(sku);
        };
        const noteMissing = (sku: string) => {
          if (result.missing.length < MAX_LISTED) result.missing.push(sku);
        };
        if (!wanted.size) return result;

        if (shop.system === 'woocommerce') {
          const api = connections.woocommerce(input.tenant, input.shop);
          const current = await productsBySku(api, [...wanted.keys()], progress);
          const writes: Array<{ id: number; sku: string; quantity: number }> = [];
          for (const [sku, quantity] of wanted) {
            const p = current.get(sku);
            if (!p) {
              noteMissing(sku);
              continue;
            }
            noteFound(sku);
            if (p.manage_stock && p.stock_quantity === quantity) result.unchanged++;
            else writes.push({ id: p.id, sku, quantity });
          }
          const res = await writeStock(api, writes, progress);
          result.written += res.written;
          result.refused.push(...res.refused.map((r) => ({ sku: r.sku, reason: r.reason })));
        } else {
          const api = connections.shopify(input.tenant, input.shop);
          const locations = (await listLocations(api)).filter((l) => l.active);
          const location = settings.location
            ? locations.find((l) => l.name.trim().toLowerCase() === settings.location!.trim().toLowerCase())
            : locations.length === 1
              ? locations[0]
              : undefined;
          if (!location) {
            const names = locations.map((l) => `"${l.name}"`).join(', ') || 'none';
            throw needsOperator(
              settings.location
                ? `Shopify shop "${input.shop}" has no active location "${settings.location}" (its locations: ${names}); fix stock.shops[].location in config/${input.tenant}.yaml`
                : `Shopify shop "${input.shop}" has ${locations.length} active locations (${names}): name the one whose stock Netvisor sets in stock.shops[].location in config/${input.tenant}.yaml`,
              'Siirto.config',
            );
          }
          const { items: bySku, duplicates } = await inventoryItemsBySku(api, progress);
          result.duplicateSkus = duplicates.filter((d) => wanted.has(d));
          const targets: Array<{ sku: string; item: number; quantity: number }> = [];
          for (const [sku, quantity] of wanted) {
            const item = bySku.get(sku);
            if (item === undefined) noteMissing(sku);
            else {
              noteFound(sku);
              targets.push({ sku, item, quantity });
            }
          }
          const levels = await levelsAt(api, location.id, targets.map((t) => t.item), progress);
          for (const t of targets) {
            if (levels.get(t.item) === t.quantity) {
              result.unchanged++;
              continue;
            }
            await setAvailable(api, location.id, t.item, t.quantity);
            result.written++;
            progress();
          }
        }
        return result;
      });
    },
  };
}

/** `stock/<tenant>/<shop>`: the stock entity's workflow id, and the id of the Schedule that wakes it. */
export const stockWorkflowId = (tenant: string, shop: string): string => `stock/${tenant}/${shop}`;
