import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { liveToken, readJsonLower, SCOPES, sendError, type TokenRecord } from './wire';

export const SANDBOX_CREDENTIALS = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
export const DEFAULT_TOKEN_TTL_SECONDS = 3600; // Open point (docs/wire/open-points.md): Severa's real lifetime; clients use the returned value

export interface TokenSettings {
  ttlSeconds: number;
}

/** Which scope each emulated resource needs (customers → customers:*, registers → settings:*). */
const REQUIRED_SCOPE: Array<[RegExp, string]> = [
  [/^\/v1\/customers(\/|$)/, 'customers:read'],
  [/^\/v1\/(products|costcenters)(\/|$)/, 'settings:read'],
];

export function authRoutes(app: FastifyInstance, ctx: SandboxContext, settings: TokenSettings): void {
  app.post('/v1/token', async (request, reply) => {
    const body = readJsonLower(request);
    if (!body) return sendError(reply, 400, 'InvalidRequest', 'The request body must be a JSON object with client_id, client_secret and scope.', { type: 'RequestBody', name: 'body' });
    if (body.client_id !== SANDBOX_CREDENTIALS.clientId || body.client_secret !== SANDBOX_CREDENTIALS.clientSecret) {
      // Open point (docs/wire/open-points.md): status and type of a refused token request.
      return sendError(reply, 401, 'AuthenticationRequired', 'Invalid client credentials.');
    }
    // Scopes are space-separated; commas are tolerated (open point, docs/wire/open-points.md: whether Severa accepts them). None asked → all.
    const asked = typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter(Boolean) : [];
    const unknown = asked.find((s) => !SCOPES.includes(s));
    if (unknown) return sendError(reply, 400, 'InvalidParameter', `Unknown scope '${unknown}'.`, { type: 'RequestBody', name: 'scope' });
    const scopes = asked.length ? asked : SCOPES;
    const now = Date.now();
    const record: TokenRecord = { token: randomBytes(24).toString('hex'), clientId: SANDBOX_CREDENTIALS.clientId, scopes, expiresAt: now + settings.ttlSeconds * 1000 };
    ctx.store.insert('tokens', record);
    const refreshTtl = 30 * 24 * 3600;
    return reply.type('application/json; charset=utf-8').send(
      JSON.stringify({
        access_token: record.token,
        access_token_type: 'Bearer',
        access_token_expires_in: settings.ttlSeconds,
        access_token_expires_utc: new Date(record.expiresAt).toISOString(),
        refresh_token: randomBytes(24).toString('hex'),
        refresh_token_expires_in: refreshTtl,
        refresh_token_expires_utc: new Date(now + refreshTtl * 1000).toISOString(),
        scope: scopes.join(' '),
      }),
    );
  });

  app.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!path.startsWith('/v1/') || path === '/v1/token') return;
    const token = liveToken(ctx, request);
    if (!token) return sendError(reply, 401, 'AuthenticationRequired', 'Authentication required: the access token is missing, invalid or expired.');
    // Client_Id is optional (not every client sends it), but when sent it must match the token's client.
    const clientId = request.headers['client_id'] ?? request.headers['client-id'];
    if (typeof clientId === 'string' && clientId !== token.clientId) {
      return sendError(reply, 401, 'AuthenticationRequired', 'Client_Id does not match the access token.', { type: 'RequestHeader', name: 'Client_Id' });
    }
    const needed = REQUIRED_SCOPE.find(([re]) => re.test(path))?.[1];
    if (needed && !token.scopes.includes(needed)) {
      return sendError(reply, 403, 'InsufficientApiScope', `The access token does not have the scope '${needed}'.`);
    }
  });

  app.post('/__sandbox/severa/token-ttl', async (request, reply) => {
    const seconds = readJsonLower(request)?.seconds;
    if (typeof seconds !== 'number' || !(seconds > 0)) return reply.code(400).send({ error: 'give {"seconds": n} with n > 0' });
    settings.ttlSeconds = seconds;
    return { ok: true, seconds };
  });
}
