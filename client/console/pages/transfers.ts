import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConsolePage } from '.';
import type { ConsoleMessageKey } from '../../../i18n/console-messages';
import { sendDecision } from '../../history';
import { ConsoleError, isHtmx, type ConsoleDeps } from '../context';
import { html, type SafeHtml } from '../html';
import { localizeText } from '../../../i18n/reasons';
import { formatDate, t, type Lang } from '../i18n';
import { csrfField, sendFragment, sendPage } from '../layout';
import { KNOWN_FLOWS, listTransferPage, type ConsoleTransfer } from '../visibility';

const STATUSES = ['running', 'done', 'needs-attention', 'skipped'] as const;
const PAGE_SIZE = 25;

const optionalText = z
  .string()
  .trim()
  .max(200)
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const optionalTime = optionalText.refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), { error: 'not a date and time' });

/** The filters, from the query string (the filter form is a GET form: every view has its own URL). */
export const TransferFilters = z.object({
  tenant: optionalText,
  flow: optionalText,
  status: z.union([z.enum(STATUSES), z.literal('')]).optional().transform((v) => v || undefined),
  source: optionalText,
  target: optionalText,
  since: optionalTime,
  until: optionalTime,
  runs: z.enum(['on', '1', 'true']).optional(),
  page: z.string().regex(/^[\w-]*$/, 'not a page token').max(4000).optional(),
});
type Filters = z.infer<typeof TransferFilters>;

const Decision = z.object({
  transfer: z.string().trim().min(1).max(500),
  action: z.enum(['retry', 'skip']),
  reason: z.string().trim().max(500).optional(),
  filters: z.string().max(5000).optional(),
});

const statusLabel = (lang: Lang, status: string): string => {
  const key = `console.status.${status}` as ConsoleMessageKey;
  const text = t(lang, key);
  return text === key ? status : text;
};

export const statusBadge = (lang: Lang, status: string): SafeHtml => html`<span class="status ${status}">${statusLabel(lang, status)}</span>`;

function queryString(f: Filters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, page: undefined, ...extra })) if (v) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function reasonOf(lang: Lang, r: ConsoleTransfer): SafeHtml {
  const lines: Array<string | SafeHtml> = [];
  if (r.status === 'needs-attention' && r.error) lines.push(html`<strong>${localizeText(lang, r.error)}</strong>`);
  else if (r.summary) lines.push(r.summary);
  // A skipped transfer's error carries the operator's reason: "… (skipped: duplicate order)".
  if (r.status === 'skipped' && r.error) lines.push(localizeText(lang, r.error));
  if (r.status === 'running' && r.waitingUntil) lines.push(t(lang, 'console.transfers.waitingUntil', { time: formatDate(lang, r.waitingUntil) }));
  if (r.queued) lines.push(r.queued);
  return html`${lines.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}`;
}

function decisionForms(req: FastifyRequest, reply: FastifyReply, r: ConsoleTransfer, f: Filters): SafeHtml {
  const { lang, user } = req.viewer;
  if (r.status !== 'needs-attention' || user?.role !== 'operator') return html``;
  const idSlug = r.workflowId.replace(/[^\w-]/g, '_');
  // `filters`: where a plain (non-htmx) submit comes back to, with the answer on top.
  const common = html`${csrfField(reply)}<input type="hidden" name="transfer" value="${r.workflowId}"><input type="hidden" name="filters" value="${queryString(f, { page: f.page }).slice(1)}">`;
  const htmx = html`hx-post="/transfers/decide" hx-target="#answer" hx-swap="innerHTML"`;
  return html`<div class="decide">
    <form method="post" action="/transfers/decide" ${htmx}>${common}<input type="hidden" name="action" value="retry">
      <button class="primary" type="submit" aria-label="${t(lang, 'console.transfers.retry')}: ${r.workflowId}">${t(lang, 'console.transfers.retry')}</button></form>
    <details><summary>${t(lang, 'console.transfers.skip')}</summary>
      <form method="post" action="/transfers/decide" ${htmx}>${common}<input type="hidden" name="action" value="skip">
        <label for="reason-${idSlug}">${t(lang, 'console.transfers.skipReason')}</label>
        <input id="reason-${idSlug}" name="reason" type="text" required maxlength="500">
        <button class="secondary" type="submit">${t(lang, 'console.transfers.skip')}</button></form>
    </details>
  </div>`;
}

async function liveTable(req: FastifyRequest, reply: FastifyReply, deps: ConsoleDeps, f: Filters): Promise<SafeHtml> {
  const { lang } = req.viewer;
  const ns = deps.namespace ?? 'default';
  const page = await listTransferPage(deps.temporal, ns, { ...f, includeRuns: Boolean(f.runs), tenants: deps.tenants.keys() }, PAGE_SIZE, f.page);
  const refresh = deps.refreshSeconds ?? 5;
  const ui = deps.temporalUiUrl.replace(/\/$/, '');
  const qs = queryString(f, { page: f.page });
  const col = (k: ConsoleMessageKey) => html`<th scope="col">${t(lang, k)}</th>`;
  // Each cell names its column, for the stacked layout at tablet widths (style.ts).
  const L = (c: string) => t(lang, `console.transfers.col.${c}` as ConsoleMessageKey);
  const table = page.rows.length
    ? html`<div class="table-wrap"><table class="stack">
      <caption class="muted" style="text-align:left;padding:.4rem .55rem">${t(lang, 'console.refresh.updated', { time: formatDate(lang, new Date()) })}</caption>
      <thead><tr>${col('console.transfers.col.status')}${col('console.transfers.col.tenant')}${col('console.transfers.col.flow')}${col('console.transfers.col.source')}${col('console.transfers.col.target')}${col('console.transfers.col.attempts')}${col('console.transfers.col.started')}${col('console.transfers.col.finished')}${col('console.transfers.col.reason')}${col('console.transfers.col.actions')}</tr></thead>
      <tbody>${page.rows.map(
        (r) => html`<tr data-transfer="${r.workflowId}" data-status="${r.status}">
        <td data-label="${L('status')}"><div>${statusBadge(lang, r.status)}</div></td><td data-label="${L('tenant')}"><div>${r.tenant ?? ''}</div></td><td data-label="${L('flow')}"><div>${r.flow ?? ''}${r.entity ? html` <span class="muted">${r.entity}</span>` : ''}</div></td>
        <td class="id" data-label="${L('source')}"><div>${r.sourceId ?? ''}</div></td><td class="id" data-label="${L('target')}"><div>${r.targetId ?? ''}</div></td><td data-label="${L('attempts')}"><div>${r.attempts ?? ''}</div></td>
        <td data-label="${L('started')}"><div>${formatDate(lang, r.started)}</div></td><td data-label="${L('finished')}"><div>${formatDate(lang, r.closed)}</div></td>
        <td class="reason" data-label="${L('reason')}"><div>${reasonOf(lang, r)}</div></td>
        <td data-label="${L('actions')}"><div>${decisionForms(req, reply, r, f)}<a href="${ui}/namespaces/${encodeURIComponent(ns)}/workflows/${encodeURIComponent(r.workflowId)}/${encodeURIComponent(r.runId)}/history" target="_blank" rel="noopener">${t(lang, 'console.transfers.openInTemporal')}<span class="muted"> (${r.workflowId})</span></a></div></td>
      </tr>`,
      )}</tbody></table></div>`
    : html`<p class="answer">${t(lang, 'console.transfers.none')}</p>`;
  const pager = html`<nav class="pager" aria-label="pages">
    ${f.page ? html`<a class="button" href="/transfers${queryString(f)}">${t(lang, 'console.transfers.first')}</a>` : ''}
    ${page.next ? html`<a class="button" href="/transfers${queryString(f, { page: page.next })}">${t(lang, 'console.transfers.next')}</a>` : ''}
  </nav>`;
  // Refreshes itself, except while the operator is typing a skip reason (a swap would wipe it).
  return html`<div id="transfers-live" hx-get="/transfers/live${qs}" hx-trigger="every ${refresh}s [!document.querySelector('#transfers-live details[open], #transfers-live :focus')], transfers-changed from:body" hx-swap="outerHTML">
    ${table}${pager}
  </div>`;
}

function filterForm(req: FastifyRequest, deps: ConsoleDeps, f: Filters): SafeHtml {
  const { lang } = req.viewer;
  const any = t(lang, 'console.transfers.filter.any');
  const select = (name: string, label: ConsoleMessageKey, options: Array<[string, string]>, current?: string) =>
    html`<div><label for="f-${name}">${t(lang, label)}</label><select id="f-${name}" name="${name}"><option value="">${any}</option>${options.map(([v, text]) => html`<option value="${v}"${v === current ? html` selected` : ''}>${text}</option>`)}</select></div>`;
  const text = (name: 'source' | 'target', label: ConsoleMessageKey) =>
    html`<div><label for="f-${name}">${t(lang, label)}</label><input id="f-${name}" name="${name}" type="text" value="${f[name] ?? ''}"></div>`;
  const time = (name: 'since' | 'until', label: ConsoleMessageKey) =>
    html`<div><label for="f-${name}">${t(lang, label)}</label><input id="f-${name}" name="${name}" type="datetime-local" value="${f[name] ?? ''}"></div>`;
  return html`<form method="get" action="/transfers"><fieldset class="filters"><legend>${t(lang, 'console.transfers.filters')}</legend>
    ${select('tenant', 'console.transfers.filter.tenant', [...deps.tenants.keys()].map((k) => [k, k]), f.tenant)}
    ${select('flow', 'console.transfers.filter.flow', KNOWN_FLOWS.map((k) => [k, k]), f.flow)}
    ${select('status', 'console.transfers.filter.status', STATUSES.map((s) => [s, statusLabel(lang, s)]), f.status)}
    ${text('source', 'console.transfers.filter.source')}${text('target', 'console.transfers.filter.target')}
    ${time('since', 'console.transfers.filter.since')}${time('until', 'console.transfers.filter.until')}
    <div><label class="check"><input type="checkbox" name="runs" value="on"${f.runs ? html` checked` : ''}> ${t(lang, 'console.transfers.filter.runs')}</label></div>
    <div class="actions-row"><button class="primary" type="submit">${t(lang, 'console.transfers.filter.apply')}</button><a class="button" href="/transfers">${t(lang, 'console.transfers.filter.clear')}</a></div>
  </fieldset></form>`;
}

export const transfersPage: ConsolePage = {
  id: 'transfers',
  path: '/transfers',
  label: 'console.nav.transfers',
  plugin: async (app, deps) => {
    const page = async (req: FastifyRequest, reply: FastifyReply, f: Filters, answer?: SafeHtml, status = 200) => {
      const { lang } = req.viewer;
      const body = html`<h1>${t(lang, 'console.transfers.title')}</h1><p class="intro">${t(lang, 'console.transfers.intro')}</p>
        ${filterForm(req, deps, f)}
        <div id="answer" role="status" aria-live="polite">${answer ?? ''}</div>
        ${await liveTable(req, reply, deps, f)}`;
      return sendPage(req, reply, { title: t(lang, 'console.transfers.title'), active: 'transfers', body }, status);
    };
    app.get('/transfers', async (req, reply) => page(req, reply, TransferFilters.parse(req.query)));

    app.get('/transfers/live', async (req, reply) => sendFragment(reply, await liveTable(req, reply, deps, TransferFilters.parse(req.query))));

    // Retry and skip: the same Updates as `siirto retry|skip` (client/history.ts), so the transfer itself accepts or
    // refuses, and its answer is shown.
    app.post('/transfers/decide', async (req, reply) => {
      const { lang, user } = req.viewer;
      if (user?.role !== 'operator') throw new ConsoleError(403, t(lang, 'console.error.forbidden', { role: t(lang, 'console.role.read-only') }));
      const form = Decision.parse(req.body);
      if (form.action === 'skip' && !form.reason) throw new ConsoleError(400, t(lang, 'console.error.invalid', { details: t(lang, 'console.transfers.skipReason') }));
      let answer: SafeHtml;
      let ok = false;
      try {
        const out = await sendDecision(deps.temporal, form.transfer, form.action, form.reason || 'from the console', user.name);
        ok = true;
        answer = html`<p class="answer ok">${form.action === 'retry' ? t(lang, 'console.transfers.retried', { transfer: out.transfer, step: out.step, error: out.previousError ?? '' }) : t(lang, 'console.transfers.skipped', { transfer: out.transfer, step: out.step })}</p>`;
      } catch (err) {
        answer = html`<p class="answer bad" role="alert">${t(lang, 'console.transfers.refused', { message: (err as Error).message })}</p>`;
      }
      if (isHtmx(req)) {
        if (ok) reply.header('HX-Trigger', 'transfers-changed');
        return sendFragment(reply, answer, ok ? 200 : 409);
      }
      // Without htmx (scripts off, or a click that beat htmx to a freshly swapped form): the page again, answer on top.
      const filters = TransferFilters.safeParse(Object.fromEntries(new URLSearchParams(form.filters ?? '')));
      return page(req, reply, filters.success ? filters.data : TransferFilters.parse({}), answer, ok ? 200 : 409);
    });
  },
};
