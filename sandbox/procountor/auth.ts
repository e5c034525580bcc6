import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { bearer, liveToken, sendErrors, type TokenRecord } from './wire';

export const SANDBOX_CREDENTIALS = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' };

/** Token lifetime; 3600 s as Procountor's M2M tokens, shortened by tests through the control endpoint. */
export interface TokenSettings {
  ttlSeconds: number;
}
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

const oauthError = (error: string, description: string) => JSON.stringify({ error, error_description: description });

export function authRoutes(app: FastifyInstance, ctx: SandboxContext, tokenSettings: TokenSettings): void {
  // M2M: client credentials plus the API key, form-encoded. `redirect_uri` is accepted and ignored.
  app.post('/api/oauth/token', async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '');
    const raw = (request.body as Buffer | undefined)?.toString('utf8') ?? '';
    // Open point (docs/wire/open-points.md): the status and body of Procountor's token errors; standard OAuth 2.0 bodies are used.
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      return reply.code(400).type('application/json').send(oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded'));
    }
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials') {
      return reply.code(400).type('application/json').send(oauthError('unsupported_grant_type', 'Only client_credentials with an API key is supported'));
    }
    const { clientId, clientSecret, apiKey } = SANDBOX_CREDENTIALS;
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return reply.code(401).type('application/json').send(oauthError('invalid_client', 'Client authentication failed'));
    }
    if (form.get('api_key') !== apiKey) {
      return reply.code(401).type('application/json').send(oauthError('invalid_grant', 'Invalid API key'));
    }
    const record: TokenRecord = {
      token: randomBytes(24).toString('hex'),
      clientId,
      issuedAt: Date.now(),
      expiresAt: Date.now() + tokenSettings.ttlSeconds * 1000,
    };
    ctx.store.insert('tokens', record);
    return reply.type('application/json').send(JSON.stringify({ access_token: record.token, token_type: 'bearer', expires_in: tokenSettings.ttlSeconds }));
  });

  // Every other API route needs a live bearer token. The 401 body of an expired token is an open point (docs/wire/open-points.md).
  app.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!path.startsWith('/api/') || path === '/api/oauth/token') return;
    if (!liveToken(ctx, bearer(request))) return sendErrors(reply, 401, [{ field: null, message: 'Unauthorized' }]);
  });

  app.post('/__sandbox/procountor/token-ttl', async (request, reply) => {
    const raw = (request.body as Buffer | undefined)?.toString('utf8') ?? '';
    let seconds: unknown;
    try {
      seconds = (JSON.parse(raw) as { seconds?: unknown }).seconds;
    } catch {
      seconds = undefined;
    }
    if (typeof seconds !== 'number' || !(seconds > 0)) return reply.code(400).send({ error: 'give {"seconds": n} with n > 0' });
    tokenSettings.ttlSeconds = seconds;
    return { ok: true, seconds };
  });
}
