import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { InvoiceView } from '../activities/invoices/view';
import type { PairedParties, PairingResult } from '../activities/invoices/pairing';
import type { InvoiceSettingsView } from '../activities/invoices';
import { apiCall, pagingCall } from './profiles';
import { invoicedSignal, orderLifecycleWorkflowId } from './order-lifecycle';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

const {
  invoiceSettings,
  readRackbeatInvoice,
  pairInvoice,
  writeInvoiceToNetvisor,
  matchCreditNoteInNetvisor,
  writeInvoiceTo24so,
  invoiceLifecycleOrder,
  originalInvoiceTransfer,
  findRackbeatOrderOrigin,
  syncChange,
} = proxyActivities<Activities>(apiCall);
const { reconcileInvoiceList } = proxyActivities<Activities>(pagingCall);

/** `invoice/<tenant>/rackbeat/<number>`: the one workflow per Rackbeat invoice or credit note, whoever starts it. */
export const invoiceTransferWorkflowId = (tenant: string, number: number | string): string => `invoice/${tenant}/rackbeat/${number}`;

export interface InvoiceTransferInput {
  tenant: string;
  /** The Rackbeat customer invoice (or credit note) number. */
  number: number;
  trigger: 'webhook' | 'reconcile' | 'credit-note' | 'manual';
  /**
   * History length (events) after which a transfer that waits (a credit note for its invoice, or for Netvisor to send
   * both) continues as new even before the server suggests it. Default 10,000.
   */
  historyBudget?: number;
}

/**
 * A transfer that waits looks again and again; its history must not grow without end. Continuing as new starts the
 * transfer over from the top, which is safe: every step is idempotent, and a run that is not the first looks for its
 * own earlier document before writing. Called only while waiting, with no decision pending.
 */
async function continueIfHistoryIsLong(input: InvoiceTransferInput, waitedInThisRun: boolean): Promise<void> {
  // A run goes on as new only after it has waited once itself: the steps before the wait never loop into new runs.
  if (!waitedInThisRun) return;
  const info = workflowInfo();
  if (!(info.continueAsNewSuggested || info.historyLength > (input.historyBudget ?? 10_000))) return;
  if (!patched('invoice-wait-continues-as-new')) return;
  await continueAsNew<typeof invoiceTransfer>(input);
}

export interface InvoiceTransferResult {
  status: 'done' | 'skipped' | 'not-transferred';
  number: number;
  kind?: 'invoice' | 'credit-note';
  target?: '24so' | 'netvisor';
  /** Netvisor: the sales invoice's NetvisorKey. */
  netvisorKey?: string;
  /** 24SO: the InvoiceOrder's OrderId and its InvoiceId. */
  soOrderId?: number;
  soInvoiceId?: number;
  /** The 24SO order the lifecycle brought in, invoiced instead of a new document. */
  lifecycleOrderId?: number;
  /** What the lifecycle workflow of that order heard. */
  lifecycle?: 'told' | 'not followed any more';
  /** Credit note: the Rackbeat invoice it credits, and whether Netvisor matched them. */
  credits?: number;
  matched?: boolean;
  /** True when an earlier attempt had written the document (a lost reply). */
  found?: boolean;
  reason?: string;
}

/** The shortest and longest wait between two looks at a credit note's original invoice that is still on its way. */
const ORIGINAL_FIRST_WAIT_MS = 2_000;
const ORIGINAL_MAX_WAIT_MS = 60_000;

/**
 * One Rackbeat invoice (or credit note) becomes one document in the tenant's accounting system (`invoices.to`):
 * read from Rackbeat → customer and products through the register sync's pairing (unpaired ones synced first, or
 * the transfer waits as needs-attention naming them) → the document, stamped `rackbeat:<number>`, looked for first
 * wherever an earlier attempt may have written it → for a credit note, linked to the invoice it credits (which is
 * transferred first). An invoice of an order that came from 24SO through the lifecycle invoices THAT order.
 */
export async function invoiceTransfer(input: InvoiceTransferInput): Promise<InvoiceTransferResult> {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'invoice' },
    { key: SiirtoEntity, value: 'invoice' },
    { key: SiirtoSourceId, value: `rackbeat/${input.number}` },
  ]);
  const transfer = new Transfer(`Rackbeat invoice ${input.number}`, input.tenant);
  const result: InvoiceTransferResult = { status: 'done', number: input.number };
  // No earlier attempt can have written anything only in the first pass of the first run of this id.
  const freshRun = workflowInfo().runId === workflowInfo().firstExecutionRunId;
  let passes = 0;
  let settings!: InvoiceSettingsView;
  let invoice!: InvoiceView;

  const completed = await transfer.runUntilDone(async () => {
    const firstTry = freshRun && ++passes === 1;
    transfer.step('settings');
    settings = await invoiceSettings(input.tenant);
    result.target = settings.to;

    transfer.step('read Rackbeat invoice');
    invoice = await readRackbeatInvoice({ tenant: input.tenant, number: input.number });
    result.kind = invoice.kind;
    if (invoice.kind === 'credit-note') {
      result.credits = invoice.credits;
      if (!settings.creditNotes) {
        result.status = 'not-transferred';
        result.reason = 'credit notes are not transferred (invoices.creditNotes: false)';
        return;
      }
    }

    // A credit note goes after the invoice it credits: that one's transfer is started (or joined) and waited for.
    let original: InvoiceTransferResult | undefined;
    if (invoice.kind === 'credit-note') {
      transfer.step(`original invoice ${invoice.credits}`);
      for (let wait = ORIGINAL_FIRST_WAIT_MS, looks = 0; ; wait = Math.min(ORIGINAL_MAX_WAIT_MS, wait * 2), looks++) {
        const progress = await originalInvoiceTransfer({ tenant: input.tenant, number: invoice.credits!, taskQueue: workflowInfo().taskQueue });
        if (progress.state === 'done') {
          original = progress.result;
          break;
        }
        transfer.step(`original invoice ${invoice.credits}: ${progress.message}`);
        await continueIfHistoryIsLong(input, looks > 0);
        await sleep(wait);
      }
    }

    // Did the invoice's order come from 24SO through the lifecycle? Then that 24SO order is what gets invoiced.
    let lifecycleOrderId: number | null = null;
    if (settings.to === '24so' && invoice.kind === 'invoice' && invoice.orderNumber !== undefined) {
      transfer.step(`origin of Rackbeat order ${invoice.orderNumber}`);
      lifecycleOrderId = (await findRackbeatOrderOrigin({ tenant: input.tenant, number: invoice.orderNumber })).orderId;
    }

    transfer.step('customer and products');
    const parties = await pairedParties(input.tenant, invoice, settings, transfer, firstTry);

    transfer.step('document');
    if (settings.to === 'netvisor') {
      // A credit note names its invoice's Netvisor key; the activity refuses one without (never a detached credit).
      const credits = original ? { netvisorKey: original.netvisorKey ?? '' } : undefined;
      const written = await writeInvoiceToNetvisor({ tenant: input.tenant, invoice, parties, ...(credits ? { credits } : {}), ...(firstTry ? { firstTry } : {}) });
      Object.assign(result, { netvisorKey: written.netvisorKey, found: written.found });
      transfer.target(written.number);
      if (invoice.kind === 'credit-note' && credits) {
        await matchInNetvisor(input, written.netvisorKey, credits.netvisorKey, invoice.credits!, settings, transfer);
        result.matched = true;
      }
      return;
    }
    if (lifecycleOrderId !== null) {
      transfer.step(`invoice 24SO order ${lifecycleOrderId}`);
      const written = await invoiceLifecycleOrder({ tenant: input.tenant, orderId: lifecycleOrderId, invoice, parties });
      Object.assign(result, { soOrderId: written.orderId, soInvoiceId: written.invoiceId, lifecycleOrderId, found: written.found });
      transfer.target(String(written.invoiceId));
      result.lifecycle = await tellLifecycle(input.tenant, lifecycleOrderId, invoice.number, written.invoiceId);
      return;
    }
    // Without the original's InvoiceId the activity refuses the credit note (toSoInvoice): never a detached credit.
    const credited = original?.soInvoiceId !== undefined ? { invoiceId: original.soInvoiceId, ...(original.soOrderId !== undefined ? { orderId: original.soOrderId } : {}) } : undefined;
    const written = await writeInvoiceTo24so({
      tenant: input.tenant,
      invoice,
      parties,
      ...(credited ? { credited } : {}),
      ...(firstTry ? { firstTry } : {}),
    });
    Object.assign(result, { soOrderId: written.orderId, soInvoiceId: written.invoiceId, found: written.found });
    transfer.target(String(written.invoiceId));
  });

  if (!completed) return { ...result, status: 'skipped' };
  const summary = describeResult(input, result, invoice);
  transfer.done(summary);
  return result;
}

/**
 * The customer and products paired in the target. Unpaired ones are synced first with the register sync's own
 * `syncChange` when the tenant says so (`invoices.unpaired: sync`; it copies only when Rackbeat is that register's
 * master); whatever is still unpaired then parks the transfer, the sentence naming each record and why.
 */
async function pairedParties(tenant: string, invoice: InvoiceView, settings: InvoiceSettingsView, transfer: Transfer, firstTry: boolean): Promise<PairedParties> {
  const notes: Record<string, string> = {};
  if (settings.unpaired === 'sync') {
    const first: PairingResult = await pairInvoice({ tenant, invoice, ...(firstTry ? { firstTry } : {}) });
    if (first.paired) return first.paired;
    for (const u of first.unpaired) {
      transfer.step(`sync ${u.label}`);
      const key = `${u.register}:${u.sourceId}`;
      try {
        const outcome = await syncChange({ tenant, pair: settings.pair, register: u.register, change: { system: 'rackbeat', sourceId: u.sourceId, event: 'upsert' } });
        if (outcome.outcome !== 'written' && outcome.outcome !== 'unchanged') notes[key] = 'reason' in outcome ? outcome.reason : outcome.outcome;
      } catch (err) {
        // A refused sync (say the register's own sync entity created the record a moment earlier, and the target
        // refused a second one) is not the end: the pairing below looks again, and names the refusal if still
        // unpaired. A rate limit or revoked credentials go to the transfer as they are (waited out, or parked).
        const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        if (!cause || cause.type === 'Siirto.rate-limit' || cause.type === 'Siirto.credentials') throw err;
        notes[key] = cause.message;
      }
    }
    transfer.step('customer and products');
  }
  // After a sync the records are new to the worker's register cache: only `wait` (nothing synced) may use it.
  const paired = await pairInvoice({ tenant, invoice, strict: true, notes, ...(firstTry && settings.unpaired !== 'sync' ? { firstTry } : {}) });
  return paired.paired!;
}

/** Matches the Netvisor credit note to its invoice; while Netvisor cannot match yet (a document unsent), checks again later. */
async function matchInNetvisor(input: InvoiceTransferInput, creditNoteKey: string, invoiceKey: string, credits: number, settings: InvoiceSettingsView, transfer: Transfer): Promise<void> {
  const tenant = input.tenant;
  for (let looks = 0; ; looks++) {
    transfer.step(`match credit note to invoice ${credits}`);
    const match = await matchCreditNoteInNetvisor({ tenant, creditNoteKey, invoiceKey });
    if (match.matched) return;
    transfer.step(`match credit note to invoice ${credits}: waiting (${match.waiting}); next look in ${settings.matchCheckEvery}`);
    upsertMemo({ summary: `Rackbeat credit note → Netvisor: written, waiting to be matched to invoice ${credits}: ${match.waiting}` });
    await continueIfHistoryIsLong(input, looks > 0);
    await sleep(settings.matchCheckEvery as Duration);
  }
}

/** Tells the lifecycle workflow of the 24SO order that it is invoiced, so its path shows it. */
async function tellLifecycle(tenant: string, orderId: number, rackbeatInvoice: number, invoiceId: number): Promise<'told' | 'not followed any more'> {
  try {
    await getExternalWorkflowHandle(orderLifecycleWorkflowId(tenant, orderId)).signal(invoicedSignal, { rackbeatInvoice, invoiceId });
    return 'told';
  } catch {
    return 'not followed any more';
  }
}

function describeResult(input: InvoiceTransferInput, r: InvoiceTransferResult, invoice: InvoiceView | undefined): string {
  const what = `Rackbeat ${r.kind === 'credit-note' ? 'credit note' : 'invoice'} ${input.number}`;
  if (r.status === 'not-transferred') return `${what}: not transferred (${r.reason})`;
  const customer = invoice ? ` for customer ${invoice.customerNumber}, ${invoice.totals.gross} ${invoice.currency}` : '';
  const credit = r.kind === 'credit-note' ? `, crediting invoice ${r.credits}${r.target === 'netvisor' ? ' (matched)' : ''}` : '';
  if (r.target === 'netvisor') return `${what} → Netvisor sales invoice ${input.number}${customer}${credit}${r.found ? ' (found from an earlier attempt)' : ''}`;
  if (r.lifecycleOrderId !== undefined) return `${what} → 24SO order ${r.lifecycleOrderId} invoiced (invoice ${r.soInvoiceId})${customer}; lifecycle ${r.lifecycle}`;
  return `${what} → 24SO invoice ${r.soInvoiceId} (order ${r.soOrderId})${customer}${credit}${r.found ? ' (found from an earlier attempt)' : ''}`;
}

// ---- the reconciliation poll (Schedule `invoices/<tenant>`) --------------------------------------------------------

export const reconcileInvoicesWorkflowId = (tenant: string): string => `invoices-reconcile/${tenant}`;

export interface ReconcileInvoicesInput {
  tenant: string;
  taskQueue?: string;
  /** The Schedule that runs the poll: its previous completed run holds the cursor. */
  scheduleId?: string;
  /** Explicit start of the window (tests, operators); otherwise the previous run's cursor, else invoices.firstLookback. */
  since?: string;
  /** At most this many transfers started in one run (the rest is left to the next run; tests). */
  maxStarts?: number;
}

/**
 * The backstop behind Rackbeat's webhooks: every invoice and credit note booked since the cursor gets its transfer
 * started with the id a webhook would use, so one a webhook already brought is not transferred twice.
 */
export async function reconcileInvoices(input: ReconcileInvoicesInput) {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'invoice-reconcile' },
  ]);
  try {
    const result = await reconcileInvoiceList({ ...input, taskQueue: input.taskQueue ?? workflowInfo().taskQueue });
    const ended = (result as { ended?: Array<{ number: number; how: string }> }).ended ?? [];
    // Transfers that ended without completing (terminated, timed out) are never started again: the memo names them.
    const endedNote =
      ended.length && patched('invoice-reconcile-names-ended')
        ? `; ${ended.length} ended without a document and not started again (${ended.map((e) => `Rackbeat ${e.number}: ${e.how}`).join(', ')}): transfer them by hand`
        : '';
    upsertMemo({ summary: `invoices booked in Rackbeat since ${result.since}: ${result.seen} seen, ${result.started} started, ${result.alreadyTransferred} already transferred${endedNote}` });
    return result;
  } catch (err) {
    const message = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.message : (err as Error).message;
    upsertMemo({ summary: `invoice reconciliation for ${input.tenant} failed: ${message}` });
    throw err;
  }
}
