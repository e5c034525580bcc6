import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
// The SDK's own decoder of a visibility row (search attributes, memo through the payload codec); the public
// list() iterator hides the page token that paging needs.
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { historyQuery, type HistoryFilter } from '../history';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTargetId, SiirtoTenant } from '../../workflows/search-attributes';
import { statusQuery } from '../../workflows/transfer';

/** Flows that run on a timer to look for work: hidden from the transfer list unless asked for. */
export const RUN_FLOWS = ['reconcile', 'order-lifecycle-poll', 'order-lifecycle-cursor', 'invoice-reconcile'] as const;
export const KNOWN_FLOWS = ['order-export', 'order-lifecycle', 'register-sync', 'stock', 'invoice', 'migration', 'migration-plan', 'onboarding', ...RUN_FLOWS] as const;

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
  /** Without a tenant filter: only these tenants' transfers (the ones this console serves). */
  tenants?: Iterable<string>;
}

type RawExecution = Parameters<typeof executionInfoFromRaw>[0];

/** The same visibility row without its memo (a protobuf message: its fields may live on the prototype, so no spread). */
export const withoutMemo = (raw: RawExecution): RawExecution => Object.assign(Object.create(raw) as RawExecution, { memo: null });

/**
 * One visibility row decoded. A memo that does not decrypt with this process's payload key (a workflow written
 * under another key) leaves that row without its summary, not the page without its rows.
 */
export async function decodeRow(client: Client, namespace: string, raw: RawExecution): Promise<ConsoleTransfer> {
  const converter = client.options.loadedDataConverter;
  try {
    return toTransfer(await executionInfoFromRaw(raw, converter, raw, namespace));
  } catch (err) {
    const row = toTransfer(await executionInfoFromRaw(withoutMemo(raw), converter, raw, namespace));
    return { ...row, summary: `(${(err as Error).message})` };
  }
}

/** The visibility query: the CLI's (`siirto history --query`), less the timer-driven runs unless asked for. */
export function consoleQuery(f: TransferListOptions): string {
  const base = [historyQuery(f), ...(!f.tenant && f.tenants ? [tenantClause(f.tenants)] : [])].join(' AND ');
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
  const rows = await Promise.all(response.executions.map((raw) => decodeRow(client, namespace, raw)));
  await Promise.all(rows.filter((r) => r.execution === 'RUNNING').map((r) => addAttempts(client, r)));
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  return { rows, ...(token ? { next: token } : {}), query };
}

/**
 * A query answered within `ms`, or an error saying it was not: a query waits for a worker of the workflow's task
 * queue, and a page must not hang on a workflow no worker serves any more.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no worker answered within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** `SiirtoTenant IN (…)`: the tenants this console serves. */
export const tenantClause = (tenants: Iterable<string>): string => {
  const ids = [...tenants].map((t) => `'${t.replace(/['\\]/g, '')}'`);
  return ids.length ? `${SiirtoTenant.name} IN (${ids.join(', ')})` : `${SiirtoTenant.name} = ''`;
};

async function addAttempts(client: Client, row: ConsoleTransfer): Promise<void> {
  try {
    const state = await withDeadline(client.workflow.getHandle(row.workflowId, row.runId).query(statusQuery), 3000, row.workflowId);
    if (typeof state?.attempts === 'number') row.attempts = state.attempts;
  } catch {
    // Not a transfer with a status query (e.g. a migration), or no worker answering: leave it out.
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
    status: statusOf(sa.get(SiirtoStatus), info.status.name),
    execution: info.status.name,
    started: info.startTime.toISOString(),
    ...(info.closeTime ? { closed: info.closeTime.toISOString() } : {}),
    ...(memo.summary ? { summary: memo.summary } : {}),
    ...(memo.error ? { error: memo.error } : {}),
    ...(memo.waitingUntil ? { waitingUntil: memo.waitingUntil } : {}),
    ...(memo.queued ? { queued: memo.queued } : {}),
  };
}

/**
 * Siirto's status when it has one; Temporal's for a run that ended without Siirto saying so (terminated, failed, timed
 * out: its SiirtoStatus would still read "running").
 */
export function statusOf(siirto: string | undefined, execution: string): string {
  if (siirto && !(siirto === 'running' && execution !== 'RUNNING')) return siirto;
  return execution === 'COMPLETED' ? 'done' : execution.toLowerCase();
}
