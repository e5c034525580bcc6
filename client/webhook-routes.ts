import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { isConnectorError } from '../connectors/kit/errors';
import { parseShopifyDelivery, verifyShopifySignature } from '../connectors/shopify/webhooks';
import { parseWooCommerceDelivery, verifyWooCommerceSignature } from '../connectors/woocommerce/webhooks';
import { isTemporalUnavailable, startOrderExport } from '../orchestration/temporal';
import { log } from './log';

type Shop = ResolvedTenant['shops'][number];
type Headers = Record<string, string | string[] | undefined>;

/** What a shop's delivery says, once its signature is verified: a ping, an order to look at, or nothing for us. */
type Delivery = { kind: 'ping' } | { kind: 'ignore'; why: string } | { kind: 'order'; orderId: string; status: string; topic: string };

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Per shop system: verify the signature over the raw body (false = refuse with 401), then read the delivery. */
const SHOP_WEBHOOKS: Record<Shop['system'], { verify(shop: Shop, headers: Headers, raw: Buffer): boolean; read(headers: Headers, raw: Buffer): Delivery }> = {
  woocommerce: {
    verify: (shop, headers, raw) => shop.system === 'woocommerce' && verifyWooCommerceSignature(raw, header(headers, 'x-wc-webhook-signature'), shop.webhookSecret),
    read(headers, raw) {
      const d = parseWooCommerceDelivery(headers, raw);
      if (d.kind === 'ping') return { kind: 'ping' };
      if (!/^order\.(created|updated|restored)$/.test(d.topic)) return { kind: 'ignore', why: d.topic };
      return { kind: 'order', orderId: String(d.order.id), status: d.order.status, topic: d.topic };
    },
  },
  shopify: {
    verify: (shop, headers, raw) => shop.system === 'shopify' && verifyShopifySignature(raw, header(headers, 'x-shopify-hmac-sha256'), shop.appSecret),
    read(headers, raw) {
      const d = parseShopifyDelivery(headers, raw);
      if (!['orders/create', 'orders/paid', 'orders/updated'].includes(d.topic)) return { kind: 'ignore', why: d.topic };
      return { kind: 'order', orderId: String(d.order.id), status: d.order.financial_status ?? 'unknown', topic: d.topic };
    },
  },
};

/**
 * Webhooks arrive at /webhooks/<system>/<tenant> (docs/design.md §8). The signature is checked over the raw body before
 * anything else; a bad one gets 401 and starts nothing. The reply is fast: the work happens in the workflow, and a
 * webhook is only a hint (the reconciliation poll finds what a lost one missed). Duplicate deliveries — WooCommerce
 * fires more than once, Shopify retries with the same event id — all land on the one workflow id of the order.
 */
export interface WebhookDoorOptions {
  /** How long a delivery may wait for Temporal to take the start, in ms (default 2000): the shops' own timeouts are a few seconds. */
  startDeadlineMs?: number;
  /** The Retry-After hint, in seconds, of the 503 sent while Temporal cannot take the start (default 30). */
  retryAfterSeconds?: number;
}

export const DEFAULT_START_DEADLINE_MS = 2000;
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: { tenants: ReadonlyMap<string, ResolvedTenant>; temporal: Client; taskQueue?: string; webhookDoor?: WebhookDoorOptions },
): void {
  const deadlineMs = deps.webhookDoor?.startDeadlineMs ?? DEFAULT_START_DEADLINE_MS;
  const retryAfter = String(deps.webhookDoor?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  app.post<{ Params: { system: string; tenant: string }; Querystring: { shop?: string } }>('/webhooks/:system/:tenant', async (request, reply) => {
    const { system, tenant: tenantId } = request.params;
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) return refuse(reply, 404, `unknown tenant "${tenantId}"`);
    if (!(system in SHOP_WEBHOOKS)) return refuse(reply, 404, `no webhook endpoint for "${system}"`);
    const handler = SHOP_WEBHOOKS[system as Shop['system']];
    const shops = tenant.shops.filter((s) => s.system === system && (!request.query.shop || s.id === request.query.shop));
    if (shops.length === 0) return refuse(reply, 404, `tenant "${tenantId}" has no ${system} shop${request.query.shop ? ` "${request.query.shop}"` : ''}`);
    if (shops.length > 1) return refuse(reply, 400, `tenant "${tenantId}" has several ${system} shops: add ?shop=<id> to the delivery URL`);
    const shop = shops[0];

    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    // WooCommerce pings a new webhook with an unsigned form body `webhook_id=N` and needs a 200 to activate it.
    if (system === 'woocommerce' && request.headers['x-wc-webhook-signature'] === undefined && /^webhook_id=\d+$/.test(raw.toString('utf8').trim())) {
      return reply.code(200).send({ ok: true });
    }
    if (!handler.verify(shop, request.headers, raw)) {
      log.warn({ tenant: tenantId, shop: shop.id }, 'webhook refused: signature does not match the shop secret');
      return refuse(reply, 401, 'signature does not match');
    }

    let delivery: Delivery;
    try {
      delivery = handler.read(request.headers, raw);
    } catch (err) {
      const message = isConnectorError(err) ? err.message : (err as Error).message;
      log.warn({ tenant: tenantId, shop: shop.id, problem: message }, 'webhook refused: body is not an order delivery');
      return refuse(reply, 400, message);
    }
    if (delivery.kind === 'ping') return reply.code(200).send({ ok: true });
    if (delivery.kind === 'ignore') return reply.code(200).send({ ignored: delivery.why });
    // An unpaid order is not exported yet; its later update (or the reconciliation) brings it.
    if (!shop.exportStatuses.includes(delivery.status)) return reply.code(200).send({ ignored: `order status ${delivery.status}` });

    let started: Awaited<ReturnType<typeof startOrderExport>>;
    try {
      started = await startOrderExport(deps.temporal, { tenant: tenantId, shop: shop.id, orderId: delivery.orderId, trigger: 'webhook' }, deps.taskQueue, { deadlineMs });
    } catch (err) {
      if (!isTemporalUnavailable(err)) throw err;
      // The door does not hold the shop while Temporal is down: it says "later" at once. The shop redelivers,
      // and the reconciliation poll finds whatever it gives up on.
      log.warn({ tenant: tenantId, shop: shop.id, orderId: delivery.orderId, problem: (err as Error).message }, 'webhook deferred: Temporal is not reachable');
      return reply.code(503).header('retry-after', retryAfter).send({ error: `Temporal is not reachable right now: the order export was not started; deliver again in ${retryAfter} s` });
    }
    const { workflowId, alreadyFinished } = started;
    log.info({ tenant: tenantId, shop: shop.id, orderId: delivery.orderId, topic: delivery.topic, workflowId, alreadyFinished }, 'webhook accepted');
    return reply.code(202).send({ workflowId, alreadyFinished });
  });
}

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}
