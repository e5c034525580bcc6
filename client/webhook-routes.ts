import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { isConnectorError } from '../connectors/kit/errors';
import { parseWooCommerceDelivery, verifyWooCommerceSignature } from '../connectors/woocommerce/webhooks';
import { startOrderExport } from './temporal';
import { log } from './log';

/**
 * Webhooks arrive at /webhooks/<system>/<tenant> (DESIGN.md §8). The signature is checked over the raw body before
 * anything else; a bad one gets 401 and starts nothing. The reply is fast: the work happens in the workflow, and a
 * webhook is only a hint (the reconciliation poll finds what a lost one missed).
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: { tenants: ReadonlyMap<string, ResolvedTenant>; temporal: Client; taskQueue?: string }): void {
  app.post<{ Params: { system: string; tenant: string }; Querystring: { shop?: string } }>('/webhooks/:system/:tenant', async (request, reply) => {
    const { system, tenant: tenantId } = request.params;
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) return refuse(reply, 404, `unknown tenant "${tenantId}"`);
    const shops = tenant.shops.filter((s) => s.system === system && (!request.query.shop || s.id === request.query.shop));
    if (system !== 'woocommerce') return refuse(reply, 404, `no webhook endpoint for "${system}"`);
    if (shops.length === 0) return refuse(reply, 404, `tenant "${tenantId}" has no ${system} shop${request.query.shop ? ` "${request.query.shop}"` : ''}`);
    if (shops.length > 1) return refuse(reply, 400, `tenant "${tenantId}" has several ${system} shops: add ?shop=<id> to the delivery URL`);
    const shop = shops[0];
    if (shop.system !== 'woocommerce') return refuse(reply, 404, `no webhook endpoint for "${system}"`);

    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    const signature = request.headers['x-wc-webhook-signature'];
    // WooCommerce pings a new webhook with an unsigned form body `webhook_id=N` and needs a 200 to activate it.
    if (signature === undefined && /^webhook_id=\d+$/.test(raw.toString('utf8').trim())) return reply.code(200).send({ ok: true });
    if (!verifyWooCommerceSignature(raw, typeof signature === 'string' ? signature : undefined, shop.webhookSecret)) {
      log.warn({ tenant: tenantId, shop: shop.id }, 'webhook refused: signature does not match the shop webhook secret');
      return refuse(reply, 401, 'signature does not match');
    }

    let delivery: ReturnType<typeof parseWooCommerceDelivery>;
    try {
      delivery = parseWooCommerceDelivery(request.headers, raw);
    } catch (err) {
      const message = isConnectorError(err) ? err.message : (err as Error).message;
      log.warn({ tenant: tenantId, shop: shop.id, problem: message }, 'webhook refused: body is not a WooCommerce order');
      return refuse(reply, 400, message);
    }
    if (delivery.kind === 'ping') return reply.code(200).send({ ok: true });
    if (!/^order\.(created|updated|restored)$/.test(delivery.topic)) return reply.code(200).send({ ignored: delivery.topic });

    const orderId = String(delivery.order.id);
    const eligible = tenant.orderExport?.shopStatuses ?? [];
    // An unpaid order ("pending") is not exported yet; its later order.updated, or the reconciliation, brings it.
    if (!eligible.includes(delivery.order.status)) return reply.code(200).send({ ignored: `order status ${delivery.order.status}` });
    const { workflowId, alreadyFinished } = await startOrderExport(deps.temporal, { tenant: tenantId, shop: shop.id, orderId, trigger: 'webhook' }, deps.taskQueue);
    log.info({ tenant: tenantId, shop: shop.id, orderId, workflowId, alreadyFinished }, 'webhook accepted');
    return reply.code(202).send({ workflowId, alreadyFinished });
  });
}

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}
