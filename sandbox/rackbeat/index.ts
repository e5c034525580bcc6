import type { FastifyRequest } from 'fastify';
import type { SandboxDefinition } from '../kit/server';
import { WebhookPolicy } from '../kit/webhooks';
import { fieldRoutes } from './fields';
import { invoiceRoutes } from './invoices';
import { orderRoutes } from './orders';
import { registerRoutes } from './registers';
import { seedRackbeat } from './seed';
import { fire } from './webhooks';
import { webhookRoutes } from './webhooks';
import { ACCOUNT_ID, jsonBody, type RackbeatSettings } from './wire';

/**
 * Rackbeat sandbox: the REST API under `<url>/api/...` (wire facts: docs/wire/rackbeat.md).
 *
 * Default credentials: API token `sandbox-rackbeat-token`, sent as `Authorization: Bearer sandbox-rackbeat-token`;
 * client base URL `<url>` (the client adds `/api`). Any other token gets 401 `{"message":"Unauthenticated."}`.
 *
 * Extra control endpoint: `POST /__sandbox/rackbeat/webhook-format {"includeEvent": true}` adds the documented
 * `event` key to webhook bodies (real deliveries were seen with only `{key_name, key}`);
 * `POST /__sandbox/rackbeat/credit-note-sign {"negative": true}` stores credit notes' quantities negative
 * (default positive; sandbox/rackbeat/invoices.ts).
 */
export const SANDBOX_TOKEN = 'sandbox-rackbeat-token';

/** 480 requests per minute per token: the pace Rackbeat's own client library keeps (no published number). */
export const RATE_LIMIT = { limit: 480, windowMs: 60_000 };

const COLLECTIONS = [
  'products', 'productGroups', 'customers', 'suppliers', 'customerGroups', 'supplierGroups', 'paymentTerms',
  'fields', 'fieldValues', 'orders', 'orderShipments', 'invoices', 'webhooks',
] as const;

const bearer = (request: FastifyRequest): string | null => {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1].trim() : null;
};

export function createDefinition(): SandboxDefinition {
  const settings: RackbeatSettings = { webhookBodyIncludesEvent: false, creditNoteQuantitiesNegative: false };
  return {
    system: 'rackbeat',
    collections: COLLECTIONS,
    routes(app, ctx) {
      // Rackbeat warns that an event may arrive twice; one delivery in twenty is repeated unless a test says otherwise.
      ctx.webhooks.policy = WebhookPolicy.parse({ duplicateRate: 0.05 });

      app.addHook('onRequest', async (request, reply) => {
        if (!request.url.startsWith('/api/')) return;
        if (bearer(request) !== SANDBOX_TOKEN) return reply.code(401).send({ message: 'Unauthenticated.' });
      });

      const send = (event: string, keyName: 'number' | 'id', key: string | number) => fire(ctx, settings, event, keyName, key);

      app.get('/api/self', async () => ({
        user_account: { id: ACCOUNT_ID, name: 'Siirto Sandbox AS' },
        user: { id: 1, name: 'API user', email: 'api@sandbox.invalid' },
      }));

      app.post('/__sandbox/rackbeat/webhook-format', async (request, reply) => {
        const body = jsonBody(request);
        if (!body || typeof body.includeEvent !== 'boolean') return reply.code(400).send({ error: 'give {"includeEvent": true|false}' });
        settings.webhookBodyIncludesEvent = body.includeEvent;
        return { ok: true, includeEvent: settings.webhookBodyIncludesEvent };
      });

      app.post('/__sandbox/rackbeat/credit-note-sign', async (request, reply) => {
        const body = jsonBody(request);
        if (!body || typeof body.negative !== 'boolean') return reply.code(400).send({ error: 'give {"negative": true|false}' });
        settings.creditNoteQuantitiesNegative = body.negative;
        return { ok: true, negative: settings.creditNoteQuantitiesNegative };
      });

      registerRoutes(app, ctx, send);
      fieldRoutes(app, ctx, send);
      orderRoutes(app, ctx, send);
      invoiceRoutes(app, ctx, send, settings);
      webhookRoutes(app, ctx);
    },
    seed: seedRackbeat,
    faultReply(kind, retryAfterSeconds) {
      if (kind === 'server-error') return { status: 500, contentType: 'application/json', body: JSON.stringify({ message: 'Server Error' }) };
      // Laravel's throttle reply and headers; Rackbeat's exact 429 body and headers: docs/wire/open-points.md.
      return {
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({ message: 'Too Many Attempts.' }),
        headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '0' },
      };
    },
    rateLimit: { window: RATE_LIMIT, key: (request) => (request.url.startsWith('/api/') ? bearer(request) : null) },
  };
}
