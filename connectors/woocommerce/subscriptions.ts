import { ConnectorError } from '../kit/errors';
import type { WooCommerceClient } from './client';
import { SYSTEM } from './errors';
import { WooWebhook, WooWebhookList, WooWebhookTopic } from './schemas';

/** A webhook subscription as Siirto wants it (the REST resource `webhooks`, docs/wire/woocommerce.md, "Webhooks"). */
export interface WebhookSpec {
  name: string;
  topic: string;
  deliveryUrl: string;
  secret: string;
}

export async function listWebhooks(api: WooCommerceClient): Promise<WooWebhook[]> {
  const all: WooWebhook[] = [];
  for (let page = 1; ; page++) {
    const { data, headers } = await api.request(
      { method: 'GET', path: 'webhooks', resource: 'webhooks', query: { page, per_page: 100 } },
      WooWebhookList,
    );
    all.push(...data);
    const totalPages = Number(headers['x-wp-totalpages'] ?? 1);
    if (page >= totalPages || data.length === 0) return all;
  }
}

export async function createWebhook(api: WooCommerceClient, spec: WebhookSpec): Promise<WooWebhook> {
  if (!WooWebhookTopic.safeParse(spec.topic).success) {
    throw new ConnectorError(SYSTEM, 'validation', `"${spec.topic}" is not a WooCommerce webhook topic (e.g. "order.created")`, {
      field: 'topic',
    });
  }
  const { data } = await api.request(
    {
      method: 'POST',
      path: 'webhooks',
      resource: 'webhook',
      body: { name: spec.name, topic: spec.topic, delivery_url: spec.deliveryUrl, secret: spec.secret, status: 'active' },
    },
    WooWebhook,
  );
  return data;
}

/** Webhooks cannot be trashed, so the delete is always forced (WooCommerce answers 501 otherwise). */
export async function deleteWebhook(api: WooCommerceClient, id: number): Promise<WooWebhook> {
  const { data } = await api.request(
    { method: 'DELETE', path: `webhooks/${id}`, resource: `webhook ${id}`, query: { force: true } },
    WooWebhook,
  );
  return data;
}

/**
 * Looks before it creates, so calling it on every start is safe. The secret is write-only in WooCommerce and
 * cannot be compared: rotating it means deleting the hook first. A hook WooCommerce disabled after failed
 * deliveries is switched back on rather than duplicated.
 */
export async function ensureWebhook(api: WooCommerceClient, spec: WebhookSpec): Promise<{ webhook: WooWebhook; created: boolean }> {
  const existing = (await listWebhooks(api)).find((w) => w.topic === spec.topic && w.delivery_url === spec.deliveryUrl);
  if (!existing) return { webhook: await createWebhook(api, spec), created: true };
  if (existing.status === 'active') return { webhook: existing, created: false };
  const { data } = await api.request(
    { method: 'PUT', path: `webhooks/${existing.id}`, resource: `webhook ${existing.id}`, body: { status: 'active' } },
    WooWebhook,
  );
  return { webhook: data, created: false };
}
