import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  executeChild,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TransferOffer } from '../activities/onboarding';
import type { CheckLine, Checklist, GoLiveState, MigrationLine, OnboardingPair, Step, StepName } from '../domain/onboarding';
import { emptyChecklist, isOrderExportPair, parseGoLiveAt, refuseStep, stepOf } from '../domain/onboarding';
import { checkRoute, type PairName, type RegisterName } from '../domain/sync';
import { apiCall, pagingCall } from './profiles';
import { migrateRegister, migrationWorkflowId, type RegisterMigrationInput } from './register-migration';
import { SiirtoEntity, SiirtoFlow, SiirtoStatus, SiirtoTenant } from './search-attributes';

/**
 * The checklist with the transfers the tenant file configures besides the register sync (stock levels Netvisor →
 * shop with shop-netvisor, invoices Rackbeat → 24SO/Netvisor with the invoice target's pair): offered in the
 * registers-and-directions step, and the ones chosen there get their Schedules at go-live.
 */
export type OnboardingChecklist = Checklist & {
  /** What the tenant file offers (activities/onboarding.ts pairTransfers); absent in onboardings from before. */
  transfersAvailable?: TransferOffer[];
  /** The transfer ids confirmed in the registers step; absent until then (and in onboardings from before). */
  transfers?: string[];
};

/**
 * `onboarding/<tenant>/<pair>`: a company's onboarding for one pair as a long-lived entity. Its state is the
 * checklist (the `checklist` query); each step is an update the CLI sends (`siirto onboard`), validated so that a
 * step taken out of order is refused with the reason; an operator may stop and come back days later, since the
 * workflow only waits. A later go-live is a durable timer that `cancelGoLive` stops. After go-live the workflow
 * stays, so that `checkCredentials` can confirm a fix when the other side revokes the credentials.
 */
export interface OnboardingInput {
  tenant: string;
  pair: OnboardingPair;
  /** The task queue the flows' Schedules start their workflows on (the worker's, by default this one). */
  taskQueue?: string;
  /** Carried over continue-as-new. */
  checklist?: OnboardingChecklist;
  /** Continue-as-new past this many history events even before the server suggests it (default 5000; tests use less). */
  historyBudget?: number;
  /** Passed to the migration children (tests use short heartbeats). */
  migrationTuning?: RegisterMigrationInput['tuning'];
}

export interface PrerequisitesArgs {
  /** Create what is missing (the operator agreed). */
  create: boolean;
  /** 24SevenOffice: the company (identity) to work in, when the login sees several. */
  identityId?: string;
}

export interface RegistersArgs {
  /** The registers to migrate and sync; none for order export. */
  registers: string[];
  /** Register → direction, e.g. { customers: 'rackbeat-to-netvisor' }; the tenant file's direction otherwise. */
  directions?: Record<string, string>;
  /** The transfers to go live with (`stock:<shop>`, `invoices`); every one the tenant file offers when absent, none when empty. */
  transfers?: string[];
}

export const checklistQuery = defineQuery<OnboardingChecklist>('checklist');
export const checkCredentialsUpdate = defineUpdate<Step, []>('checkCredentials');
export const checkPermissionsUpdate = defineUpdate<Step, []>('checkPermissions');
export const checkPrerequisitesUpdate = defineUpdate<Step, [PrerequisitesArgs]>('checkPrerequisites');
export const confirmRegistersUpdate = defineUpdate<Step, [RegistersArgs]>('confirmRegisters');
export const runMigrationsUpdate = defineUpdate<Step, [{ dryRun: boolean }]>('runMigrations');
export const goLiveUpdate = defineUpdate<GoLiveState, [{ at?: string }]>('goLive');
export const cancelGoLiveUpdate = defineUpdate<GoLiveState, []>('cancelGoLive');
/** A live pair: start transfers the tenant file offers (read again, so one added to the file since go-live counts). */
export const addTransfersUpdate = defineUpdate<GoLiveState, [{ transfers: string[] }]>('addTransfers');

const checks = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  // A check reports a system that stays down within a minute instead of retrying for half an hour.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 4 },
});
const writes = proxyActivities<Activities>({ ...apiCall, startToCloseTimeout: '10m' });
/** Prerequisite checks may page through a register (Netvisor documents in the numbering range) and heartbeat meanwhile. */
const scans = proxyActivities<Activities>({ ...pagingCall, startToCloseTimeout: '15m', retry: { ...pagingCall.retry, maximumAttempts: 4 } });

const MAX_PLAN_LINES = 20;

export async function onboarding(input: OnboardingInput): Promise<void> {
  const c: OnboardingChecklist = input.checklist ?? emptyChecklist(input.tenant, input.pair);
  const taskQueue = input.taskQueue ?? workflowInfo().taskQueue;
  let described = c.systems.length > 0 || c.problem !== undefined;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyBudget ?? 5000);

  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'onboarding' },
    { key: SiirtoEntity, value: input.pair },
  ]);
  const publish = () => {
    const failed = c.steps.filter((s) => s.status === 'failed');
    const status = c.problem || failed.length ? 'needs-attention' : c.goLive?.status === 'live' ? 'done' : 'running';
    upsertSearchAttributes([{ key: SiirtoStatus, value: status }]);
    const where = c.steps.map((s) => `${s.name} ${s.status}`).join(', ');
    const firstProblem = c.problem ?? failed[0]?.lines.find((l) => !l.ok)?.message ?? failed[0]?.notes[0] ?? null;
    upsertMemo({ summary: `onboarding ${input.pair} for ${input.tenant}: ${where}`, problem: firstProblem });
  };

  setHandler(checklistQuery, () => c);

  const begin = (name: StepName): Step => {
    const step = stepOf(c, name);
    step.status = 'running';
    step.at = new Date().toISOString();
    publish();
    return step;
  };
  const finish = (step: Step, lines: CheckLine[], notes: string[] = []): Step => {
    step.lines = lines;
    step.notes = notes;
    step.status = lines.every((l) => l.ok) ? 'ok' : 'failed';
    publish();
    return step;
  };
  /** An activity that failed after its retries: the step failed, with the reason, and may be run again. */
  const failed = (step: Step, err: unknown): Step => {
    if (!(err instanceof ActivityFailure)) throw err;
    const message = err.cause?.message ?? err.message;
    step.status = 'failed';
    step.notes = [message];
    publish();
    return step;
  };
  const validate = (name: StepName) => () => {
    const refusal = refuseStep(c, name);
    if (refusal) throw new Error(refusal);
  };

  setHandler(
    checkCredentialsUpdate,
    async () => {
      // The first update may come before the tenant's configuration has been read.
      await condition(() => described);
      const step = begin('credentials');
      if (c.problem) {
        step.status = 'failed';
        step.notes = [c.problem];
        publish();
        return step;
      }
      try {
        const results = await Promise.all(c.systems.map((system) => checks.checkCredentials(input.tenant, system)));
        return finish(step, results.map((r, i) => ({ system: c.systems[i], ok: r.ok, message: r.message, ...(r.msg ? { msg: r.msg } : {}) })));
      } catch (err) {
        return failed(step, err);
      }
    },
    { validator: validate('credentials') },
  );

  setHandler(
    checkPermissionsUpdate,
    async () => {
      const step = begin('permissions');
      try {
        const lines: CheckLine[] = [];
        for (const system of c.systems) lines.push(...(await checks.checkPermissions(input.tenant, input.pair, system)));
        return finish(step, lines);
      } catch (err) {
        return failed(step, err);
      }
    },
    { validator: validate('permissions') },
  );

  setHandler(
    checkPrerequisitesUpdate,
    async (args) => {
      const step = begin('prerequisites');
      try {
        const ask = { tenant: input.tenant, pair: input.pair, identityId: args.identityId ?? c.identityId };
        let result = await scans.checkPrerequisites(ask);
        const notes: string[] = [];
        const missing = result.lines.filter((l) => !l.ok && l.creatable);
        if (args.create && missing.length) {
          result = await scans.createPrerequisites(ask);
          notes.push(`created: ${result.lines.filter((l) => l.message === 'created').map((l) => l.item).join(', ') || 'nothing (already there)'}`);
        } else if (missing.length) {
          notes.push(`missing and creatable: ${missing.map((l) => l.item).join(', ')} (run again with create to create them)`);
        }
        if (result.identityId) c.identityId = result.identityId;
        c.identityChoices = result.identityChoices;
        if (result.identityChoices?.length) notes.push(`choose the 24SevenOffice company: ${result.identityChoices.map((i) => `${i.id} (${i.company})`).join(', ')}`);
        return finish(step, result.lines, notes);
      } catch (err) {
        return failed(step, err);
      }
    },
    { validator: (args) => (validate('prerequisites')(), checkArgs(args)) },
  );

  setHandler(
    confirmRegistersUpdate,
    async (args) => {
      const step = begin('registers');
      c.registers = resolveDirections(c, args);
      c.planned = false;
      c.migrations = [];
      const entries = Object.entries(c.registers);
      const migrations = stepOf(c, 'migrations');
      if (!entries.length) {
        migrations.status = 'skipped';
        migrations.notes = [isOrderExportPair(input.pair) ? 'order export has no registers to migrate' : 'no registers chosen: nothing to migrate'];
      } else {
        migrations.status = 'pending';
        migrations.notes = [];
        migrations.lines = [];
      }
      // The ongoing sync follows the tenant file (sync.pairs); a register confirmed here but absent there is migrated only.
      const unsynced = entries.filter(([r]) => !c.registersConfigured?.[r]).map(([r]) => r);
      const notes = entries.length ? [] : [migrations.notes[0]];
      if (unsynced.length) notes.push(`not in sync.pairs of config/${input.tenant}.yaml, so migrated but not kept in sync after go-live: ${unsynced.join(', ')}`);
      // An onboarding whose tenant file was read before the transfers were offered (carried over continue-as-new) reads it again.
      if (c.transfersAvailable === undefined && patched('onboarding-transfers-reread')) {
        try {
          const plan = await checks.describeOnboarding(input.tenant, input.pair);
          c.transfersAvailable = 'problem' in plan ? [] : (plan.transfers ?? []);
        } catch (err) {
          return failed(step, err);
        }
      }
      // The stock and invoice transfers the tenant file offers, each chosen or left out; patched: onboardings recorded before replay unchanged.
      const offered = c.transfersAvailable ?? [];
      const transferLines: CheckLine[] = [];
      if (offered.length && patched('onboarding-transfers')) {
        let chosen: string[];
        try {
          chosen = resolveTransfers(c, args);
        } catch (err) {
          step.status = 'failed';
          step.notes = [(err as Error).message];
          publish();
          return step;
        }
        c.transfers = chosen;
        transferLines.push(...transferLinesOf(offered, chosen));
      }
      return finish(
        step,
        [...entries.map(([register, direction]) => ({ system: direction.split('-to-')[1], ok: true, item: register, message: direction })), ...transferLines],
        notes,
      );
    },
    {
      validator: (args) => {
        validate('registers')();
        resolveDirections(c, args);
        resolveTransfers(c, args);
      },
    },
  );

  setHandler(
    runMigrationsUpdate,
    async ({ dryRun }) => {
      const step = begin('migrations');
      const lines: CheckLine[] = [];
      const notes: string[] = [];
      const results: MigrationLine[] = [];
      for (const [register, direction] of Object.entries(c.registers ?? {})) {
        const workflowId = migrationWorkflowId(input.tenant, input.pair, register, dryRun);
        const line: MigrationLine = { register, direction, workflowId, dryRun, status: 'running', summary: 'running' };
        results.push(line);
        c.migrations = [...c.migrations.filter((m) => m.dryRun !== dryRun || m.register !== register), line];
        try {
          const r = await executeChild(migrateRegister, {
            workflowId,
            taskQueue,
            args: [{ tenant: input.tenant, pair: input.pair as PairName, register: register as RegisterName, direction, dryRun, ...(input.migrationTuning ? { tuning: input.migrationTuning } : {}) }],
            // A migration outlives the onboarding run that started it (continue-as-new, cancellation).
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
          const k = r.counts;
          const verb = dryRun ? 'to ' : '';
          line.status = r.status;
          line.summary = `${k.read} read; ${verb}create ${k.create}, ${verb}update ${k.update}, unchanged ${k.unchanged}, conflicts ${k.conflict}, skipped ${k.skip}`;
          line.entries = r.entries.slice(0, MAX_PLAN_LINES).map((e) => ({ sourceId: e.sourceId, key: e.key, name: e.name, action: e.action, reason: e.reason }));
          const ok = r.status === 'done' && (dryRun || k.conflict + k.skip === 0);
          lines.push({ system: direction.split('-to-')[1], ok: r.status === 'done', item: `${register} ${direction}`, message: line.summary });
          if (!ok && !dryRun && r.status === 'done') notes.push(`${register}: ${k.conflict + k.skip} record(s) not written; see ${workflowId} in the Temporal UI`);
        } catch (err) {
          line.status = 'failed';
          const message = (err as Error).name === 'WorkflowExecutionAlreadyStartedError'
            ? `a ${register} migration is already running as ${workflowId} (siirto migrate?); wait for it and run this step again`
            : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
          line.summary = message;
          lines.push({ system: direction.split('-to-')[1], ok: false, item: `${register} ${direction}`, message });
        }
      }
      if (dryRun) {
        c.planned = lines.every((l) => l.ok);
        step.lines = lines;
        step.notes = [c.planned ? 'plan shown: run the migrations for real to go on' : 'the plan could not be made for every register', ...notes];
        step.status = c.planned ? 'pending' : 'failed';
        publish();
        return step;
      }
      return finish(step, lines, notes);
    },
    {
      validator: ({ dryRun }) => {
        validate('migrations')();
        if (!c.registers || !Object.keys(c.registers).length) throw new Error('no registers confirmed: there is nothing to migrate');
        if (!dryRun && !c.planned) throw new Error('show the plan first: run the migrations as a dry run, then for real');
      },
    },
  );

  /** Webhook lines for go-live; a shop that stays unreachable is a failed line (go live again to retry), not a failed go-live. */
  const shopWebhooks = async (): Promise<CheckLine[]> => {
    try {
      return await checks.ensureShopWebhooks(input.tenant, input.pair);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const message = err.cause?.message ?? err.message;
      return [{ system: c.systems[0] ?? input.pair, ok: false, item: 'webhooks', message: `webhooks not registered: ${message} (the reconciliation poll covers the shops meanwhile; run go-live again to retry)` }];
    }
  };

  const goLiveNow = async (): Promise<GoLiveState> => {
    const step = begin('go-live');
    try {
      // Days may have passed since the checks: the credentials must still work when the flows start.
      const creds = await Promise.all(c.systems.map((system) => checks.checkCredentials(input.tenant, system)));
      const refused = creds.map((r, i) => ({ system: c.systems[i], ...r })).filter((r) => !r.ok);
      if (refused.length) {
        const credentials = stepOf(c, 'credentials');
        credentials.status = 'failed';
        credentials.lines = creds.map((r, i) => ({ system: c.systems[i], ok: r.ok, message: r.message, ...(r.msg ? { msg: r.msg } : {}) }));
        credentials.at = new Date().toISOString();
        c.goLive = undefined;
        finish(step, refused.map((r) => ({ system: r.system, ok: false, message: `not live: ${r.message}` })));
        return { status: 'cancelled', at: new Date().toISOString(), schedules: [] };
      }
      // With the transfers chosen in the registers step (their Schedules too); patched: go-live histories recorded before replay unchanged.
      const transfers = c.transfers;
      const schedules =
        transfers !== undefined && patched('onboarding-transfers')
          ? await writes.ensureFlowSchedules(input.tenant, input.pair, taskQueue, transfers)
          : await writes.ensureFlowSchedules(input.tenant, input.pair, taskQueue);
      c.goLive = { status: 'live', at: new Date().toISOString(), schedules };
      // The shops' webhooks (activities/shop-webhooks.ts); patched: go-live histories recorded before it replay unchanged.
      const hooks = patched('go-live-shop-webhooks') ? await shopWebhooks() : [];
      finish(step, [{ system: c.systems[c.systems.length - 1], ok: true, message: `live: ${schedules.length ? schedules.join(', ') : 'no Schedules for this pair (its flows run on webhooks and signals)'}` }, ...hooks]);
    } catch (err) {
      failed(step, err);
      c.goLive = undefined;
    }
    return c.goLive ?? { status: 'cancelled', at: new Date().toISOString(), schedules: [] };
  };

  setHandler(
    goLiveUpdate,
    async ({ at }) => {
      const when = parseGoLiveAt(at, Date.now());
      if (!when.ok) throw ApplicationFailure.nonRetryable(when.message);
      if (when.at <= Date.now()) return goLiveNow();
      c.goLive = { status: 'scheduled', at: new Date(when.at).toISOString(), schedules: [] };
      const step = stepOf(c, 'go-live');
      step.status = 'waiting';
      step.at = new Date().toISOString();
      step.lines = [];
      step.notes = [`go-live scheduled for ${c.goLive.at} (cancel with cancelGoLive)`];
      publish();
      return c.goLive;
    },
    {
      validator: ({ at }) => {
        validate('go-live')();
        if (c.goLive?.status === 'scheduled') throw new Error(`go-live is already scheduled for ${c.goLive.at}; cancel it first`);
        const when = parseGoLiveAt(at, Date.now());
        if (!when.ok) throw new Error(when.message);
      },
    },
  );

  setHandler(
    cancelGoLiveUpdate,
    async () => {
      c.goLive = { ...c.goLive!, status: 'cancelled' };
      const step = stepOf(c, 'go-live');
      step.status = 'pending';
      step.notes = [`go-live planned for ${c.goLive.at} was cancelled`];
      publish();
      return c.goLive;
    },
    {
      validator: () => {
        if (c.goLive?.status !== 'scheduled') throw new Error(`no go-live is scheduled for ${input.pair} of ${input.tenant}`);
      },
    },
  );

  setHandler(
    addTransfersUpdate,
    async ({ transfers }) => {
      // An activity that failed after its retries, or an answer that refuses: the update fails with the reason, the pair stays live.
      const refuse = (err: unknown): never => {
        if (err instanceof ActivityFailure) throw ApplicationFailure.nonRetryable(err.cause?.message ?? err.message);
        throw err;
      };
      const plan = await checks.describeOnboarding(input.tenant, input.pair).catch(refuse);
      if ('problem' in plan) throw ApplicationFailure.nonRetryable(plan.problem);
      const offered = plan.transfers ?? [];
      c.transfersAvailable = offered;
      const unknown = transfers.find((id) => !offered.some((o) => o.id === id));
      if (unknown !== undefined) throw ApplicationFailure.nonRetryable(unknownTransfer(c, unknown));
      const chosen = offered.filter((o) => transfers.includes(o.id) || c.transfers?.includes(o.id)).map((o) => o.id);
      const schedules = await writes.ensureFlowSchedules(input.tenant, input.pair, taskQueue, chosen).catch(refuse);
      c.transfers = chosen;
      c.goLive = { status: 'live', at: c.goLive?.at ?? new Date().toISOString(), schedules };
      const registers = stepOf(c, 'registers');
      registers.lines = [...registers.lines.filter((l) => l.item !== 'stock' && l.item !== 'invoices'), ...transferLinesOf(offered, chosen)];
      const goLive = stepOf(c, 'go-live');
      goLive.lines = [{ system: c.systems[c.systems.length - 1], ok: true, message: `live: ${schedules.join(', ')}` }, ...goLive.lines.filter((l) => l.item === 'webhooks')];
      goLive.at = new Date().toISOString();
      publish();
      return c.goLive;
    },
    {
      validator: ({ transfers }) => {
        if (c.problem) throw new Error(`onboarding of ${c.pair} for ${c.tenant} cannot go on: ${c.problem}`);
        if (c.goLive?.status !== 'live' || stepOf(c, 'go-live').status !== 'ok') {
          throw new Error(`${c.pair} for ${c.tenant} is not live: choose the transfers in the registers step, then go live`);
        }
        if (!Array.isArray(transfers) || !transfers.length || transfers.some((x) => typeof x !== 'string')) {
          throw new Error('addTransfers needs the transfers to start, such as ["stock:woo"]');
        }
      },
    },
  );

  publish();
  if (!described) {
    const plan = await checks.describeOnboarding(input.tenant, input.pair);
    if ('problem' in plan) c.problem = plan.problem;
    else {
      c.systems = plan.systems;
      c.registersAvailable = plan.registers;
      c.registersConfigured = plan.configured;
      // Absent in a result recorded before the transfers were offered: the registers step reads them then.
      c.transfersAvailable = plan.transfers;
    }
    described = true;
    publish();
  }

  for (;;) {
    await condition(() => c.goLive?.status === 'scheduled' || historyFull());
    const planned = c.goLive;
    if (planned?.status === 'scheduled') {
      const dueIn = Math.max(1, Date.parse(planned.at) - Date.now());
      // The durable timer: fires at the go-live time unless cancelled (or re-planned) first.
      const changed = await condition(() => c.goLive !== planned || planned.status !== 'scheduled' || historyFull(), dueIn);
      if (!changed) await goLiveNow();
      else if (c.goLive === planned && planned.status === 'scheduled') {
        // A long wait with many updates: carry the plan (and its due time) into a fresh history.
        await condition(allHandlersFinished);
        await continueAsNew<typeof onboarding>({ ...input, checklist: c });
      }
      continue;
    }
    await condition(allHandlersFinished);
    await continueAsNew<typeof onboarding>({ ...input, checklist: c });
  }
}

function checkArgs(args: PrerequisitesArgs): void {
  if (typeof args?.create !== 'boolean') throw new Error('checkPrerequisites needs { create: true | false }');
  if (args.identityId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args.identityId)) {
    throw new Error(`"${args.identityId}" is not a 24SevenOffice identity id (a GUID)`);
  }
}

const unknownTransfer = (c: OnboardingChecklist, id: string): string =>
  `pair ${c.pair} has no transfer "${id}" in the tenant file: use ${(c.transfersAvailable ?? []).map((o) => o.id).join(', ') || 'none (no stock or invoice transfer for this pair)'}`;

/** One registers-step line per offered transfer: what it does, chosen or left out. */
function transferLinesOf(offered: TransferOffer[], chosen: string[]): CheckLine[] {
  return offered.map((o) => {
    const on = chosen.includes(o.id);
    return { system: o.system, ok: true, item: o.kind, message: on ? o.on : o.off, msg: { key: o.msg.key, params: { ...o.msg.params, chosen: on ? 'yes' : 'no' } } };
  });
}

/** The transfer ids to go live with: the ones named (each offered by the tenant file), or every offered one when none are named. */
function resolveTransfers(c: OnboardingChecklist, args: RegistersArgs): string[] {
  if (args?.transfers !== undefined && args.transfers !== null && !Array.isArray(args.transfers)) throw new Error('confirmRegisters takes transfers as a list, such as ["stock:woo", "invoices"]');
  // Not read yet (see the registers step): the step checks the names once it has.
  if (c.transfersAvailable === undefined) return [];
  const offered = c.transfersAvailable;
  if (args?.transfers === undefined || args.transfers === null) return offered.map((o) => o.id);
  for (const id of args.transfers) {
    if (!offered.some((o) => o.id === id)) throw new Error(unknownTransfer(c, id));
  }
  return offered.filter((o) => args.transfers!.includes(o.id)).map((o) => o.id);
}

/** register → direction for the confirmed registers; throws the operator's reason when one cannot run. */
function resolveDirections(c: Checklist, args: RegistersArgs): Record<string, string> {
  if (!Array.isArray(args?.registers)) throw new Error('confirmRegisters needs { registers: [...] }');
  if (isOrderExportPair(c.pair)) {
    if (args.registers.length) throw new Error(`${c.pair} is order export: it has no registers to migrate (confirm with none)`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const register of args.registers) {
    const allowed = c.registersAvailable?.[register];
    if (!allowed) throw new Error(`pair ${c.pair} has no register "${register}": use ${Object.keys(c.registersAvailable ?? {}).join(', ')}`);
    const direction = args.directions?.[register] ?? c.registersConfigured?.[register] ?? (allowed.length === 1 ? allowed[0] : undefined);
    if (!direction) throw new Error(`choose a direction for ${register}: ${allowed.join(' or ')}`);
    const problem = checkRoute(c.pair, register, direction);
    if (problem) throw new Error(problem);
    out[register] = direction;
  }
  return out;
}

