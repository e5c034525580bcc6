import type { FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { ConsolePage } from '.';
import type { CheckLine } from '../../../domain/onboarding';
import { checklistQuery } from '../../../workflows/onboarding';
import { SiirtoFlow, SiirtoTenant } from '../../../workflows/search-attributes';
import type { ResolvedTenant } from '../../../config/load';
import { apiCallsInLastHour } from '../../../connectors/kit/call-log';
import { listPausedSchedules, type PausedSchedule } from '../../history';
import type { ConsoleDeps } from '../context';
import { html, type SafeHtml } from '../html';
import { localizeText } from '../../../i18n/reasons';
import { formatDate, formatNumber, t, tl, type Lang } from '../i18n';
import { sendFragment, sendPage } from '../layout';
import { withDeadline, withoutMemo } from '../visibility';

/** A system's published rate limit (docs/design.md §9 and the connectors' pacing), as requests per window. */
export interface PublishedLimit {
  limit: number;
  windowMs: number;
}

const HOUR = 3_600_000;
/** The vendors' published limits; Netvisor and WooCommerce publish no rate (Netvisor: one request at a time). */
export const PUBLISHED_LIMITS: Record<string, PublishedLimit | undefined> = {
  '24so': { limit: 7200, windowMs: HOUR },
  procountor: { limit: 20, windowMs: 1000 },
  severa: { limit: 10, windowMs: 1000 },
  rackbeat: { limit: 480, windowMs: 60_000 },
  shopify: { limit: 40, windowMs: 20_000 },
};

const SYSTEM_NAMES: Record<string, string> = { '24so': '24SevenOffice', netvisor: 'Netvisor', procountor: 'Procountor', rackbeat: 'Rackbeat', severa: 'Visma Severa', woocommerce: 'WooCommerce', shopify: 'Shopify' };

export interface TenantSystem {
  /** The connector's system id (the HTTP transport's, e.g. "24so"). */
  system: string;
  /** Where in the tenant file: "netvisor", "twentyfourseven", "shops.woo". */
  configKey: string;
  label: string;
  baseUrl: string;
  /** How the onboarding's checklist names it: the system, or `shop:<id>`. */
  checkId: string;
}

/** The systems of a tenant: its connections and its shops. */
export function tenantSystems(tenant: ResolvedTenant): TenantSystem[] {
  const out: TenantSystem[] = [];
  for (const [key, conn] of Object.entries(tenant.connections ?? {})) {
    if (!conn) continue;
    const system = key === 'twentyfourseven' ? '24so' : key;
    out.push({ system, configKey: key, label: SYSTEM_NAMES[system] ?? system, baseUrl: (conn as { baseUrl: string }).baseUrl, checkId: system });
  }
  for (const shop of tenant.shops ?? []) out.push({ system: shop.system, configKey: `shops.${shop.id}`, label: `${SYSTEM_NAMES[shop.system] ?? shop.system} (${shop.id})`, baseUrl: shop.baseUrl, checkId: `shop:${shop.id}` });
  return out;
}

export interface CredentialCheck {
  line: CheckLine;
  /** When the onboarding ran the check (ISO). */
  at?: string;
}

/**
 * The latest credential check of each system of a tenant, from its onboarding workflows' checklists (the same
 * check `siirto onboard` runs): system (checklist id) → line. Systems never onboarded have none.
 */
export async function latestCredentialChecks(client: Client, namespace: string, tenant: string): Promise<Map<string, CredentialCheck>> {
  const response = await client.workflowService.listWorkflowExecutions({ namespace, query: `${SiirtoFlow.name} = 'onboarding' AND ${SiirtoTenant.name} = '${tenant.replace(/'/g, '')}'`, pageSize: 20 });
  const converter = client.options.loadedDataConverter;
  const latest = new Map<string, CredentialCheck>();
  await Promise.all(
    response.executions.map(async (raw) => {
      const info = await executionInfoFromRaw(withoutMemo(raw), converter, raw, namespace);
      const checklist = await withDeadline(client.workflow.getHandle(info.workflowId, info.runId).query(checklistQuery), 5000, info.workflowId).catch(() => undefined);
      const step = checklist?.steps.find((s) => s.name === 'credentials');
      if (!step || !step.lines.length) return;
      for (const line of step.lines) {
        const known = latest.get(line.system);
        if (!known || (step.at ?? '') > (known.at ?? '')) latest.set(line.system, { line, ...(step.at ? { at: step.at } : {}) });
      }
    }),
  );
  return latest;
}

/** Which system a paused Schedule's note blames: Siirto writes "paused: credentials (<system>): …". */
const blamed = (note: string | undefined): string | undefined => /credentials \(([^)]+)\)/.exec(note ?? '')?.[1];
const sameSystem = (a: string | undefined, s: TenantSystem) => a !== undefined && (a === s.system || a === s.configKey || (a === 'twentyfourseven' && s.system === '24so'));

function limitText(lang: Lang, l: PublishedLimit): string {
  const unit = l.windowMs === HOUR ? 'h' : l.windowMs === 60_000 ? 'min' : l.windowMs === 1000 ? 's' : `${l.windowMs / 1000} s`;
  return `${formatNumber(lang, l.limit)}/${unit}`;
}

function credentialsCell(lang: Lang, paused: PausedSchedule[], check: CredentialCheck | undefined): SafeHtml {
  // The note reads "paused: credentials (<system>): <the system's sentence>"; the sentence is the reason.
  if (paused.length) return html`<span class="state bad">⚠ ${t(lang, 'console.tenants.credentials.pausedFor', { message: localizeText(lang, (paused[0].note ?? '').replace(/^paused: credentials \([^)]*\):\s*/, '')) })}</span>`;
  if (!check) return html`<span class="state muted">${t(lang, 'console.tenants.credentials.unknown')}</span>`;
  const time = formatDate(lang, check.at);
  return check.line.ok
    ? html`<span class="state ok">✔ ${t(lang, 'console.tenants.credentials.checked', { time })}</span>`
    : html`<span class="state bad">⚠ ${t(lang, 'console.tenants.credentials.refusedAt', { time, message: tl(lang, check.line.msg, check.line.message) })}</span>`;
}

function systemRow(lang: Lang, s: TenantSystem, paused: PausedSchedule[], checks: Map<string, CredentialCheck>, calls: number): SafeHtml {
  const mine = paused.filter((p) => sameSystem(blamed(p.note), s));
  const limit = PUBLISHED_LIMITS[s.system];
  const perHour = limit ? Math.floor((limit.limit * HOUR) / limit.windowMs) : undefined;
  return html`<tr data-system="${s.system}">
    <th scope="row">${s.label}<br><span class="muted">${s.baseUrl}</span></th>
    <td data-credentials>${credentialsCell(lang, mine, checks.get(s.checkId))}</td>
    <td>${mine.length ? html`<ul>${mine.map((p) => html`<li class="id">${p.scheduleId}</li>`)}</ul>` : t(lang, 'console.tenants.schedules.none')}</td>
    <td data-calls="${calls}">${perHour
      ? html`<div class="meter"><meter min="0" max="${perHour}" value="${calls}" high="${Math.floor(perHour * 0.8)}" aria-label="${t(lang, 'console.tenants.calls')}"></meter>
        <span>${t(lang, 'console.tenants.calls.value', { calls: formatNumber(lang, calls), limit: formatNumber(lang, perHour) })} (${limitText(lang, limit!)})</span></div>`
      : t(lang, 'console.tenants.calls.noLimit', { calls: formatNumber(lang, calls) })}</td>
  </tr>`;
}

async function live(req: FastifyRequest, deps: ConsoleDeps): Promise<SafeHtml> {
  const { lang } = req.viewer;
  const paused = await listPausedSchedules(deps.temporal);
  const ns = deps.namespace ?? 'default';
  const checks = new Map(await Promise.all([...deps.tenants.keys()].map(async (id) => [id, await latestCredentialChecks(deps.temporal, ns, id).catch(() => new Map<string, CredentialCheck>())] as const)));
  let scope: 'cluster' | 'process' = deps.callCounts ? 'cluster' : 'process';
  const counted = await Promise.all(
    [...deps.tenants.values()].map(async (tenant) => {
      const systems = tenantSystems(tenant);
      const calls = await Promise.all(
        systems.map((s) =>
          apiCallsInLastHour(tenant.tenant, s.system, s.baseUrl, deps.callCounts).then(
            (r) => r.calls,
            // The shared counts unreadable (PostgreSQL down): this process's own, and the note says so.
            () => ((scope = 'process'), apiCallsInLastHour(tenant.tenant, s.system, s.baseUrl).then((r) => r.calls)),
          ),
        ),
      );
      return { tenant, systems, calls };
    }),
  );
  const sections = counted.map(({ tenant, systems, calls }) => {
    const own = paused.filter((p) => p.scheduleId.split('/')[1] === tenant.tenant);
    const unassigned = own.filter((p) => !systems.some((s) => sameSystem(blamed(p.note), s)));
    return html`<section class="card" data-tenant="${tenant.tenant}" aria-labelledby="t-${tenant.tenant}">
      <h2 id="t-${tenant.tenant}">${tenant.name} <span class="muted">(${tenant.tenant})</span></h2>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">${t(lang, 'console.tenants.system')}</th><th scope="col">${t(lang, 'console.tenants.credentials')}</th><th scope="col">${t(lang, 'console.tenants.schedules')}</th><th scope="col">${t(lang, 'console.tenants.calls')}</th></tr></thead>
        <tbody>${systems.map((s, i) => systemRow(lang, s, own, checks.get(tenant.tenant)!, calls[i]))}</tbody>
      </table></div>
      ${unassigned.length ? html`<h3>${t(lang, 'console.tenants.schedules')}</h3><ul>${unassigned.map((p) => html`<li><span class="id">${p.scheduleId}</span>: ${localizeText(lang, p.note)}</li>`)}</ul>` : ''}
    </section>`;
  });
  return html`<div id="tenants-live" hx-get="/tenants/live" hx-trigger="every ${Math.max(10, deps.refreshSeconds ?? 5)}s" hx-swap="outerHTML">
    ${sections.length ? sections : html`<p class="answer">${t(lang, 'console.empty')}</p>`}
    <p class="muted">${t(lang, scope === 'cluster' ? 'console.tenants.calls.source.cluster' : 'console.tenants.calls.source')} ${t(lang, 'console.refresh.updated', { time: formatDate(lang, new Date()) })}</p>
  </div>`;
}

export const tenantsPage: ConsolePage = {
  id: 'tenants',
  path: '/tenants',
  label: 'console.nav.tenants',
  plugin: async (app, deps) => {
    app.get('/tenants', async (req, reply) => {
      const { lang } = req.viewer;
      const body = html`<h1>${t(lang, 'console.tenants.title')}</h1><p class="intro">${t(lang, 'console.tenants.intro')}</p>${await live(req, deps)}`;
      return sendPage(req, reply, { title: t(lang, 'console.tenants.title'), active: 'tenants', body });
    });
    app.get('/tenants/live', async (req, reply) => sendFragment(reply, await live(req, deps)));
  },
};
