import type { ShopifyClient } from './client';
import { ShopifyWebhookEnvelope, ShopifyWebhooksEnvelope, type ShopifyWebhook } from './schemas';
import { z } from 'zod';

export interface WebhookSpec {
  /** e.g. "orders/create", "orders/paid". */
  topic: string;
  /** The HTTPS address Shopify posts to. */
  address: string;
}

export interface WebhookFilter {
  topic?: string;
  address?: string;
}

export async function listWebhooks(api: ShopifyClient, filter: WebhookFilter): Promise<ShopifyWebhook[]> {
  const { data } = await api.request(
    { method: 'GET', path: 'webhooks.json', resource: 'webhooks', query: { topic: filter.topic, address: filter.address, limit: 250 } },
    ShopifyWebhooksEnvelope,
  );
  return data.webhooks;
}

export async function createWebhook(api: ShopifyClient, spec: WebhookSpec): Promise<ShopifyWebhook> {
  const { data } = await api.request(
    { method: 'POST', path: 'webhooks.json', resource: 'webhook', body: { webhook: { topic: spec.topic, address: spec.address, format: 'json' } } },
    ShopifyWebhookEnvelope,
  );
  return data.webhook;
}

export async function deleteWebhook(api: ShopifyClient, id: number): Promise<void> {
  await api.request({ method: 'DELETE', path: `webhooks/${id}.json`, resource: `webhook ${id}` }, z.object({}));
}

/**
 * Looks before it creates. Shopify itself refuses a second subscription with the same topic and address (422
 * "has already been taken"), which the client reports as a conflict; looking first avoids relying on that.
 */
export async function ensureWebhook(api: ShopifyClient, spec: WebhookSpec): Promise<{ webhook: ShopifyWebhook; created: boolean }> {
  const existing = (await listWebhooks(api, { topic: spec.topic })).find((w) => w.address === spec.address);
  if (existing) return { webhook: existing, created: false };
  return { webhook: await createWebhook(api, spec), created: true };
}
