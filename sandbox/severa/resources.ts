import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { readJsonLower, sendError } from './wire';

export type Row = Record<string, unknown> & { guid: string; createdDateTime: string; lastUpdatedDateTime: string };
type Query = Record<string, string | string[] | undefined>;

const MAX_ROWS = 100; // Open point (docs/wire/open-points.md): the spec says 100, a support article 1000; the stricter one is enforced
const DEFAULT_ROWS = 20;

const list = (q: Query, k: string): string[] | undefined => (q[k] === undefined ? undefined : ([] as string[]).concat(q[k] as string | string[]));
const one = (q: Query, k: string): string | undefined => list(q, k)?.[0];

function rowCountOf(q: Query, reply: FastifyReply): number | null {
  const raw = one(q, 'rowCount');
  const n = raw === undefined ? DEFAULT_ROWS : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS) {
    sendError(reply, 400, 'InvalidParameter', `rowCount must be between 1 and ${MAX_ROWS}.`, { type: 'UriParameter', name: 'rowCount' });
    return null;
  }
  return n;
}

/** changedSince: rows added or changed at or after the instant (a date-time with an offset). */
function changedSinceOf(q: Query, reply: FastifyReply): number | null | undefined {
  const raw = one(q, 'changedSince');
  if (raw === undefined) return undefined;
  const t = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) {
    sendError(reply, 400, 'InvalidParameter', `The value '${raw}' is not valid for changedSince.`, { type: 'UriParameter', name: 'changedSince' });
    return null;
  }
  return t;
}

const changedAt = (r: Row) => Date.parse(r.lastUpdatedDateTime ?? r.createdDateTime);
const bool = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase() === 'true');

// Page tokens are opaque to clients; the sandbox encodes the offset (open point, docs/wire/open-points.md: Severa's own token format).
const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeToken(token: string): number | null {
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : null;
  } catch {
    return null;
  }
}

interface ResourceSpec {
  path: string;
  collection: string;
  paging: 'token' | 'offset';
  /** Resource-specific filters; return false to drop a row. */
  filter(row: Row, q: Query): boolean;
}

function register(app: FastifyInstance, ctx: SandboxContext, spec: ResourceSpec): void {
  app.get(`/v1/${spec.path}`, async (request: FastifyRequest, reply) => {
    const q = request.query as Query;
    const rowCount = rowCountOf(q, reply);
    if (rowCount === null) return reply;
    const since = changedSinceOf(q, reply);
    if (since === null) return reply;
    const rows = ctx.store.list<Row>(spec.collection).filter((r) => (since === undefined || changedAt(r) >= since) && spec.filter(r, q));

    let offset = 0;
    if (spec.paging === 'token') {
      const token = one(q, 'pageToken');
      if (token !== undefined) {
        const decoded = decodeToken(token);
        if (decoded === null) return sendError(reply, 400, 'InvalidParameter', 'The page token is not valid.', { type: 'UriParameter', name: 'pageToken' });
        offset = decoded;
      }
    } else {
      const first = Number(one(q, 'firstRow') ?? 0);
      if (!Number.isInteger(first) || first < 0) return sendError(reply, 400, 'InvalidParameter', 'firstRow must be zero or more.', { type: 'UriParameter', name: 'firstRow' });
      offset = first;
    }
    const page = rows.slice(offset, offset + rowCount);
    if (spec.paging === 'token' && offset + rowCount < rows.length) reply.header('NextPageToken', encodeToken(offset + rowCount));
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(page));
  });

  app.get(`/v1/${spec.path}/:guid`, async (request, reply) => {
    const { guid } = request.params as { guid: string };
    const row = ctx.store.find<Row>(spec.collection, (r) => r.guid.toLowerCase() === guid.toLowerCase());
    // Open point (docs/wire/open-points.md): the error type Severa uses for an unknown guid.
    if (!row) return sendError(reply, 404, 'InvalidParameter', `No ${spec.path} found with guid ${guid}.`, { type: 'PathParameter', name: 'guid' });
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(row));
  });
}

const COLLECTIONS = ['customers', 'products', 'costCenters'];

export function resourceRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  register(app, ctx, {
    path: 'customers',
    collection: 'customers',
    paging: 'token',
    filter: (r, q) => {
      const active = bool(one(q, 'isActive'));
      const numbers = list(q, 'numbers');
      const internal = bool(one(q, 'isInternal'));
      return (active === undefined || r.isActive === active) && (internal === undefined || r.isInternal === internal) && (!numbers || numbers.includes(String(r.number)));
    },
  });
  register(app, ctx, {
    path: 'products',
    collection: 'products',
    paging: 'token',
    filter: (r, q) => {
      const active = bool(one(q, 'isActive'));
      const code = one(q, 'code');
      const type = one(q, 'type');
      return (active === undefined || r.isActive === active) && (!code || r.code === code) && (!type || r.type === type);
    },
  });
  register(app, ctx, {
    path: 'costcenters',
    collection: 'costCenters',
    paging: 'offset',
    filter: (r, q) => {
      const active = bool(one(q, 'active'));
      const text = one(q, 'textToSearch')?.toLowerCase();
      const identifier = one(q, 'identifier');
      const name = one(q, 'name');
      return (
        (active === undefined || r.isActive === active) &&
        (!identifier || r.identifier === identifier) &&
        (!name || r.name === name) &&
        (!text || String(r.name).toLowerCase().includes(text) || String(r.identifier).toLowerCase().includes(text))
      );
    },
  });

  // Test control: change a record as a Severa user would, so that changedSince sees it.
  app.post('/__sandbox/severa/touch', async (request, reply) => {
    const body = readJsonLower(request);
    const collection = body?.collection;
    const guid = body?.guid;
    const patch = body?.patch ?? {};
    // Optional: the stamp Severa's own clock gives the change (a Severa whose clock differs from ours); default now.
    const stamp = body?.lastupdateddatetime;
    if (typeof collection !== 'string' || !COLLECTIONS.includes(collection) || typeof guid !== 'string' || typeof patch !== 'object' || patch === null || (stamp !== undefined && (typeof stamp !== 'string' || Number.isNaN(Date.parse(stamp))))) {
      return reply.code(400).send({ error: `give {"collection": one of ${COLLECTIONS.join(', ')}, "guid": "…", "patch": {…}, optionally "lastUpdatedDateTime": "<ISO instant>"}` });
    }
    const row = ctx.store.find<Row>(collection, (r) => r.guid === guid);
    if (!row) return reply.code(404).send({ error: `no ${collection} record with guid ${guid}` });
    const lastUpdatedDateTime = stamp === undefined ? new Date().toISOString() : new Date(Date.parse(stamp)).toISOString();
    Object.assign(row, patch, { guid: row.guid, createdDateTime: row.createdDateTime, lastUpdatedDateTime });
    return { ok: true, record: row };
  });
}
