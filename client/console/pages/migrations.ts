import type { FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { ConsolePage } from '.';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoTenant } from '../../../workflows/search-attributes';
import { progressQuery, type MigrationProgress } from '../../../workflows/register-migration';
import type { ConsoleDeps } from '../context';
import { html, type SafeHtml } from '../html';
import { formatDate, formatNumber, t, type Lang } from '../i18n';
import { sendFragment, sendPage } from '../layout';
import { statusBadge } from './transfers';
import { tenantClause, withDeadline, withoutMemo } from '../visibility';

export interface MigrationView {
  workflowId: string;
  runId: string;
  tenant?: string;
  register?: string;
  direction?: string;
  dryRun: boolean;
  execution: string;
  started: string;
  progress?: MigrationProgress;
  progressError?: string;
  recentProblems: string[];
  /** Milliseconds left at the rate so far; undefined when the total is unknown or nothing is done yet. */
  etaMs?: number;
}

/** Every register migration (newest first, at most 50), each with its progress query's answer. */
export async function listMigrations(client: Client, namespace: string, tenants: Iterable<string>, now = Date.now()): Promise<MigrationView[]> {
  const response = await client.workflowService.listWorkflowExecutions({ namespace, query: `${SiirtoFlow.name} IN ('migration', 'migration-plan') AND ${tenantClause(tenants)}`, pageSize: 50 });
  const converter = client.options.loadedDataConverter;
  return Promise.all(
    response.executions.map(async (raw) => {
      // A memo under another payload key: the row without its memo (the progress query says the rest).
      const info = await executionInfoFromRaw(raw, converter, raw, namespace).catch(() => executionInfoFromRaw(withoutMemo(raw), converter, raw, namespace));
      const sa = info.typedSearchAttributes;
      const memo = (info.memo ?? {}) as { recentProblems?: string[] };
      const [, direction] = (sa.get(SiirtoSourceId) ?? '').split('/');
      const view: MigrationView = {
        workflowId: info.workflowId,
        runId: info.runId,
        tenant: sa.get(SiirtoTenant),
        register: sa.get(SiirtoEntity),
        direction,
        dryRun: sa.get(SiirtoFlow) === 'migration-plan',
        execution: info.status.name,
        started: info.startTime.toISOString(),
        recentProblems: Array.isArray(memo.recentProblems) ? memo.recentProblems : [],
      };
      try {
        view.progress = await withDeadline(client.workflow.getHandle(info.workflowId, info.runId).query(progressQuery), 5000, info.workflowId);
        const p = view.progress;
        const elapsed = now - p.startedAt;
        if (!p.finished && p.total !== undefined && p.done > 0 && elapsed > 0) view.etaMs = Math.round(((p.total - p.done) * elapsed) / p.done);
      } catch (err) {
        view.progressError = (err as Error).message;
      }
      return view;
    }),
  );
}

function duration(lang: Lang, ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  const units: Array<[Intl.NumberFormatOptions['unit'], number]> = [
    ['hour', Math.floor(s / 3600)],
    ['minute', Math.floor((s % 3600) / 60)],
    ['second', s % 60],
  ];
  const parts = units.filter(([, n], i) => n > 0 || (i === 2 && s < 60)).slice(0, 2);
  return parts.map(([unit, n]) => new Intl.NumberFormat(lang === 'nb' ? 'nb-NO' : lang === 'fi' ? 'fi-FI' : 'en-GB', { style: 'unit', unit, unitDisplay: 'long' }).format(n)).join(' ');
}

function card(lang: Lang, deps: ConsoleDeps, m: MigrationView): SafeHtml {
  const p = m.progress;
  const ui = deps.temporalUiUrl.replace(/\/$/, '');
  const ns = deps.namespace ?? 'default';
  const status = m.execution === 'RUNNING' ? 'running' : m.execution === 'COMPLETED' ? 'done' : m.execution.toLowerCase();
  const id = `m-${m.workflowId.replace(/[^\w-]/g, '_')}`;
  const count = (label: Parameters<typeof t>[1], n: number | undefined) => html`<div><dt>${t(lang, label)}</dt><dd>${formatNumber(lang, n ?? 0)}</dd></div>`;
  return html`<section class="card" data-migration="${m.workflowId}" aria-labelledby="${id}">
    <h2 id="${id}">${t(lang, 'console.migrations.register', { register: m.register ?? '?', direction: m.direction ?? '?', tenant: m.tenant ?? '?' })}
      ${m.dryRun ? html`<span class="muted">(${t(lang, 'console.migrations.plan')})</span>` : ''} ${statusBadge(lang, status)}</h2>
    ${p
      ? html`<label for="${id}-bar">${t(lang, 'console.migrations.progress')}: <span data-done="${p.done}">${p.total !== undefined ? t(lang, 'console.migrations.done', { done: formatNumber(lang, p.done), total: formatNumber(lang, p.total) }) : t(lang, 'console.migrations.doneNoTotal', { done: formatNumber(lang, p.done) })}</span>${p.percent !== undefined ? ` (${formatNumber(lang, p.percent)} %)` : ''}</label>
      <progress id="${id}-bar" max="${p.total ?? ''}" value="${p.done}"${p.total === undefined && !p.finished ? html` aria-busy="true"` : ''}>${p.percent ?? ''}</progress>
      <dl class="counts">
        ${count('console.migrations.written', p.counts.create + p.counts.update)}${count('console.migrations.unchanged', p.counts.unchanged)}
        ${count('console.migrations.skippedCount', p.counts.skip)}${count('console.migrations.conflicts', p.counts.conflict)}
        <div><dt>${t(lang, 'console.migrations.eta')}</dt><dd>${p.finished ? t(lang, 'console.migrations.finished') : m.etaMs !== undefined ? duration(lang, m.etaMs) : t(lang, 'console.migrations.etaUnknown')}</dd></div>
      </dl>`
      : html`<p class="answer bad">${t(lang, 'console.migrations.unavailable', { message: m.progressError ?? '' })}</p>`}
    ${m.recentProblems.length ? html`<h3 class="muted">${t(lang, 'console.migrations.problems')}</h3><ul>${m.recentProblems.map((x) => html`<li>${x}</li>`)}</ul>` : ''}
    <p class="muted">${t(lang, 'console.transfers.col.started')}: ${formatDate(lang, m.started)} · <a href="${ui}/namespaces/${encodeURIComponent(ns)}/workflows/${encodeURIComponent(m.workflowId)}/${encodeURIComponent(m.runId)}/history" target="_blank" rel="noopener">${t(lang, 'console.transfers.openInTemporal')}</a></p>
  </section>`;
}

async function live(req: FastifyRequest, deps: ConsoleDeps): Promise<SafeHtml> {
  const { lang } = req.viewer;
  const list = await listMigrations(deps.temporal, deps.namespace ?? 'default', deps.tenants.keys());
  return html`<div id="migrations-live" hx-get="/migrations/live" hx-trigger="every ${deps.refreshSeconds ?? 5}s" hx-swap="outerHTML">
    ${list.length ? list.map((m) => card(lang, deps, m)) : html`<p class="answer">${t(lang, 'console.migrations.none')}</p>`}
    <p class="muted">${t(lang, 'console.refresh.updated', { time: formatDate(lang, new Date()) })}</p>
  </div>`;
}

export const migrationsPage: ConsolePage = {
  id: 'migrations',
  path: '/migrations',
  label: 'console.nav.migrations',
  plugin: async (app, deps) => {
    app.get('/migrations', async (req, reply) => {
      const { lang } = req.viewer;
      const body = html`<h1>${t(lang, 'console.migrations.title')}</h1><p class="intro">${t(lang, 'console.migrations.intro')}</p>${await live(req, deps)}`;
      return sendPage(req, reply, { title: t(lang, 'console.migrations.title'), active: 'migrations', body });
    });
    app.get('/migrations/live', async (req, reply) => sendFragment(reply, await live(req, deps)));
  },
};
