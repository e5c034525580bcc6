import { proxyActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durationMs } from '../domain/duration';
import { pagingCall } from './profiles';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTenant } from './search-attributes';

const { reconcileShopOrders } = proxyActivities<Activities>(pagingCall);

export interface ReconcileShopInput {
  tenant: string;
  shop: string;
  /** How far back to look, e.g. "24h". */
  lookback: string;
}

/** `reconcile/<tenant>/<shop>`: the id of the Schedule that runs this workflow every few minutes. */
export const reconcileScheduleId = (tenant: string, shop: string): string => `reconcile/${tenant}/${shop}`;

const listed = (ids: string[], total: number): string => `order${total === 1 ? '' : 's'} ${ids.join(', ')}${total > ids.length ? `, and ${total - ids.length} more` : ''}`;

/** One reconciliation pass over a shop: finds orders a lost webhook missed and starts their exports. */
export async function reconcileShop(input: ReconcileShopInput) {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'reconcile' },
    { key: SiirtoEntity, value: 'order' },
    { key: SiirtoSourceId, value: input.shop },
    { key: SiirtoStatus, value: 'running' },
  ]);
  const since = new Date(Date.now() - durationMs(input.lookback)).toISOString();
  const result = await reconcileShopOrders({ tenant: input.tenant, shop: input.shop, since, taskQueue: workflowInfo().taskQueue });
  upsertSearchAttributes([{ key: SiirtoStatus, value: 'done' }]);
  const notExported = [
    result.skipped ? `${result.skipped} skipped by an operator (${listed(result.skippedOrders, result.skipped)})` : '',
    result.failed ? `${result.failed} failed (${listed(result.failedOrders, result.failed)})` : '',
  ].filter(Boolean);
  upsertMemo({
    summary:
      `shop ${input.shop}: ${result.seen} orders seen since ${since}, ${result.started} exports started, ${result.alreadyExported} already exported` +
      (notExported.length ? `; not exported: ${notExported.join(', ')} (siirto export --again runs one once more)` : ''),
  });
  return result;
}
