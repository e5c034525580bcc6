import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { startOrderExport } from '../client/temporal';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

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
  return {
    async reconcileShopOrders(input: ReconcileInput): Promise<ReconcileResult> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant);
        const shop = connections.shop(input.tenant, input.shop);
        if (shop.system !== 'woocommerce') throw needsOperator(`reconciliation for ${shop.system} shops is not available in this version`, 'Siirto.config');
        const result: ReconcileResult = { seen: 0, started: 0, alreadyExported: 0, ignored: 0 };
        for await (const order of connections.woocommerce(input.tenant, input.shop).ordersModifiedAfter(input.since)) {
          result.seen++;
          if (!settings.shopStatuses.includes(order.status)) {
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
