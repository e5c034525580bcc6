import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnectorError } from '../kit/errors';
import { SYSTEM } from './errors';
import { WooOrder } from './schemas';

type Headers = Record<string, string | string[] | undefined>;

/**
 * X-WC-Webhook-Signature is base64(HMAC-SHA256(secret, exact body bytes)) (docs/wire/woocommerce.md, "Webhooks"). Checked on the raw
 * bytes before anything parses them, in constant time.
 */
export function verifyWooCommerceSignature(rawBody: Buffer, signatureHeader: string | undefined, secret: string): boolean {
  if (!signatureHeader || !secret) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signatureHeader.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type WooCommerceDelivery =
  | { kind: 'ping'; webhookId: number }
  | { kind: 'order'; topic: string; deliveryId: string; webhookId: number; order: WooOrder };

function header(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

const invalid = (message: string, field?: string) =>
  new ConnectorError(SYSTEM, 'validation', `WooCommerce webhook delivery rejected: ${message}`, { resource: 'webhook delivery', field });

/**
 * Reads one delivery. The ping WooCommerce sends when a hook is created is a form body `webhook_id=N` without the
 * X-WC-* headers; order topics carry the REST order JSON. Verify the signature first (`verifyWooCommerceSignature`).
 */
export function parseWooCommerceDelivery(headers: Headers, rawBody: Buffer): WooCommerceDelivery {
  const topic = header(headers, 'x-wc-webhook-topic');
  if (!topic) {
    const ping = /^webhook_id=(\d+)$/.exec(rawBody.toString('utf8').trim());
    if (ping) return { kind: 'ping', webhookId: Number(ping[1]) };
    throw invalid('no X-WC-Webhook-Topic header and not a ping', 'X-WC-Webhook-Topic');
  }
  if (!topic.startsWith('order.')) throw invalid(`topic "${topic}" is not an order topic`, 'X-WC-Webhook-Topic');
  const webhookId = Number(header(headers, 'x-wc-webhook-id'));
  if (!Number.isInteger(webhookId)) throw invalid('X-WC-Webhook-ID is missing or not a number', 'X-WC-Webhook-ID');
  // Older WooCommerce sent an integer, newer a hash; neither is unique per retry, so it is only a trace id.
  const deliveryId = header(headers, 'x-wc-webhook-delivery-id') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw invalid('the body is not JSON', '(body)');
  }
  const parsed = WooOrder.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    throw invalid(`order field ${field}: ${issue.message}`, field);
  }
  return { kind: 'order', topic, deliveryId, webhookId, order: parsed.data };
}
