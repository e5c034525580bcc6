import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { startOrderExport } from '../client/temporal';
import type { Connections } from './connections';
import { classified } from './failures';

export interface ReconcileInput {
  tenant: string;
  shop: string;
  /** Orders modified after this instant are looked at. */
  since: string;
  taskQueue: string;
}

export interface ReconcileResult {
  seen: number;
  started: number;
  alreadyExported: number;
  ignored: number;
}

/**
 * The backstop behind webhooks (DESIGN.md §9): every eligible shop order modified in the window gets its export
 * workflow started, with the same id a webhook would use, so an order a webhook already brought is not exported twice.
 */
export function createReconciliationActivities(connections: Connections, temporal: () => Client) {
  /** The shop's orders changed since the window start, as id and export-relevant status. */
  async function* changedOrders(input: ReconcileInput): AsyncGenerator<{ id: number; status: string }> {
    const shop = connections.shop(input.tenant, input.shop);
    if (shop.system === 'woocommerce') {
      for await (const o of connections.woocommerce(input.tenant, input.shop).ordersModifiedAfter(input.since)) yield { id: o.id, status: o.status };
    } else {
      for await (const o of connections.shopify(input.tenant, input.shop).ordersUpdatedSince(input.since)) yield { id: o.id, status: o.financial_status ?? 'unknown' };
    }
  }

  return {
    async reconcileShopOrders(input: ReconcileInput): Promise<ReconcileResult> {
      return classified(async () => {
        const shop = connections.shop(input.tenant, input.shop);
        const result: ReconcileResult = { seen: 0, started: 0, alreadyExported: 0, ignored: 0 };
        for await (const order of changedOrders(input)) {
          result.seen++;
          if (!shop.exportStatuses.includes(order.status)) {
            result.ignored++;
            continue;
          }
          const { alreadyFinished } = await startOrderExport(
            temporal(),
            { tenant: input.tenant, shop: input.shop, orderId: String(order.id), trigger: 'reconcile' },
            input.taskQueue,
          );
          if (alreadyFinished) result.alreadyExported++;
          else result.started++;
          heartbeat(result);
        }
        return result;
      });
    },
  };
}
