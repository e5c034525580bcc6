import type { FastifyReply, FastifyRequest } from 'fastify';
import { businessIdCheckDigit } from '../../domain/business-id';
import type { SandboxContext } from '../kit/server';

/** Procountor's error body: {"errors":[{"status","field","message"}]}. */
export interface WireError {
  status: number;
  field: string | null;
  message: string;
}

export const sendErrors = (reply: FastifyReply, status: number, errors: Array<Omit<WireError, 'status'>>): FastifyReply =>
  reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ errors: errors.map((e) => ({ status, field: e.field, message: e.message })) }));

/** Collects field violations so one reply names all of them, as Procountor does. */
export class Violations {
  readonly list: Array<{ field: string | null; message: string }> = [];

  add(field: string | null, message: string): void {
    this.list.push({ field, message });
  }
  blank(field: string): void {
    this.add(field, `Value of the '${field}' cannot be blank.`);
  }
  invalid(field: string, value: unknown): void {
    this.add(field, `Value of the '${field}' field is invalid: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  tooLong(field: string, max: number): void {
    // Open point (docs/wire/open-points.md): wording; Procountor's length violations carry the field path like the others.
    this.add(field, `Value of the '${field}' is too long. Maximum length is ${max}.`);
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
export const isDate = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
export const isEmail = (v: unknown): v is string => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

/** Request body as JSON, or a 400 in Procountor's format. */
export function readJson(request: FastifyRequest, reply: FastifyReply): Json | null {
  const raw = request.body as Buffer | undefined;
  try {
    const parsed: unknown = raw && raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    if (isObject(parsed)) return parsed;
  } catch {
    /* reported below */
  }
  sendErrors(reply, 400, [{ field: null, message: 'Request body is not a valid JSON object.' }]);
  return null;
}

// Windows-1252 adds these to Latin-1 in 0x80–0x9F; everything else must be ≤ 0xFF and outside that range.
const CP1252_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);

/** Procountor takes UTF-8 but rejects characters Windows-1252 cannot hold; names the first field that has one. */
export function checkWindows1252(value: unknown, path: string, v: Violations): void {
  if (typeof value === 'string') {
    for (const ch of value) {
      const cp = ch.codePointAt(0)!;
      const ok = (cp <= 0xff && (cp < 0x80 || cp > 0x9f)) || CP1252_EXTRA.has(ch);
      if (!ok) {
        // Open point (docs/wire/open-points.md): wording.
        v.add(path || null, `Value of the '${path}' contains characters that are not allowed: ${ch}`);
        return;
      }
    }
  } else if (Array.isArray(value)) value.forEach((item, i) => checkWindows1252(item, `${path}[${i}]`, v));
  else if (isObject(value)) for (const [k, item] of Object.entries(value)) checkWindows1252(item, path ? `${path}.${k}` : k, v);
}

/** Procountor's datetime form: no zone, milliseconds kept so that `version` changes on every write. */
let lastStamp = 0;
export const timestamp = (): string => {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp).toISOString().replace('Z', '');
};

/** {"results": [...], "meta": {...}} with page (0-based) and size (default 50, max 200). */
export function paged<T>(request: FastifyRequest, reply: FastifyReply, rows: T[]): { results: T[]; meta: Json } | null {
  const q = request.query as Record<string, string | undefined>;
  const size = q.size === undefined ? 50 : Number(q.size);
  const page = q.page === undefined ? 0 : Number(q.page);
  if (!Number.isInteger(size) || size < 1 || size > 200) {
    sendErrors(reply, 400, [{ field: 'size', message: `Value of the 'size' field is invalid: ${q.size}` }]);
    return null;
  }
  if (!Number.isInteger(page) || page < 0) {
    sendErrors(reply, 400, [{ field: 'page', message: `Value of the 'page' field is invalid: ${q.page}` }]);
    return null;
  }
  const results = rows.slice(page * size, page * size + size);
  return { results, meta: { pageNumber: page, pageSize: size, resultCount: results.length, totalCount: rows.length } };
}

/** GET /<resource>/{ids}: one id answers the object, several a list ordered by id; >200 → 400; none found → 404. */
export function byIds<T extends { id: number }>(reply: FastifyReply, idsParam: string, rows: T[], what: string): T | T[] | undefined {
  const ids = [...new Set(idsParam.split(',').map((s) => Number(s.trim())))];
  if (ids.length > 200) {
    sendErrors(reply, 400, [{ field: 'id', message: 'Maximum of 200 ids per request exceeded.' }]);
    return undefined;
  }
  const found = rows.filter((r) => ids.includes(r.id)).sort((a, b) => a.id - b.id);
  if (!found.length) {
    sendErrors(reply, 404, [{ field: null, message: `${what} not found.` }]);
    return undefined;
  }
  return ids.length === 1 ? found[0] : found;
}

/** Finnish business ID with a valid check digit. */
export const isFinnishBusinessId = (v: string): boolean => {
  const m = /^(\d{7})-(\d)$/.exec(v);
  return m !== null && businessIdCheckDigit(m[1]) === Number(m[2]);
};

/** Finnish creditor reference (weights 7-3-1 from the right) or an RF reference (ISO 11649, mod 97). */
export function isValidReference(ref: string): boolean {
  const s = ref.replace(/\s+/g, '').toUpperCase();
  if (/^RF\d{2}[0-9A-Z]{1,21}$/.test(s)) {
    const moved = s.slice(4) + s.slice(0, 4);
    const digits = [...moved].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
    let rem = 0;
    for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
    return rem === 1;
  }
  if (!/^\d{4,20}$/.test(s)) return false;
  const body = s.slice(0, -1);
  const weights = [7, 3, 1];
  let sum = 0;
  [...body].reverse().forEach((d, i) => (sum += Number(d) * weights[i % 3]));
  return (10 - (sum % 10)) % 10 === Number(s.slice(-1));
}

/** The Finnish reference for a number, as Procountor generates one when the field is sent empty. */
export function finnishReference(base: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  [...base].reverse().forEach((d, i) => (sum += Number(d) * weights[i % 3]));
  return `${base}${(10 - (sum % 10)) % 10}`;
}

export interface TokenRecord extends Record<string, unknown> {
  token: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

export const bearer = (request: FastifyRequest): string | undefined => {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
};

export const liveToken = (ctx: SandboxContext, token: string | undefined): TokenRecord | undefined => {
  if (!token) return undefined;
  const t = ctx.store.find<TokenRecord>('tokens', (r) => r.token === token);
  return t && t.expiresAt > Date.now() ? t : undefined;
};
