import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';

/** WordPress REST error envelope (docs/wire/woocommerce.md, "Errors"). */
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

// Messages of the permission check that an unauthenticated request falls through to (docs/wire/woocommerce.md,
// "Authentication"). The list variant is an open point (docs/wire/open-points.md).
const CANNOT: Record<Action, [string, string]> = {
  list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
  view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
  create: ['woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.'],
  edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
  delete: ['woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.'],
};

const AUTH_ERROR = 'woocommerce_rest_authentication_error';
const OAUTH_PARAMS = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'] as const;
/** Timestamps must lie within 15 minutes of the server's clock; a nonce may not repeat within that window. */
const OAUTH_WINDOW_S = 15 * 60;

/**
 * Whether WordPress would consider the request secure (`is_ssl()`). The sandbox listens on plain HTTP only; it
 * treats a request as HTTPS when it carries `X-Forwarded-Proto: https`, as a WordPress site behind a TLS-terminating
 * proxy is usually configured to (our choice: docs/wire/open-points.md).
 */
export const isHttps = (request: FastifyRequest): boolean => request.headers['x-forwarded-proto'] === 'https';

/** PHP's rawurlencode: everything but A-Z a-z 0-9 - _ . ~ percent-encoded. */
const raw = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `Authorization: OAuth k="v", …` → its oauth_* parameters (WooCommerce accepts them there since 3.0). */
function oauthHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header?.startsWith('OAuth ')) return out;
  for (const m of header.matchAll(/(oauth_[a-z_-]*)=(?:"([^"]*)"|([^,]*))/g)) out[m[1]] = decodeURIComponent((m[2] ?? m[3] ?? '').replace(/\+/g, ' '));
  return out;
}

/** Query parameters as PHP sees them: `a[]=x&a[]=y` → a[0]=x, a[1]=y; repeated plain keys → the last value. */
function phpParams(query: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (k.endsWith('[]')) (Array.isArray(v) ? v : [v]).forEach((x, i) => out.push([`${k.slice(0, -2)}[${i}]`, x]));
    else out.push([k, Array.isArray(v) ? v[v.length - 1] : v]);
  }
  return out;
}

/**
 * The OAuth 1.0a check of WooCommerce for plain-HTTP requests: signature base string = METHOD & enc(site URL + path)
 * & enc(sorted "k=v" pairs of every query and oauth_* parameter except oauth_signature), HMAC-SHA1 or -SHA256 keyed
 * with "<consumer secret>&"; then the timestamp window and the nonce. Returns the key, or an error to send.
 */
function checkOAuth(
  ctx: SandboxContext,
  request: FastifyRequest,
  params: Record<string, string>,
  all: Array<[string, string]>,
): { key: ApiKey } | { error: [number, string, string] } {
  const found = ctx.store.find<ApiKey>('apiKeys', (k) => k.consumer_key === params.oauth_consumer_key);
  if (!found) return { error: [401, AUTH_ERROR, 'Consumer key is invalid.'] };
  // WordPress signs against its configured site address; the sandbox's site address is whatever host the caller
  // reached it by (Host header), so that it works behind Docker names and proxies too (docs/wire/open-points.md).
  const path = request.url.split('?')[0];
  const baseUri = raw(`${isHttps(request) ? 'https' : 'http'}://${request.headers.host ?? new URL(ctx.url).host}${path}`);
  const pairs = all
    .filter(([k]) => k !== 'oauth_signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => raw(`${raw(k)}=${raw(v)}`));
  const base = `${request.method.toUpperCase()}&${baseUri}&${pairs.join('%26')}`;
  const method = params.oauth_signature_method;
  if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return { error: [401, AUTH_ERROR, 'Invalid signature - signature method is invalid.'] };
  const expected = createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${found.consumer_secret}&`).update(base).digest('base64');
  const given = params.oauth_signature.replace(/ /g, '+');
  const same = expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  if (!same) return { error: [401, AUTH_ERROR, 'Invalid signature - provided signature does not match.'] };
  const now = Math.floor(Date.now() / 1000);
  const ts = Number(params.oauth_timestamp);
  if (!(ts >= now - OAUTH_WINDOW_S && ts <= now + OAUTH_WINDOW_S)) return { error: [401, AUTH_ERROR, 'Invalid timestamp.'] };
  const nonces = (found.nonces ?? {}) as Record<string, number>;
  for (const [n, at] of Object.entries(nonces)) if (at < now - OAUTH_WINDOW_S) delete nonces[n];
  if (params.oauth_nonce in nonces) return { error: [401, AUTH_ERROR, 'Invalid nonce - nonce has already been used.'] };
  nonces[params.oauth_nonce] = ts;
  found.nonces = nonces;
  return { key: found };
}

/**
 * WooCommerce's REST authentication, in its order (docs/wire/woocommerce.md, "Authentication"):
 * - over HTTPS only: `consumer_key`/`consumer_secret` in the query, else HTTP Basic. An unknown key falls through
 *   silently; a wrong secret is refused ("Consumer secret is invalid.", with a WWW-Authenticate challenge);
 * - otherwise (and always on plain HTTP): OAuth 1.0a one-legged, parameters in the query or an `OAuth` Authorization
 *   header. None present: not authenticated; some present: "Missing OAuth parameter(s) …";
 * - nobody authenticated: the endpoint's permission check answers 401 `woocommerce_rest_cannot_*`;
 * - the key's permission (read / write / read_write) against the method.
 * Returns false after replying.
 */
export function authenticate(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply, action: Action): boolean {
  const query = request.query as Record<string, string | string[] | undefined>;
  let key: ApiKey | undefined;
  let error: [number, string, string] | undefined;
  let challenge = false;
  if (isHttps(request)) {
    let id: string | undefined;
    let secret: string | undefined;
    const qk = query.consumer_key;
    const qs = query.consumer_secret;
    if (typeof qk === 'string' && qk && typeof qs === 'string' && qs) {
      id = qk;
      secret = qs;
    } else if (request.headers.authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(request.headers.authorization.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      id = i < 0 ? decoded : decoded.slice(0, i);
      secret = i < 0 ? '' : decoded.slice(i + 1);
    }
    if (id && secret) {
      const found = ctx.store.find<ApiKey>('apiKeys', (k) => k.consumer_key === id);
      if (found && found.consumer_secret === secret) key = found;
      else if (found) {
        error = [401, AUTH_ERROR, 'Consumer secret is invalid.'];
        challenge = true;
      }
    }
  }
  if (!key) {
    const all = phpParams(query);
    const header = oauthHeader(request.headers.authorization);
    for (const [k, v] of Object.entries(header)) {
      const at = all.findIndex(([name]) => name === k);
      if (at >= 0) all.splice(at, 1);
      all.push([k, v]);
    }
    const params = Object.fromEntries(all) as Record<string, string>;
    const missing = OAUTH_PARAMS.filter((p) => !params[p]);
    if (missing.length < OAUTH_PARAMS.length) {
      if (missing.length) {
        error = [401, 'woocommerce_rest_authentication_missing_parameter', `Missing OAuth parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`];
      } else {
        const checked = checkOAuth(ctx, request, params, all);
        if ('key' in checked) key = checked.key;
        else error = checked.error;
        challenge = false;
      }
    }
  }
  if (!key && error) {
    if (challenge) reply.header('WWW-Authenticate', 'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."');
    wooError(reply, error[0], error[1], error[2]);
    return false;
  }
  if (!key) {
    const [code, message] = CANNOT[action];
    wooError(reply, 401, code, message);
    return false;
  }
  const writes = action === 'create' || action === 'edit' || action === 'delete';
  if (writes && key.permissions === 'read') {
    wooError(reply, 401, AUTH_ERROR, 'The API key provided does not have write permissions.');
    return false;
  }
  if (!writes && key.permissions === 'write') {
    wooError(reply, 401, AUTH_ERROR, 'The API key provided does not have read permissions.');
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

/** X-WP-Total, X-WP-TotalPages and a Link header with only prev/next, as the CRUD controller sends (docs/wire/woocommerce.md, "Paging"). */
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
