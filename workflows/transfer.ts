import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SiirtoStatus, SiirtoTargetId, type TransferStatus } from './search-attributes';

// Pausing and resuming Schedules is a courtesy to the API, not the transfer's work: a few quick tries at most.
const { pauseSchedulesForCredentials, resumeSchedulesAfterCredentials } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * What every transfer workflow shares: its status as a search attribute and a one-line memo, a `status` query,
 * and the needs-attention loop — a step that cannot succeed parks the transfer until an operator decides to retry
 * it (after fixing the cause) or to skip it. Nothing is dropped silently:
 *
 * - `retryTransfer` / `skipTransfer` are Updates (what `siirto retry|skip` sends): the validator refuses, with a
 *   sentence, unless the transfer is waiting for an operator, so the caller always gets a definite answer.
 * - `retry` / `skip` are the same decisions as signals, for the Temporal UI. A signal that arrives while the
 *   transfer is not waiting for an operator is queued (shown in the status and memo) and applied when it next parks;
 *   if the transfer goes through instead, the queued decision is recorded as not needed.
 * - A rate limit that closes the API for a while (24SevenOffice's quarantine) is waited out with a durable timer to
 *   the time the API named, then the step runs again: no ticket for an operator, and no calls during the wait.
 */
export interface RetryArgs {
  by?: string;
  note?: string;
}
export interface SkipArgs {
  by?: string;
  reason?: string;
}
export const retrySignal = defineSignal<[RetryArgs?]>('retry');
export const skipSignal = defineSignal<[SkipArgs?]>('skip');

/** What a retry or skip Update answers once accepted. */
export interface DecisionResult {
  transfer: string;
  action: 'retry' | 'skip';
  step: string;
  previousError?: string;
}
export const retryUpdate = defineUpdate<DecisionResult, [RetryArgs]>('retryTransfer');
export const skipUpdate = defineUpdate<DecisionResult, [SkipArgs]>('skipTransfer');

export interface QueuedDecision {
  action: 'retry' | 'skip';
  by?: string;
  text?: string;
  /** Workflow time the signal arrived (ISO). */
  at: string;
}

export interface TransferState {
  status: TransferStatus;
  step: string;
  summary: string;
  attempts: number;
  error?: { message: string; type?: string };
  targetId?: string;
  /** While the transfer sits out a rate limit: the system's sentence and until when (ISO). Status stays running. */
  waiting?: { for: 'rate-limit'; system?: string; until: string; message: string };
  /** A retry or skip signal that arrived while the transfer was not waiting for an operator. */
  queued?: QueuedDecision;
  /** What became of the latest operator decision. */
  lastDecision?: { action: 'retry' | 'skip'; at: string; outcome: string };
}
export const statusQuery = defineQuery<TransferState>('status');

/** How a rate-limit failure says until when the API is closed (set by activities/failures.ts). */
interface RateLimitDetails {
  system?: string;
  until?: string;
}

const SYSTEM_NAMES: Record<string, string> = { '24so': '24SevenOffice', netvisor: 'Netvisor', procountor: 'Procountor', rackbeat: 'Rackbeat', severa: 'Visma Severa', woocommerce: 'WooCommerce', shopify: 'Shopify' };
/** The shortest wait between two tries after a rate limit, so that a "closed until" in the past is not hammered. */
const MIN_RATE_LIMIT_WAIT_MS = 1000;

export class Transfer {
  readonly state: TransferState = { status: 'running', step: 'start', summary: '', attempts: 1 };
  private decision: QueuedDecision | null = null;
  /** The system whose credentials failed, while this transfer holds the tenant's Schedules paused for it. */
  private pausedFor: string | null = null;

  /**
   * `tenant`, when given, lets a credentials failure pause the tenant's Schedules that use the same system (they
   * would only fail record by record), and a later success — or the operator skipping this transfer — resume them.
   */
  constructor(
    private readonly describe: string,
    private readonly tenant?: string,
  ) {
    this.state.summary = describe;
    setHandler(statusQuery, () => this.state);
    setHandler(retrySignal, (arg) => this.signalled({ action: 'retry', by: arg?.by, text: arg?.note, at: now() }));
    setHandler(skipSignal, (arg) => this.signalled({ action: 'skip', by: arg?.by, text: arg?.reason, at: now() }));
    setHandler(retryUpdate, (arg) => this.decide({ action: 'retry', by: arg?.by, text: arg?.note, at: now() }), { validator: (_arg: RetryArgs) => this.validate('retry') });
    setHandler(skipUpdate, (arg) => this.decide({ action: 'skip', by: arg?.by, text: arg?.reason, at: now() }), { validator: (_arg: SkipArgs) => this.validate('skip') });
    this.publish();
  }

  step(name: string): void {
    this.state.step = name;
  }

  target(id: string): void {
    this.state.targetId = id;
    upsertSearchAttributes([{ key: SiirtoTargetId, value: id }]);
  }

  /** Long-lived entities go on after a skipped item: back to running. */
  resume(): void {
    this.state.status = 'running';
    this.state.error = undefined;
    this.publish();
  }

  done(summary: string): void {
    this.state.status = 'done';
    this.state.summary = summary;
    this.state.error = undefined;
    this.publish();
  }

  /** True while the transfer is parked and no decision has been taken yet: only then can an operator decide. */
  private get waitingForOperator(): boolean {
    return this.state.status === 'needs-attention' && this.decision === null;
  }

  /** The sentence an operator reads when a retry or skip comes at the wrong moment. */
  private notWaitingSentence(): string {
    const id = workflowInfo().workflowId;
    if (this.state.status === 'needs-attention') return `${id} already has a decision (${this.decision?.action}) being applied, not waiting for an operator`;
    if (this.state.status === 'running' && this.state.waiting) {
      return `${id} is waiting for the ${systemName(this.state.waiting.system)} rate limit until ${this.state.waiting.until} (step ${this.state.step}), not for an operator`;
    }
    if (this.state.status === 'running') return `${id} is running (step ${this.state.step}), not waiting for an operator`;
    return `${id} is ${this.state.status}, not waiting for an operator`;
  }

  private validate(action: 'retry' | 'skip'): void {
    if (!this.waitingForOperator) throw new Error(`${this.notWaitingSentence()}: nothing to ${action}`);
  }

  /** Update handler: the validator already made sure the transfer is waiting. */
  private decide(decision: QueuedDecision): DecisionResult {
    const result: DecisionResult = { transfer: workflowInfo().workflowId, action: decision.action, step: this.state.step, previousError: this.state.error?.message };
    this.take(decision);
    return result;
  }

  /** Signal handler: applied now when parked, otherwise kept until the transfer next parks. */
  private signalled(decision: QueuedDecision): void {
    if (this.waitingForOperator) {
      this.take(decision);
      return;
    }
    // Histories from before queueing dropped such a signal; they replay as they ran.
    if (!patched('siirto-queued-decisions')) return;
    this.state.queued = decision;
    this.publish();
  }

  private take(decision: QueuedDecision): void {
    this.decision = decision;
    if (decision.action === 'skip') {
      const message = this.state.error?.message ?? '';
      this.state.error = { ...(this.state.error ?? {}), message: `${message} (skipped${decision.text ? `: ${decision.text}` : ''})` };
    }
  }

  /**
   * Runs `body` until it succeeds or the operator skips. Returns false when skipped.
   * A rate limit that names when the API opens again is waited out; any other activity failure that exhausted its
   * retries (or was non-retryable) parks the transfer.
   */
  async runUntilDone(body: () => Promise<void>): Promise<boolean> {
    for (;;) {
      try {
        await body();
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
        if (await this.waitOutRateLimit(cause)) continue;
        // Cleared before the status is published, so a retry or skip sent from then on is never lost.
        this.decision = null;
        this.state.status = 'needs-attention';
        this.state.error = { message: cause?.message ?? err.cause?.message ?? err.message, type: cause?.type ?? undefined };
        this.state.summary = `${this.describe}: needs attention at ${this.state.step}: ${this.state.error.message}`;
        const queued = this.state.queued;
        if (queued) {
          this.state.queued = undefined;
          this.take(queued);
        }
        this.publish();
        if (this.decision === null) await this.pauseForCredentials(cause);
        await condition(() => this.decision !== null);
        const decision = this.decision!;
        this.state.lastDecision = { action: decision.action, at: decision.at, outcome: `applied at ${this.state.step}` };
        if (decision.action === 'skip') {
          if (this.pausedFor && patched('siirto-skip-resumes-schedules')) {
            await this.resumeAfterCredentials(`${workflowInfo().workflowId}, which paused it for the ${this.pausedFor} credentials, was skipped`);
          }
          this.state.status = 'skipped';
          this.state.summary = `${this.describe}: skipped at ${this.state.step}`;
          this.publish();
          return false;
        }
        this.state.attempts++;
        this.state.status = 'running';
        this.publish();
        continue;
      }
      if (this.state.queued) {
        this.state.lastDecision = { action: this.state.queued.action, at: this.state.queued.at, outcome: 'not needed: the transfer went through' };
        this.state.queued = undefined;
        this.publish();
      }
      await this.resumeAfterCredentials();
      return true;
    }
  }

  /** Sleeps (a durable timer) until the time a rate-limit failure names; false when the failure is not one. */
  private async waitOutRateLimit(cause: ApplicationFailure | undefined): Promise<boolean> {
    const details = cause?.details?.[0] as RateLimitDetails | undefined;
    if (cause?.type !== 'Siirto.rate-limit' || !details?.until) return false;
    const until = Date.parse(details.until);
    if (!Number.isFinite(until) || !patched('siirto-rate-limit-wait')) return false;
    this.state.waiting = { for: 'rate-limit', system: details.system, until: new Date(until).toISOString(), message: cause.message };
    this.state.summary = `${this.describe}: waiting for the ${systemName(details.system)} rate limit until ${this.state.waiting.until} at ${this.state.step}`;
    this.publish();
    await sleep(Math.max(MIN_RATE_LIMIT_WAIT_MS, until - Date.now() + MIN_RATE_LIMIT_WAIT_MS));
    this.state.waiting = undefined;
    this.state.summary = this.describe;
    this.publish();
    return true;
  }

  private async resumeAfterCredentials(because?: string): Promise<void> {
    if (!this.pausedFor || !this.tenant) return;
    try {
      await resumeSchedulesAfterCredentials({ tenant: this.tenant, system: this.pausedFor, ...(because ? { because } : {}) });
      this.pausedFor = null;
    } catch {
      // The Schedules stay paused with their note (`siirto history` lists them); an operator can unpause them.
    }
  }

  private async pauseForCredentials(cause: ApplicationFailure | undefined): Promise<void> {
    const system = (cause?.details?.[0] as { system?: string } | undefined)?.system;
    if (!this.tenant || cause?.type !== 'Siirto.credentials' || !system) return;
    try {
      await pauseSchedulesForCredentials({ tenant: this.tenant, system, reason: cause.message });
      this.pausedFor = system;
    } catch {
      // Pausing is a courtesy to the API; the transfer is parked either way.
    }
  }

  private publish(): void {
    upsertSearchAttributes([{ key: SiirtoStatus, value: this.state.status }]);
    upsertMemo({
      summary: this.state.summary,
      error: this.state.error?.message ?? null,
      waitingUntil: this.state.waiting?.until ?? null,
      queued: this.state.queued ? `${this.state.queued.action} signalled at ${this.state.queued.at}: applies when the transfer next needs attention` : null,
    });
  }
}

const now = (): string => new Date().toISOString();
const systemName = (system: string | undefined): string => (system ? (SYSTEM_NAMES[system] ?? system) : 'API');
