import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';

/** The account the default token belongs to; sent as Rackbeat-Account-Id on webhooks and by `GET self`. */
export const ACCOUNT_ID = 40125;

export type Json = Record<string, unknown>;
export type Errors = Record<string, string[]>;

/** Shared mutable settings of one Rackbeat sandbox (changed through its extra control endpoint). */
export interface RackbeatSettings {
  /** Add the documented `event` to webhook bodies; real deliveries were seen with only `{key_name, key}`. */
  webhookBodyIncludesEvent: boolean;
  /** Store a credit note's credited quantities negative (default positive); which sign Rackbeat stores is an open point. */
  creditNoteQuantitiesNegative: boolean;
}

/** Rackbeat's datetime form (`Y-m-d\TH:i:sP`). */
export const stamp = (d: Date = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** A JSON object body; `null` when the body is not a JSON object. */
export function jsonBody(request: FastifyRequest): Json | null {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) return {};
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

/** Product numbers arrive encoded once (SDK) or twice (documented): decode until nothing changes. */
export function decodeNumber(raw: string): string {
  let current = raw;
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

export const sendOne = (reply: FastifyReply, status: number, key: string, record: unknown) => reply.code(status).send({ [key]: record });

// Laravel's own messages for these statuses; the exact Rackbeat bodies are an open point (docs/wire/open-points.md).
export const notFound = (reply: FastifyReply) => reply.code(404).send({ message: 'Not Found.' });
export const invalid = (reply: FastifyReply, errors: Errors) =>
  reply.code(422).send({ message: Object.values(errors)[0]?.[0] ?? 'The given data was invalid.', errors });
export const malformed = (reply: FastifyReply) => reply.code(400).send({ message: 'The request body is not valid JSON.' });

const RESERVED = new Set(['page', 'limit', 'fields', 'expand', 'order_by', 'order_direction', 'search']);

export interface FilterOptions {
  /** Field-value lookups for `field_eq[id]` / `field[id]`: the stored value of field `id` on a record. */
  fieldValue?: (record: Json, fieldId: number) => unknown;
  /** Query keys that map to a differently named record key (`for` → `available_for`). */
  aliases?: Record<string, string>;
}

/**
 * Rackbeat's list filters: plain `key=value` on top-level keys, `simple_filter[key]=value`, and for records with
 * user-defined fields `field_eq[id]=value` (exact) and `field[id]=value` (starts with).
 */
export function applyFilters(records: Json[], query: Record<string, unknown>, options: FilterOptions = {}): Json[] {
  let out = records;
  for (const [rawKey, rawValue] of Object.entries(query)) {
    if (RESERVED.has(rawKey) || rawValue === undefined) continue;
    const value = String(Array.isArray(rawValue) ? rawValue[0] : rawValue);
    const fieldEq = /^field_eq\[(\d+)\]$/.exec(rawKey);
    const fieldLike = /^field\[(\d+)\]$/.exec(rawKey);
    const simple = /^simple_filter\[(\w+)\]$/.exec(rawKey);
    if ((fieldEq || fieldLike) && options.fieldValue) {
      const id = Number((fieldEq ?? fieldLike)![1]);
      out = out.filter((r) => {
        const v = options.fieldValue!(r, id);
        if (v === undefined || v === null) return false;
        return fieldEq ? String(v) === value : String(v).startsWith(value);
      });
      continue;
    }
    const key = simple ? simple[1] : (options.aliases?.[rawKey] ?? rawKey);
    out = out.filter((r) => key in r && String(r[key]) === value);
  }
  return out;
}

/**
 * A list reply: 206 Partial Content with `{<plural>: [...], total, pages, limit, page}`. `limit` defaults to 20;
 * the cap of 1000 comes from a third-party wrapper (docs/wire/open-points.md) and larger values are clamped, not refused.
 */
export function sendPage(reply: FastifyReply, request: FastifyRequest, plural: string, records: unknown[]) {
  const q = request.query as Record<string, string | undefined>;
  const limit = Math.min(1000, Math.max(1, Number.parseInt(q.limit ?? '20', 10) || 20));
  const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
  const total = records.length;
  const pages = Math.max(1, Math.ceil(total / limit));
  const items = records.slice((page - 1) * limit, page * limit);
  return reply.code(206).send({ [plural]: items, total, pages, limit, page });
}

/** Laravel-style rule checks that collect errors per field, with Laravel's wording. */
export class Rules {
  readonly errors: Errors = {};

  constructor(private readonly body: Json) {}

  private label(field: string): string {
    return field.replace(/^.*\./, '').replace(/_/g, ' ');
  }

  fail(field: string, message: string): this {
    (this.errors[field] ??= []).push(message);
    return this;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  has(field: string): boolean {
    return this.body[field] !== undefined && this.body[field] !== null && this.body[field] !== '';
  }

  required(field: string): this {
    return this.has(field) ? this : this.fail(field, `The ${this.label(field)} field is required.`);
  }

  string(field: string, max?: number, path = field): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    if (typeof v !== 'string') return this.fail(path, `The ${this.label(path)} must be a string.`);
    if (max !== undefined && [...v].length > max) return this.fail(path, `The ${this.label(path)} must not be greater than ${max} characters.`);
    return this;
  }

  numeric(field: string, path = field): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    const ok = (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
    return ok ? this : this.fail(path, `The ${this.label(path)} must be a number.`);
  }

  integer(field: string, path = field): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    return Number.isInteger(typeof v === 'string' ? Number(v) : v) ? this : this.fail(path, `The ${this.label(path)} must be an integer.`);
  }

  boolean(field: string): this {
    const v = this.body[field];
    return v === undefined || typeof v === 'boolean' ? this : this.fail(field, `The ${this.label(field)} field must be true or false.`);
  }

  exists(field: string, found: (v: unknown) => boolean, path = field): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    return found(v) ? this : this.fail(path, `The selected ${this.label(path)} is invalid.`);
  }

  unique(field: string, taken: (v: unknown) => boolean): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    return taken(v) ? this.fail(field, `The ${this.label(field)} has already been taken.`) : this;
  }

  oneOf(field: string, values: readonly string[]): this {
    const v = this.body[field];
    if (v === undefined || v === null) return this;
    return values.includes(String(v)) ? this : this.fail(field, `The selected ${this.label(field)} is invalid.`);
  }
}

/** The record's own URL, as Rackbeat puts it in `self`. */
export const selfUrl = (ctx: SandboxContext, path: string): string => `${ctx.url}/api/${path}`;

/** Copies the keys of `body` that `allowed` lists; everything else a client sends is ignored, as Laravel does. */
export function pick(body: Json, allowed: readonly string[]): Json {
  const out: Json = {};
  for (const k of allowed) if (body[k] !== undefined) out[k] = body[k];
  return out;
}
