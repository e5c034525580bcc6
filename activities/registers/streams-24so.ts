import type { RackbeatClient } from '../../connectors/rackbeat';
import type { Party, PartyKind, Product, ProductGroup } from '../../domain/model';
import { pairByCode } from '../../domain/mapping/pairing';
import { canonicalPartyToRackbeat, canonicalProductToRackbeat, rackbeatPartyToCanonical, rackbeatProductToCanonical } from '../../domain/mapping/rackbeat-netvisor';
import {
  canonicalPartyToSo,
  canonicalProductToSo,
  GROUP_KEYS,
  LINK_FIELDS,
  pairByReference,
  RACKBEAT_LINKED_PARTY_KEYS,
  SO_PARTY_KEYS,
  SO_PRODUCT_KEYS,
  soCategoryToCanonical,
  soCompanyToCanonical,
  soProductToCanonical,
  type LinkedCandidate,
} from '../../domain/mapping/rackbeat-twentyfourseven';
import type { RegisterRecord } from '../../domain/sync';
import { needsOperator } from '../failures';
import { sourceIdOf, type Candidate, type ListedRecord, type SourceItem, type SourceStream, type StreamContext, type TargetStream } from './stream-types';

/**
 * Rackbeat ↔ 24SevenOffice registers. 24SO has no paging on GetCompanies/GetProducts, so its "page" is a keyset
 * slice (by id) of one full read, as with Netvisor. Links: a 24SO company carries the Rackbeat number as
 * ExternalId; Rackbeat records carry the 24SO id in user-defined fields (LINK_FIELDS), written right after a create.
 */
const ALL_SINCE = '2000-01-01T00:00:00';
const so = (ctx: StreamContext) => ctx.connections.twentyfourseven(ctx.tenant);
const rb = (ctx: StreamContext) => ctx.connections.rackbeat(ctx.tenant);
const isCustomer = (type?: string) => type !== 'Supplier';

function keyset<T extends { id?: number }>(all: T[], cursor: string | undefined, size: number) {
  const after = cursor === undefined ? -Infinity : Number(cursor);
  const sorted = all.filter((x) => (x.id ?? 0) > after).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const slice = sorted.slice(0, size);
  return { slice, next: sorted.length > size ? String(slice[slice.length - 1].id) : undefined, total: all.length };
}

const soPartySource = (kind: PartyKind): SourceStream => {
  const wanted = (type?: string) => (kind === 'supplier' ? type === 'Supplier' : isCustomer(type));
  const item = (c: Parameters<typeof soCompanyToCanonical>[1]): SourceItem => ({ sourceId: String(c.id), mapped: soCompanyToCanonical(kind, c) });
  return {
    async page(ctx, cursor, size) {
      const all = (await so(ctx).getCompaniesChangedSince(ALL_SINCE)).filter((c) => wanted(c.type));
      const { slice, next, total } = keyset(all, cursor, size);
      return { items: slice.map(item), ...(next ? { next } : {}), total };
    },
    async changedSince(ctx, since) {
      return (await so(ctx).getCompaniesChangedSince(since)).filter((c) => wanted(c.type)).map((c) => ({ ...item(c), changedAt: c.dateChanged }));
    },
    sourceClock: true,
    async readOne(ctx, id) {
      const c = await so(ctx).getCompany(Number(id));
      return c ? item(c) : null;
    },
  };
};

async function categoryNames(ctx: StreamContext): Promise<Map<number, string>> {
  return new Map((await so(ctx).getProductCategories()).filter((c) => c.id !== undefined).map((c) => [c.id!, c.name ?? '']));
}

const soProductSource: SourceStream = {
  async page(ctx, cursor, size) {
    const [all, cats] = [await so(ctx).getProductsChangedSince(ALL_SINCE), await categoryNames(ctx)];
    const { slice, next, total } = keyset(all, cursor, size);
    return { items: slice.map((p) => ({ sourceId: String(p.id), mapped: soProductToCanonical(p, cats.get(p.categoryId ?? -1)) })), ...(next ? { next } : {}), total };
  },
  async changedSince(ctx, since) {
    const cats = await categoryNames(ctx);
    return (await so(ctx).getProductsChangedSince(since)).map((p) => ({ sourceId: String(p.id), mapped: soProductToCanonical(p, cats.get(p.categoryId ?? -1)), changedAt: p.dateChanged }));
  },
  sourceClock: true,
  async readOne(ctx, id) {
    const [p] = await so(ctx).getProducts({ id: Number(id) });
    return p ? { sourceId: id, mapped: soProductToCanonical(p, (await categoryNames(ctx)).get(p.categoryId ?? -1)) } : null;
  },
};

const soCategorySource: SourceStream = {
  async page(ctx, cursor, size) {
    const { slice, next, total } = keyset(await so(ctx).getProductCategories(), cursor, size);
    return { items: slice.map((c) => ({ sourceId: String(c.id), mapped: soCategoryToCanonical(c) })), ...(next ? { next } : {}), total };
  },
  async readOne(ctx, id) {
    const c = (await so(ctx).getProductCategories()).find((x) => String(x.id) === id);
    return c ? { sourceId: id, mapped: soCategoryToCanonical(c) } : null;
  },
};

const rackbeatGroupSource: SourceStream = {
  async page(ctx, cursor, size) {
    const page = Number(cursor ?? '1');
    const p = await rb(ctx).productGroups.list({ page, limit: size });
    return {
      items: p.items.map((g) => ({ sourceId: String(g.number), mapped: { record: { code: g.name, name: g.name } } })),
      ...(page < p.pages && p.items.length ? { next: String(page + 1) } : {}),
      total: p.total,
    };
  },
  async readOne(ctx, id) {
    const g = await rb(ctx).productGroups.find(Number(id));
    return g ? { sourceId: id, mapped: { record: { code: g.name, name: g.name } } } : null;
  },
};

// ---- links on the Rackbeat side ------------------------------------------------------------------------------

type Owner = 'customer' | 'supplier' | 'item';
const fieldCache = new Map<string, { id: number; at: number }>();

/** The id of the Rackbeat user-defined field holding 24SO ids (onboarding creates these fields). */
async function linkField(ctx: StreamContext, owner: Owner, slug: string): Promise<number> {
  const key = `${ctx.tenant}/${owner}/${slug}`;
  const hit = fieldCache.get(key);
  if (hit && Date.now() - hit.at < 60_000) return hit.id;
  const f = (await rb(ctx).fields.listFor(owner, { limit: 1000 })).items.find((x) => x.slug === slug);
  if (!f) throw needsOperator(`Rackbeat has no user-defined field "${slug}" for ${owner}s: create it (onboarding does), then retry`, 'Siirto.business');
  fieldCache.set(key, { id: f.id, at: Date.now() });
  return f.id;
}

const partyOwner = (kind: PartyKind): Owner => kind;
const partyRegister = (ctx: StreamContext, kind: PartyKind) => (kind === 'customer' ? rb(ctx).customers : rb(ctx).suppliers);
const partySlug = (kind: PartyKind) => (kind === 'customer' ? LINK_FIELDS.customers : LINK_FIELDS.suppliers);

async function readLink(ctx: StreamContext, kind: PartyKind | 'product', key: string, slug: string): Promise<string | undefined> {
  const values = kind === 'product' ? await rb(ctx).products.fieldValues.read(key) : await partyRegister(ctx, kind).fieldValues.read(Number(key));
  const v = values.find((x) => x.field.slug === slug)?.value;
  return v === null || v === undefined || v === '' ? undefined : String(v);
}

/** Rackbeat as the target of 24SO customers/suppliers: found by the 24SO id in the link field, then VAT, then name. */
const rackbeatLinkedPartyTarget = (kind: PartyKind): TargetStream<Party> => {
  const toCanonical = (c: Parameters<typeof rackbeatPartyToCanonical>[1]) => {
    const m = rackbeatPartyToCanonical(kind, c);
    return 'record' in m ? m.record : ({ kind, name: c.company_name, address: { street: '', postalCode: '', city: '', country: 'NO' } } as Party);
  };
  return {
    keys: RACKBEAT_LINKED_PARTY_KEYS,
    async lookup(ctx, records) {
      const field = await linkField(ctx, partyOwner(kind), partySlug(kind));
      const reg = partyRegister(ctx, kind);
      const found = new Map<string, Candidate>();
      for (const r of records) {
        const byLink = await reg.findByField(field, sourceIdOf(r));
        if (byLink) found.set(String(byLink.number), { targetKey: String(byLink.number), link: sourceIdOf(r), name: byLink.company_name });
        const others = [...(r.businessId ?? r.organisationNumber ? await reg.findByVat((r.businessId ?? r.organisationNumber)!) : []), ...(await reg.list({ 'simple_filter[company_name]': r.name, limit: 10 })).items];
        for (const o of others) {
          if (found.has(String(o.number))) continue;
          const link = await readLink(ctx, kind, String(o.number), partySlug(kind));
          found.set(String(o.number), { targetKey: String(o.number), ...(link ? { link } : {}), name: o.company_name, ...(o.company_vat ? { businessId: o.company_vat } : {}) });
        }
      }
      return [...found.values()];
    },
    pair: (record, candidates) => pairByReference(sourceIdOf(record), record, candidates as LinkedCandidate[], 'Rackbeat'),
    expectedLink: (record) => sourceIdOf(record),
    async details(ctx, keys) {
      const out = new Map<string, RegisterRecord>();
      for (const k of keys) {
        const c = await partyRegister(ctx, kind).find(Number(k));
        if (c) out.set(k, toCanonical(c));
      }
      return out;
    },
    async create(ctx, record) {
      // Rackbeat numbers the new record itself; the configured currency and language go on it (defaults NOK, Norwegian).
      const { number: _none, ...body } = canonicalPartyToRackbeat({ ...record, code: undefined, currency: record.currency ?? ctx.settings.currency }, { paymentTermsId: ctx.settings.rackbeatPaymentTerm, locale: ctx.settings.language });
      const created = await partyRegister(ctx, kind).create(body);
      await partyRegister(ctx, kind).fieldValues.write(created.number, [{ id: await linkField(ctx, partyOwner(kind), partySlug(kind)), value: sourceIdOf(record) }]);
      return String(created.number);
    },
    async update(ctx, key, record) {
      const { number: _n, payment_terms_id: _p, ...body } = canonicalPartyToRackbeat({ ...record, code: undefined }, { paymentTermsId: ctx.settings.rackbeatPaymentTerm });
      await partyRegister(ctx, kind).update(Number(key), body);
      await partyRegister(ctx, kind).fieldValues.write(Number(key), [{ id: await linkField(ctx, partyOwner(kind), partySlug(kind)), value: sourceIdOf(record) }]);
    },
    candidate: (k, r) => ({ targetKey: k, link: sourceIdOf(r), name: r.name }),
  };
};

async function rackbeatGroupFor(ctx: StreamContext, name: string | undefined): Promise<number> {
  if (!name) return ctx.settings.rackbeatProductGroup;
  const groups = (await rb(ctx).productGroups.list({ limit: 1000 })).items;
  return groups.find((g) => g.name.toLowerCase() === name.toLowerCase())?.number ?? ctx.settings.rackbeatProductGroup;
}

/** Rackbeat as the target of 24SO products: by the 24SO product id in the link field, then by number. */
const rackbeatLinkedProductTarget: TargetStream<Product> = {
  keys: ['code', 'name', 'unitPrice', 'costPrice', 'ean', 'active'],
  refuse(ctx, record) {
    const m = canonicalProductToRackbeat(record, ctx.settings.rackbeatProductGroup);
    return 'problem' in m ? m.problem : null;
  },
  async lookup(ctx, records) {
    const field = await linkField(ctx, 'item', LINK_FIELDS.products);
    const out: Candidate[] = [];
    for (const r of records) {
      const linked = await rb(ctx).products.findByField(field, sourceIdOf(r));
      const p = linked ?? (await rb(ctx).products.findByNumber(r.code));
      if (p) out.push({ targetKey: p.number, code: p.number, name: p.name, ...(linked ? { link: sourceIdOf(r) } : {}) });
    }
    return out;
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product', 'Rackbeat'),
  expectedLink: (record) => sourceIdOf(record),
  async details(ctx, keys) {
    const out = new Map<string, RegisterRecord>();
    for (const k of keys) {
      const p = await rb(ctx).products.findByNumber(k);
      const m = p && rackbeatProductToCanonical(p);
      if (m && 'record' in m) out.set(k, m.record);
    }
    return out;
  },
  async create(ctx, record) {
    const m = canonicalProductToRackbeat(record, await rackbeatGroupFor(ctx, record.groupCode));
    if ('problem' in m) throw needsOperator(m.problem, 'Siirto.validation');
    const created = await rb(ctx).products.create(m.record);
    await rb(ctx).products.fieldValues.write(created.number, [{ id: await linkField(ctx, 'item', LINK_FIELDS.products), value: sourceIdOf(record) }]);
    return created.number;
  },
  async update(ctx, key, record) {
    const m = canonicalProductToRackbeat(record, ctx.settings.rackbeatProductGroup);
    if ('problem' in m) throw needsOperator(m.problem, 'Siirto.validation');
    const { group: _g, ...body } = m.record;
    await rb(ctx).products.update(key, body);
    await rb(ctx).products.fieldValues.write(key, [{ id: await linkField(ctx, 'item', LINK_FIELDS.products), value: sourceIdOf(record) }]);
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name, link: sourceIdOf(r) }),
};

const rackbeatGroupTarget: TargetStream<ProductGroup> = {
  keys: GROUP_KEYS,
  async lookup(ctx) {
    return (await rb(ctx).productGroups.list({ limit: 1000 })).items.map((g) => ({ targetKey: String(g.number), code: g.name, name: g.name }));
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for await (const g of rb(ctx).productGroups.iterate({}, 1000)) yield { candidate: { targetKey: String(g.number), code: g.name, name: g.name }, content: { code: g.name, name: g.name } };
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product group', 'Rackbeat'),
  async details(ctx, keys) {
    const groups = (await rb(ctx).productGroups.list({ limit: 1000 })).items;
    return new Map(groups.filter((g) => keys.includes(String(g.number))).map((g) => [String(g.number), { code: g.name, name: g.name }]));
  },
  create: async (ctx, record) => String((await rb(ctx).productGroups.create({ name: record.name })).number),
  update: async (ctx, key, record) => void (await rb(ctx).productGroups.update(Number(key), { name: record.name })),
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

// ---- 24SO as the target --------------------------------------------------------------------------------------

/** 24SO companies: by our ExternalId (the Rackbeat number), then organisation number, then name. */
const soPartyTarget = (kind: PartyKind): TargetStream<Party> => ({
  keys: SO_PARTY_KEYS,
  async lookup(ctx, records) {
    const found = new Map<string, Candidate>();
    const add = (list: Array<{ id?: number; externalId?: string; name?: string; organizationNumber?: string; type?: string }>) => {
      for (const c of list) {
        if (c.id === undefined || (kind === 'supplier') !== (c.type === 'Supplier')) continue;
        found.set(String(c.id), { targetKey: String(c.id), ...(c.externalId ? { link: c.externalId } : {}), name: c.name ?? '', ...(c.organizationNumber ? { businessId: c.organizationNumber } : {}) });
      }
    };
    for (const r of records) {
      if (r.code) {
        const hit = await so(ctx).findCompanyByExternalId(r.code);
        if (hit) add([hit]);
      }
      const reg = r.businessId ?? r.organisationNumber;
      if (reg) add(await so(ctx).getCompanies({ organizationNumber: reg }));
      add(await so(ctx).getCompanies({ companyName: r.name }));
    }
    return [...found.values()];
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    // GetCompanies has no paging: one call answers the whole register (changed since long ago).
    for (const c of await so(ctx).getCompaniesChangedSince(ALL_SINCE)) {
      if (c.id === undefined || (kind === 'supplier') !== (c.type === 'Supplier')) continue;
      const m = soCompanyToCanonical(kind, c);
      yield {
        candidate: { targetKey: String(c.id), ...(c.externalId ? { link: c.externalId } : {}), name: c.name ?? '', ...(c.organizationNumber ? { businessId: c.organizationNumber } : {}) },
        ...('record' in m ? { content: m.record } : {}),
      };
    }
  },
  /** SaveCompanies takes an array: a batch's new companies in one call, then each 24SO id onto its Rackbeat record. */
  async createMany(ctx, records) {
    const saved = await so(ctx).saveCompanies(records.map((record) => canonicalPartyToSo({ ...record, kind })));
    const out: Array<{ ok: true; targetKey: string } | { ok: false; error: unknown }> = [];
    for (const [i, r] of saved.entries()) {
      if (!r.ok || r.item.id === undefined) {
        out.push({ ok: false, error: r.ok ? new Error('24SevenOffice returned no Id for the saved company') : r.error });
        continue;
      }
      const record = records[i];
      if (record.code) await partyRegister(ctx, kind).fieldValues.write(Number(record.code), [{ id: await linkField(ctx, partyOwner(kind), partySlug(kind)), value: String(r.item.id) }]);
      out.push({ ok: true, targetKey: String(r.item.id) });
    }
    return out;
  },
  pair: (record, candidates) => pairByReference(record.code ?? '', record, candidates as LinkedCandidate[], '24SevenOffice'),
  expectedLink: (record) => record.code ?? '',
  async details(ctx, keys) {
    const out = new Map<string, RegisterRecord>();
    for (const k of keys) {
      const c = await so(ctx).getCompany(Number(k));
      const m = c && soCompanyToCanonical(kind, c);
      if (m && 'record' in m) out.set(k, m.record);
    }
    return out;
  },
  async create(ctx, record) {
    const created = await so(ctx).saveCompany(canonicalPartyToSo({ ...record, kind }));
    // Keep the 24SO id on the Rackbeat record, where the order lifecycle and later syncs look for it.
    if (record.code) await partyRegister(ctx, kind).fieldValues.write(Number(record.code), [{ id: await linkField(ctx, partyOwner(kind), partySlug(kind)), value: String(created.id) }]);
    return String(created.id);
  },
  async update(ctx, key, record) {
    await so(ctx).saveCompany({ id: Number(key), ...canonicalPartyToSo({ ...record, kind }) });
    if (record.code) await partyRegister(ctx, kind).fieldValues.write(Number(record.code), [{ id: await linkField(ctx, partyOwner(kind), partySlug(kind)), value: key }]);
  },
  candidate: (k, r) => ({ targetKey: k, ...(r.code ? { link: r.code } : {}), name: r.name }),
});

async function soCategoryFor(ctx: StreamContext, name: string | undefined): Promise<number> {
  const cats = await so(ctx).getProductCategories();
  const hit = (name && cats.find((c) => (c.name ?? '').toLowerCase() === name.toLowerCase())) || cats[0];
  if (!hit?.id) throw needsOperator('24SevenOffice has no product category: create one (or migrate product groups first), then retry', 'Siirto.business');
  return hit.id;
}

const soProductTarget: TargetStream<Product> = {
  keys: SO_PRODUCT_KEYS,
  async lookup(ctx, records) {
    const out: Candidate[] = [];
    for (const r of records) {
      const p = await so(ctx).findProductByNo(r.code);
      if (p?.id !== undefined) out.push({ targetKey: String(p.id), code: r.code, name: p.name ?? '' });
    }
    return out;
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for (const p of await so(ctx).getProductsChangedSince(ALL_SINCE)) {
      if (p.id === undefined || !p.no) continue;
      const m = soProductToCanonical(p);
      yield { candidate: { targetKey: String(p.id), code: p.no, name: p.name ?? '' }, ...('record' in m ? { content: m.record } : {}) };
    }
  },
  /** SaveProducts takes an array: a batch's new products in one call (categories read once), then the links in Rackbeat. */
  async createMany(ctx, records) {
    const cats = await so(ctx).getProductCategories();
    const inputs = records.map((record) => {
      const hit = (record.groupCode && cats.find((c) => (c.name ?? '').toLowerCase() === record.groupCode!.toLowerCase())) || cats[0];
      if (!hit?.id) throw needsOperator('24SevenOffice has no product category: create one (or migrate product groups first), then retry', 'Siirto.business');
      return canonicalProductToSo(record, hit.id);
    });
    const saved = await so(ctx).saveProducts(inputs);
    const out: Array<{ ok: true; targetKey: string } | { ok: false; error: unknown }> = [];
    for (const [i, r] of saved.entries()) {
      if (!r.ok || r.item.id === undefined) {
        out.push({ ok: false, error: r.ok ? new Error('24SevenOffice returned no Id for the saved product') : r.error });
        continue;
      }
      await rb(ctx).products.fieldValues.write(records[i].code, [{ id: await linkField(ctx, 'item', LINK_FIELDS.products), value: String(r.item.id) }]);
      out.push({ ok: true, targetKey: String(r.item.id) });
    }
    return out;
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product', '24SevenOffice'),
  async details(ctx, keys) {
    const out = new Map<string, RegisterRecord>();
    for (const k of keys) {
      const [p] = await so(ctx).getProducts({ id: Number(k) });
      const m = p && soProductToCanonical(p);
      if (m && 'record' in m) out.set(k, m.record);
    }
    return out;
  },
  async create(ctx, record) {
    const created = await so(ctx).saveProduct(canonicalProductToSo(record, await soCategoryFor(ctx, record.groupCode)));
    await rb(ctx).products.fieldValues.write(record.code, [{ id: await linkField(ctx, 'item', LINK_FIELDS.products), value: String(created.id) }]);
    return String(created.id);
  },
  async update(ctx, key, record) {
    const { categoryId: _c, ...body } = canonicalProductToSo(record, 0);
    await so(ctx).saveProduct({ id: Number(key), ...body });
    await rb(ctx).products.fieldValues.write(record.code, [{ id: await linkField(ctx, 'item', LINK_FIELDS.products), value: key }]);
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

const soCategoryTarget: TargetStream<ProductGroup> = {
  keys: GROUP_KEYS,
  async lookup(ctx) {
    return (await so(ctx).getProductCategories()).map((c) => ({ targetKey: String(c.id), code: c.name ?? '', name: c.name ?? '' }));
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for (const c of await so(ctx).getProductCategories()) yield { candidate: { targetKey: String(c.id), code: c.name ?? '', name: c.name ?? '' }, content: { code: c.name ?? '', name: c.name ?? '' } };
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product category', '24SevenOffice'),
  async details(ctx, keys) {
    const cats = await so(ctx).getProductCategories();
    return new Map(cats.filter((c) => keys.includes(String(c.id))).map((c) => [String(c.id), { code: c.name ?? '', name: c.name ?? '' }]));
  },
  async create(ctx, record) {
    const [r] = await so(ctx).saveProductCategories([{ name: record.name }]);
    if (!r.ok) throw r.error;
    return String(r.item.id);
  },
  async update(ctx, key, record) {
    const [r] = await so(ctx).saveProductCategories([{ id: Number(key), name: record.name }]);
    if (!r.ok) throw r.error;
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

export const TWENTYFOURSEVEN_SOURCES: Record<string, SourceStream> = {
  '24so:customers': soPartySource('customer'),
  '24so:suppliers': soPartySource('supplier'),
  '24so:products': soProductSource,
  '24so:product-groups': soCategorySource,
  'rackbeat:product-groups': rackbeatGroupSource,
};

/** Keyed `<pair>:<system>:<register>`: in this pair Rackbeat records are linked by field, not by number. */
export const TWENTYFOURSEVEN_TARGETS: Record<string, TargetStream<never>> = {
  'rackbeat-24so:rackbeat:customers': rackbeatLinkedPartyTarget('customer') as TargetStream<never>,
  'rackbeat-24so:rackbeat:suppliers': rackbeatLinkedPartyTarget('supplier') as TargetStream<never>,
  'rackbeat-24so:rackbeat:products': rackbeatLinkedProductTarget as TargetStream<never>,
  'rackbeat-24so:rackbeat:product-groups': rackbeatGroupTarget as TargetStream<never>,
  'rackbeat-24so:24so:customers': soPartyTarget('customer') as TargetStream<never>,
  'rackbeat-24so:24so:suppliers': soPartyTarget('supplier') as TargetStream<never>,
  'rackbeat-24so:24so:products': soProductTarget as TargetStream<never>,
  'rackbeat-24so:24so:product-groups': soCategoryTarget as TargetStream<never>,
};

export type { RackbeatClient };
