import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { exportState, startOrderExport } from '../orchestration/temporal';
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
  /** Finished with a document written (or found). */
  alreadyExported: number;
  /** Finished without a document because an operator skipped it: not exported, and not restarted by the poll. */
  skipped: number;
  /** Closed otherwise (failed, terminated, cancelled, timed out): not exported either. */
  failed: number;
  /** The order ids behind `skipped` and `failed` (the first SHOWN_ORDERS of each), for `siirto export --again`. */
  skippedOrders: string[];
  failedOrders: string[];
  ignored: number;
}

const SHOWN_ORDERS = 50;

/**
 * The backstop behind webhooks (docs/design.md §9): every eligible shop order modified in the window gets its export
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
        const result: ReconcileResult = { seen: 0, started: 0, alreadyExported: 0, skipped: 0, failed: 0, skippedOrders: [], failedOrders: [], ignored: 0 };
        for await (const order of changedOrders(input)) {
          result.seen++;
          if (!shop.exportStatuses.includes(order.status)) {
            result.ignored++;
            continue;
          }
          const orderId = String(order.id);
          const { workflowId, alreadyFinished } = await startOrderExport(temporal(), { tenant: input.tenant, shop: input.shop, orderId, trigger: 'reconcile' }, input.taskQueue);
          if (!alreadyFinished) result.started++;
          else {
            // A finished export is never restarted here; only how it ended is counted (a skip is not an export).
            const state = await exportState(temporal(), workflowId);
            if (state === 'skipped') {
              result.skipped++;
              if (result.skippedOrders.length < SHOWN_ORDERS) result.skippedOrders.push(orderId);
            } else if (state === 'failed') {
              result.failed++;
              if (result.failedOrders.length < SHOWN_ORDERS) result.failedOrders.push(orderId);
            } else result.alreadyExported++;
          }
          heartbeat(result);
        }
        return result;
      });
    },
  };
}
