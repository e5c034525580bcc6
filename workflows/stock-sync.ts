import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StockPollResult } from '../activities/stock';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

/**
 * Stock levels Netvisor → one webshop, as a long-lived entity `stock/<tenant>/<shop>`. It owns what must last
 * between polls: the changed-since cursor (Netvisor's own reply TimeStamp, never the worker's clock) and the SKUs
 * already reported missing in the shop, so that each is reported once, not on every poll. A `poll` signal (sent by
 * the Schedule `stock/<tenant>/<shop>` through `watchStock`) runs one poll; polls asked for while one runs collapse
 * into one more. A poll that cannot go (credentials, configuration) parks the entity as needs-attention until
 * `siirto retry` / `siirto skip`; a skipped poll leaves the cursor where it was, so nothing is lost.
 */
export interface StockReport {
  at: string;
  kind: 'missing-sku' | 'refused' | 'duplicate-sku' | 'no-code' | 'unseen-warehouse' | 'skipped';
  reason: string;
}

export interface StockState {
  cursor?: string;
  /** SKU → when it was reported missing. */
  missing: Record<string, string>;
  counts: { polls: number; read: number; written: number; unchanged: number; reported: number };
  reports: StockReport[];
  /** SKUs already reported as carried by several Shopify variants. */
  duplicates?: string[];
  last?: { at: string; read: number; written: number; unchanged: number };
}

export interface StockSyncInput {
  tenant: string;
  shop: string;
  state?: StockState;
  /** A poll was asked for when the previous run continued as new. */
  pollPending?: boolean;
}

export const stockPollSignal = defineSignal<[]>('poll');
export const stockStateQuery = defineQuery<StockState & { idle: boolean }>('stockState');

const { pollStock } = proxyActivities<Activities>({
  // A poll reads Netvisor once or twice and the shop in batches; every page heartbeats.
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  // A poll is a handful of calls and starts over on a failure (comparing again before it writes), so retries come
  // quickly; after the last one the entity parks as needs-attention with the cause, the cursor unmoved.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 30 },
});
const { requestStockPoll } = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 10 } });

const MAX_REPORTS = 200;
/** SKUs remembered as reported; beyond this the oldest are forgotten (and reported again if still missing). */
const MAX_MISSING = 5000;
const POLLS_PER_RUN = 200;

const listed = (skus: string[]) => `${skus.slice(0, 20).join(', ')}${skus.length > 20 ? ` and ${skus.length - 20} more` : ''}`;

export async function stockSync(input: StockSyncInput): Promise<void> {
  const state: StockState = input.state ?? { missing: {}, counts: { polls: 0, read: 0, written: 0, unchanged: 0, reported: 0 }, reports: [] };
  let pollRequested = input.pollPending ?? false;
  let busy = false;
  setHandler(stockPollSignal, () => {
    pollRequested = true;
  });
  setHandler(stockStateQuery, () => ({ ...state, idle: !busy && !pollRequested }));
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'stock' },
    { key: SiirtoEntity, value: 'stock' },
    { key: SiirtoSourceId, value: input.shop },
    { key: SiirtoStatus, value: 'running' },
  ]);
  const publish = () =>
    upsertMemo({
      summary: `stock Netvisor → ${input.shop} for ${input.tenant}: ${state.counts.polls} polls, ${state.counts.read} balances read, ${state.counts.written} quantities written, ${state.counts.unchanged} already right, ${Object.keys(state.missing).length} SKUs missing in the shop`,
      lastReport: state.reports[state.reports.length - 1]?.reason ?? null,
    });
  function report(r: Omit<StockReport, 'at'>) {
    state.counts.reported++;
    state.reports.push({ ...r, at: new Date().toISOString() });
    if (state.reports.length > MAX_REPORTS) state.reports.shift();
  }

  const transfer = new Transfer(`stock Netvisor → ${input.shop} for ${input.tenant}`, input.tenant);
  let polls = 0;
  for (;;) {
    await condition(() => pollRequested);
    pollRequested = false;
    busy = true;
    transfer.step(`poll Netvisor stock${state.cursor ? ` changed since ${state.cursor}` : ' (all products)'}`);
    let res: StockPollResult | undefined;
    const done = await transfer.runUntilDone(async () => {
      res = await pollStock({ tenant: input.tenant, shop: input.shop, cursor: state.cursor, knownMissing: Object.keys(state.missing) });
    });
    if (!done || !res) {
      transfer.resume();
      report({ kind: 'skipped', reason: 'a stock poll was skipped by the operator after it needed attention; the next poll reads from the same cursor' });
    } else {
      state.cursor = res.cursor;
      state.counts.polls++;
      state.counts.read += res.read;
      state.counts.written += res.written;
      state.counts.unchanged += res.unchanged;
      state.last = { at: new Date().toISOString(), read: res.read, written: res.written, unchanged: res.unchanged };
      for (const sku of res.present) delete state.missing[sku];
      const fresh = res.missing.filter((sku) => !(sku in state.missing));
      const at = new Date().toISOString();
      for (const sku of fresh) state.missing[sku] = at;
      const keys = Object.keys(state.missing);
      for (let i = 0; i < keys.length - MAX_MISSING; i++) delete state.missing[keys[i]];
      if (fresh.length) {
        report({
          kind: 'missing-sku',
          reason: `${fresh.length} Netvisor product code${fresh.length === 1 ? '' : 's'} not found as a SKU in shop ${input.shop}: ${listed(fresh)}; their stock is not written (reported once)`,
        });
      }
      if (res.refused.length) report({ kind: 'refused', reason: `shop ${input.shop} refused ${res.refused.length} stock writes: ${res.refused.slice(0, 5).map((r) => `${r.sku} (${r.reason})`).join(', ')}` });
      const dupes = res.duplicateSkus.filter((d) => !(state.duplicates ?? []).includes(d));
      if (dupes.length) {
        state.duplicates = [...(state.duplicates ?? []), ...dupes].slice(-MAX_REPORTS);
        report({ kind: 'duplicate-sku', reason: `several variants in shop ${input.shop} carry the SKU${dupes.length === 1 ? '' : 's'} ${listed(dupes)}: only the first is written` });
      }
      if (res.unseenWarehouses?.length) {
        report({ kind: 'unseen-warehouse', reason: `no Netvisor product has a balance in warehouse ${res.unseenWarehouses.map((w) => `"${w}"`).join(', ')} (configured for shop ${input.shop}): check the name` });
      }
      if (res.withoutCode && state.counts.polls === 1) report({ kind: 'no-code', reason: `${res.withoutCode} Netvisor products have no product code and cannot be matched to shop SKUs` });
    }
    publish();
    busy = false;
    polls++;
    if (polls >= POLLS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof stockSync>({ tenant: input.tenant, shop: input.shop, state, pollPending: pollRequested });
    }
  }
}

export interface WatchStockInput {
  tenant: string;
  shop: string;
  taskQueue?: string;
}

/** What the Schedule `stock/<tenant>/<shop>` runs: asks the shop's stock entity to poll now. */
export async function watchStock(input: WatchStockInput): Promise<void> {
  await requestStockPoll({ tenant: input.tenant, shop: input.shop, taskQueue: input.taskQueue ?? workflowInfo().taskQueue });
}
