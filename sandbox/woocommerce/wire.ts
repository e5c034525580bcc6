import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';

/** WordPress REST error envelope (webshops.md A3). */
export function wooError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json; charset=UTF-8').send(JSON.stringify({ code, message, data: { status, ...extra } }));
}

/** `rest_invalid_param` as WordPress core builds it for a failed argument check. */
export function invalidParam(reply: FastifyReply, param: string, sentence: string): FastifyReply {
  return wooError(reply, 400, 'rest_invalid_param', `Invalid parameter(s): ${param}`, {
    params: { [param]: sentence },
    details: { [param]: { code: 'rest_invalid_param', message: sentence, data: null } },
  });
}

export interface ApiKey {
  [k: string]: unknown;
  consumer_key: string;
  consumer_secret: string;
  permissions: 'read' | 'write' | 'read_write';
}

type Action = 'list' | 'view' | 'create' | 'edit' | 'delete';

// Messages of the permission check that an unauthenticated request falls through to (webshops.md A2).
// The list variant is UNVERIFIED.
const CANNOT: Record<Action, [string, string]> = {
  list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
  view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
  create: ['woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.'],
  edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
  delete: ['woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.'],
};

/**
 * HTTP Basic (consumer key : secret) or the `consumer_key`/`consumer_secret` query fallback. OAuth 1.0a over plain
 * HTTP is not emulated: Siirto never uses it. Returns false after replying with WooCommerce's 401.
 */
export function authenticate(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply, action: Action): boolean {
  let key: string | undefined;
  let secret: string | undefined;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    key = i < 0 ? decoded : decoded.slice(0, i);
    secret = i < 0 ? '' : decoded.slice(i + 1);
  } else {
    const q = request.query as Record<string, string | undefined>;
    key = q.consumer_key;
    secret = q.consumer_secret;
  }
  if (!key) {
    const [code, message] = CANNOT[action];
    wooError(reply, 401, code, message);
    return false;
  }
  const found = ctx.store.find<ApiKey>('apiKeys', (k) => k.consumer_key === key);
  if (!found) {
    wooError(reply, 401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    return false;
  }
  if (found.consumer_secret !== secret) {
    wooError(reply, 401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    return false;
  }
  const writes = action === 'create' || action === 'edit' || action === 'delete';
  if (writes && found.permissions === 'read') {
    wooError(reply, 401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
    return false;
  }
  if (!writes && found.permissions === 'write') {
    wooError(reply, 401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
    return false;
  }
  return true;
}

/** Parses page/per_page as WordPress validates them; null after replying 400. */
export function pageParams(request: FastifyRequest, reply: FastifyReply): { page: number; perPage: number } | null {
  const q = request.query as Record<string, string | undefined>;
  const read = (name: string, fallback: number): number | null => {
    const raw = q[name];
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) {
      invalidParam(reply, name, `${name} is not of type integer.`);
      return null;
    }
    return Number(raw);
  };
  const page = read('page', 1);
  if (page === null) return null;
  if (page < 1) {
    invalidParam(reply, 'page', 'page must be greater than or equal to 1');
    return null;
  }
  const perPage = read('per_page', 10);
  if (perPage === null) return null;
  if (perPage < 1 || perPage > 100) {
    invalidParam(reply, 'per_page', 'per_page must be between 1 (inclusive) and 100 (inclusive)');
    return null;
  }
  return { page, perPage };
}

/** X-WP-Total, X-WP-TotalPages and a Link header with only prev/next, as the CRUD controller sends (webshops.md A5). */
export function sendPage<T>(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply, items: T[], page: number, perPage: number, render: (t: T) => unknown) {
  const total = items.length;
  const totalPages = Math.ceil(total / perPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const url = new URL(request.url, ctx.url);
  const link = (n: number) => {
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(Math.min(page - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  reply.header('X-WP-Total', String(total)).header('X-WP-TotalPages', String(totalPages));
  if (links.length) reply.header('Link', links.join(', '));
  return reply.type('application/json; charset=UTF-8').send(JSON.stringify(slice.map(render)));
}

export function jsonBody(request: FastifyRequest): unknown | undefined {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

const HELSINKI = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** The sandbox shop's timezone is Europe/Helsinki; WooCommerce prints local and GMT dates without an offset. */
export const siteDate = (d: Date): string => HELSINKI.format(d).replace(' ', 'T');
export const gmtDate = (d: Date): string => d.toISOString().slice(0, 19);
