import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { parseTenantFile, requireSecrets, type ResolvedTenant } from '../../config/load';
import { pairSystems } from '../../activities/onboarding';
import { INVOICE_PAIR } from '../../config/invoice-schema';
import {
  credentialsAdvice,
  isOnboardingPair,
  nextStep,
  ONBOARDING_PAIRS,
  onboardingWorkflowId,
  stepOf,
  stepTitleKey,
  type CheckLine,
  type Checklist,
  type OnboardingPair,
  type Step,
  type StepStatus,
} from '../../domain/onboarding';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { TASK_QUEUE } from '../../orchestration/task-queue';
import {
  addTransfersUpdate,
  cancelGoLiveUpdate,
  checkCredentialsUpdate,
  checkPermissionsUpdate,
  checkPrerequisitesUpdate,
  checklistQuery,
  confirmRegistersUpdate,
  goLiveUpdate,
  runMigrationsUpdate,
} from '../../workflows/onboarding';
import { readChecklist, startOnboarding, updateRefusal, type OnboardingHandle } from '../onboarding';
import { dataDir } from '../paths';
import { connectClient } from '../../orchestration/temporal';
import { t, tl, type Lang } from '../../i18n';
import { cliLang, colours } from '../../i18n/cli';
import { localizeText } from '../../i18n/reasons';

export interface OnboardOptions {
  pair?: string;
  yes?: boolean;
  goLive?: string;
  cancelGoLive?: boolean;
  identity?: string;
  registers?: string;
  direction?: string[];
  /** Comma-separated transfer ids (stock:<shop>, invoices), or "none"; the tenant file's when absent. */
  transfers?: string;
  json?: boolean;
  address: string;
  namespace: string;
  taskQueue: string;
}

/** Exit codes: 0 done (or live), 1 a step failed, 3 waiting for the operator's decision (rerun with the flag named). */
export const EXIT = { ok: 0, failed: 1, decision: 3 } as const;

/**
 * `siirto onboard <tenant.yaml>`: walks the tenant's onboarding for one pair step by step — credentials, rights,
 * prerequisites (created after asking, or with --yes), registers and directions, the migration plan and then the
 * migrations, go-live now or at a time — printing the checklist as it goes. The state lives in the workflow
 * `onboarding/<tenant>/<pair>`, so the command can be stopped and run again days later: it continues where the
 * workflow is. After go-live, running it again re-checks the credentials (how a fix is confirmed).
 */
export function registerOnboardCommand(program: Command): void {
  program
    .command('onboard')
    .description('onboard a company for one pair: credentials, permissions, prerequisites, registers, migrations, go-live')
    .argument('<tenant.yaml>', 'the tenant file (config/<tenant>.yaml)')
    .option('--pair <pair>', `one of ${ONBOARDING_PAIRS.join(', ')} (needed when the file configures several)`)
    .option('--yes', 'agree without asking: create missing prerequisites, run the migrations after their plan')
    .option('--go-live <when>', '"now" or an ISO time such as 2026-12-01T06:00:00Z')
    .option('--cancel-go-live', 'cancel a go-live scheduled for later')
    .option('--identity <id>', '24SevenOffice: the company (identity id) to work in when the login sees several')
    .option('--registers <list>', 'registers to migrate and sync, comma-separated (default: those in the tenant file)')
    .option('--direction <register=direction...>', 'direction per register, e.g. customers=rackbeat-to-netvisor')
    .option('--transfers <list>', 'transfers to go live with, comma-separated: stock:<shop>, invoices, or none (default: those the tenant file configures for the pair)')
    .option('--json', 'print the checklist as one JSON object, ask nothing')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the workers', TASK_QUEUE)
    .action(async (file: string, opts: OnboardOptions) => {
      // Only the pair's systems need their secrets set (config/load.ts `lazy`); the others may still be missing.
      const tenant = parseTenantFile(file, process.env, { secrets: 'lazy' });
      const pair = choosePair(tenant, opts.pair);
      requirePairSecrets(tenant, pair);
      const client = await connectClient(opts.address, codecFromEnvironment(dataDir()), opts.namespace);
      const io = terminalIo(!opts.json);
      try {
        const handle = await startOnboarding(client, tenant.tenant, pair, opts.taskQueue);
        const { code, checklist } = await walkOnboarding(handle, opts, io);
        if (opts.json) process.stdout.write(`${JSON.stringify({ workflowId: handle.workflowId, exit: code, checklist })}\n`);
        process.exitCode = code;
      } finally {
        io.close();
        await client.connection.close();
      }
    });
}

/** Every secret of the pair's systems (the shops and connections it uses) must be set; the error names the variables. */
export function requirePairSecrets(t: ResolvedTenant, pair: OnboardingPair): void {
  const paths = pairSystems(t, pair).map((s) =>
    s.startsWith('shop:') ? `shops.${t.shops.findIndex((shop) => shop.id === s.slice(5))}` : `connections.${s === '24so' ? 'twentyfourseven' : s}`,
  );
  requireSecrets(t, paths, `pair ${pair} needs it`);
}

/** The pair named, or the only one the tenant file configures. */
export function choosePair(t: ResolvedTenant, named?: string): OnboardingPair {
  if (named) {
    if (!isOnboardingPair(named)) throw new Error(`unknown pair "${named}": use one of ${ONBOARDING_PAIRS.join(', ')}`);
    return named;
  }
  const pairs = new Set<OnboardingPair>();
  for (const p of t.sync?.pairs ?? []) pairs.add(p.pair as OnboardingPair);
  for (const s of t.shops) pairs.add(s.exportTo === 'netvisor' ? 'shop-netvisor' : 'shop-procountor');
  if (t.lifecycle && t.connections.rackbeat && t.connections.twentyfourseven) pairs.add('rackbeat-24so');
  // Stock levels go live with shop-netvisor, invoices with the pair whose pairing they use.
  if (t.stock?.shops.length) pairs.add('shop-netvisor');
  if (t.invoices) pairs.add(INVOICE_PAIR[t.invoices.to]);
  if (pairs.size === 1) return [...pairs][0];
  throw new Error(
    pairs.size
      ? `config/${t.tenant}.yaml configures several pairs (${[...pairs].join(', ')}): choose one with --pair`
      : `config/${t.tenant}.yaml configures no flow: name the pair with --pair (${ONBOARDING_PAIRS.join(', ')})`,
  );
}

/** `--transfers`: the ids named, none for "none", the tenant file's (undefined) when absent. */
export function parseTransfers(option: string | undefined): string[] | undefined {
  if (option === undefined) return undefined;
  if (/^\s*none\s*$/i.test(option)) return [];
  return option.split(',').map((x) => x.trim()).filter(Boolean);
}

export interface OnboardIo {
  print(text: string): void;
  /** Asks a question; null when there is no one to ask (not a terminal, or --json). */
  ask(question: string): Promise<string | null>;
  colour: boolean;
  /** The reader's language (siirto --lang, or the locale); English when absent. */
  lang?: Lang;
  close(): void;
}

function terminalIo(interactive: boolean): OnboardIo {
  const canAsk = interactive && Boolean(process.stdin.isTTY);
  let rl: readline.Interface | undefined;
  return {
    print: (text) => {
      if (interactive) process.stdout.write(text);
    },
    ask: async (q) => {
      if (!canAsk) return null;
      rl ??= readline.createInterface({ input: process.stdin, output: process.stdout });
      return rl.question(q);
    },
    colour: interactive && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    lang: cliLang(),
    close: () => rl?.close(),
  };
}

const yes = (answer: string | null) => answer !== null && /^(y|yes|k|kyllä|j|ja)$/i.test(answer.trim());

/**
 * Takes every step the workflow is ready for, in order, and stops at the first failure or at a decision nobody
 * can make here (no terminal and no flag). Returns the exit code and the last checklist.
 */
export async function walkOnboarding(handle: OnboardingHandle, opts: Omit<OnboardOptions, 'address' | 'namespace' | 'taskQueue'>, io: OnboardIo): Promise<{ code: number; checklist: Checklist }> {
  let c = await readChecklist(handle);
  const lang = io.lang ?? 'en';
  const title = (name: Parameters<typeof stepTitleKey>[0]) => t(lang, stepTitleKey(name));
  const show = (title: string) => io.print(`${title}\n`);
  io.print(`${t(lang, 'onboard.header', { pair: c.pair, tenant: c.tenant, workflowId: onboardingWorkflowId(c.tenant, c.pair) })}\n`);
  if (c.problem) {
    io.print(`${mark('failed', io.colour)} ${localizeText(lang, c.problem)}\n`);
    return { code: EXIT.failed, checklist: c };
  }
  const update = async <T>(run: () => Promise<T>): Promise<T | { refused: string }> => {
    try {
      return await run();
    } catch (err) {
      return { refused: updateRefusal(err) };
    }
  };
  const stepDone = async (step: Step | { refused: string }): Promise<boolean> => {
    c = await handle.query(checklistQuery);
    if ('refused' in step) {
      io.print(`${mark('failed', io.colour)} ${localizeText(lang, step.refused)}\n`);
      return false;
    }
    io.print(describeStep(step, io.colour, lang));
    return step.status === 'ok' || step.status === 'skipped';
  };

  // A live pair: confirm the credentials again (the documented way to confirm a fix) and show where it stands.
  if (c.goLive?.status === 'live' || (opts.cancelGoLive && c.goLive?.status === 'scheduled')) {
    if (opts.cancelGoLive && c.goLive?.status === 'scheduled') {
      const r = await update(() => handle.executeUpdate(cancelGoLiveUpdate));
      c = await handle.query(checklistQuery);
      io.print('refused' in r ? `${mark('failed', io.colour)} ${localizeText(lang, r.refused)}\n` : `${t(lang, 'onboard.cancelledAt', { at: r.at })}\n`);
      return { code: 'refused' in r ? EXIT.failed : EXIT.ok, checklist: c };
    }
    // --transfers on a live pair: start the transfers named that are not live yet (the tenant file is read again).
    const adding = parseTransfers(opts.transfers);
    let added = true;
    if (c.goLive?.status === 'live' && adding?.length) {
      const r = await update(() => handle.executeUpdate(addTransfersUpdate, { args: [{ transfers: adding }] }));
      added = !('refused' in r);
      io.print('refused' in r ? `${mark('failed', io.colour)} ${localizeText(lang, r.refused)}\n` : `${mark('ok', io.colour)} ${t(lang, 'onboard.live', { schedules: r.schedules.join(', ') || t(lang, 'onboard.live.none') })}\n`);
      c = await handle.query(checklistQuery);
      if (added) io.print(describeStep(stepOf(c, 'registers'), io.colour, lang));
    }
    const ok = (await stepDone(await update(() => handle.executeUpdate(checkCredentialsUpdate)))) && added;
    // Live flows whose credentials stopped working wait in needs-attention; say what to do about them.
    for (const line of stepOf(c, 'credentials').lines.filter((l) => !l.ok)) io.print(`${localizeText(lang, credentialsAdvice(c.tenant, line.message))}\n`);
    io.print(describeChecklist(c, io.colour, lang));
    return { code: ok ? EXIT.ok : EXIT.failed, checklist: c };
  }

  for (;;) {
    const next = nextStep(c);
    if (next === null) break;
    const current = stepOf(c, next);
    if (current.status === 'running') {
      show(t(lang, 'onboard.waitingFor', { step: title(next) }));
      while (stepOf(c, next).status === 'running') {
        await new Promise((r) => setTimeout(r, 1000));
        c = await handle.query(checklistQuery);
      }
      continue;
    }
    switch (next) {
      case 'credentials':
        if (!(await stepDone(await update(() => handle.executeUpdate(checkCredentialsUpdate))))) return fail();
        break;
      case 'permissions':
        if (!(await stepDone(await update(() => handle.executeUpdate(checkPermissionsUpdate))))) return fail();
        break;
      case 'prerequisites': {
        let identityId = opts.identity ?? c.identityId;
        const first = await update(() => handle.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false, ...(identityId ? { identityId } : {}) }] }));
        if (await stepDone(first)) break;
        if ('refused' in first) return fail();
        c = await handle.query(checklistQuery);
        if (c.identityChoices?.length && !identityId) {
          const list = c.identityChoices.map((x, i) => `  ${i + 1}. ${x.company} (${x.id})`).join('\n');
          const answer = await io.ask(`${t(lang, 'onboard.companies')}\n${list}\n${t(lang, 'onboard.whichCompany')}`);
          const picked = answer ? c.identityChoices[Number(answer.trim()) - 1] : undefined;
          if (!picked) {
            io.print(`${t(lang, 'onboard.chooseCompany', { ids: c.identityChoices.map((x) => x.id).join(', ') })}\n`);
            return { code: EXIT.decision, checklist: c };
          }
          identityId = picked.id;
        }
        const creatable = first.lines.filter((l) => !l.ok && l.creatable);
        const blocking = first.lines.filter((l) => !l.ok && !l.creatable && l.item !== 'company (identity)');
        if (blocking.length) return fail();
        let create = false;
        if (creatable.length) {
          create = opts.yes === true || yes(await io.ask(t(lang, 'onboard.createAsk', { systems: [...new Set(creatable.map((l) => l.system))].join(', '), items: creatable.map((l) => l.item).join(', ') })));
          if (!create) {
            io.print(`${t(lang, 'onboard.nothingCreated')}\n`);
            return { code: EXIT.decision, checklist: c };
          }
        }
        if (!(await stepDone(await update(() => handle.executeUpdate(checkPrerequisitesUpdate, { args: [{ create, ...(identityId ? { identityId } : {}) }] }))))) return fail();
        break;
      }
      case 'registers': {
        const registers = opts.registers !== undefined ? opts.registers.split(',').map((r) => r.trim()).filter(Boolean) : Object.keys(c.registersConfigured ?? {});
        const directions = Object.fromEntries((opts.direction ?? []).map((d) => d.split('=').map((x) => x.trim()) as [string, string]));
        const transfers = parseTransfers(opts.transfers);
        if (!(await stepDone(await update(() => handle.executeUpdate(confirmRegistersUpdate, { args: [{ registers, directions, ...(transfers ? { transfers } : {}) }] }))))) return fail();
        break;
      }
      case 'migrations': {
        if (!c.planned) {
          show(t(lang, 'onboard.planTitle'));
          const plan = await update(() => handle.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: true }] }));
          c = await handle.query(checklistQuery);
          if ('refused' in plan) return (io.print(`${mark('failed', io.colour)} ${localizeText(lang, plan.refused)}\n`), fail());
          io.print(describePlan(c, lang));
          if (!c.planned) return fail();
        }
        const go = opts.yes === true || yes(await io.ask(t(lang, 'onboard.runAsk')));
        if (!go) {
          io.print(`${t(lang, 'onboard.planKept')}\n`);
          return { code: EXIT.decision, checklist: c };
        }
        if (!(await stepDone(await update(() => handle.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: false }] }))))) return fail();
        break;
      }
      case 'go-live': {
        if (c.goLive?.status === 'scheduled') {
          io.print(`${t(lang, 'onboard.scheduledAlready', { at: c.goLive.at })}\n`);
          io.print(describeChecklist(c, io.colour, lang));
          return { code: EXIT.ok, checklist: c };
        }
        let when = opts.goLive;
        if (!when) {
          const answer = await io.ask(t(lang, 'onboard.goLiveAsk'));
          if (answer && /^now$/i.test(answer.trim())) when = 'now';
          else if (answer && /^\d{4}-/.test(answer.trim())) when = answer.trim();
        }
        if (!when) {
          io.print(`${t(lang, 'onboard.notLive')}\n`);
          return { code: EXIT.decision, checklist: c };
        }
        const r = await update(() => handle.executeUpdate(goLiveUpdate, { args: [{ at: when }] }));
        c = await handle.query(checklistQuery);
        if ('refused' in r) return (io.print(`${mark('failed', io.colour)} ${localizeText(lang, r.refused)}\n`), fail());
        io.print(
          r.status === 'live'
            ? `${mark('ok', io.colour)} ${t(lang, 'onboard.live', { schedules: r.schedules.join(', ') || t(lang, 'onboard.live.none') })}\n`
            : r.status === 'scheduled'
              ? `${mark('waiting', io.colour)} ${t(lang, 'onboard.scheduled', { at: r.at })}\n`
              : `${mark('failed', io.colour)} ${t(lang, 'onboard.goLiveFailed', { notes: stepOf(c, 'go-live').notes.map((n) => localizeText(lang, n)).join('; ') })}\n`,
        );
        // The webhooks go-live registered (or why not): activities/shop-webhooks.ts.
        for (const l of stepOf(c, 'go-live').lines.filter((x) => x.item === 'webhooks')) io.print(`${mark(l.ok ? 'ok' : 'failed', io.colour)} ${l.system}: ${lineText(lang, l)}\n`);
        io.print(describeChecklist(c, io.colour, lang));
        return { code: r.status === 'cancelled' ? EXIT.failed : EXIT.ok, checklist: c };
      }
    }
  }
  c = await handle.query(checklistQuery);
  io.print(describeChecklist(c, io.colour, lang));
  return { code: EXIT.ok, checklist: c };

  function fail(): { code: number; checklist: Checklist } {
    io.print(`${t(lang, 'onboard.fix')}\n`);
    return { code: EXIT.failed, checklist: c };
  }
}

const SYMBOLS: Record<StepStatus, [string, 'green' | 'red' | 'gray' | 'yellow']> = {
  ok: ['✔', 'green'],
  failed: ['✖', 'red'],
  pending: ['○', 'gray'],
  running: ['…', 'yellow'],
  skipped: ['↷', 'gray'],
  waiting: ['⏱', 'yellow'],
};

export function mark(status: StepStatus, colour: boolean): string {
  const [symbol, name] = SYMBOLS[status];
  return colours(colour)[name](symbol);
}

/** A check line in the reader's language: its key when it has one, else its English text with known sentences put in the language. */
export function lineText(lang: Lang, l: CheckLine): string {
  return l.msg && lang !== 'en' ? tl(lang, l.msg) : localizeText(lang, l.message);
}

export function describeStep(step: Step, colour = false, lang: Lang = 'en'): string {
  const out = [`${mark(step.status, colour)} ${t(lang, stepTitleKey(step.name))}`];
  for (const l of step.lines) out.push(`    ${mark(l.ok ? 'ok' : 'failed', colour)} ${l.system.padEnd(10)} ${l.item ? `${l.item}: ` : ''}${lineText(lang, l)}`);
  for (const n of step.notes) out.push(`    ${localizeText(lang, n)}`);
  return `${out.join('\n')}\n`;
}

export function describeChecklist(c: Checklist, colour = false, lang: Lang = 'en'): string {
  const lines = [t(lang, 'onboard.checklist', { pair: c.pair, tenant: c.tenant })];
  for (const s of c.steps) lines.push(`  ${mark(s.status, colour)} ${t(lang, stepTitleKey(s.name))}${s.name === 'go-live' && c.goLive ? ` (${c.goLive.status} ${c.goLive.at})` : ''}`);
  return `${lines.join('\n')}\n`;
}

function describePlan(c: Checklist, lang: Lang = 'en'): string {
  const out: string[] = [];
  for (const m of c.migrations.filter((x) => x.dryRun)) {
    out.push(`  ${m.register} ${m.direction}: ${localizeText(lang, m.summary)}`);
    for (const e of m.entries ?? []) out.push(`      ${e.action.padEnd(9)} ${e.key ?? e.sourceId}${e.name ? ` ${e.name}` : ''}${e.reason ? ` — ${e.reason}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
