import type { Localized } from '../i18n';
import { PAIR_NAMES, type PairName } from './sync';

/**
 * Onboarding as data: which pairs a company can be onboarded for, the steps in their order, the checklist the
 * workflow keeps, and the rules that refuse a step taken out of order. Pure: the workflow, the activities, the
 * CLI and the tests all read it.
 *
 * Pairs: the register-sync pairs of domain/sync.ts (`rackbeat-netvisor`, `rackbeat-24so` — which also carries the
 * 24SO → Rackbeat order lifecycle when the tenant has `lifecycle:` settings — and `severa-netvisor`), and the order
 * export of the tenant's shops to one target (`shop-netvisor`, `shop-procountor`: every shop whose `exportTo` is
 * that target).
 */
export const ORDER_EXPORT_PAIRS = ['shop-netvisor', 'shop-procountor'] as const;
export type OrderExportPair = (typeof ORDER_EXPORT_PAIRS)[number];
export type OnboardingPair = PairName | OrderExportPair;
export const ONBOARDING_PAIRS: readonly OnboardingPair[] = [...PAIR_NAMES, ...ORDER_EXPORT_PAIRS];

export const isOrderExportPair = (pair: string): pair is OrderExportPair => (ORDER_EXPORT_PAIRS as readonly string[]).includes(pair);
export const isOnboardingPair = (pair: string): pair is OnboardingPair => (ONBOARDING_PAIRS as readonly string[]).includes(pair);

/** `onboarding/<tenant>/<pair>`: one onboarding per tenant and pair. */
export const onboardingWorkflowId = (tenant: string, pair: string): string => `onboarding/${tenant}/${pair}`;

export const STEPS = ['credentials', 'permissions', 'prerequisites', 'registers', 'migrations', 'go-live'] as const;
export type StepName = (typeof STEPS)[number];

/** The catalog key of a step's title (i18n/messages.ts). */
export const stepTitleKey = (name: StepName) => `onboarding.step.${name}` as const;

export const STEP_TITLES: Record<StepName, string> = {
  credentials: 'Credentials',
  permissions: 'Permissions',
  prerequisites: 'Prerequisites',
  registers: 'Registers and directions',
  migrations: 'Initial migrations',
  'go-live': 'Go-live',
};

/** running: an update is working on the step; waiting: go-live is a timer that has not fired. */
export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'waiting';

/** One line of a step: what was checked in one system, and the precise outcome in that system's terms. */
export interface CheckLine {
  /** `netvisor`, `procountor`, `rackbeat`, `24so`, `severa`, or `shop:<id>`. */
  system: string;
  ok: boolean;
  /** The operator sentence: "OK", the connector's credentials message, the missing right, the missing record. */
  message: string;
  /** The same sentence as a catalog key and parameters (i18n/), for the reader's language; `message` is its English. */
  msg?: Localized;
  /** What the line is about within the system (a resource, a prerequisite), when a system has several lines. */
  item?: string;
  /** Onboarding can create it when the operator agrees (prerequisites only). */
  creatable?: boolean;
}

export interface Step {
  name: StepName;
  status: StepStatus;
  lines: CheckLine[];
  /** Free lines for the operator: a plan summary, a choice to make, what was created. */
  notes: string[];
  at?: string;
}

export interface IdentityChoice {
  id: string;
  company: string;
  current?: boolean;
}

export interface MigrationLine {
  register: string;
  direction: string;
  workflowId: string;
  dryRun: boolean;
  status: 'running' | 'done' | 'skipped' | 'failed';
  summary: string;
  /** Dry run: the first plan lines; real run: the first records not written, with reasons. */
  entries?: Array<{ sourceId: string; key?: string; name?: string; action: string; reason?: string }>;
}

export interface GoLiveState {
  status: 'scheduled' | 'live' | 'cancelled';
  /** ISO instant it was (or is) due. */
  at: string;
  schedules: string[];
}

export interface Checklist {
  tenant: string;
  pair: OnboardingPair;
  /** The systems the pair uses in this tenant (filled when the onboarding has read the tenant's configuration). */
  systems: string[];
  steps: Step[];
  /** When the pair's configuration could not be read (no such connection, unknown tenant). */
  problem?: string;
  /** 24SevenOffice: the identity chosen during prerequisites, and the ones to choose from when none is. */
  identityId?: string;
  identityChoices?: IdentityChoice[];
  /** Register → directions the pair allows, and the direction the tenant file configures (the default). */
  registersAvailable?: Record<string, string[]>;
  registersConfigured?: Record<string, string>;
  /** Confirmed register → direction. */
  registers?: Record<string, string>;
  /** A dry run of the confirmed registers has been shown; the real migrations need it first. */
  planned?: boolean;
  migrations: MigrationLine[];
  goLive?: GoLiveState;
}

export function emptyChecklist(tenant: string, pair: OnboardingPair): Checklist {
  return { tenant, pair, systems: [], steps: STEPS.map((name) => ({ name, status: 'pending', lines: [], notes: [] })), migrations: [] };
}

export const stepOf = (c: Checklist, name: StepName): Step => c.steps.find((s) => s.name === name)!;

const done = (s: Step) => s.status === 'ok' || s.status === 'skipped';

/**
 * Why `name` may not be taken now, in operator words; null when it may. Each step needs the one before it done
 * (ok, or skipped where skipping is allowed); a step already running is refused too. Credentials may always be
 * checked again: that is how a fix (new keys, a restored API user) is confirmed, even after go-live.
 */
export function refuseStep(c: Checklist, name: StepName): string | null {
  if (c.problem) return `onboarding of ${c.pair} for ${c.tenant} cannot go on: ${c.problem}`;
  const index = STEPS.indexOf(name);
  const step = stepOf(c, name);
  if (step.status === 'running') return `${STEP_TITLES[name]} is already running; wait for it (siirto onboard shows the checklist)`;
  if (name === 'credentials') return null;
  for (const before of STEPS.slice(0, index)) {
    const s = stepOf(c, before);
    if (!done(s)) {
      const what = s.status === 'failed' ? 'failed' : s.status === 'running' ? 'is still running' : 'has not been done';
      return `${STEP_TITLES[name]} comes after ${STEP_TITLES[before]}, which ${what}: run ${STEP_TITLES[before].toLowerCase()} first`;
    }
  }
  if (name === 'go-live' && c.goLive?.status === 'live' && step.status !== 'failed') return `${c.pair} for ${c.tenant} is already live (schedules: ${c.goLive.schedules.join(', ') || 'none'})`;
  return null;
}

/** The step an operator should take next, or null when the pair is live. */
export function nextStep(c: Checklist): StepName | null {
  if (c.goLive?.status === 'live' && stepOf(c, 'go-live').status !== 'failed') return null;
  for (const s of c.steps) if (!done(s)) return s.name;
  return null;
}

/** Go-live time: now when absent or past, else the instant; refuses what is not an ISO time. */
export function parseGoLiveAt(at: string | undefined, now: number): { ok: true; at: number } | { ok: false; message: string } {
  if (at === undefined || at === 'now') return { ok: true, at: now };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at)) {
    return { ok: false, message: `go-live time "${at}" is not an ISO time with a zone, such as 2026-12-01T06:00:00Z` };
  }
  const t = Date.parse(at);
  if (Number.isNaN(t)) return { ok: false, message: `go-live time "${at}" is not a valid time` };
  return { ok: true, at: Math.max(t, now) };
}

/**
 * A transfer parked because the other side no longer accepts our credentials (the API user was removed, the key
 * rotated): the failure type the activities give it, and what the operator does about it. Flows do not fail
 * record by record: each affected transfer waits in needs-attention with this reason until it is retried.
 */
export const CREDENTIALS_FAILURE = 'Siirto.credentials';
export const isCredentialsProblem = (failureType: string | undefined | null): boolean => failureType === CREDENTIALS_FAILURE;

export function credentialsAdvice(tenant: string, message: string): string {
  return (
    `${message} The flow is paused: fix the credentials, confirm with "siirto onboard config/${tenant}.yaml" (the credentials check), ` +
    `then retry the paused transfers ("siirto history --tenant ${tenant} --status needs-attention", "siirto retry <transfer>").`
  );
}
