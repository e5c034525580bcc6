import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
// The SDK's own decoder of a visibility row (search attributes, memo through the payload codec); the public
// list() iterator hides the page token that paging needs.
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { historyQuery, type HistoryFilter } from '../history';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTargetId, SiirtoTenant } from '../../workflows/search-attributes';
import { statusQuery } from '../../workflows/transfer';

/** Flows that run on a timer to look for work: hidden from the transfer list unless asked for. */
export const RUN_FLOWS = ['reconcile', 'order-lifecycle-poll', 'order-lifecycle-cursor'] as const;
export const KNOWN_FLOWS = ['order-export', 'order-lifecycle', 'register-sync', 'migration', 'migration-plan', 'onboarding', ...RUN_FLOWS] as const;

export interface ConsoleTransfer {
  workflowId: string;
  runId: string;
  type: string;
  tenant?: string;
  flow?: string;
  entity?: string;
  sourceId?: string;
  targetId?: string;
  status: string;
  /** Temporal's own status, e.g. RUNNING, COMPLETED. */
  execution: string;
  started: string;
  closed?: string;
  summary?: string;
  error?: string;
  waitingUntil?: string;
  queued?: string;
  /** From the transfer's status query, for open transfers (closed ones would need a replay). */
  attempts?: number;
}

export interface TransferPage {
  rows: ConsoleTransfer[];
  /** Opaque; pass back for the next page. Absent on the last page. */
  next?: string;
  query: string;
}

export interface TransferListOptions extends HistoryFilter {
  includeRuns?: boolean;
}

/** The visibility query: the CLI's (`siirto history --query`), less the timer-driven runs unless asked for. */
export function consoleQuery(f: TransferListOptions): string {
  const base = historyQuery(f);
  if (f.includeRuns || (f.flow && (RUN_FLOWS as readonly string[]).includes(f.flow))) return base;
  return `${base} AND ${SiirtoFlow.name} NOT IN (${RUN_FLOWS.map((r) => `'${r}'`).join(', ')})`;
}

/** One page of transfers straight from Temporal visibility (newest first), with the page token for the next. */
export async function listTransferPage(client: Client, namespace: string, filter: TransferListOptions, pageSize: number, pageToken?: string): Promise<TransferPage> {
  const query = consoleQuery(filter);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    query,
    pageSize,
    nextPageToken: pageToken ? Buffer.from(pageToken, 'base64url') : undefined,
  });
  const converter = client.options.loadedDataConverter;
  const rows = await Promise.all(response.executions.map(async (raw) => toTransfer(await executionInfoFromRaw(raw, converter, raw, namespace))));
  await Promise.all(rows.filter((r) => r.execution === 'RUNNING').map((r) => addAttempts(client, r)));
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  return { rows, ...(token ? { next: token } : {}), query };
}

async function addAttempts(client: Client, row: ConsoleTransfer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const state = await Promise.race([
      client.workflow.getHandle(row.workflowId, row.runId).query(statusQuery),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 3000))),
    ]);
    if (typeof state?.attempts === 'number') row.attempts = state.attempts;
  } catch {
    // Not a transfer with a status query (e.g. a migration), or no worker answering: leave it out.
  } finally {
    clearTimeout(timer);
  }
}

function toTransfer(info: WorkflowExecutionInfo): ConsoleTransfer {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as { summary?: string; error?: string | null; waitingUntil?: string | null; queued?: string | null };
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    type: info.type,
    tenant: sa.get(SiirtoTenant),
    flow: sa.get(SiirtoFlow),
    entity: sa.get(SiirtoEntity),
    sourceId: sa.get(SiirtoSourceId),
    targetId: sa.get(SiirtoTargetId),
    status: sa.get(SiirtoStatus) ?? (info.status.name === 'COMPLETED' ? 'done' : info.status.name.toLowerCase()),
    execution: info.status.name,
    started: info.startTime.toISOString(),
    ...(info.closeTime ? { closed: info.closeTime.toISOString() } : {}),
    ...(memo.summary ? { summary: memo.summary } : {}),
    ...(memo.error ? { error: memo.error } : {}),
    ...(memo.waitingUntil ? { waitingUntil: memo.waitingUntil } : {}),
    ...(memo.queued ? { queued: memo.queued } : {}),
  };
}
