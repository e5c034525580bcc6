import { Context, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { invoiceTransferProgress, startInvoiceTransfer } from '../../client/rackbeat-invoice-events';
import { INVOICE_PAIR, InvoiceTransferSettings } from '../../config/invoice-schema';
import { pairSettings } from '../../config/sync-schema';
import { heartbeatWhile } from '../../connectors/kit/call-context';
import { durationMs } from '../../domain/duration';
import type { PairName } from '../../domain/sync';
import { invoiceTransferWorkflowId, type InvoiceTransferResult } from '../../workflows/invoice-transfer';
import { noEarlierAttempt } from '../attempts';
import type { Connections } from '../connections';
import { classified, needsOperator } from '../failures';
import { KeyedLock } from '../keyed-lock';
import { matchBlocker } from '../../connectors/netvisor/credit-notes';
import { matchNetvisorCreditNote, writeNetvisorInvoice, type NetvisorInvoiceWritten } from './netvisor';
import { pairInvoiceParties, unpairedProblem, type PairedParties, type PairingResult } from './pairing';
import { invoiceSoOrder, writeSoInvoice, type SoCredited, type SoInvoiceWritten } from './twentyfourseven';
import { bookedTotalsProblem, describeInvoice, InvoiceView, viewProblem } from './view';

/**
 * Activities of the invoice transfer (workflows/invoice-transfer.ts). Each is idempotent on its own: the writes
 * look for our stamp wherever an earlier attempt may have written, and one document key is written by one
 * attempt at a time in a worker (an attempt that outlived its timeout keeps the key until its write answered).
 */
export type InvoiceSettingsView = InvoiceTransferSettings & { pair: PairName };

/** 24SO: the currency the company books in (invoices.currency, else the rackbeat-24so pair's, NOK by default). */
const bookCurrencyOf = (tenant: ReturnType<Connections['tenant']>, settings: InvoiceTransferSettings): string =>
  settings.currency ?? pairSettings(tenant.sync, INVOICE_PAIR['24so']).currency;

const documentKeys = new KeyedLock(10 * 60_000);

/**
 * How far before its cursor a reconciliation lists again. The cursor is the newest booked_at the previous run saw;
 * an invoice Rackbeat stamped a little earlier but listed only after that run (a booking still committing, a list
 * served from a lagging replica) would fall in the gap with a one-second overlap. Invoices seen twice cost one
 * start each that joins the existing transfer.
 */
export const RECONCILE_OVERLAP_MS = 5 * 60_000;

/** How long one reconciliation run starts transfers before it leaves the rest to the next run (pagingCall: 5 min an attempt). */
export const RECONCILE_RUN_MS = 3 * 60_000;

export function createInvoiceActivities(connections: Connections, temporal: () => Client) {
  const settingsOf = (tenant: string): InvoiceSettingsView => {
    const raw = connections.tenant(tenant).invoices;
    if (!raw) throw needsOperator(`tenant "${tenant}" has no invoices: section in config/${tenant}.yaml; add one (invoices.to: 24so or netvisor), then retry, or skip`, 'Siirto.config');
    const parsed = InvoiceTransferSettings.safeParse(raw);
    if (!parsed.success) throw needsOperator(`config/${tenant}.yaml invoices: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, 'Siirto.config');
    return { ...parsed.data, pair: INVOICE_PAIR[parsed.data.to] };
  };

  const lockKey = (tenant: string, target: string, invoice: InvoiceView) => `${tenant}/${target}/rackbeat-invoice/${invoice.number}`;

  return {
    async invoiceSettings(tenant: string): Promise<InvoiceSettingsView> {
      return classified(async () => settingsOf(tenant));
    },

    /** The booked Rackbeat invoice or credit note, checked (zod) before it enters the workflow. */
    async readRackbeatInvoice(input: { tenant: string; number: number }): Promise<InvoiceView> {
      return classified(async () => {
        const view = await connections.rackbeat(input.tenant).invoices.view(input.number);
        if (!view) throw needsOperator(`Rackbeat has no customer invoice ${input.number} (deleted?); skip this transfer`, 'Siirto.not-found');
        const parsed = InvoiceView.safeParse(view);
        if (!parsed.success) throw needsOperator(viewProblem(input.number, parsed.error), 'Siirto.validation');
        if (!parsed.data.booked) throw needsOperator(`${describeInvoice(parsed.data)} is a draft in Rackbeat: only booked invoices are transferred; book it, then retry (or skip)`, 'Siirto.business');
        const totals = bookedTotalsProblem(parsed.data, settingsOf(input.tenant).to === 'netvisor' ? 'Netvisor' : '24SevenOffice');
        if (totals) throw needsOperator(totals, 'Siirto.validation');
        return parsed.data;
      });
    },

    /** Customer and products in the target; with `strict`, anything unpaired parks the transfer naming it. */
    /** `firstTry`: the workflow's first pass, when Netvisor matches may come from the worker's register cache. */
    async pairInvoice(input: { tenant: string; invoice: InvoiceView; strict?: boolean; notes?: Record<string, string>; firstTry?: boolean }): Promise<PairingResult> {
      return classified(async () => {
        const { to } = settingsOf(input.tenant);
        const result = await pairInvoiceParties(connections, input.tenant, to, input.invoice, input.firstTry === true);
        if (input.strict && !result.paired) throw unpairedProblem(input.invoice, to, result.unpaired, input.notes);
        return result;
      });
    },

    /** An invoice, or a credit note of the invoice whose Netvisor key `credits` names (refused without one). */
    async writeInvoiceToNetvisor(input: { tenant: string; invoice: InvoiceView; parties: PairedParties; credits?: { netvisorKey: string }; firstTry?: boolean }): Promise<NetvisorInvoiceWritten> {
      return classified(async () => {
        const settings = settingsOf(input.tenant);
        if (input.invoice.kind === 'credit-note' && !input.credits?.netvisorKey) {
          throw needsOperator(
            `${describeInvoice(input.invoice)}: the invoice it credits (${input.invoice.credits}) is not in Netvisor (transferred before invoices.to was netvisor?); a credit note is never sent detached from its invoice: credit it in Netvisor by hand, then skip`,
            'Siirto.business',
          );
        }
        // Netvisor refuses a second invoice with one number: only a first try may write without looking.
        const lookFirst = !noEarlierAttempt(input.firstTry);
        return heartbeatWhile(
          documentKeys.run(lockKey(input.tenant, 'netvisor', input.invoice), () =>
            writeNetvisorInvoice(connections.netvisor(input.tenant), input.invoice, input.parties, settings.netvisorStatus, lookFirst, settings.netvisorTextLineProduct),
          ),
        );
      });
    },

    /**
     * Links the credit note to its invoice (matchcreditnote.nv), once: an existing match to that invoice is taken as
     * done. While Netvisor cannot match yet (a document still unsent), answers `waiting` with the reason.
     */
    async matchCreditNoteInNetvisor(input: { tenant: string; creditNoteKey: string; invoiceKey: string }): Promise<{ matched: boolean; already?: boolean; waiting?: string }> {
      return classified(async () => {
        const nv = connections.netvisor(input.tenant);
        const existing = await nv.getCreditNoteMatch(input.creditNoteKey);
        if (existing?.invoiceKey === input.invoiceKey) return { matched: true, already: true };
        if (existing) {
          throw needsOperator(`Netvisor credit note ${input.creditNoteKey} is already matched to another invoice (${existing.invoiceNumber ?? existing.invoiceKey}); undo that match in Netvisor, then retry`, 'Siirto.conflict');
        }
        const [note, invoice] = await Promise.all([nv.getSalesDocument('invoice', input.creditNoteKey), nv.getSalesDocument('invoice', input.invoiceKey)]);
        if (!note || !invoice) throw needsOperator(`Netvisor no longer has ${!note ? `credit note ${input.creditNoteKey}` : `invoice ${input.invoiceKey}`}; skip, or match by hand`, 'Siirto.not-found');
        const blocker = matchBlocker(note, invoice);
        if (blocker?.waiting) return { matched: false, waiting: blocker.message };
        if (blocker) throw needsOperator(blocker.message, 'Siirto.business');
        await matchNetvisorCreditNote(nv, input.creditNoteKey, input.invoiceKey);
        return { matched: true };
      });
    },

    /** An invoice, or a credit note referencing `credited` (the original's 24SO InvoiceId and OrderId). */
    async writeInvoiceTo24so(input: { tenant: string; invoice: InvoiceView; parties: PairedParties; credited?: SoCredited; firstTry?: boolean }): Promise<SoInvoiceWritten> {
      return classified(async () => {
        const lookFirst = !noEarlierAttempt(input.firstTry);
        return heartbeatWhile(
          documentKeys.run(lockKey(input.tenant, '24so', input.invoice), () =>
            writeSoInvoice(connections.twentyfourseven(input.tenant), input.invoice, input.parties, lookFirst, input.credited, bookCurrencyOf(connections.tenant(input.tenant), settingsOf(input.tenant))),
          ),
        );
      });
    },

    /** The 24SO order behind a lifecycle order is invoiced instead of a new document (see twentyfourseven.ts). */
    async invoiceLifecycleOrder(input: { tenant: string; orderId: number; invoice: InvoiceView; parties: PairedParties }): Promise<SoInvoiceWritten> {
      return classified(async () =>
        heartbeatWhile(
          documentKeys.run(lockKey(input.tenant, '24so', input.invoice), () =>
            invoiceSoOrder(connections.twentyfourseven(input.tenant), input.orderId, input.invoice, input.parties, bookCurrencyOf(connections.tenant(input.tenant), settingsOf(input.tenant))),
          ),
        ),
      );
    },

    /**
     * A credit note's original invoice: its transfer is started (or joined) and its outcome read. Done → its
     * result (the target keys to reference); on its way → `waiting`; parked, skipped or failed → the credit note
     * parks too, saying so, because it is never sent detached from its invoice.
     */
    async originalInvoiceTransfer(input: { tenant: string; number: number; taskQueue: string }): Promise<{ state: 'done'; result: InvoiceTransferResult } | { state: 'waiting'; message: string }> {
      return classified(async () => {
        const client = temporal();
        await startInvoiceTransfer(client, { tenant: input.tenant, number: input.number, trigger: 'credit-note' }, input.taskQueue);
        const progress = await invoiceTransferProgress(client, input.tenant, input.number);
        if (progress.state === 'done') {
          if (progress.result.status === 'done') return { state: 'done', result: progress.result };
          // A retry cannot help: that transfer is finished for good, and Siirto links a credit note only to a document it wrote.
          throw needsOperator(
            `the invoice it credits, Rackbeat invoice ${input.number}, was ${progress.result.status === 'skipped' ? 'skipped' : `not transferred (${progress.result.reason ?? ''})`}, so Siirto has no document to credit: ` +
              'a credit note is never sent without its invoice; credit that invoice by hand in the accounting system where it was entered, then skip this one',
            'Siirto.business',
          );
        }
        if (progress.state === 'closed') {
          throw needsOperator(
            `the transfer of the invoice it credits, Rackbeat invoice ${input.number}, ended ${progress.how} and cannot be started again under its id (${invoiceTransferWorkflowId(input.tenant, input.number)}): ` +
              'check in the accounting system whether that invoice is there; credit it by hand, then skip this one',
            'Siirto.business',
          );
        }
        if (progress.state === 'running' && progress.status?.status === 'needs-attention') {
          throw needsOperator(
            `waits for the invoice it credits, Rackbeat invoice ${input.number}, which needs attention at ${progress.status.step}: ${progress.status.error?.message ?? ''}; resolve that one, then retry`,
            'Siirto.business',
          );
        }
        return { state: 'waiting', message: progress.state === 'running' ? `being transferred (${progress.status?.step ?? 'starting'})` : 'starting' };
      });
    },

    /**
     * The reconciliation poll: every invoice and credit note booked since the cursor gets its transfer started (or
     * joined). The cursor is the newest booked_at seen (Rackbeat's clock), returned as the result; the next run of
     * the Schedule continues from there, with RECONCILE_OVERLAP_MS of overlap (a second start is harmless).
     */
    async reconcileInvoiceList(input: { tenant: string; taskQueue: string; scheduleId?: string; since?: string; maxStarts?: number }) {
      return classified(async () => {
        if (!connections.tenant(input.tenant).invoices) {
          // The Schedule outlived the section (schedules of tenants no longer configured are left alone).
          throw needsOperator(
            `tenant "${input.tenant}" has no invoices: section in config/${input.tenant}.yaml any more, but its invoice reconciliation still runs: ` +
              `delete the Schedule ${input.scheduleId ?? `invoices/${input.tenant}`} (temporal schedule delete --schedule-id ${input.scheduleId ?? `invoices/${input.tenant}`}), or add the section back`,
            'Siirto.config',
          );
        }
        const settings = settingsOf(input.tenant);
        const since = input.since ?? (await previousCursor(temporal(), input.scheduleId)) ?? new Date(Date.now() - durationMs(settings.firstLookback)).toISOString();
        const booked = await connections.rackbeat(input.tenant).invoices.listBookedSince(new Date(Date.parse(since) - RECONCILE_OVERLAP_MS).toISOString());
        const result = { since, cursor: since, seen: 0, started: 0, alreadyTransferred: 0, creditNotes: 0, ended: [] as Array<{ number: number; how: string }>, left: 0 };
        // A backlog (a cursor days old after an outage or a paused Schedule) is worked off over several runs, oldest
        // first: the cursor only moves past what was started, so a run that would outlive its timeout (and be retried
        // from the start, for ever) stops early instead and the next run continues from there.
        const stopAt = Date.now() + RECONCILE_RUN_MS;
        const maxStarts = input.maxStarts ?? Number.POSITIVE_INFINITY;
        for (const [i, b] of booked.entries()) {
          if (result.seen >= maxStarts || Date.now() > stopAt) {
            result.left = booked.length - i;
            break;
          }
          result.seen++;
          if (b.kind === 'credit-note') result.creditNotes++;
          const { alreadyFinished, ended } = await startInvoiceTransfer(temporal(), { tenant: input.tenant, number: b.number, trigger: 'reconcile' }, input.taskQueue);
          if (ended) result.ended.push({ number: b.number, how: ended });
          else if (alreadyFinished) result.alreadyTransferred++;
          else result.started++;
          if (Date.parse(b.bookedAt) > Date.parse(result.cursor)) result.cursor = new Date(b.bookedAt).toISOString();
          heartbeat(result);
        }
        return result;
      });
    },

    /**
     * For the order lifecycle: whether this tenant's Rackbeat invoices go to 24SO, so that a Sent order's workflow
     * stays to show the invoice (workflows/order-lifecycle.ts, `invoiced`), and for how long at most.
     */
    async lifecycleInvoiceFollowUp(tenant: string): Promise<{ waitForInvoice: boolean; waitFor: string }> {
      return classified(async () => {
        const raw = connections.tenant(tenant).invoices;
        const parsed = raw ? InvoiceTransferSettings.safeParse(raw) : undefined;
        const on = parsed?.success === true && parsed.data.to === '24so';
        return { waitForInvoice: on, waitFor: on ? parsed!.data.lifecycleWaitsFor : '0s' };
      });
    },
  };
}

const CursorResult = z.object({ cursor: z.string() });

/**
 * The cursor of the Schedule's most recent completed poll (other than this one), if any. The Schedule remembers
 * its last ten actions only; when none of them completed (ten failed runs in a row, or the Schedule deleted and
 * created again) the newest completed run it started is looked up in visibility (TemporalScheduledById), so the
 * poll continues where it stopped instead of from `firstLookback`, which would leave a gap after a long outage.
 * Runs started by hand (with their own `since`) are never taken as the cursor.
 */
async function previousCursor(client: Client, scheduleId: string | undefined): Promise<string | null> {
  if (!scheduleId) return null;
  const self = Context.current().info.workflowExecution?.runId;
  const description = await client.schedule.getHandle(scheduleId).describe();
  for (const action of [...description.info.recentActions].reverse()) {
    const wf = action.action.type === 'startWorkflow' ? action.action.workflow : undefined;
    if (!wf || wf.firstExecutionRunId === self) continue;
    const handle = client.workflow.getHandle(wf.workflowId, wf.firstExecutionRunId);
    if ((await handle.describe()).status.name !== 'COMPLETED') continue;
    const parsed = CursorResult.safeParse(await handle.result());
    if (parsed.success) return parsed.data.cursor;
  }
  if (/['"\\]/.test(scheduleId)) return null;
  let newest: { workflowId: string; runId: string; startTime: Date } | null = null;
  let read = 0;
  for await (const wf of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}' AND ExecutionStatus = 'Completed'` })) {
    if (wf.runId !== self && (!newest || wf.startTime > newest.startTime)) newest = { workflowId: wf.workflowId, runId: wf.runId, startTime: wf.startTime };
    if (++read >= 100) break;
  }
  if (!newest) return null;
  const parsed = CursorResult.safeParse(await client.workflow.getHandle(newest.workflowId, newest.runId).result());
  return parsed.success ? parsed.data.cursor : null;
}
