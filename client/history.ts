import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTargetId, SiirtoTenant } from '../workflows/search-attributes';

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
  const memo = (info.memo ?? {}) as { summary?: string; error?: string | null };
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
  };
}
