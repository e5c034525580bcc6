import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { ACCOUNT_ID, invalid, jsonBody, malformed, notFound, pick, Rules, sendOne, sendPage, stamp, type Json, type RackbeatSettings } from './wire';

/**
 * The events this sandbox knows. Verified names: product.created/updated, order.created, payment_terms.*,
 * delivery_terms.*, employee.*, plugin.uninstalled; the rest follow the same pattern (open point: docs/wire/open-points.md).
 */
export const EVENTS = [
  'product.created', 'product.updated', 'product.deleted',
  'customer.created', 'customer.updated', 'customer.deleted',
  'supplier.created', 'supplier.updated', 'supplier.deleted',
  'order.created', 'order.updated', 'order.deleted', 'order.booked', 'order.shipped',
  'customer_invoice.created', 'customer_invoice.booked',
  'payment_terms.created', 'payment_terms.updated',
  'delivery_terms.created', 'delivery_terms.updated',
  'employee.created', 'employee.updated',
  'plugin.uninstalled',
];

interface HookRecord extends Json {
  id: number;
  event: string;
  url: string;
  is_active: boolean;
  token: string;
  failures_since_last_success: number;
}

const render = (h: HookRecord) => {
  const { token: _secret, ...rest } = h;
  return rest;
};

/**
 * Queues one delivery per active hook on `event`. Rackbeat does not sign: the hook's token travels in
 * Rackbeat-Webhook-Token. The body is `{key_name, key}` as observed in real deliveries (key a string);
 * the documented `event` is added when the settings ask for it. Retries and duplicates come from the kit's sender;
 * the real schedule (about a day) is scaled down there.
 */
export function fire(ctx: SandboxContext, settings: RackbeatSettings, event: string, keyName: 'number' | 'id', key: string | number): void {
  for (const hook of ctx.store.list<HookRecord>('webhooks')) {
    if (hook.event !== event || !hook.is_active) continue;
    const payload: Json = { key_name: keyName, key: String(key) };
    if (settings.webhookBodyIncludesEvent) payload.event = event;
    const body = JSON.stringify(payload);
    ctx.webhooks.send(
      event,
      () => ({
        url: hook.url,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Rackbeat Webhook',
          'Rackbeat-Webhook-Token': hook.token,
          'Rackbeat-Webhook-Event': event,
          'Rackbeat-Account-Id': String(ACCOUNT_ID),
        },
        body,
      }),
      {
        // The counter's name says what it counts: failures since the hook's last successful delivery.
        onSuccess: () => {
          hook.failures_since_last_success = 0;
        },
        onFailure: () => {
          hook.failures_since_last_success++;
          // A hook deleted or switched off meanwhile gets no more attempts.
          return !hook.is_active || !ctx.store.find('webhooks', (h) => h === hook);
        },
      },
    );
  }
}

function validate(body: Json): Rules {
  const r = new Rules(body).required('event').oneOf('event', EVENTS).required('url').string('url', 2048).boolean('is_active');
  if (typeof body.url === 'string' && !/^https?:\/\/[^\s/]+/.test(body.url)) r.fail('url', 'The url must be a valid URL.');
  // Rackbeat refuses local URLs outside its own dev environments; the sandbox must accept them for local receivers.
  return r;
}

export function webhookRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const hooks = () => ctx.store.list<HookRecord>('webhooks');
  const byId = (raw: string) => (/^\d+$/.test(raw) ? hooks().find((h) => h.id === Number(raw)) : undefined);

  app.get('/api/webhooks', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const list = hooks().filter((h) => !q.event || h.event === q.event);
    return sendPage(reply, request, 'webhooks', list.map(render));
  });

  app.post('/api/webhooks', async (request, reply) => {
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const r = validate(body);
    if (!r.ok) return invalid(reply, r.errors);
    // Same event + url updates the existing hook instead of adding a second one; no token then.
    const existing = hooks().find((h) => h.event === body.event && h.url === body.url);
    if (existing) {
      existing.is_active = (body.is_active as boolean | undefined) ?? true;
      existing.updated_at = stamp();
      return sendOne(reply, 200, 'webhook', render(existing));
    }
    const now = stamp();
    const hook: HookRecord = {
      id: ctx.store.nextId('webhook'),
      event: String(body.event),
      url: String(body.url),
      is_active: (body.is_active as boolean | undefined) ?? true,
      plugin: null,
      failures_since_last_success: 0,
      token: randomBytes(16).toString('hex'),
      created_at: now,
      updated_at: now,
    };
    ctx.store.insert('webhooks', hook);
    return sendOne(reply, 201, 'webhook', { ...render(hook), token: hook.token });
  });

  app.get<{ Params: { id: string } }>('/api/webhooks/:id', async (request, reply) => {
    const hook = byId(request.params.id);
    return hook ? sendOne(reply, 200, 'webhook', render(hook)) : notFound(reply);
  });

  app.put<{ Params: { id: string } }>('/api/webhooks/:id', async (request, reply) => {
    const hook = byId(request.params.id);
    if (!hook) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const merged = { ...hook, ...pick(body, ['event', 'url', 'is_active']) };
    const r = validate(merged);
    if (!r.ok) return invalid(reply, r.errors);
    Object.assign(hook, pick(body, ['event', 'url', 'is_active']), { updated_at: stamp() });
    if (hook.is_active) hook.failures_since_last_success = 0;
    return sendOne(reply, 200, 'webhook', render(hook));
  });

  app.delete<{ Params: { id: string } }>('/api/webhooks/:id', async (request, reply) => {
    const hook = byId(request.params.id);
    if (!hook) return notFound(reply);
    ctx.store.remove('webhooks', (h) => h === hook);
    return sendOne(reply, 200, 'webhook', render(hook));
  });
}
