import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnectorError } from '../kit/errors';
import { SYSTEM } from './errors';
import { ShopifyOrder } from './schemas';

type Headers = Record<string, string | string[] | undefined>;

/** X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app client secret, raw body)) (docs/wire/shopify.md, "Webhooks"), compared in constant time. */
export function verifyShopifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ShopifyDelivery {
  topic: string;
  /** The same on every retry and on every subscription of one event: the deduplication key (docs/wire/shopify.md, "Webhooks"). */
  eventId: string;
  webhookId: string;
  shopDomain: string;
  apiVersion?: string;
  triggeredAt?: string;
  order: ShopifyOrder;
}

function header(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

const invalid = (message: string, field?: string) =>
  new ConnectorError(SYSTEM, 'validation', `Shopify webhook delivery rejected: ${message}`, { resource: 'webhook delivery', field });

/** Reads an order topic delivery (the bare order object, not wrapped). Verify the signature first. */
export function parseShopifyDelivery(headers: Headers, rawBody: Buffer): ShopifyDelivery {
  const topic = header(headers, 'x-shopify-topic');
  if (!topic) throw invalid('X-Shopify-Topic is missing', 'X-Shopify-Topic');
  if (!topic.startsWith('orders/')) throw invalid(`topic "${topic}" is not an order topic`, 'X-Shopify-Topic');
  const webhookId = header(headers, 'x-shopify-webhook-id');
  if (!webhookId) throw invalid('X-Shopify-Webhook-Id is missing', 'X-Shopify-Webhook-Id');
  const shopDomain = header(headers, 'x-shopify-shop-domain');
  if (!shopDomain) throw invalid('X-Shopify-Shop-Domain is missing', 'X-Shopify-Shop-Domain');
  // Older deliveries have no event id; the webhook id is then the best deduplication key Shopify offers.
  const eventId = header(headers, 'x-shopify-event-id') ?? webhookId;
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw invalid('the body is not JSON', '(body)');
  }
  const parsed = ShopifyOrder.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    throw invalid(`order field ${field}: ${issue.message}`, field);
  }
  return {
    topic,
    eventId,
    webhookId,
    shopDomain,
    apiVersion: header(headers, 'x-shopify-api-version'),
    triggeredAt: header(headers, 'x-shopify-triggered-at'),
    order: parsed.data,
  };
}
