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
    // By the store's index, not a scan: a register of 50,000 products answers as fast as one of 50.
    return key === undefined ? undefined : ctx.store.findBy<Json>(spec.collection, 'number', key);
  };
  const base = `/api/${spec.path}`;

  app.get(base, async (request, reply) => {
    const list = applyFilters(records(), request.query as Record<string, unknown>, spec.filters);
    // Sorted by number (numerically for integer keys, ties by text), each key computed once.
    const keyed = list.map((r) => ({ r, text: String(r.number), n: Number(r.number) }));
    keyed.sort((a, b) => (spec.keyType === 'int' && a.n !== b.n ? a.n - b.n : a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    // Only the page that is sent is rendered (when the reply is serialised), not the whole register.
    return sendPage(reply, request, spec.plural, keyed.map(({ r }) => ({ toJSON: () => spec.render(r) })));
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
    if (record.number !== previousKey) ctx.store.touched(spec.collection);
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
