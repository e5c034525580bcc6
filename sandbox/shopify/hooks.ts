import { createHmac, randomUUID } from 'node:crypto';
import type { SandboxContext } from '../kit/server';
import { APP_SECRET, SHOP_DOMAIN } from './wire';

export interface ShopifyWebhookRecord {
  [k: string]: unknown;
  id: number;
  address: string;
  topic: string;
  format: 'json';
  api_version: string;
  created_at: string;
  updated_at: string;
}

export const TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/delete',
  'app/uninstalled',
] as const;

export const renderWebhook = (w: ShopifyWebhookRecord) => ({
  id: w.id,
  address: w.address,
  topic: w.topic,
  created_at: w.created_at,
  updated_at: w.updated_at,
  format: w.format,
  fields: [],
  metafield_namespaces: [],
  api_version: w.api_version,
  private_metafield_namespaces: [],
});

/**
 * One event, delivered to every subscription of its topic. The event id is shared by all of them and, with the
 * webhook id, stays the same on every retry: Shopify resends the original payload (docs/wire/shopify.md, "Webhooks"). The kit's
 * sender retries on its (scaled-down) schedule and now and then sends a success twice.
 */
export function emit(ctx: SandboxContext, topic: string, order: Record<string, unknown>): void {
  const eventId = randomUUID();
  const triggeredAt = new Date().toISOString();
  const body = JSON.stringify(order);
  const hmac = createHmac('sha256', APP_SECRET).update(body, 'utf8').digest('base64');
  for (const sub of ctx.store.list<ShopifyWebhookRecord>('webhooks')) {
    if (sub.topic !== topic) continue;
    ctx.webhooks.send(topic, {
      url: sub.address,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': hmac,
        'x-shopify-shop-domain': SHOP_DOMAIN,
        'x-shopify-api-version': sub.api_version,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': eventId,
        'x-shopify-triggered-at': triggeredAt,
      },
      body,
    }, {
      // After the last retry fails, Shopify deletes a subscription that was made through the Admin API
      // (docs/wire/shopify.md, "Webhooks").
      onGiveUp: () => void ctx.store.remove('webhooks', (w) => (w as ShopifyWebhookRecord).id === sub.id),
    });
  }
}
