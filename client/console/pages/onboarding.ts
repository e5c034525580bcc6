import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConsolePage } from '.';
import type { ResolvedTenant } from '../../../config/load';
import { INVOICE_PAIR } from '../../../config/invoice-schema';
import { isOnboardingPair, nextStep, onboardingWorkflowId, stepOf, stepTitleKey, type CheckLine, type Checklist, type OnboardingPair, type Step } from '../../../domain/onboarding';
import { formatDate, t, tl, type Lang } from '../../../i18n';
import { localizeText } from '../../../i18n/reasons';
import { TASK_QUEUE } from '../../../orchestration/task-queue';
import {
  type OnboardingChecklist,
  addTransfersUpdate,
  cancelGoLiveUpdate,
  checkCredentialsUpdate,
  checkPermissionsUpdate,
  checkPrerequisitesUpdate,
  checklistQuery,
  confirmRegistersUpdate,
  goLiveUpdate,
  runMigrationsUpdate,
} from '../../../workflows/onboarding';
import { readChecklist, startOnboarding, updateRefusal, type OnboardingHandle } from '../../onboarding';
import { ConsoleError, type ConsoleDeps } from '../context';
import { html, type SafeHtml } from '../html';
import { csrfField, sendPage } from '../layout';

/**
 * The onboarding checklist as a page: the same workflow (`onboarding/<tenant>/<pair>`) and the same Updates that
 * `siirto onboard` sends, so an operator can start in the CLI and finish here, or the other way round. Every line
 * reads in the viewer's language (its catalog key when the line has one). Each action is a plain POST form (CSRF
 * field, operator role), answered with the checklist as the workflow returns it.
 */

const SYSTEM_NAMES: Record<string, string> = { netvisor: 'Netvisor', procountor: 'Procountor', rackbeat: 'Rackbeat', '24so': '24SevenOffice', severa: 'Severa' };
const systemName = (lang: Lang, system: string): string =>
  system.startsWith('shop:') ? t(lang, 'onboardingPage.shop', { id: system.slice(5) }) : (SYSTEM_NAMES[system] ?? system);

/** The pairs a tenant file configures (the ones `siirto onboard` would offer). */
export function configuredPairs(tn: ResolvedTenant): OnboardingPair[] {
  const pairs = new Set<OnboardingPair>();
  for (const p of tn.sync?.pairs ?? []) if (isOnboardingPair(p.pair)) pairs.add(p.pair);
  for (const s of tn.shops) pairs.add(s.exportTo === 'netvisor' ? 'shop-netvisor' : 'shop-procountor');
  if (tn.lifecycle && tn.connections.rackbeat && tn.connections.twentyfourseven) pairs.add('rackbeat-24so');
  // Stock levels go live with shop-netvisor, invoices with the pair whose pairing they use.
  if (tn.stock?.shops.length) pairs.add('shop-netvisor');
  if (tn.invoices) pairs.add(INVOICE_PAIR[tn.invoices.to]);
  return [...pairs];
}

const Params = z.object({ tenant: z.string().min(1).max(200), pair: z.string().refine(isOnboardingPair, { error: 'not an onboarding pair' }) });

const ACTIONS = ['start', 'credentials', 'permissions', 'prerequisites', 'create', 'registers', 'plan', 'migrate', 'go-live', 'go-live-at', 'cancel-go-live', 'add-transfers'] as const;
const Action = z
  .object({
    action: z.enum(ACTIONS),
    identityId: z.string().trim().max(100).optional(),
    registers: z.union([z.string(), z.array(z.string())]).optional(),
    /** The transfers chosen (checkboxes); `transfersShown` says the form offered them, so none checked means none. */
    transfers: z.union([z.string().max(200), z.array(z.string().max(200))]).optional(),
    transfersShown: z.string().optional(),
    at: z.string().trim().max(40).optional(),
  })
  .catchall(z.unknown());

/** The page's own rules (on top of the console's style sheet, with its colours). */
const PAGE_STYLE = html`<style>
.visually-hidden { position:absolute; width:1px; height:1px; margin:-1px; padding:0; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; border:0; }
section.step { border:1px solid var(--line); border-radius:6px; padding:.2rem .9rem .8rem; margin:.8rem 0; }
section.step h2 { font-size:1.15rem; display:flex; gap:.6rem; align-items:center; }
section.step[data-status="ok"] { border-left:6px solid var(--ok); }
section.step[data-status="failed"] { border-left:6px solid var(--bad); }
section.step[data-status="waiting"], section.step[data-status="running"] { border-left:6px solid var(--warn); }
ul.checks { list-style:none; padding-left:0; margin:.3rem 0; }
li.check { padding:.25rem 0; }
li.check .mark { display:inline-block; width:1.4rem; font-weight:700; }
li.check.ok .mark { color:var(--ok); }
li.check.problem .mark { color:var(--warn); }
li.check .item { color:var(--muted); }
p.note { color:var(--muted); margin:.3rem 0; }
form.step-action { display:inline-flex; gap:.5rem; align-items:end; flex-wrap:wrap; margin:.4rem .6rem .2rem 0; }
form.step-action table { margin-bottom:.4rem; }
.answer.good { border-color:var(--ok); }
.answer.bad { border-color:var(--bad); }
</style>`;

const lineText = (lang: Lang, l: CheckLine): string => (l.msg && lang !== 'en' ? tl(lang, l.msg) : localizeText(lang, l.message));

async function currentChecklist(deps: ConsoleDeps, tenant: string, pair: OnboardingPair): Promise<Checklist | null> {
  try {
    return await deps.temporal.workflow.getHandle(onboardingWorkflowId(tenant, pair)).query(checklistQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

function stateOf(lang: Lang, c: Checklist | null): string {
  if (!c) return t(lang, 'onboardingPage.notStarted');
  if (c.problem) return localizeText(lang, c.problem);
  const next = nextStep(c);
  return next ? t(lang, 'onboardingPage.nextStep', { step: t(lang, stepTitleKey(next)) }) : t(lang, 'onboardingPage.live');
}

function lineItem(lang: Lang, l: CheckLine): SafeHtml {
  return html`<li class="check ${l.ok ? 'ok' : 'problem'}" data-system="${l.system}" data-ok="${l.ok ? 'true' : 'false'}">
    <span class="mark" aria-hidden="true">${l.ok ? '✔' : '⚠'}</span><span class="visually-hidden">${t(lang, l.ok ? 'onboardingPage.ok' : 'onboardingPage.problem')}:</span>
    <strong>${systemName(lang, l.system)}</strong>${l.item ? html` <span class="item">${l.item}</span>` : ''}: <span class="sentence">${lineText(lang, l)}</span></li>`;
}

function form(reply: FastifyReply, base: string, action: string, label: string, extra: SafeHtml | string = '', primary = true): SafeHtml {
  return html`<form method="post" action="${base}" class="step-action">${csrfField(reply)}<input type="hidden" name="action" value="${action}">${extra}
    <button class="${primary ? 'primary' : 'secondary'}" type="submit">${label}</button></form>`;
}

function stepActions(req: FastifyRequest, reply: FastifyReply, c: Checklist, step: Step, base: string): SafeHtml {
  const { lang, user } = req.viewer;
  if (user?.role !== 'operator') return html``;
  const next = nextStep(c);
  const live = c.goLive?.status === 'live';
  if (step.name === 'credentials') return form(reply, base, 'credentials', t(lang, 'onboardingPage.checkCredentials'), '', next === 'credentials');
  // A live pair: the tenant file's transfers that are not live yet can still be started.
  if (live && step.name === 'registers') {
    const waiting = (c as OnboardingChecklist).transfersAvailable?.filter((o) => !(c as OnboardingChecklist).transfers?.includes(o.id)) ?? [];
    if (!waiting.length) return html``;
    const rows = waiting.map(
      (o) => html`<li><label class="check" data-transfer="${o.id}"><input type="checkbox" name="transfers" value="${o.id}"> <span><strong>${systemName(lang, o.system)}</strong>: ${tl(lang, { key: o.msg.key, params: { ...o.msg.params, chosen: 'yes' } })}</span></label></li>`,
    );
    return form(reply, base, 'add-transfers', t(lang, 'onboardingPage.addTransfers'), html`<fieldset class="transfers"><legend>${t(lang, 'onboardingPage.moreTransfers')}</legend><ul class="checks">${rows}</ul></fieldset>`);
  }
  if (live || step.name !== next) return html``;
  switch (step.name) {
    case 'permissions':
      return form(reply, base, 'permissions', t(lang, 'onboardingPage.checkPermissions'));
    case 'prerequisites': {
      const company = c.identityChoices?.length
        ? html`<label for="identity">${t(lang, 'onboardingPage.company')}</label><select id="identity" name="identityId">${c.identityChoices.map(
            (i) => html`<option value="${i.id}"${i.id === c.identityId ? html` selected` : ''}>${i.company} (${i.id})</option>`,
          )}</select>`
        : '';
      const creatable = step.lines.some((l) => !l.ok && l.creatable);
      return html`${form(reply, base, 'prerequisites', t(lang, 'onboardingPage.checkPrerequisites'), company, !creatable)}${creatable ? form(reply, base, 'create', t(lang, 'onboardingPage.createPrerequisites'), company) : ''}`;
    }
    case 'registers': {
      const available = Object.entries(c.registersAvailable ?? {});
      const transfers = transferChoices(lang, c);
      if (!available.length) return html`<p>${t(lang, 'onboardingPage.noRegisters')}</p>${form(reply, base, 'registers', t(lang, 'onboardingPage.confirmRegisters'), transfers)}`;
      const rows = available.map(([register, directions]) => {
        const chosen = c.registers?.[register] ?? c.registersConfigured?.[register];
        return html`<tr><td><label class="check"><input type="checkbox" name="registers" value="${register}"${chosen ? html` checked` : ''}> ${register}</label></td>
          <td><label class="visually-hidden" for="dir-${register}">${t(lang, 'onboardingPage.direction')} ${register}</label><select id="dir-${register}" name="direction_${register}">${directions.map(
            (d) => html`<option value="${d}"${d === chosen ? html` selected` : ''}>${d}</option>`,
          )}</select></td></tr>`;
      });
      const table = html`<table><thead><tr><th scope="col">${t(lang, 'onboardingPage.register')}</th><th scope="col">${t(lang, 'onboardingPage.direction')}</th></tr></thead><tbody>${rows}</tbody></table>`;
      return form(reply, base, 'registers', t(lang, 'onboardingPage.confirmRegisters'), html`${table}${transfers}`);
    }
    case 'migrations':
      return c.planned ? form(reply, base, 'migrate', t(lang, 'onboardingPage.runMigrations')) : form(reply, base, 'plan', t(lang, 'onboardingPage.showPlan'));
    case 'go-live':
      if (c.goLive?.status === 'scheduled') return form(reply, base, 'cancel-go-live', t(lang, 'onboardingPage.cancelGoLive'), '', false);
      return html`${form(reply, base, 'go-live', t(lang, 'onboardingPage.goLiveNow'))}
        ${form(reply, base, 'go-live-at', t(lang, 'onboardingPage.schedule'), html`<label for="go-live-at">${t(lang, 'onboardingPage.goLiveAt')}</label><input id="go-live-at" name="at" type="datetime-local" required>`, false)}`;
    default:
      return html``;
  }
}

/** The stock and invoice transfers the tenant file offers, as checkboxes: chosen ones (or all, before the first confirmation) checked. */
function transferChoices(lang: Lang, c: OnboardingChecklist): SafeHtml {
  const offers = c.transfersAvailable ?? [];
  if (!offers.length) return html``;
  const rows = offers.map((o) => {
    const on = c.transfers ? c.transfers.includes(o.id) : true;
    const what = tl(lang, { key: o.msg.key, params: { ...o.msg.params, chosen: 'yes' } });
    return html`<li><label class="check" data-transfer="${o.id}"><input type="checkbox" name="transfers" value="${o.id}"${on ? html` checked` : ''}> <span><strong>${systemName(lang, o.system)}</strong>: ${what}</span></label></li>`;
  });
  return html`<fieldset class="transfers"><legend>${t(lang, 'onboardingPage.transfers')}</legend><input type="hidden" name="transfersShown" value="1"><ul class="checks">${rows}</ul></fieldset>`;
}

function planOf(lang: Lang, c: Checklist): SafeHtml {
  const plans = c.migrations.filter((m) => m.dryRun);
  if (!plans.length || !c.planned) return html``;
  return html`<div class="plan"><p>${t(lang, 'onboardingPage.plan')}</p>${plans.map(
    (m) => html`<h3>${m.register} · ${m.direction}</h3><p>${localizeText(lang, m.summary)}</p>
      ${m.entries?.length
        ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${t(lang, 'onboardingPage.col.action')}</th><th scope="col">${t(lang, 'onboardingPage.col.source')}</th><th scope="col">${t(lang, 'onboardingPage.col.name')}</th><th scope="col">${t(lang, 'onboardingPage.col.reason')}</th></tr></thead>
        <tbody>${m.entries.map((e) => html`<tr><td>${e.action}</td><td class="id">${e.key ?? e.sourceId}</td><td>${e.name ?? ''}</td><td>${e.reason ?? ''}</td></tr>`)}</tbody></table></div>`
        : ''}`,
  )}</div>`;
}

function checklistBody(req: FastifyRequest, reply: FastifyReply, deps: ConsoleDeps, tenant: string, pair: OnboardingPair, c: Checklist | null, answer?: { ok: boolean; text: string }): SafeHtml {
  const { lang, user } = req.viewer;
  const base = `/onboarding/${encodeURIComponent(tenant)}/${encodeURIComponent(pair)}`;
  const workflowId = onboardingWorkflowId(tenant, pair);
  const ui = `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`;
  const said = answer ? html`<p class="answer ${answer.ok ? 'good' : 'bad'}" role="${answer.ok ? 'status' : 'alert'}">${answer.text}</p>` : '';
  const head = html`${PAGE_STYLE}<h1>${t(lang, 'onboardingPage.pairTitle', { pair, tenant })}</h1>
    <p><a href="${ui}" target="_blank" rel="noopener">${t(lang, 'onboardingPage.workflow', { workflowId })}</a></p>
    ${user?.role !== 'operator' ? html`<p class="muted">${t(lang, 'onboardingPage.readOnly')}</p>` : ''}
    <div id="answer" aria-live="polite">${said}</div>`;
  if (!c) {
    return html`${head}<p>${t(lang, 'onboardingPage.startHint')}</p>${user?.role === 'operator' ? form(reply, base, 'start', t(lang, 'onboardingPage.start')) : ''}`;
  }
  const problem = c.problem ? html`<p class="answer bad" role="alert">${t(lang, 'onboarding.problem', { problem: localizeText(lang, c.problem) })}</p>` : '';
  const live =
    c.goLive?.status === 'live'
      ? html`<p class="answer good">${t(lang, 'onboardingPage.isLive', { at: formatDate(lang, c.goLive.at), schedules: c.goLive.schedules.join(', ') || '—' })}</p>`
      : c.goLive?.status === 'scheduled'
        ? html`<p class="answer">${t(lang, 'onboardingPage.scheduled', { at: formatDate(lang, c.goLive.at) })}</p>`
        : '';
  const steps = c.steps.map(
    (s) => html`<section class="step" data-step="${s.name}" data-status="${s.status}" aria-labelledby="step-${s.name}">
      <h2 id="step-${s.name}"><span class="status ${s.status}">${t(lang, `onboarding.status.${s.status}`)}</span> ${t(lang, stepTitleKey(s.name))}</h2>
      ${s.lines.length ? html`<ul class="checks">${s.lines.map((l) => lineItem(lang, l))}</ul>` : ''}
      ${s.notes.map((n) => html`<p class="note">${localizeText(lang, n)}</p>`)}
      ${s.name === 'migrations' ? planOf(lang, c) : ''}
      ${c.problem ? '' : stepActions(req, reply, c, s, base)}
    </section>`,
  );
  return html`${head}${problem}${live}<p class="muted">${t(lang, 'onboarding.systems', { systems: c.systems.map((x) => systemName(lang, x)).join(', ') })}</p>${steps}`;
}

async function act(deps: ConsoleDeps, handle: OnboardingHandle, c: Checklist, body: z.infer<typeof Action>): Promise<unknown> {
  switch (body.action) {
    case 'start':
      return undefined;
    case 'credentials':
      return handle.executeUpdate(checkCredentialsUpdate);
    case 'permissions':
      return handle.executeUpdate(checkPermissionsUpdate);
    case 'prerequisites':
    case 'create': {
      const identityId = body.identityId || c.identityId;
      return handle.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: body.action === 'create', ...(identityId ? { identityId } : {}) }] });
    }
    case 'registers': {
      const registers = body.registers === undefined ? [] : Array.isArray(body.registers) ? body.registers : [body.registers];
      const directions: Record<string, string> = {};
      for (const r of registers) {
        const d = body[`direction_${r}`];
        if (typeof d === 'string' && d) directions[r] = d;
      }
      const transfers = body.transfersShown ? (body.transfers === undefined ? [] : Array.isArray(body.transfers) ? body.transfers : [body.transfers]) : undefined;
      return handle.executeUpdate(confirmRegistersUpdate, { args: [{ registers, directions, ...(transfers ? { transfers } : {}) }] });
    }
    case 'plan':
      return handle.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: true }] });
    case 'migrate':
      return handle.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: false }] });
    case 'go-live':
      return handle.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
    case 'go-live-at': {
      // datetime-local has no zone: the form says UTC.
      const at = body.at && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(body.at) ? `${body.at}:00Z` : body.at;
      return handle.executeUpdate(goLiveUpdate, { args: [{ at }] });
    }
    case 'cancel-go-live':
      return handle.executeUpdate(cancelGoLiveUpdate);
    case 'add-transfers': {
      const transfers = body.transfers === undefined ? [] : Array.isArray(body.transfers) ? body.transfers : [body.transfers];
      return handle.executeUpdate(addTransfersUpdate, { args: [{ transfers }] });
    }
  }
}

const ACTION_STEP: Record<(typeof ACTIONS)[number], Parameters<typeof stepTitleKey>[0] | null> = {
  start: null,
  credentials: 'credentials',
  permissions: 'permissions',
  prerequisites: 'prerequisites',
  create: 'prerequisites',
  registers: 'registers',
  plan: 'migrations',
  migrate: 'migrations',
  'go-live': 'go-live',
  'go-live-at': 'go-live',
  'cancel-go-live': 'go-live',
  'add-transfers': 'go-live',
};

export const onboardingPage: ConsolePage = {
  id: 'onboarding',
  path: '/onboarding',
  label: 'console.nav.onboarding',
  plugin: async (app, deps) => {
    app.get('/onboarding', async (req, reply) => {
      const { lang } = req.viewer;
      const rows: SafeHtml[] = [];
      for (const [id, tn] of deps.tenants) {
        for (const pair of configuredPairs(tn)) {
          const c = await currentChecklist(deps, id, pair);
          rows.push(html`<tr data-tenant="${id}" data-pair="${pair}"><td>${id}</td><td>${pair}</td><td>${stateOf(lang, c)}</td>
            <td><a href="/onboarding/${encodeURIComponent(id)}/${encodeURIComponent(pair)}">${t(lang, 'onboardingPage.open')}<span class="visually-hidden"> ${id} ${pair}</span></a></td></tr>`);
        }
      }
      const body = html`${PAGE_STYLE}<h1>${t(lang, 'onboardingPage.title')}</h1><p class="intro">${t(lang, 'onboardingPage.intro')}</p>
        ${rows.length
          ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${t(lang, 'onboardingPage.col.tenant')}</th><th scope="col">${t(lang, 'onboardingPage.col.pair')}</th><th scope="col">${t(lang, 'onboardingPage.col.state')}</th><th scope="col"><span class="visually-hidden">${t(lang, 'onboardingPage.open')}</span></th></tr></thead><tbody>${rows}</tbody></table></div>`
          : html`<p>${t(lang, 'onboardingPage.none')}</p>`}`;
      return sendPage(req, reply, { title: t(lang, 'onboardingPage.title'), active: 'onboarding', body });
    });

    const known = (req: FastifyRequest) => {
      const p = Params.parse(req.params);
      if (!deps.tenants.has(p.tenant)) throw new ConsoleError(404, t(req.viewer.lang, 'console.error.notFound'));
      return { tenant: p.tenant, pair: p.pair as OnboardingPair };
    };

    app.get('/onboarding/:tenant/:pair', async (req, reply) => {
      const { tenant, pair } = known(req);
      const c = await currentChecklist(deps, tenant, pair);
      return sendPage(req, reply, { title: t(req.viewer.lang, 'onboardingPage.title'), active: 'onboarding', body: checklistBody(req, reply, deps, tenant, pair, c) });
    });

    app.post('/onboarding/:tenant/:pair', async (req, reply) => {
      const { lang, user } = req.viewer;
      if (user?.role !== 'operator') throw new ConsoleError(403, t(lang, 'console.error.forbidden', { role: user?.role ?? '—' }));
      const { tenant, pair } = known(req);
      const body = Action.parse(req.body);
      // Joins the onboarding the CLI started (USE_EXISTING), or starts it.
      const handle = await startOnboarding(deps.temporal, tenant, pair, deps.taskQueue ?? TASK_QUEUE);
      let c = await readChecklist(handle, 15_000);
      let answer: { ok: boolean; text: string } | undefined;
      try {
        await act(deps, handle, c, body);
        const step = ACTION_STEP[body.action];
        if (step) answer = { ok: true, text: t(lang, 'onboardingPage.done', { step: t(lang, stepTitleKey(step)) }) };
      } catch (err) {
        answer = { ok: false, text: t(lang, 'onboardingPage.refused', { reason: localizeText(lang, updateRefusal(err)) }) };
      }
      c = await handle.query(checklistQuery);
      const failed = ACTION_STEP[body.action] ? stepOf(c, ACTION_STEP[body.action]!).status === 'failed' : false;
      if (answer?.ok && body.action === 'plan' && c.planned) answer = { ok: true, text: t(lang, 'onboardingPage.planShown') };
      else if (answer?.ok && failed) answer = { ok: false, text: t(lang, 'onboardingPage.failed', { step: t(lang, stepTitleKey(ACTION_STEP[body.action]!)) }) };
      return sendPage(req, reply, { title: t(lang, 'onboardingPage.title'), active: 'onboarding', body: checklistBody(req, reply, deps, tenant, pair, c, answer) });
    });
  },
};

