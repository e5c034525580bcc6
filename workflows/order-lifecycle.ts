import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { LifecycleSettings } from '../config/lifecycle-schema';
import type { LineMap, RbLine, RbOrderState } from '../activities/order-lifecycle';
import { apiCall, pagingCall } from './profiles';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

const { lifecycleSettings, fetch24soOrder, ensureRackbeatOrder, readRackbeatOrder, writeBackEdits, set24soStatus, findRackbeatOrderOrigin, lifecycleInvoiceFollowUp } =
  proxyActivities<Activities>(apiCall);
const { pickUpOrders } = proxyActivities<Activities>(pagingCall);

/** `order/<tenant>/24so/<id>`: the one workflow per 24SevenOffice order, whoever starts or signals it. */
export const orderLifecycleWorkflowId = (tenant: string, orderId: number | string): string => `order/${tenant}/24so/${orderId}`;

export type PickUpTrigger = 'poll' | 'manual' | 'event';

export interface OrderLifecycleInput {
  tenant: string;
  orderId: number;
  trigger: PickUpTrigger;
  /** The id of the request that started the workflow (manual GET tells "new" from "already followed" by it). */
  requestId: string;
  /** State carried over continue-as-new. */
  carried?: LifecycleState;
  /**
   * History length (events) after which the workflow continues as new even before the server suggests it; a long
   * followed order then keeps a short history. Default 10,000.
   */
  historyBudget?: number;
}

/** A Rackbeat order event as a hint: the workflow reads the order's actual state, so order and repeats do not matter. */
export interface RackbeatEventSignal {
  eventId: string;
  event: string;
  /** When the event happened (or was received); older than what was already processed → only a hint, never a rollback. */
  occurredAt: string;
}

export type Phase = 'picked-up' | 'in-rackbeat' | 'editing-in-rackbeat' | 'sent' | 'done' | 'stopped';

export interface LifecycleState {
  tenant: string;
  orderId: number;
  phase: Phase;
  startedBy: string;
  createAs?: LifecycleSettings['createAs'];
  rackbeatNumber?: number;
  booked?: boolean;
  shipped?: boolean;
  /** Rackbeat line → 24SO row, kept up to date as edits flow back. */
  lineMap: LineMap;
  /** The Rackbeat lines as last written to 24SO. */
  synced: RbLine[];
  pickUps: number;
  eventsReceived: number;
  duplicatesIgnored: number;
  lateEvents: number;
  lastEventAt?: string;
  checks: number;
  writeBacks: number;
  sentAt?: string;
  /** The order's path, newest last (also in the Temporal UI as the activity history and the memo). */
  path: Array<{ at: string; what: string }>;
  /** Recent event ids, for duplicate detection across continue-as-new. */
  recentEventIds: string[];
  needsAttention?: string;
  /** How many times the workflow has continued as new, carrying this state. */
  generation?: number;
  /** The Rackbeat invoice that invoiced this 24SO order (workflows/invoice-transfer.ts, signal `invoiced`). */
  invoice?: LifecycleInvoiced & { at: string };
}

/** What the invoice transfer tells the lifecycle when it sets the 24SO order to Invoiced. */
export interface LifecycleInvoiced {
  rackbeatInvoice: number;
  /** The 24SO InvoiceId the order got. */
  invoiceId: number;
}

export type OperatorAction = { action: 'resync' } | { action: 'cancel-follow'; reason?: string };

export const pickUpSignal = defineSignal<[{ requestId: string; trigger: PickUpTrigger }]>('pickUp');
export const rackbeatEventSignal = defineSignal<[RackbeatEventSignal]>('rackbeatEvent');
export const invoicedSignal = defineSignal<[LifecycleInvoiced]>('invoiced');
export const stateQuery = defineQuery<LifecycleState>('state');
export const operatorUpdate = defineUpdate<{ accepted: string; state: LifecycleState }, [OperatorAction]>('operator');

const MAX_PATH = 60;
const MAX_EVENT_IDS = 500;

const sameLines = (a: RbLine[], b: RbLine[]): boolean => {
  if (a.length !== b.length) return false;
  const key = (l: RbLine) => `${l.id}|${l.itemNumber}|${Number(l.quantity)}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
};

/**
 * The life of one 24SevenOffice order in both systems:
 * picked up → created in Rackbeat (draft | booked | booked and ready to ship, as configured) → followed while open
 * (edits made in Rackbeat — reopen, change, book again — flow back to 24SO, which returns to Accepted) → shipped in
 * Rackbeat → Sent in 24SO → done.
 *
 * Rackbeat events arrive as signals (via the webhook route and `routeRackbeatOrderEvent`); each is a hint to read
 * the order's actual state, de-duplicated by event id, so duplicated, late or reordered events cannot change the
 * outcome, and nothing is regulated twice. A timer reads the order anyway every `rackbeatCheckEvery`, so a lost
 * webhook only delays. Problems that need a person park the order as needs-attention (Transfer) until retry/skip.
 */
export async function orderLifecycle(input: OrderLifecycleInput): Promise<LifecycleState> {
  const state: LifecycleState = input.carried ?? {
    tenant: input.tenant,
    orderId: input.orderId,
    phase: 'picked-up',
    startedBy: input.requestId,
    lineMap: [],
    synced: [],
    pickUps: 0,
    eventsReceived: 0,
    duplicatesIgnored: 0,
    lateEvents: 0,
    checks: 0,
    writeBacks: 0,
    path: [],
    recentEventIds: [],
  };
  const note = (what: string) => {
    state.path.push({ at: new Date().toISOString(), what });
    if (state.path.length > MAX_PATH) state.path.splice(0, state.path.length - MAX_PATH);
    log.info(what, { orderId: state.orderId });
  };
  if (!input.carried) note(`picked up (${input.trigger})`);

  let checkRequested = false;
  let stopRequested: string | null = null;
  let latestEventAt = state.lastEventAt ?? '';

  setHandler(pickUpSignal, ({ trigger }) => {
    state.pickUps++;
    // A manual GET of an order already followed reads Rackbeat again; a poll's repeat needs nothing.
    if (trigger === 'manual') checkRequested = true;
  });
  setHandler(rackbeatEventSignal, (e) => {
    if (state.recentEventIds.includes(e.eventId)) {
      state.duplicatesIgnored++;
      return;
    }
    state.recentEventIds.push(e.eventId);
    if (state.recentEventIds.length > MAX_EVENT_IDS) state.recentEventIds.splice(0, state.recentEventIds.length - MAX_EVENT_IDS);
    state.eventsReceived++;
    if (latestEventAt && e.occurredAt < latestEventAt) state.lateEvents++;
    else latestEventAt = e.occurredAt;
    state.lastEventAt = latestEventAt;
    checkRequested = true;
  });
  // After Sent, the order also shows its Rackbeat invoice (when the tenant's invoices go to 24SO). Histories from
  // before replay without it.
  const showsInvoice = patched('lifecycle-shows-invoice');
  if (showsInvoice) {
    setHandler(invoicedSignal, (i) => {
      if (state.invoice?.rackbeatInvoice === i.rackbeatInvoice) return;
      state.invoice = { ...i, at: new Date().toISOString() };
      note(`invoiced: Rackbeat invoice ${i.rackbeatInvoice} → 24SO order Invoiced (invoice ${i.invoiceId})`);
    });
  }
  let transfer: Transfer | undefined;
  setHandler(stateQuery, () => {
    const t = transfer?.state;
    return t?.status === 'needs-attention' ? { ...state, needsAttention: `${t.step}: ${t.error?.message ?? 'failed'}` } : state;
  });
  setHandler(
    operatorUpdate,
    (op) => {
      if (op.action === 'resync') {
        checkRequested = true;
        note('operator: resync');
        return { accepted: 'resync', state };
      }
      stopRequested = op.reason ?? 'operator stopped following';
      note(`operator: cancel-follow${op.reason ? ` (${op.reason})` : ''}`);
      return { accepted: 'cancel-follow', state };
    },
    {
      validator: (op) => {
        if (op.action !== 'resync' && op.action !== 'cancel-follow') throw new Error(`unknown action "${(op as { action: string }).action}": use resync or cancel-follow`);
        if (state.phase === 'done' || state.phase === 'stopped') throw new Error(`order ${state.orderId} is no longer followed (${state.phase})`);
      },
    },
  );

  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'order-lifecycle' },
    { key: SiirtoEntity, value: 'order' },
    { key: SiirtoSourceId, value: `24so/${input.orderId}` },
  ]);
  transfer = new Transfer(`24SO order ${input.orderId} → Rackbeat`, input.tenant);
  if (state.rackbeatNumber !== undefined) transfer.target(String(state.rackbeatNumber));
  const publish = () => upsertMemo({ summary: describe(state), phase: state.phase });

  const stopIfAsked = (): boolean => {
    if (stopRequested === null) return false;
    state.phase = 'stopped';
    upsertSearchAttributes([{ key: SiirtoStatus, value: 'skipped' }]);
    upsertMemo({ summary: `${describe(state)} (stopped: ${stopRequested})`, phase: state.phase });
    return true;
  };

  // ---- pick-up → created in Rackbeat -------------------------------------------------------------------------
  let settings!: LifecycleSettings;
  const created = await transfer.runUntilDone(async () => {
    transfer.step('settings');
    settings = await lifecycleSettings(input.tenant);
    state.createAs ??= settings.createAs;
    if (state.rackbeatNumber !== undefined) return;
    transfer.step('fetch 24SO order');
    const order = await fetch24soOrder({ tenant: input.tenant, orderId: input.orderId });
    transfer.step('create in Rackbeat');
    const ensured = await ensureRackbeatOrder({ tenant: input.tenant, order, createAs: state.createAs! });
    state.rackbeatNumber = ensured.number;
    state.lineMap = ensured.lineMap;
    state.synced = ensured.state.lines;
    state.booked = ensured.state.booked;
    state.phase = 'in-rackbeat';
    transfer.target(String(ensured.number));
    note(`${ensured.created ? 'created' : 'found'} Rackbeat order ${ensured.number} (${state.createAs}${ensured.state.readyForShipping ? ', ready to ship' : ''})`);
  });
  if (!created) {
    state.phase = 'stopped';
    return state;
  }
  publish();

  // ---- followed while open ------------------------------------------------------------------------------------
  const check = async (reason: string) => {
    state.checks++;
    transfer.step('read Rackbeat order');
    const rb: RbOrderState = await readRackbeatOrder({ tenant: input.tenant, number: state.rackbeatNumber! });
    state.booked = rb.booked;
    state.shipped = rb.shipped;
    const edited = !sameLines(rb.lines, state.synced);
    if (rb.shipped) {
      if (edited) await writeBack(rb, null, reason);
      transfer.step('24SO Sent');
      const sent = await set24soStatus({ tenant: input.tenant, orderId: input.orderId, status: 'OrderState_Sent' });
      state.phase = 'sent';
      state.sentAt = new Date().toISOString();
      note(
        sent.changed
          ? `shipped in Rackbeat → 24SO Sent (was ${sent.previous})`
          : `shipped in Rackbeat; 24SO status left at ${sent.previous}${sent.previous === 'OrderState_Sent' ? ' (already Sent)' : ' (invoiced)'}`,
      );
      return;
    }
    if (!rb.booked) {
      if (state.phase !== 'editing-in-rackbeat') note(`Rackbeat order ${rb.number} open for editing (${reason})`);
      state.phase = 'editing-in-rackbeat';
      return;
    }
    if (edited) await writeBack(rb, 'Confirmed', reason);
    state.phase = 'in-rackbeat';
  };
  const writeBack = async (rb: RbOrderState, setStatus: 'Confirmed' | null, reason: string) => {
    transfer.step('edits to 24SO');
    const result = await writeBackEdits({ tenant: input.tenant, orderId: input.orderId, lines: rb.lines, lineMap: state.lineMap, setStatus });
    state.lineMap = result.lineMap;
    state.synced = rb.lines;
    state.writeBacks++;
    note(`edits → 24SO: ${result.edited} changed, ${result.removed} deleted, ${result.added} added${setStatus ? '; status Accepted' : ''} (${reason})`);
  };

  while (state.phase !== 'sent') {
    if (stopIfAsked()) return state;
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > (input.historyBudget ?? 10_000)) && !checkRequested) {
      await condition(allHandlersFinished);
      note(`continuing as new after ${info.historyLength} history events`);
      state.generation = (state.generation ?? 0) + 1;
      return continueAsNew<typeof orderLifecycle>({ ...input, carried: { ...state, lastEventAt: latestEventAt || undefined } });
    }
    const woken = await condition(() => checkRequested || stopRequested !== null, settings.rackbeatCheckEvery as Duration);
    if (stopIfAsked()) return state;
    const reason = woken ? 'event' : 'timer';
    checkRequested = false;
    // Event ids are what a delivery carries (`<event>:<number>`), not unique: an id is a duplicate only while it
    // waits for this check; once the check reads Rackbeat, the same event again means a new change.
    if (patched('rackbeat-event-ids-pending-only')) state.recentEventIds = [];
    const ok = await transfer.runUntilDone(() => check(reason));
    if (!ok) {
      state.phase = 'stopped';
      return state;
    }
    publish();
  }

  if (showsInvoice && !state.invoice) {
    const follow = await lifecycleInvoiceFollowUp(input.tenant);
    if (follow.waitForInvoice) {
      publish();
      await condition(() => state.invoice !== undefined || stopRequested !== null, follow.waitFor as Duration);
      if (!state.invoice && stopRequested === null) note(`no Rackbeat invoice within ${follow.waitFor} after Sent`);
    }
  }
  state.phase = 'done';
  transfer.done(describe(state));
  await condition(allHandlersFinished);
  return state;
}

const describe = (s: LifecycleState): string =>
  `24SO order ${s.orderId} → Rackbeat ${s.rackbeatNumber ?? '(not yet)'}: ${s.phase}` +
  (s.writeBacks ? `, ${s.writeBacks} edit write-back(s)` : '') +
  (s.invoice ? `, invoiced (Rackbeat invoice ${s.invoice.rackbeatInvoice}, 24SO invoice ${s.invoice.invoiceId})` : '');

// ---- routing Rackbeat events to the order workflow ----------------------------------------------------------------

export interface RouteRackbeatOrderEventInput {
  tenant: string;
  rackbeatNumber: number;
  event: string;
  eventId: string;
  receivedAt: string;
}

/**
 * A Rackbeat webhook names only the Rackbeat order number; this finds the 24SO order stamped on it and signals that
 * order's lifecycle. Orders that did not come from 24SO, and orders no longer followed, are ignored.
 */
export async function routeRackbeatOrderEvent(input: RouteRackbeatOrderEventInput): Promise<{ routed: boolean; workflowId?: string; reason?: string }> {
  const { orderId } = await findRackbeatOrderOrigin({ tenant: input.tenant, number: input.rackbeatNumber });
  if (orderId === null) return { routed: false, reason: `Rackbeat order ${input.rackbeatNumber} did not come from 24SO` };
  const workflowId = orderLifecycleWorkflowId(input.tenant, orderId);
  try {
    await getExternalWorkflowHandle(workflowId).signal(rackbeatEventSignal, { eventId: input.eventId, event: input.event, occurredAt: input.receivedAt });
    return { routed: true, workflowId };
  } catch {
    return { routed: false, workflowId, reason: `24SO order ${orderId} is not followed (finished or never picked up)` };
  }
}

// ---- the pick-up poll (one per tenant, run by the Schedule `lifecycle/<tenant>`) ------------------------------------

export const lifecycleScheduleId = (tenant: string): string => `lifecycle/${tenant}`;

export interface PollLifecycleInput {
  tenant: string;
  taskQueue: string;
  scheduleId?: string;
  since?: string;
}

/** Lists 24SO orders at the pick-up status changed since the cursor and hands each to its lifecycle workflow. */
export async function pollLifecycleOrders(input: PollLifecycleInput) {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'order-lifecycle-poll' },
  ]);
  return pickUpOrders(input);
}
