import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';

/** Severa's ExceptionModel: {"error":{"httpStatusCode","type","details":[{"message","location":{…}}],"stack"}}. */
export function sendError(
  reply: FastifyReply,
  status: number,
  type: string,
  message: string,
  location?: { type: 'RequestBody' | 'PathParameter' | 'UriParameter' | 'RequestHeader'; name: string },
): FastifyReply {
  const body = { error: { httpStatusCode: status, type, details: [{ message, url: null, location: location ? { ...location, identifier: null } : null }], stack: null } };
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export const SCOPES = ['activities', 'customers', 'fees', 'files', 'hours', 'invoices', 'projects', 'resourceallocations', 'settings', 'travels', 'users']
  .flatMap((s) => [`${s}:read`, `${s}:write`, `${s}:delete`])
  .concat(['organization:read', 'organization:write']);

export interface TokenRecord extends Record<string, unknown> {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export function liveToken(ctx: SandboxContext, request: FastifyRequest): TokenRecord | undefined {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  if (!m) return undefined;
  const t = ctx.store.find<TokenRecord>('tokens', (r) => r.token === m[1]);
  return t && t.expiresAt > Date.now() ? t : undefined;
}

/** Reads a JSON body; Severa binds member names case-insensitively (client_Id works as client_id). */
export function readJsonLower(request: FastifyRequest): Record<string, unknown> | null {
  const raw = request.body as Buffer | undefined;
  try {
    const parsed: unknown = raw && raw.length ? JSON.parse(raw.toString('utf8')) : null;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]));
  } catch {
    return null;
  }
}
