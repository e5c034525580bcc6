import { timingSafeEqual } from 'node:crypto';
import { ConnectorError } from '../kit/errors';
import { parseJson, parseResponse } from '../kit/parse';
import type { RackbeatApi } from './client';
import { SYSTEM } from './errors';
import { Register } from './register';
import { Webhook, WebhookBody } from './schemas';

/**
 * Event names. Verified in Rackbeat's docs or production use: product.created/updated, order.created,
 * payment_terms.*, delivery_terms.*, employee.*, plugin.uninstalled. The rest follow the same pattern and are
 * an open point (docs/wire/open-points.md: the full catalogue is not public); the sandbox fires all of the entity events below.
 */
export const WEBHOOK_EVENTS = [
  'product.created', 'product.updated', 'product.deleted',
  'customer.created', 'customer.updated', 'customer.deleted',
  'supplier.created', 'supplier.updated', 'supplier.deleted',
  'order.created', 'order.updated', 'order.deleted', 'order.booked', 'order.shipped',
  'customer_invoice.created', 'customer_invoice.booked',
  'payment_terms.created', 'payment_terms.updated',
  'delivery_terms.created', 'delivery_terms.updated',
  'employee.created', 'employee.updated',
  'plugin.uninstalled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookInput {
  event: string;
  url: string;
  is_active?: boolean;
}

export class Webhooks extends Register<typeof Webhook, number, WebhookInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'webhooks', singular: 'webhook', plural: 'webhooks', schema: Webhook, noun: 'webhook' });
  }

  /**
   * Looks before it creates. Rackbeat itself upserts on (event, url), but the token comes back only when the hook
   * is new, so a caller must know whether it got one: `token` is set only when `created`.
   */
  async ensure(event: string, url: string): Promise<{ webhook: Webhook; created: boolean; token?: string }> {
    for await (const hook of this.iterate({ event })) {
      if (hook.url !== url) continue;
      const webhook = hook.is_active ? hook : await this.update(hook.id, { is_active: true });
      return { webhook, created: false };
    }
    const webhook = await this.create({ event, url, is_active: true });
    return { webhook, created: true, token: webhook.token };
  }
}

export interface WebhookDelivery {
  event: string;
  accountId: string | null;
  body: WebhookBody;
}

const headerValue = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Checks and reads one incoming delivery. Rackbeat does not sign bodies: the token it returned when the hook was
 * created comes back in `Rackbeat-Webhook-Token`, and that is the only authenticity check. The event is read from
 * `Rackbeat-Webhook-Event`, because real deliveries often carry only `{key_name, key}`.
 */
export function readWebhookDelivery(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  expectedToken: string,
): WebhookDelivery {
  const token = headerValue(headers, 'rackbeat-webhook-token') ?? '';
  const a = Buffer.from(token);
  const b = Buffer.from(expectedToken);
  if (expectedToken === '' || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ConnectorError(SYSTEM, 'credentials', 'Rackbeat webhook token does not match: the delivery was refused. Re-register the webhook and store its new token.', {
      resource: 'webhook delivery',
      code: 'WEBHOOK_TOKEN',
    });
  }
  const body = parseResponse(SYSTEM, 'webhook delivery', WebhookBody, parseJson(SYSTEM, 'webhook delivery', rawBody));
  const event = headerValue(headers, 'rackbeat-webhook-event') ?? body.event;
  if (!event) {
    throw new ConnectorError(SYSTEM, 'validation', 'Rackbeat webhook delivery names no event (no Rackbeat-Webhook-Event header, no event in the body)', {
      resource: 'webhook delivery',
      field: 'Rackbeat-Webhook-Event',
    });
  }
  return { event, accountId: headerValue(headers, 'rackbeat-account-id') ?? null, body };
}
