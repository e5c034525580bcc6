import type { SandboxStore } from '../kit/store';
import type { InventoryRecord, ProductRecord } from './types';

/**
 * What a warehouse event does to the sandbox's balances, for tests and the demo: sets the balance of one product in
 * one warehouse (creating the warehouse row when the product has none there) and stamps it changed now, so that
 * inventorybywarehouse.nv's changedsince finds it. Real Netvisor changes balances through warehouse events
 * (warehouseevent.nv), which the sandbox does not emulate.
 */
export function setNetvisorStock(
  store: SandboxStore,
  change: { code: string; warehouse: string; amount: number | string; reserved?: number | string; at?: Date },
): InventoryRecord {
  const product = store.find<ProductRecord>('products', (p) => p.code.toLowerCase() === change.code.toLowerCase());
  if (!product) throw new Error(`the Netvisor sandbox has no product ${change.code}`);
  const changedAt = (change.at ?? new Date()).toISOString().slice(0, 19);
  const rows = store.list<InventoryRecord>('inventory');
  let row = rows.find((r) => r.productNetvisorKey === product.netvisorKey && r.warehouseName.toLowerCase() === change.warehouse.toLowerCase());
  if (!row) {
    const known = rows.find((r) => r.warehouseName.toLowerCase() === change.warehouse.toLowerCase());
    const key = known?.warehouseNetvisorKey ?? Math.max(0, ...rows.map((r) => r.warehouseNetvisorKey)) + 1;
    row = store.insert<InventoryRecord>('inventory', {
      productNetvisorKey: product.netvisorKey,
      warehouseNetvisorKey: key,
      warehouseName: known?.warehouseName ?? change.warehouse,
      inventoryAmount: '0',
      reservedAmount: '0',
      orderedAmount: '0',
      changedAt,
    });
  }
  row.inventoryAmount = String(change.amount);
  if (change.reserved !== undefined) row.reservedAmount = String(change.reserved);
  row.changedAt = changedAt;
  return row;
}
