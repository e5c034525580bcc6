import { createHash, createHmac } from 'node:crypto';
import type { DeliveryRecord } from '../kit/webhooks';
import type { SandboxContext } from '../kit/server';
import { gmtDate, siteDate } from './wire';

/** The stored webhook; `secret` and `failure_count` never leave the sandbox through the REST API. */
export interface WooWebhookRecord {
  [k: string]: unknown;
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  delivery_url: string;
  secret: string;
  failure_count: number;
  created: string;
  modified: string;
}

const USER_AGENT = 'WooCommerce/8.9.1 Hookshot (WordPress/6.5.3)';
/**
 * `woocommerce_max_webhook_delivery_failures` (default 5). class-wc-webhook.php `failed_delivery()` disables the hook
 * when a delivery fails while the stored count is already above it, and otherwise adds one: the count stops at 6 and
 * the 7th failure in a row disables the hook (docs/wire/woocommerce.md, "Webhooks").
 */
export const MAX_FAILURES = 5;

const HOOKS: Record<string, string[]> = {
  'order.created': ['woocommerce_new_order'],
  'order.updated': ['woocommerce_update_order', 'woocommerce_order_refunded'],
  'order.deleted': ['wp_trash_post'],
  'order.restored': ['untrashed_post'],
};

export const VALID_TOPIC = /^(order|customer|product|coupon)\.(created|updated|deleted|restored)$|^action\.[\w.-]+$/;

export function renderWebhook(ctx: SandboxContext, w: WooWebhookRecord) {
  const [resource, event] = w.topic.split('.');
  const created = new Date(w.created);
  const modified = new Date(w.modified);
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    hooks: HOOKS[w.topic] ?? [],
    delivery_url: w.delivery_url,
    date_created: siteDate(created),
    date_created_gmt: gmtDate(created),
    date_modified: siteDate(modified),
    date_modified_gmt: gmtDate(modified),
    _links: {
      self: [{ href: `${ctx.url}/wp-json/wc/v3/webhooks/${w.id}` }],
      collection: [{ href: `${ctx.url}/wp-json/wc/v3/webhooks` }],
    },
  };
}

const signature = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/**
 * Failed deliveries since this hook's last success (pings and duplicates do not count). The kit records deliveries
 * by URL, so two hooks with the same delivery URL share one count here.
 */
function consecutiveFailures(ctx: SandboxContext, hook: WooWebhookRecord): number {
  const records = ctx.store
    .list<DeliveryRecord>('webhookDeliveries')
    .filter((d) => d.url === hook.delivery_url && d.topic !== 'ping' && !d.duplicate);
  let n = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    const s = records[i].status;
    if (typeof s === 'number' && s >= 200 && s <= 302) break;
    n++;
  }
  return n;
}

/**
 * Delivers an order topic to every active hook subscribed to it. WooCommerce does not retry a failed delivery; it
 * counts it and disables the hook once the count is past MAX_FAILURES (docs/wire/woocommerce.md, "Webhooks").
 * Success is 200–302.
 */
export function deliverOrderTopic(ctx: SandboxContext, topic: string, order: Record<string, unknown>): void {
  const body = JSON.stringify(order);
  const [resource, event] = topic.split('.');
  for (const hook of ctx.store.list<WooWebhookRecord>('webhooks')) {
    if (hook.status !== 'active' || hook.topic !== topic) continue;
    const deliveryId = createHash('sha1').update(`${hook.id}:${Date.now()}:${Math.random()}`).digest('hex');
    ctx.webhooks.send(
      topic,
      {
        url: hook.delivery_url,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-wc-webhook-source': `${ctx.url}/`,
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-resource': resource,
          'x-wc-webhook-event': event,
          'x-wc-webhook-signature': signature(hook.secret, body),
          'x-wc-webhook-id': String(hook.id),
          'x-wc-webhook-delivery-id': deliveryId,
        },
        body,
      },
      {
        onFailure: () => {
          const before = consecutiveFailures(ctx, hook) - 1;
          if (before > MAX_FAILURES) hook.status = 'disabled';
          else hook.failure_count = before + 1;
          return true; // no automatic retry in WooCommerce
        },
      },
    );
  }
}

/**
 * The ping sent when a hook is created active: a form body, no X-WC-* headers, sent once (never duplicated or
 * retried, and its failure is not counted), so it bypasses the kit's sender.
 */
export function sendPing(ctx: SandboxContext, hook: WooWebhookRecord): void {
  const record = (status: number | 'error') =>
    ctx.store.insert('webhookDeliveries', { url: hook.delivery_url, topic: 'ping', attempt: 1, status, duplicate: false, at: new Date().toISOString() });
  fetch(hook.delivery_url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
    body: `webhook_id=${hook.id}`,
    signal: AbortSignal.timeout(ctx.webhooks.policy.timeoutMs),
  }).then(
    async (res) => {
      await res.arrayBuffer();
      record(res.status);
    },
    () => record('error'),
  );
}
