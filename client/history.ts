import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTargetId, SiirtoTenant } from '../workflows/search-attributes';
import { retryUpdate, skipUpdate, type DecisionResult } from '../workflows/transfer';

/**
 * Transfer history: every transfer is a workflow carrying Siirto's search attributes, so the history is a
 * visibility query. The same filters work in the Temporal UI's search box (`siirto history --query` prints it).
 */
export interface HistoryFilter {
  tenant?: string;
  flow?: string;
  entity?: string;
  status?: string;
  source?: string;
  target?: string;
  /** ISO time: transfers started at or after it. */
  since?: string;
  until?: string;
}

export interface TransferRow {
  workflowId: string;
  tenant?: string;
  flow?: string;
  entity?: string;
  sourceId?: string;
  targetId?: string;
  status?: string;
  started: string;
  closed?: string;
  summary?: string;
  error?: string;
  /** Set while the transfer sits out a rate limit: until when (ISO). */
  waitingUntil?: string;
  /** A retry or skip signal kept for when the transfer next needs attention. */
  queued?: string;
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function historyQuery(f: HistoryFilter): string {
  const parts: string[] = [];
  const eq: Array<[string, string | undefined]> = [
    [SiirtoTenant.name, f.tenant],
    [SiirtoFlow.name, f.flow],
    [SiirtoEntity.name, f.entity],
    [SiirtoStatus.name, f.status],
    [SiirtoSourceId.name, f.source],
    [SiirtoTargetId.name, f.target],
  ];
  for (const [name, value] of eq) if (value) parts.push(`${name} = ${quote(value)}`);
  if (f.since) parts.push(`StartTime >= ${quote(new Date(f.since).toISOString())}`);
  if (f.until) parts.push(`StartTime <= ${quote(new Date(f.until).toISOString())}`);
  // Only Siirto's own workflows: every transfer sets its flow.
  if (!f.flow) parts.push(`${SiirtoFlow.name} IS NOT NULL`);
  return parts.join(' AND ');
}

export async function listTransfers(client: Client, filter: HistoryFilter, limit = 100): Promise<TransferRow[]> {
  const rows: TransferRow[] = [];
  for await (const info of client.workflow.list({ query: historyQuery(filter) })) {
    rows.push(toRow(info));
    if (rows.length >= limit) break;
  }
  return rows;
}

function toRow(info: WorkflowExecutionInfo): TransferRow {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as { summary?: string; error?: string | null; waitingUntil?: string | null; queued?: string | null };
  return {
    workflowId: info.workflowId,
    tenant: sa.get(SiirtoTenant),
    flow: sa.get(SiirtoFlow),
    entity: sa.get(SiirtoEntity),
    sourceId: sa.get(SiirtoSourceId),
    targetId: sa.get(SiirtoTargetId),
    status: sa.get(SiirtoStatus) ?? info.status.name.toLowerCase(),
    started: info.startTime.toISOString(),
    closed: info.closeTime?.toISOString(),
    summary: memo.summary,
    error: memo.error ?? undefined,
    ...(memo.waitingUntil ? { waitingUntil: memo.waitingUntil } : {}),
    ...(memo.queued ? { queued: memo.queued } : {}),
  };
}

export interface PausedSchedule {
  scheduleId: string;
  /** Why: e.g. "paused: credentials (netvisor): Invalid Netvisor credentials: …" when Siirto paused it. */
  note?: string;
}

/** The paused Schedules, of one tenant when given (a Schedule's id names its tenant second: `reconcile/<tenant>/…`). */
export async function listPausedSchedules(client: Client, tenant?: string): Promise<PausedSchedule[]> {
  const paused: PausedSchedule[] = [];
  for await (const s of client.schedule.list()) {
    if (tenant && s.scheduleId.split('/')[1] !== tenant) continue;
    if (!s.state.paused) continue;
    // The list's note can lag; describe has the current one.
    const { state } = await client.schedule.getHandle(s.scheduleId).describe();
    if (state.paused) paused.push({ scheduleId: s.scheduleId, ...(state.note ? { note: state.note } : {}) });
  }
  return paused.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

/**
 * `siirto retry|skip`: sends the decision as an Update, so the transfer itself accepts it or refuses it with the
 * reason (its validator). Errors are sentences for the operator.
 */
export async function sendDecision(client: Client, transfer: string, action: 'retry' | 'skip', reason?: string, by?: string): Promise<DecisionResult> {
  const handle = client.workflow.getHandle(transfer);
  try {
    return action === 'retry' ? await handle.executeUpdate(retryUpdate, { args: [{ note: reason, by }] }) : await handle.executeUpdate(skipUpdate, { args: [{ reason, by }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(err.cause?.message ?? err.message);
    const closed = await closedStatus(client, transfer);
    if (closed) throw new Error(`${transfer} is ${closed}, not waiting for an operator: nothing to ${action}`);
    if (err instanceof WorkflowNotFoundError) throw new Error(`no transfer ${transfer}: check the id with siirto history`);
    throw err;
  }
}

/** The Siirto status of a closed transfer (done, skipped), or Temporal's (failed, terminated...); null while open. */
async function closedStatus(client: Client, transfer: string): Promise<string | null> {
  try {
    const d = await client.workflow.getHandle(transfer).describe();
    if (d.status.name === 'RUNNING') return null;
    return d.typedSearchAttributes.get(SiirtoStatus) ?? d.status.name.toLowerCase();
  } catch {
    return null;
  }
}
