import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ResolvedTenant } from '../config/load';
import { isConnectorError } from '../connectors/kit/errors';
import { readWebhookDelivery, type WebhookDelivery } from '../connectors/rackbeat/webhooks';
import { PAIRS, type PairName, type RegisterName } from '../domain/sync';
import { TASK_QUEUE } from '../orchestration/task-queue';
import { log } from './log';
import { handleRackbeatInvoiceEvent } from './rackbeat-invoice-events';
import { handleRackbeatOrderEvent } from './rackbeat-order-events';
import { bounded, isTemporalUnavailable } from '../orchestration/temporal';
import { DEFAULT_RETRY_AFTER_SECONDS, DEFAULT_START_DEADLINE_MS, type WebhookDoorOptions } from './webhook-routes';

/** Rackbeat event prefixes that are register changes, and the register each one is. */
const REGISTER_EVENTS: Record<string, RegisterName> = { customer: 'customers', supplier: 'suppliers', product: 'products' };

/**
 * `POST /webhooks/rackbeat/<tenant>`. Rackbeat does not sign deliveries: the token it returned when the hook was
 * created travels in Rackbeat-Webhook-Token, so that is checked first (401 and nothing started when no configured
 * token matches). Register events (customer/supplier/product) are signalled, with start, to the register's sync
 * entity `sync/<tenant>/<pair>/<register>`, which applies them one at a time; order events go to the order
 * lifecycle; customer invoice events (`customer_invoice.*`) start the invoice's transfer
 * `invoice/<tenant>/rackbeat/<number>` when the tenant has `invoices:`. Rackbeat may deliver twice: the entity's upsert is idempotent, so a duplicate writes nothing.
 */
export function registerRackbeatWebhookRoute(
  app: FastifyInstance,
  deps: { tenants: ReadonlyMap<string, ResolvedTenant>; temporal: Client; taskQueue?: string; webhookDoor?: WebhookDoorOptions },
): void {
  const deadlineMs = deps.webhookDoor?.startDeadlineMs ?? DEFAULT_START_DEADLINE_MS;
  const retryAfter = String(deps.webhookDoor?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  app.post<{ Params: { tenant: string } }>('/webhooks/rackbeat/:tenant', async (request, reply) => {
    const tenantId = request.params.tenant;
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) return refuse(reply, 404, `unknown tenant "${tenantId}"`);
    const raw = ((request.body as Buffer | undefined) ?? Buffer.alloc(0)).toString('utf8');
    const tokens = (tenant.sync?.rackbeatWebhookTokens ?? []) as unknown as string[];

    let delivery: WebhookDelivery | undefined;
    for (const token of tokens) {
      try {
        delivery = readWebhookDelivery(request.headers, raw, token);
        break;
      } catch (err) {
        if (isConnectorError(err) && err.errorClass === 'credentials') continue;
        const message = isConnectorError(err) ? err.message : (err as Error).message;
        log.warn({ tenant: tenantId, problem: message }, 'Rackbeat webhook refused: body is not a Rackbeat delivery');
        return refuse(reply, 400, message);
      }
    }
    if (!delivery) {
      log.warn({ tenant: tenantId }, 'Rackbeat webhook refused: token does not match any configured hook token');
      return refuse(reply, 401, 'Rackbeat-Webhook-Token does not match');
    }

    const taskQueue = deps.taskQueue ?? TASK_QUEUE;
    const { event, body } = delivery;
    try {
      // Bounded like the shops' door: while Temporal is down, Rackbeat hears "later" at once instead of waiting.
      return await bounded(deps.temporal, deadlineMs, () => route(tenant, event, body, taskQueue, reply));
    } catch (err) {
      if (!isTemporalUnavailable(err)) throw err;
      log.warn({ tenant: tenantId, event, problem: (err as Error).message }, 'Rackbeat webhook deferred: Temporal is not reachable');
      return reply.code(503).header('retry-after', retryAfter).send({ error: `Temporal is not reachable right now: the ${event} event was not taken; deliver again in ${retryAfter} s` });
    }
  });

  async function route(tenant: ResolvedTenant, event: string, body: WebhookDelivery['body'], taskQueue: string, reply: FastifyReply): Promise<FastifyReply> {
    const tenantId = tenant.tenant;
    const [prefix, action] = event.split('.');
    if (prefix === 'order') {
      await handleRackbeatOrderEvent(deps.temporal, tenantId, { event, key: body.key, body }, taskQueue);
      return reply.code(202).send({ accepted: event });
    }
    if (prefix === 'customer_invoice') {
      if (!tenant.invoices) return reply.code(200).send({ ignored: `${event}: tenant ${tenantId} has no invoices: section` });
      const handled = await handleRackbeatInvoiceEvent(deps.temporal, tenantId, { event, key: body.key }, taskQueue);
      if (!handled.started) return reply.code(200).send({ ignored: handled.ignored });
      log.info({ tenant: tenantId, event, key: body.key, workflowId: handled.started.workflowId }, 'Rackbeat invoice webhook accepted');
      return reply.code(202).send({ workflowId: handled.started.workflowId, ...(handled.started.alreadyFinished ? { alreadyFinished: true } : {}) });
    }
    const register = REGISTER_EVENTS[prefix];
    if (!register) return reply.code(200).send({ ignored: event });

    const workflowIds: string[] = [];
    for (const p of tenant.sync?.pairs ?? []) {
      const pair = p.pair as PairName;
      if (!(PAIRS[pair].systems as readonly string[]).includes('rackbeat') || !p.registers[register]) continue;
      const workflowId = `sync/${tenantId}/${pair}/${register}`;
      await deps.temporal.workflow.signalWithStart('registerSync', {
        workflowId,
        taskQueue,
        args: [{ tenant: tenantId, pair, register }],
        signal: 'change',
        signalArgs: [{ system: 'rackbeat', sourceId: body.key, event: action === 'deleted' ? 'delete' : 'upsert' }],
      });
      workflowIds.push(workflowId);
    }
    if (!workflowIds.length) return reply.code(200).send({ ignored: `${register} of tenant ${tenantId} are not synced` });
    log.info({ tenant: tenantId, event, key: body.key, workflowIds }, 'Rackbeat webhook accepted');
    return reply.code(202).send({ workflowIds });
  }
}

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}
