import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
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
 * and the needs-attention loop — a step that cannot succeed parks the transfer until an operator sends `retry`
 * (after fixing the cause) or `skip`. Nothing is dropped silently.
 */
export const retrySignal = defineSignal<[{ by?: string; note?: string }?]>('retry');
export const skipSignal = defineSignal<[{ by?: string; reason?: string }?]>('skip');

export interface TransferState {
  status: TransferStatus;
  step: string;
  summary: string;
  attempts: number;
  error?: { message: string; type?: string };
  targetId?: string;
}
export const statusQuery = defineQuery<TransferState>('status');

export class Transfer {
  readonly state: TransferState = { status: 'running', step: 'start', summary: '', attempts: 1 };
  private decision: 'retry' | 'skip' | null = null;
  /** The system whose credentials failed, while this transfer holds the tenant's Schedules paused for it. */
  private pausedFor: string | null = null;

  /**
   * `tenant`, when given, lets a credentials failure pause the tenant's Schedules that use the same system (they
   * would only fail record by record), and a later success resume them.
   */
  constructor(
    private readonly describe: string,
    private readonly tenant?: string,
  ) {
    this.state.summary = describe;
    setHandler(statusQuery, () => this.state);
    setHandler(retrySignal, () => {
      if (this.state.status === 'needs-attention') this.decision = 'retry';
    });
    setHandler(skipSignal, (arg) => {
      if (this.state.status === 'needs-attention') {
        this.decision = 'skip';
        this.state.error = { ...(this.state.error ?? { message: '' }), message: `${this.state.error?.message ?? ''} (skipped${arg?.reason ? `: ${arg.reason}` : ''})` };
      }
    });
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

  /**
   * Runs `body` until it succeeds or the operator skips. Returns false when skipped.
   * Any activity failure that exhausted its retries (or was non-retryable) parks the transfer.
   */
  async runUntilDone(body: () => Promise<void>): Promise<boolean> {
    for (;;) {
      try {
        await body();
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
        // Cleared before the status is published, so a retry or skip sent from then on is never lost.
        this.decision = null;
        this.state.status = 'needs-attention';
        this.state.error = { message: cause?.message ?? err.cause?.message ?? err.message, type: cause?.type ?? undefined };
        this.state.summary = `${this.describe}: needs attention at ${this.state.step}: ${this.state.error.message}`;
        this.publish();
        await this.pauseForCredentials(cause);
        await condition(() => this.decision !== null);
        if (this.decision === 'skip') {
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
      await this.resumeAfterCredentials();
      return true;
    }
  }

  private async resumeAfterCredentials(): Promise<void> {
    if (!this.pausedFor || !this.tenant) return;
    try {
      await resumeSchedulesAfterCredentials({ tenant: this.tenant, system: this.pausedFor });
      this.pausedFor = null;
    } catch {
      // The Schedules stay paused with their note; an operator can unpause them in the UI.
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
    upsertMemo({ summary: this.state.summary, error: this.state.error?.message ?? null });
  }
}
