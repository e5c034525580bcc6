import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';

export const SHOP_DOMAIN = 'siirto-sandbox.myshopify.com';
/** The app's client secret: webhooks are signed with it (docs/wire/shopify.md, "Webhooks"). */
export const APP_SECRET = 'sandbox-shopify-secret';

export interface AccessToken {
  [k: string]: unknown;
  token: string;
  scopes: string[];
}

export function shopifyError(reply: FastifyReply, status: number, errors: string | Record<string, string[] | string>): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ errors }));
}

export const json = (reply: FastifyReply, status: number, value: unknown) =>
  reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));

/** Stable API versions are quarterly (YYYY-01/04/07/10); `unstable` is accepted too. */
export const VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;

/**
 * The access token of a custom app in X-Shopify-Access-Token. A wrong or missing token gets Shopify's 401 sentence;
 * a token without the scope gets 403 (wording an open point, docs/wire/open-points.md, beyond the seen "[API] This action requires merchant
 * approval for <scope> scope.").
 */
/** Access scopes the sandbox checks (the inventory ones for sandbox/shopify/stock.ts). */
export type ShopifyScope = 'read_orders' | 'write_orders' | 'read_products' | 'read_inventory' | 'write_inventory' | 'read_locations';

export function authorize(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply, scope: ShopifyScope): boolean {
  const { version } = request.params as { version: string };
  if (!VERSION.test(version)) {
    shopifyError(reply, 404, 'Not Found');
    return false;
  }
  reply.header('X-Shopify-API-Version', version);
  const token = request.headers['x-shopify-access-token'];
  const found = typeof token === 'string' ? ctx.store.find<AccessToken>('accessTokens', (t) => t.token === token) : undefined;
  if (!found) {
    shopifyError(reply, 401, '[API] Invalid API key or access token (unrecognized login or wrong password)');
    return false;
  }
  if (!found.scopes.includes(scope)) {
    shopifyError(reply, 403, `[API] This action requires merchant approval for ${scope} scope.`);
    return false;
  }
  return true;
}

export function jsonBody(request: FastifyRequest): unknown | undefined {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** ISO-8601 with the shop's offset (Europe/Helsinki), as Shopify prints timestamps. */
export function shopTime(d: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Helsinki',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}:${parts.second}`;
  const offsetMin = Math.round((Date.parse(`${local}Z`) - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
