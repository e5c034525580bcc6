import crypto from 'node:crypto';
import { ShopStockSettings, StockSettings } from '../../config/stock-schema';
import { ensureStockSchedules } from '../../orchestration/stock-schedules';
import { setNetvisorStock } from '../../sandbox/netvisor/stock';
import type { InventoryRecord, ProductRecord } from '../../sandbox/netvisor/types';
import { stockStateQuery, watchStock, type StockState } from '../../workflows/stock-sync';
import { statusQuery } from '../../workflows/transfer';
import { demoLikeTenant, startHarness, type Harness } from '../support/order-export-harness';
import { eventually } from '../support/register-harness';
import { control } from '../support/sandboxes';

/**
 * Stock levels Netvisor → WooCommerce and Shopify (workflows/stock-sync.ts) on the dev server and the sandboxes:
 * the WooCommerce shop shows warehouse "Päävarasto" alone, the Shopify shop the sum of "Päävarasto" and
 * "Varasto 2" at its Helsinki location. The tests run in order and share the entities' state, as polls of one
 * tenant would.
 */
let h: Harness;
const TQ = `stock-${crypto.randomUUID()}`;
const T = `stk-${crypto.randomBytes(3).toString('hex')}`;
const T_TYPO = `${T}-typo`;
const MAIN = 'Päävarasto';
const SECOND = 'Varasto 2';
/** A Netvisor product no shop has. */
const ONLY_IN_NETVISOR = 'NV-ONLY-1';
const HELSINKI = 64_000_000_001;

type Rows = Array<Record<string, any>>;
const shopState = async (url: string): Promise<Record<string, Rows>> => control(url, 'state');

beforeAll(async () => {
  h = await startHarness(TQ, (urls) => {
    const base = demoLikeTenant(T, urls);
    return [
      {
        ...base,
        shops: [
          ...base.shops,
          { id: 'shopify', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: urls.shopify, accessToken: 'shpat_sandbox', appSecret: 'sandbox-shopify-secret' },
        ],
        stock: StockSettings.parse({
          shops: [
            { shop: 'woo', warehouses: [MAIN], pollEvery: '1h' },
            { shop: 'shopify', warehouses: [MAIN, SECOND], mode: 'sum', location: 'Helsinki', pollEvery: '1h' },
          ],
        }),
      } as never,
      // A tenant whose warehouse name is misspelt.
      { ...demoLikeTenant(T_TYPO, urls), stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarsto'] }] }) } as never,
    ];
  });
  // A second warehouse for some products, and a product only Netvisor has.
  const store = h.sandboxes.netvisor.ctx.store;
  for (const code of ['P1000', 'P1001', 'P1002']) setNetvisorStock(store, { code, warehouse: SECOND, amount: 7 });
  const key = store.nextId('product');
  store.insert<ProductRecord>('products', {
    netvisorKey: key, code: ONLY_IN_NETVISOR, group: 'Tuotteet', name: 'Vain Netvisorissa', description: '', unitPrice: '1', unit: 'kpl',
    purchasePrice: '1', vatPercent: '25.5', isActive: true, isSalesProduct: true, ean: '', changedAt: new Date().toISOString().slice(0, 19),
  } as ProductRecord);
  setNetvisorStock(store, { code: ONLY_IN_NETVISOR, warehouse: MAIN, amount: 3 });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const entityId = (shop: string) => `stock/${T}/${shop}`;
const entity = (shop: string): Promise<StockState & { idle: boolean }> => h.client.workflow.getHandle(entityId(shop)).query(stockStateQuery);

/** Runs the Schedule's action `times` times at once (duplicate triggers), then waits until the entity is idle again. */
async function poll(shop: 'woo' | 'shopify', times = 1): Promise<StockState> {
  const before = await entity(shop).then((s) => s.counts.polls).catch(() => 0);
  const taskQueue = TQ;
  await Promise.all(
    Array.from({ length: times }, () => h.client.workflow.execute(watchStock, { taskQueue, workflowId: `stock-poll-${crypto.randomUUID()}`, args: [{ tenant: T, shop, taskQueue }] })),
  );
  try {
    return await eventually(async () => {
      const s = await entity(shop);
      return s.counts.polls > before && s.idle ? s : undefined;
    }, 120_000, `stock poll of ${shop}`);
  } catch (err) {
    // Say where it stands: the transfer's status and the poll activity's last failure.
    const handle = h.client.workflow.getHandle(entityId(shop));
    const status = await handle.query(statusQuery).catch(() => undefined);
    const pending = (await handle.describe()).raw.pendingActivities?.map((a) => `${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? ''}`);
    throw new Error(`${(err as Error).message}; status ${JSON.stringify(status)}; pending ${JSON.stringify(pending)}`);
  }
}

/** Netvisor's balance of a product in the named warehouses, as the shop should show it. */
function netvisorQuantity(code: string, warehouses: string[]): number {
  const store = h.sandboxes.netvisor.ctx.store;
  const product = store.find<ProductRecord>('products', (p) => p.code === code)!;
  const rows = store.list<InventoryRecord>('inventory').filter((r) => r.productNetvisorKey === product.netvisorKey && warehouses.includes(r.warehouseName));
  return Math.max(0, Math.floor(rows.reduce((n, r) => n + Number(r.inventoryAmount), 0)));
}

async function expectWooEqualsNetvisor() {
  const { products } = await shopState(h.urls.woocommerce);
  for (const p of products) {
    expect({ sku: p.sku, manage: p.manage_stock, quantity: p.stock_quantity }).toEqual({ sku: p.sku, manage: true, quantity: netvisorQuantity(p.sku, [MAIN]) });
  }
}

async function expectShopifyEqualsNetvisor() {
  const { products, inventoryLevels } = await shopState(h.urls.shopify);
  for (const p of products) {
    const level = inventoryLevels.find((l) => l.inventory_item_id === p.variant_id + 2_000_000_000_000 && l.location_id === HELSINKI);
    expect({ sku: p.sku, available: level?.available }).toEqual({ sku: p.sku, available: netvisorQuantity(p.sku, [MAIN, SECOND]) });
  }
}

const writesOf = async (url: string): Promise<Rows> => (await shopState(url)).stockWrites;

describe('stock levels Netvisor → webshops', () => {
  it('the first poll makes each shop equal to Netvisor (one warehouse; the sum of two), and a poll without changes writes nothing', async () => {
    const woo = await poll('woo');
    const shopify = await poll('shopify');
    await expectWooEqualsNetvisor();
    await expectShopifyEqualsNetvisor();
    // WooCommerce did not manage stock before: every product was written, once.
    const wooWrites = await writesOf(h.urls.woocommerce);
    expect(wooWrites.map((w) => w.sku).sort()).toEqual(['P1000', 'P1001', 'P1002', 'P1003', 'P1004', 'P1005', 'P1006', 'P1007']);
    expect(woo.cursor).toBeDefined();
    // Shopify: only the levels that differed from the seeded 10 were set.
    const differing = ['P1000', 'P1001', 'P1002', 'P1003', 'P1004', 'P1005'].filter((c) => netvisorQuantity(c, [MAIN, SECOND]) !== 10);
    expect((await writesOf(h.urls.shopify)).map((w) => w.sku).sort()).toEqual(differing);
    expect(shopify.counts.unchanged).toBe(6 - differing.length);

    await poll('woo');
    await poll('shopify');
    expect(await writesOf(h.urls.woocommerce)).toHaveLength(wooWrites.length);
    expect(await writesOf(h.urls.shopify)).toHaveLength(differing.length);
  });

  it('a burst of changes converges in both shops with faults on, writing only the changed products', async () => {
    const wooBefore = (await writesOf(h.urls.woocommerce)).length;
    const shopifyBefore = (await writesOf(h.urls.shopify)).length;
    await control(h.urls.woocommerce, 'faults', { rate: 0.15, kinds: ['500', 'commit-then-fail', 'reset'], seed: 17 });
    await control(h.urls.shopify, 'faults', { rate: 0.15, kinds: ['500', '429', 'commit-then-fail'], seed: 17 });
    await control(h.urls.netvisor, 'faults', { rate: 0.15, kinds: ['500'], seed: 17 });
    const store = h.sandboxes.netvisor.ctx.store;
    const changed = ['P1001', 'P1003', 'P1004'];
    try {
      // Several changes to the same products, with polls (some triggered twice at once) in between.
      for (let round = 0; round < 3; round++) {
        for (const [i, code] of changed.entries()) setNetvisorStock(store, { code, warehouse: i === 0 ? SECOND : MAIN, amount: 40 + round * 5 + i });
        await Promise.all([poll('woo', round === 1 ? 3 : 1), poll('shopify', round === 1 ? 3 : 1)]);
      }
      const injected = [
        ...Object.values((await control(h.urls.woocommerce, 'faults')).injected as Record<string, number>),
        ...Object.values((await control(h.urls.shopify, 'faults')).injected as Record<string, number>),
      ].reduce((a, b) => a + b, 0);
      expect(injected).toBeGreaterThan(0);
    } finally {
      for (const url of [h.urls.woocommerce, h.urls.shopify, h.urls.netvisor]) await control(url, 'faults', { rate: 0 });
    }
    await expectWooEqualsNetvisor();
    await expectShopifyEqualsNetvisor();
    // Only the changed products were written (P1001's change is in the second warehouse, which only Shopify counts).
    const wooSkus = new Set((await writesOf(h.urls.woocommerce)).slice(wooBefore).map((w) => w.sku));
    expect([...wooSkus].sort()).toEqual(['P1003', 'P1004']);
    const shopifySkus = new Set((await writesOf(h.urls.shopify)).slice(shopifyBefore).map((w) => w.sku));
    expect([...shopifySkus].sort()).toEqual(changed);
  }, 300_000);

  it('commit-then-fail on every shop write still gives the right value, written once', async () => {
    const store = h.sandboxes.netvisor.ctx.store;
    setNetvisorStock(store, { code: 'P1002', warehouse: MAIN, amount: 91 });
    setNetvisorStock(store, { code: 'P1005', warehouse: MAIN, amount: 92 });
    const wooBefore = (await writesOf(h.urls.woocommerce)).length;
    const shopifyBefore = (await writesOf(h.urls.shopify)).length;
    await control(h.urls.woocommerce, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/products/batch'] });
    await control(h.urls.shopify, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/inventory_levels/set.json'] });
    try {
      await Promise.all([poll('woo'), poll('shopify')]);
      expect((await control(h.urls.woocommerce, 'faults')).injected['commit-then-fail']).toBe(1);
      expect((await control(h.urls.shopify, 'faults')).injected['commit-then-fail']).toBe(2);
    } finally {
      for (const url of [h.urls.woocommerce, h.urls.shopify]) await control(url, 'faults', { rate: 0 });
    }
    const woo = (await writesOf(h.urls.woocommerce)).slice(wooBefore);
    expect(woo.map((w) => [w.sku, w.stock_quantity]).sort()).toEqual([['P1002', 91], ['P1005', 92]]);
    const shopify = (await writesOf(h.urls.shopify)).slice(shopifyBefore);
    expect(shopify.map((w) => [w.sku, w.available]).sort()).toEqual([['P1002', 91 + 7], ['P1005', 92]]);
    await expectWooEqualsNetvisor();
    await expectShopifyEqualsNetvisor();
  }, 180_000);

  it('a SKU the shop does not have is reported once across several polls', async () => {
    const store = h.sandboxes.netvisor.ctx.store;
    for (let i = 0; i < 3; i++) {
      setNetvisorStock(store, { code: ONLY_IN_NETVISOR, warehouse: MAIN, amount: 10 + i });
      setNetvisorStock(store, { code: 'P1006', warehouse: MAIN, amount: 20 + i });
      await poll('woo');
      await poll('shopify');
    }
    const woo = await entity('woo');
    const shopify = await entity('shopify');
    const mentions = (s: StockState, sku: string) => s.reports.filter((r) => r.kind === 'missing-sku' && r.reason.includes(sku)).length;
    expect(mentions(woo, ONLY_IN_NETVISOR)).toBe(1);
    expect(mentions(woo, 'P1006')).toBe(0);
    // The Shopify sandbox has P1000–P1005 only.
    expect(mentions(shopify, ONLY_IN_NETVISOR)).toBe(1);
    expect(mentions(shopify, 'P1006')).toBe(1);
    expect(mentions(shopify, 'P1007')).toBe(1);
    expect(Object.keys(shopify.missing).sort()).toEqual([ONLY_IN_NETVISOR, 'P1006', 'P1007']);
    const memo = (await h.client.workflow.getHandle(entityId('shopify')).describe()).memo as { lastReport?: string };
    expect(memo.lastReport).toMatch(/not found as a SKU in shop shopify/);
  }, 180_000);

  it('after a worker restart the entity goes on from its cursor: only what changed meanwhile is read and written', async () => {
    const before = await entity('woo');
    expect(before.cursor).toBeDefined();
    await h.stopWorker();
    const store = h.sandboxes.netvisor.ctx.store;
    // The earlier tests' changes are long past (outside the cursor's overlap window); one product changes now.
    for (const row of store.list<InventoryRecord>('inventory')) row.changedAt = '2026-01-01T00:00:00';
    setNetvisorStock(store, { code: 'P1007', warehouse: MAIN, amount: 77 });
    const wooBefore = (await writesOf(h.urls.woocommerce)).length;
    await h.startWorker();
    const after = await poll('woo');
    expect(after.counts.polls).toBe(before.counts.polls + 1);
    // Not a full read of the 9 products: the one changed since the cursor.
    expect(after.last!.read).toBe(1);
    expect(Date.parse(after.cursor!)).toBeGreaterThanOrEqual(Date.parse(before.cursor!));
    const written = (await writesOf(h.urls.woocommerce)).slice(wooBefore);
    expect(written.map((w) => [w.sku, w.stock_quantity])).toEqual([['P1007', 77]]);
  }, 180_000);

  it('a worker killed in the middle of a poll: the poll runs again on the next worker, every value right and written once', async () => {
    const store = h.sandboxes.netvisor.ctx.store;
    const codes = ['P1000', 'P1001', 'P1002', 'P1003'];
    for (const [i, code] of codes.entries()) setNetvisorStock(store, { code, warehouse: MAIN, amount: 200 + i });
    const before = (await writesOf(h.urls.shopify)).length;
    const polls = (await entity('shopify')).counts.polls;
    const setPath = Object.keys((await control(h.urls.shopify, 'stats')).byPath as Record<string, number>).find((k) => k.endsWith('/inventory_levels/set.json'))!.split(' ')[1];
    // Each set takes a while, so the kill lands while the poll is writing.
    await control(h.urls.shopify, 'latency', { ms: 0, paths: { [setPath]: { ms: 1500 } } });
    try {
      await h.client.workflow.execute(watchStock, { taskQueue: TQ, workflowId: `stock-poll-${crypto.randomUUID()}`, args: [{ tenant: T, shop: 'shopify', taskQueue: TQ }] });
      await eventually(async () => (await writesOf(h.urls.shopify)).length > before, 60_000, 'the first write of the poll');
      await h.stopWorker();
    } finally {
      await control(h.urls.shopify, 'latency', { ms: 0 });
    }
    expect((await writesOf(h.urls.shopify)).length - before).toBeLessThan(codes.length);
    await h.startWorker();
    await eventually(async () => {
      const s = await entity('shopify');
      return s.counts.polls > polls && s.idle;
    }, 120_000, 'the poll on the restarted worker');
    await expectShopifyEqualsNetvisor();
    const written = (await writesOf(h.urls.shopify)).slice(before).map((w) => w.sku).sort();
    expect(written).toEqual([...codes].sort());
  }, 240_000);

  it('a misspelt warehouse stops the first poll for an operator instead of setting every product to zero', async () => {
    const before = (await writesOf(h.urls.woocommerce)).length;
    await h.client.workflow.execute(watchStock, { taskQueue: TQ, workflowId: `stock-poll-${crypto.randomUUID()}`, args: [{ tenant: T_TYPO, shop: 'woo', taskQueue: TQ }] });
    const status = await eventually(async () => {
      const s = await h.client.workflow.getHandle(`stock/${T_TYPO}/woo`).query(statusQuery);
      return s.status === 'needs-attention' ? s : undefined;
    }, 60_000, 'needs-attention');
    expect(status.error?.message).toMatch(/none of the warehouses "Päävarsto" configured for shop "woo" holds any stock in Netvisor \(its warehouses: "Päävarasto", "Varasto 2"\)/);
    expect(await writesOf(h.urls.woocommerce)).toHaveLength(before);
    await h.client.workflow.getHandle(`stock/${T_TYPO}/woo`).terminate('test done');
  }, 120_000);

  it('the Schedule stock/<tenant>/<shop> runs watchStock, which wakes the entity', async () => {
    const ids = await ensureStockSchedules(h.client, h.tenants, TQ);
    expect(ids.sort()).toEqual([`stock/${T}/shopify`, `stock/${T}/woo`, `stock/${T_TYPO}/woo`].sort());
    try {
      const handle = h.client.schedule.getHandle(`stock/${T}/woo`);
      const d = await handle.describe();
      expect(d.action).toMatchObject({ workflowType: 'watchStock', workflowId: `stock/${T}/woo/poll` });
      const polls = (await entity('woo')).counts.polls;
      await handle.trigger();
      await eventually(async () => (await entity('woo')).counts.polls > polls, 60_000, 'scheduled stock poll');
    } finally {
      for (const id of ids) await h.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  }, 120_000);
});

describe('stock settings', () => {
  it('mode one takes one warehouse; sum takes several; the defaults are filled in', () => {
    expect(ShopStockSettings.safeParse({ shop: 'woo', warehouses: ['A', 'B'] }).error?.issues[0].message).toMatch(/mode "one" takes exactly one warehouse/);
    expect(ShopStockSettings.parse({ shop: 'woo', warehouses: ['A', 'B'], mode: 'sum' })).toMatchObject({ mode: 'sum', quantity: 'inventory', pollEvery: '5m' });
    expect(ShopStockSettings.safeParse({ shop: 'woo', warehouses: ['A', 'a'], mode: 'sum' }).error?.issues[0].message).toMatch(/named twice/);
  });
});
