import type { FastifyRequest } from 'fastify';
import type { SandboxContext, SandboxDefinition } from '../kit/server';
import { authRoutes, DEFAULT_TOKEN_TTL_SECONDS, type TokenSettings } from './auth';
import { resourceRoutes } from './resources';
import { seedSevera } from './seed';
import { liveToken } from './wire';

export { SANDBOX_CREDENTIALS } from './auth';

/**
 * Visma Severa REST v1 emulator: `<url>/v1/token`, `<url>/v1/customers`, `<url>/v1/products` (token paging with the
 * NextPageToken header) and `<url>/v1/costcenters` (firstRow/rowCount paging), `changedSince` on all three,
 * scopes enforced, 10 requests per second. Extra control endpoints: POST /__sandbox/severa/touch and
 * POST /__sandbox/severa/token-ttl.
 */
export function createDefinition(): SandboxDefinition {
  let context: SandboxContext | undefined;
  const tokens: TokenSettings = { ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS };
  return {
    system: 'severa',
    collections: ['customers', 'products', 'costCenters', 'tokens'],
    routes(app, ctx) {
      context = ctx;
      authRoutes(app, ctx, tokens);
      resourceRoutes(app, ctx);
    },
    seed(ctx, seed, counts) {
      tokens.ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
      seedSevera(ctx, seed, counts);
    },
    faultReply(kind, retryAfterSeconds) {
      if (kind === 'rate-limit') {
        // Severa's gateway answers an exceeded quota with plain text and Retry-After, the reply of the ASP.NET rate
        // limiter whose wording it uses (docs/wire/severa.md, "Rate limit"); no JSON, no rate-limit headers.
        return {
          status: 429,
          contentType: 'text/plain',
          headers: { 'Retry-After': String(retryAfterSeconds) },
          body: 'API calls quota exceeded! maximum admitted 10 per 1s.',
        };
      }
      return {
        status: 500,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { httpStatusCode: 500, type: 'InternalSystemError', details: [{ message: 'An unexpected error occurred.' }], stack: null } }),
      };
    },
    rateLimit: {
      window: { limit: 10, windowMs: 1000 },
      key(request: FastifyRequest) {
        if (!context || !request.url.startsWith('/v1/')) return null;
        return liveToken(context, request)?.clientId ?? null;
      },
    },
  };
}
