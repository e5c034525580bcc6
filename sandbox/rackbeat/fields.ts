import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { parseKey, type Fire } from './crud';
import { applyFilters, invalid, jsonBody, malformed, notFound, pick, Rules, selfUrl, sendOne, sendPage, stamp, type Errors, type Json } from './wire';

/**
 * User-defined fields: definitions under `fields` (keyed by slug in paths, by id in value payloads) and values
 * per record under `products|customers|suppliers/{key}/fields`. Values are kept in the `fieldValues` collection as
 * `{field_id, owner, key, value}`.
 */
const TYPES = ['text', 'textarea', 'checkbox', 'dropdown'];
const OWNERS = ['item', 'customer', 'supplier'];
const WRITABLE = ['name', 'slug', 'type', 'available_for', 'use_in_layouts', 'default_value', 'options'];

const slugify = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function fieldRoutes(app: FastifyInstance, ctx: SandboxContext, fire: Fire): void {
  const fields = () => ctx.store.list<Json>('fields');
  const render = (f: Json) => ({ ...f, self: selfUrl(ctx, `fields/${f.slug}`) });
  const bySlug = (slug: string) => fields().find((f) => f.slug === slug);

  const validate = (r: Rules, body: Json, existing?: Json) => {
    if (!existing) r.required('name').required('type').required('available_for');
    r.string('name', 255).string('slug', 255).oneOf('type', TYPES).oneOf('available_for', OWNERS).boolean('use_in_layouts');
    const slug = typeof body.slug === 'string' ? body.slug : typeof body.name === 'string' && !existing ? slugify(body.name) : undefined;
    if (slug !== undefined && fields().some((f) => f !== existing && f.slug === slug)) r.fail('slug', 'The slug has already been taken.');
    if (body.options !== undefined && !Array.isArray(body.options)) r.fail('options', 'The options must be an array.');
  };

  app.get('/api/fields', async (request, reply) =>
    sendPage(reply, request, 'fields', applyFilters(fields(), request.query as Record<string, unknown>, { aliases: { for: 'available_for' } }).map(render)),
  );

  app.post('/api/fields', async (request, reply) => {
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const r = new Rules(body);
    validate(r, body);
    if (!r.ok) return invalid(reply, r.errors);
    const now = stamp();
    const w = pick(body, WRITABLE);
    const field = {
      id: ctx.store.nextId('field'), use_in_layouts: false, default_value: null, options: [], ...w,
      slug: (w.slug as string | undefined) ?? slugify(String(w.name)), created_at: now, updated_at: now,
    };
    ctx.store.insert('fields', field);
    return sendOne(reply, 201, 'field', render(field));
  });

  app.get<{ Params: { slug: string } }>('/api/fields/:slug', async (request, reply) => {
    const f = bySlug(request.params.slug);
    return f ? sendOne(reply, 200, 'field', render(f)) : notFound(reply);
  });

  app.put<{ Params: { slug: string } }>('/api/fields/:slug', async (request, reply) => {
    const f = bySlug(request.params.slug);
    if (!f) return notFound(reply);
    const body = jsonBody(request);
    if (!body) return malformed(reply);
    const r = new Rules(body);
    validate(r, body, f);
    if (!r.ok) return invalid(reply, r.errors);
    Object.assign(f, pick(body, WRITABLE), { updated_at: stamp() });
    return sendOne(reply, 200, 'field', render(f));
  });

  app.delete<{ Params: { slug: string } }>('/api/fields/:slug', async (request, reply) => {
    const f = bySlug(request.params.slug);
    if (!f) return notFound(reply);
    ctx.store.remove('fields', (x) => x === f);
    ctx.store.remove('fieldValues', (v) => v.field_id === f.id);
    return sendOne(reply, 200, 'field', render(f));
  });

  for (const [path, owner, keyType, event] of [
    ['products', 'item', 'string', 'product'],
    ['customers', 'customer', 'int', 'customer'],
    ['suppliers', 'supplier', 'int', 'supplier'],
  ] as const) {
    const record = (raw: string) => {
      const key = parseKey(raw, keyType);
      return key === undefined ? undefined : ctx.store.find<Json>(path, (r) => r.number === key);
    };
    const values = (key: string) =>
      fields()
        .filter((f) => f.available_for === owner)
        .map((f) => {
          const v = ctx.store.find<Json>('fieldValues', (x) => x.field_id === f.id && x.owner === owner && x.key === key);
          return { field: { id: f.id, slug: f.slug, name: f.name, type: f.type }, value: v ? v.value : f.default_value ?? null };
        });

    app.get<{ Params: { key: string } }>(`/api/${path}/:key/fields`, async (request, reply) => {
      const rec = record(request.params.key);
      return rec ? reply.code(200).send({ field_values: values(String(rec.number)) }) : notFound(reply);
    });

    // The write shape is verified for orders (`{custom_fields:[{id,value}]}`); its use here is an open point (docs/wire/open-points.md).
    app.put<{ Params: { key: string } }>(`/api/${path}/:key/fields`, async (request, reply) => {
      const rec = record(request.params.key);
      if (!rec) return notFound(reply);
      const body = jsonBody(request);
      if (!body) return malformed(reply);
      const errors: Errors = {};
      const list = body.custom_fields;
      if (!Array.isArray(list)) errors.custom_fields = ['The custom fields field is required.'];
      const writes: Array<{ field: Json; value: unknown }> = [];
      for (const [i, item] of (Array.isArray(list) ? list : []).entries()) {
        const entry = (item ?? {}) as Json;
        const field = fields().find((f) => f.id === entry.id && f.available_for === owner);
        if (!field) {
          errors[`custom_fields.${i}.id`] = [`The selected custom_fields.${i}.id is invalid.`];
          continue;
        }
        const v = entry.value;
        const bad =
          (field.type === 'checkbox' && v !== null && typeof v !== 'boolean') ||
          ((field.type === 'text' || field.type === 'textarea') && v !== null && typeof v !== 'string') ||
          (field.type === 'text' && typeof v === 'string' && v.length > 255) ||
          (field.type === 'dropdown' && v !== null && !(field.options as unknown[]).includes(v));
        if (bad) errors[`custom_fields.${i}.value`] = [`The custom_fields.${i}.value is invalid for a ${field.type} field.`];
        else writes.push({ field, value: v });
      }
      if (Object.keys(errors).length) return invalid(reply, errors);
      const key = String(rec.number);
      for (const w of writes) {
        ctx.store.remove('fieldValues', (x) => x.field_id === w.field.id && x.owner === owner && x.key === key);
        ctx.store.insert('fieldValues', { field_id: w.field.id, owner, key, value: w.value });
      }
      rec.updated_at = stamp();
      fire(`${event}.updated`, 'number', rec.number as string | number);
      return reply.code(200).send({ field_values: values(key) });
    });
  }
}
