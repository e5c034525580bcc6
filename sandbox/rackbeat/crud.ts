import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { applyFilters, decodeNumber, invalid, jsonBody, malformed, notFound, pick, Rules, sendOne, sendPage, stamp, type Errors, type FilterOptions, type Json } from './wire';

/** One Rackbeat register served with standard CRUD: list (206), create (201), get, update, delete (200). */
export interface CrudSpec {
  path: string;
  singular: string;
  plural: string;
  collection: string;
  /** Products are keyed by a string number, everything else here by an integer number. */
  keyType: 'string' | 'int';
  /** Keys a client may write; anything else in a body is ignored. */
  writable: readonly string[];
  validate(rules: Rules, body: Json, existing: Json | undefined): void;
  /** Fills what the client left out on create (number, defaults). Runs after validation. */
  defaults(body: Json): Json;
  render(record: Json): Json;
  /** Webhook prefix: fires `<prefix>.created|updated|deleted` keyed by number. */
  events?: string;
  /** A reason the record may not be deleted, as a 422 error map. */
  refuseDelete?(record: Json): Errors | null;
  filters?: FilterOptions;
  /** Called after every write (e.g. to rename dependants when a key changes). */
  afterWrite?(record: Json, previousKey: unknown): void;
}

export type Fire = (event: string, keyName: 'number' | 'id', key: string | number) => void;

export function parseKey(raw: string, keyType: 'string' | 'int'): string | number | undefined {
  if (keyType === 'string') return decodeNumber(raw);
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function crudRoutes(app: FastifyInstance, ctx: SandboxContext, spec: CrudSpec, fire: Fire): void {
  const records = () => ctx.store.list<Json>(spec.collection);
  const lookup = (request: FastifyRequest) => {
    const key = parseKey((request.params as { key: string }).key, spec.keyType);
    return key === undefined ? undefined : records().find((r) => r.number === key);
  };
  const base = `/api/${spec.path}`;

  app.get(base, async (request, reply) => {
    const list = applyFilters(records(), request.query as Record<string, unknown>, spec.filters);
    const sorted = [...list].sort((a, b) => (String(a.number) < String(b.number) ? -1 : 1));
    if (spec.keyType === 'int') sorted.sort((a, b) => Number(a.number) - Number(b.number));
    return sendPage(reply, request, spec.plural, sorted.map(spec.render));
  });

  app.post(base, async (request, reply) => {
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const rules = new Rules(body);
    spec.validate(rules, body, undefined);
    if (!rules.ok) return invalid(reply, rules.errors);
    const now = stamp();
    const record: Json = { ...spec.defaults(pick(body, spec.writable)), created_at: now, updated_at: now };
    ctx.store.insert(spec.collection, record);
    spec.afterWrite?.(record, undefined);
    if (spec.events) fire(`${spec.events}.created`, 'number', record.number as string | number);
    return sendOne(reply, 201, spec.singular, spec.render(record));
  });

  app.get(`${base}/:key`, async (request, reply) => {
    const record = lookup(request);
    return record ? sendOne(reply, 200, spec.singular, spec.render(record)) : notFound(reply);
  });

  app.put(`${base}/:key`, async (request, reply) => {
    const record = lookup(request);
    if (!record) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const rules = new Rules(body);
    spec.validate(rules, body, record);
    if (!rules.ok) return invalid(reply, rules.errors);
    const previousKey = record.number;
    Object.assign(record, pick(body, spec.writable), { updated_at: stamp() });
    spec.afterWrite?.(record, previousKey);
    if (spec.events) fire(`${spec.events}.updated`, 'number', record.number as string | number);
    return sendOne(reply, 200, spec.singular, spec.render(record));
  });

  app.delete(`${base}/:key`, async (request, reply) => {
    const record = lookup(request);
    if (!record) return notFound(reply);
    const refusal = spec.refuseDelete?.(record);
    if (refusal) return invalid(reply, refusal);
    ctx.store.remove(spec.collection, (r) => r === record);
    if (spec.events) fire(`${spec.events}.deleted`, 'number', record.number as string | number);
    return sendOne(reply, 200, spec.singular, spec.render(record));
  });
}
