import { z } from 'zod';
import { SeededRandom } from './random';

/**
 * Outgoing webhooks of a sandbox (Rackbeat, WooCommerce, Shopify): sent after the response that caused them,
 * retried with backoff while the receiver fails, and now and then sent twice, as the real systems warn.
 * Delays are scaled down from the real schedules (hours) so tests see retries within seconds.
 */
export const WebhookPolicy = z.object({
  /** Delay before each retry after a failed delivery; its length is the number of retries. */
  retryDelaysMs: z.array(z.number().int().min(0)).default([200, 500, 1000, 2000, 5000]),
  /** Probability that a successful delivery is sent once more. */
  duplicateRate: z.number().min(0).max(1).default(0),
  timeoutMs: z.number().int().positive().default(5000),
});
export type WebhookPolicy = z.infer<typeof WebhookPolicy>;

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryRecord {
  url: string;
  topic: string;
  attempt: number;
  status: number | 'error';
  duplicate: boolean;
  at: string;
  [key: string]: unknown;
}

export interface DeliveryHooks {
  /** After each failed attempt; returning true stops further attempts (e.g. the hook was disabled). */
  onFailure?: () => boolean | void;
  /** After the last attempt failed. */
  onGiveUp?: () => void;
  /** After a delivery the receiver accepted (2xx). */
  onSuccess?: () => void;
}

export class WebhookSender {
  policy: WebhookPolicy = WebhookPolicy.parse({});
  private readonly pending = new Set<Promise<void>>();
  private readonly dice: SeededRandom;

  constructor(
    seed: number,
    private readonly record: (d: DeliveryRecord) => void,
  ) {
    this.dice = new SeededRandom(seed ^ 0x5eed);
  }

  /**
   * Queues a delivery. `onGiveUp` runs when every retry failed (Shopify then deletes the subscription); `onFailure`
   * after each failed attempt (WooCommerce counts failures and disables the hook); `onSuccess` after a 2xx (Rackbeat's
   * `failures_since_last_success` starts again).
   */
  send(
    topic: string,
    message: OutgoingWebhook | (() => OutgoingWebhook),
    hooks: DeliveryHooks = {},
  ): void {
    const task = this.deliver(topic, message, hooks).finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Waits for every queued delivery, retries included (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async deliver(topic: string, message: OutgoingWebhook | (() => OutgoingWebhook), hooks: DeliveryHooks): Promise<void> {
    const delays = this.policy.retryDelaysMs;
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      // Signed anew on each attempt, as the real senders do (a timestamp may be part of the signature).
      const m = typeof message === 'function' ? message() : message;
      const status = await this.post(m);
      this.record({ url: m.url, topic, attempt, status, duplicate: false, at: new Date().toISOString() });
      if (typeof status === 'number' && status >= 200 && status < 300) {
        hooks.onSuccess?.();
        if (this.dice.next() < this.policy.duplicateRate) {
          const again = await this.post(m);
          this.record({ url: m.url, topic, attempt, status: again, duplicate: true, at: new Date().toISOString() });
        }
        return;
      }
      // A hook that returns true stops further attempts (e.g. the webhook was disabled).
      if (hooks.onFailure?.() === true) return;
      if (attempt <= delays.length) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
    }
    hooks.onGiveUp?.();
  }

  private async post(m: OutgoingWebhook): Promise<number | 'error'> {
    try {
      const res = await fetch(m.url, {
        method: 'POST',
        headers: m.headers,
        body: m.body,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 'error';
    }
  }
}
