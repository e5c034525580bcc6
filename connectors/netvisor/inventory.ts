import type { NetvisorConnection } from './connection';
import { inventoryByWarehouseReply } from './schemas';

export interface NetvisorInventoryItem {
  productNetvisorKey: string;
  productCode: string;
  productName: string;
  warehouses: Array<{ netvisorKey: string; name: string; inventoryAmount: string; reservedAmount: string; orderedAmount: string }>;
  totalAmount: string;
  totalReservedAmount: string;
  totalOrderedAmount: string;
}

/** Finnish "d.M.yyyy H:mm:ss", the format inventorybywarehouse.nv's changedsince takes (unlike every other resource). Sent in UTC; whether Netvisor reads it as Finnish local time is an open point (docs/wire/open-points.md). */
export function finnishDateTime(d: Date): string {
  return `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${d.getUTCFullYear()} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`;
}

export async function inventoryByWarehouse(
  conn: NetvisorConnection,
  opts: { productId?: string; productIds?: string[]; warehouseName?: string; changedSince?: Date } = {},
): Promise<NetvisorInventoryItem[]> {
  const root = await conn.get('inventorybywarehouse.nv', [
    ['productid', opts.productId],
    ['productidlist', opts.productIds?.length ? opts.productIds.join(',') : undefined],
    ['inventoryplacename', opts.warehouseName],
    ['changedsince', opts.changedSince ? finnishDateTime(opts.changedSince) : undefined],
  ]);
  return inventoryItems(conn, root);
}

/** The products of an inventorybywarehouse.nv reply, validated; an amount Netvisor leaves out is 0. */
export function inventoryItems(conn: NetvisorConnection, root: Parameters<NetvisorConnection['parse']>[2]): NetvisorInventoryItem[] {
  return conn.parse('inventorybywarehouse.nv', inventoryByWarehouseReply, root).inventorybywarehouse.product.map((p) => ({
    productNetvisorKey: p.netvisorkey,
    productCode: p.code,
    productName: p.name,
    warehouses: p.warehouse.map((w) => ({
      netvisorKey: w.netvisorkey,
      name: w.name,
      inventoryAmount: w.inventoryamount ?? '0',
      reservedAmount: w.reservedamount ?? '0',
      orderedAmount: w.orderedamount ?? '0',
    })),
    totalAmount: p.totalamount ?? '0',
    totalReservedAmount: p.totalreservedamount ?? '0',
    totalOrderedAmount: p.totalorderedamount ?? '0',
  }));
}
