import type { FastifyRequest } from 'fastify';
import type { SandboxContext, SandboxDefinition } from '../kit/server';
import { authRoutes, DEFAULT_TOKEN_TTL_SECONDS, type TokenSettings } from './auth';
import { COMPANY, VAT_PERCENTAGES, VAT_STATUSES } from './company';
import { invoiceRoutes } from './invoices';
import { partnerRoutes } from './partners';
import { productRoutes } from './products';
import { seedProcountor } from './seed';
import { bearer, liveToken } from './wire';

export { SANDBOX_CREDENTIALS } from './auth';

/**
 * Procountor REST emulator: the API lives under `<url>/api` as on api.procountor.com, with M2M OAuth tokens
 * (client credentials + API key), business partners, products, sales invoices and their payments.
 * Extra control endpoint: POST /__sandbox/procountor/token-ttl {"seconds": n} for tokens issued after it.
 */
export function createDefinition(): SandboxDefinition {
  let context: SandboxContext | undefined;
  const tokens: TokenSettings = { ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS };

  return {
    system: 'procountor',
    collections: ['businessPartners', 'products', 'invoices', 'payments', 'tokens'],
    routes(app, ctx) {
      context = ctx;
      authRoutes(app, ctx, tokens);
      app.get('/api/sessioninfo', async () => ({ ...COMPANY, userId: 1, userName: 'Sandbox API user', companySettings: {} }));
      app.get('/api/vats/default', async () => ({
        vatInformation: [{ country: 'FINLAND', percentages: VAT_PERCENTAGES.map((vatPercent) => ({ vatPercent, sales: true, purchase: true })) }],
        vatStatuses: VAT_STATUSES,
      }));
      partnerRoutes(app, ctx);
      productRoutes(app, ctx);
      invoiceRoutes(app, ctx);
    },
    seed(ctx, seed, counts) {
      tokens.ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
      seedProcountor(ctx, seed, counts);
    },
    // Procountor documents no 429, only that excess "may result in suspending the service" (docs/wire/procountor.md#request-limits);
    // the sandbox answers a 429 in its usual error body with Retry-After (docs/wire/open-points.md).
    faultReply(kind, retryAfterSeconds) {
      if (kind === 'rate-limit') {
        return {
          status: 429,
          contentType: 'application/json',
          headers: { 'retry-after': String(retryAfterSeconds) },
          body: JSON.stringify({ errors: [{ status: 429, field: null, message: 'Too many requests: at most 20 requests per second per client.' }] }),
        };
      }
      return { status: 500, contentType: 'application/json', body: JSON.stringify({ errors: [{ status: 500, field: null, message: 'Internal server error' }] }) };
    },
    // 20 requests per second per client (the stricter of the two published figures, docs/wire/procountor.md#request-limits).
    rateLimit: {
      window: { limit: 20, windowMs: 1000 },
      key(request: FastifyRequest) {
        if (!context || !request.url.startsWith('/api/')) return null;
        return liveToken(context, bearer(request))?.clientId ?? null;
      },
    },
  };
}
