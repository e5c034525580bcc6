import { ConnectorError, isConnectorError } from '../../connectors/kit/errors';
import { currentCall } from '../../connectors/kit/call-context';
import { walkOffsetPages, walkTokenPages } from '../../connectors/severa/paging';
import { toXmlDocument } from '../../connectors/netvisor/xml';
import { DIMENSION_ITEM_ORDER } from '../../connectors/netvisor/element-order';
import { orNull } from '../../connectors/rackbeat';
import type { CostCentre, Party, PartyKind, Product } from '../../domain/model';
import { DIGITS_ONLY, pairByCode, pairParty, project, type PartyCandidate } from '../../domain/mapping/pairing';
import {
  canonicalPartyToRackbeat,
  canonicalProductToRackbeat,
  NETVISOR_PARTY_KEYS,
  NETVISOR_PRODUCT_KEYS,
  rackbeatPartyToCanonical,
  rackbeatProductToCanonical,
  RACKBEAT_PARTY_KEYS,
  RACKBEAT_PRODUCT_KEYS,
  type Mapped,
} from '../../domain/mapping/rackbeat-netvisor';
import { NETVISOR_DIMENSION_KEYS, severaCostCenterToCanonical, severaCustomerToCanonical, severaProductToCanonical } from '../../domain/mapping/severa-netvisor';
import type { Pairing, RegisterName, RegisterRecord, SyncSystem } from '../../domain/sync';
import { getProducts } from '../../connectors/netvisor/product-batch';
import { TWENTYFOURSEVEN_SOURCES, TWENTYFOURSEVEN_TARGETS } from './streams-24so';
import type { Candidate, ListedRecord, PageEnd, SourceItem, SourcePage, SourceStream, StreamContext, TargetStream } from './stream-types';
import { needsOperator } from '../failures';

/**
 * Every register of every system, declared once (STYLE.md, Airbyte): how to read it page by page with a cursor,
 * whether it can be asked for changes since an instant, how to read one record, and, as a target, how to look up
 * candidates by natural key, pair, compare and write. One engine (engine.ts) walks them all.
 */
export * from './stream-types';

const partyCandidate = (targetKey: string, p: Party): Candidate => ({
  targetKey,
  ...(p.code ? { code: p.code } : {}),
  name: p.name,
  ...(p.businessId ?? p.organisationNumber ? { businessId: p.businessId ?? p.organisationNumber } : {}),
});

/** Rackbeat list pages for the run's index: the largest page Rackbeat serves (1000, per kg-bot/laravel-rackbeat; open point: docs/wire/open-points.md). */
export const RACKBEAT_LIST_PAGE = 1000;
/**
 * Pages of a whole-register list read at once after the first: a migration's listing of the target (at its start,
 * and again by the attempt after a killed one) is on the critical path, and 50 pages one after another are ~10 s of
 * a run whose writes wait for them. The pages take their turns in the rate limit like every other request.
 */
export const RACKBEAT_LIST_AHEAD = 4;

// ---- Rackbeat ---------------------------------------------------------------------------------------------------

const rackbeatPartySource = (kind: PartyKind): SourceStream => {
  const register = (ctx: StreamContext) => (kind === 'customer' ? ctx.connections.rackbeat(ctx.tenant).customers : ctx.connections.rackbeat(ctx.tenant).suppliers);
  return {
    async page(ctx, cursor, size) {
      const page = Number(cursor ?? '1');
      const p = await register(ctx).list({ page, limit: size });
      return {
        items: p.items.map((c) => ({ sourceId: String(c.number), mapped: rackbeatPartyToCanonical(kind, c) })),
        ...(page < p.pages && p.items.length ? { next: String(page + 1) } : {}),
        total: p.total,
      };
    },
    async readOne(ctx, sourceId) {
      const c = await register(ctx).find(Number(sourceId));
      return c ? { sourceId, mapped: rackbeatPartyToCanonical(kind, c) } : null;
    },
  };
};

const rackbeatProductSource: SourceStream = {
  async page(ctx, cursor, size) {
    const page = Number(cursor ?? '1');
    const p = await ctx.connections.rackbeat(ctx.tenant).products.list({ page, limit: size });
    return {
      items: p.items.map((x) => ({ sourceId: x.number, mapped: rackbeatProductToCanonical(x) })),
      ...(page < p.pages && p.items.length ? { next: String(page + 1) } : {}),
      total: p.total,
    };
  },
  async readOne(ctx, sourceId) {
    const x = await ctx.connections.rackbeat(ctx.tenant).products.findByNumber(sourceId);
    return x ? { sourceId, mapped: rackbeatProductToCanonical(x) } : null;
  },
};

const rackbeatPartyTarget = (kind: PartyKind): TargetStream<Party> => {
  const register = (ctx: StreamContext) => (kind === 'customer' ? ctx.connections.rackbeat(ctx.tenant).customers : ctx.connections.rackbeat(ctx.tenant).suppliers);
  const toCanonical = (c: Parameters<typeof rackbeatPartyToCanonical>[1]) => {
    const m = rackbeatPartyToCanonical(kind, c);
    return 'record' in m ? m.record : { kind, code: String(c.number), name: c.company_name, address: { street: '', postalCode: '', city: '', country: 'FI' } };
  };
  return {
    keys: RACKBEAT_PARTY_KEYS,
    async lookup(ctx, records) {
      const found = new Map<string, Candidate>();
      for (const r of records) {
        const hits = [];
        if (r.code && /^\d+$/.test(r.code)) hits.push(await register(ctx).find(Number(r.code)));
        const reg = r.businessId ?? r.organisationNumber;
        if (reg) hits.push(...(await register(ctx).findByVat(reg)));
        // simple_filter on company_name: the filter style is verified for other keys (this one: docs/wire/open-points.md).
        hits.push(...(await register(ctx).list({ 'simple_filter[company_name]': r.name, limit: 10 })).items);
        for (const h of hits) if (h) found.set(String(h.number), partyCandidate(String(h.number), toCanonical(h)));
      }
      return [...found.values()];
    },
    async *listAll(ctx): AsyncIterable<ListedRecord> {
      for await (const c of register(ctx).iterate({}, RACKBEAT_LIST_PAGE, RACKBEAT_LIST_AHEAD)) {
        const record = toCanonical(c);
        yield { candidate: partyCandidate(String(c.number), record), content: record };
      }
    },
    pair: (record, candidates) => pairParty(record, candidates, DIGITS_ONLY('Rackbeat'), 'Rackbeat'),
    async details(ctx, keys) {
      const out = new Map<string, RegisterRecord>();
      for (const k of keys) {
        const c = await register(ctx).find(Number(k));
        if (c) out.set(k, toCanonical(c));
      }
      return out;
    },
    async create(ctx, record) {
      const body = canonicalPartyToRackbeat(record, { paymentTermsId: ctx.settings.rackbeatPaymentTerm, currency: ctx.settings.currency, locale: ctx.settings.language });
      return String((await register(ctx).create(body)).number);
    },
    async update(ctx, targetKey, record) {
      const { payment_terms_id: _keep, ...body } = canonicalPartyToRackbeat(record, { paymentTermsId: ctx.settings.rackbeatPaymentTerm });
      await register(ctx).update(Number(targetKey), body);
    },
    candidate: (k, r) => partyCandidate(k, r),
  };
};

const rackbeatProductTarget: TargetStream<Product> = {
  keys: RACKBEAT_PRODUCT_KEYS,
  refuse(ctx, record) {
    const m = canonicalProductToRackbeat(record, ctx.settings.rackbeatProductGroup);
    return 'problem' in m ? m.problem : null;
  },
  async lookup(ctx, records) {
    const out: Candidate[] = [];
    for (const r of records) {
      const p = await ctx.connections.rackbeat(ctx.tenant).products.findByNumber(r.code);
      if (p) out.push({ targetKey: p.number, code: p.number, name: p.name });
    }
    return out;
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for await (const p of ctx.connections.rackbeat(ctx.tenant).products.iterate({}, RACKBEAT_LIST_PAGE, RACKBEAT_LIST_AHEAD)) {
      const m = rackbeatProductToCanonical(p);
      yield { candidate: { targetKey: p.number, code: p.number, name: p.name }, ...('record' in m ? { content: m.record } : {}) };
    }
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product', 'Rackbeat'),
  async retire(ctx, code) {
    const products = ctx.connections.rackbeat(ctx.tenant).products;
    if (!(await products.findByNumber(code))) return null;
    await products.delete(code);
    return `Rackbeat product ${code} deleted`;
  },
  async details(ctx, keys) {
    const out = new Map<string, RegisterRecord>();
    for (const k of keys) {
      const p = await ctx.connections.rackbeat(ctx.tenant).products.findByNumber(k);
      const m = p && rackbeatProductToCanonical(p);
      if (m && 'record' in m) out.set(k, m.record);
    }
    return out;
  },
  async create(ctx, record) {
    const m = canonicalProductToRackbeat(record, ctx.settings.rackbeatProductGroup);
    if ('problem' in m) throw needsOperator(m.problem, 'Siirto.validation');
    return (await ctx.connections.rackbeat(ctx.tenant).products.create(m.record)).number;
  },
  async update(ctx, targetKey, record) {
    const m = canonicalProductToRackbeat(record, ctx.settings.rackbeatProductGroup);
    if ('problem' in m) throw needsOperator(m.problem, 'Siirto.validation');
    const { group: _keepGroup, ...body } = m.record;
    await ctx.connections.rackbeat(ctx.tenant).products.update(targetKey, body);
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

// ---- Netvisor ---------------------------------------------------------------------------------------------------

/**
 * Netvisor's key list of a register, read once per migration run (ctx.run) and kept as sorted numbers: each batch
 * then reads only its own slice's details, instead of the whole list again. Outside a run it is read each time.
 */
async function runKeys(ctx: StreamContext, name: string, load: () => Promise<string[]>): Promise<number[]> {
  const hit = ctx.run?.get(name) as number[] | undefined;
  if (hit) return hit;
  const keys = (await load()).map(Number).sort((a, b) => a - b);
  ctx.run?.set(name, keys);
  return keys;
}

/** The most keys a batch hands to the next (PageEnd.nextKeys). */
const MAX_HANDED_KEYS = 500;

/**
 * How many keys a batch of `size` hands over: those of the next two batches when they fit, so that a worker without
 * the key list can run two batches on handed keys and read the list while the second writes; else the next batch's;
 * none for pages bigger than the cap.
 */
export const handedKeys = (size: number): number => (2 * size <= MAX_HANDED_KEYS ? 2 * size : size <= MAX_HANDED_KEYS ? size : 0);

/** The first index in `sorted` whose key is above `after`. */
function firstAbove(sorted: number[], after: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A slice of sorted keys after the cursor (the last key done), where it ends, and the keys of the slice after it. */
export function keySlice(sorted: number[], cursor: string | undefined, size: number): { slice: string[] } & PageEnd {
  const lo = firstAbove(sorted, cursor === undefined ? -Infinity : Number(cursor));
  const slice = sorted.slice(lo, lo + size).map(String);
  if (lo + size >= sorted.length) return { slice, total: sorted.length };
  return { slice, next: slice[slice.length - 1], total: sorted.length, ...handOn(sorted, lo + size, size) };
}

/**
 * Where a page read from handed-over keys (`hint`) ends, by the key list: after the hint's last key. Should the list
 * hold a key inside the hinted range that the hint lacks (a record made with a lower key since the previous batch
 * looked), the cursor stays where it was, so the next batch reads the slice again from the list and nothing is left
 * out; what this batch wrote is found there and left unchanged.
 */
export function hintedEnd(sorted: number[], cursor: string | undefined, size: number, hint: readonly string[]): PageEnd {
  const after = cursor === undefined ? -Infinity : Number(cursor);
  const last = Math.max(...hint.map(Number));
  const hinted = new Set(hint.map(Number));
  const lo = firstAbove(sorted, after);
  const upTo = firstAbove(sorted, last);
  for (let i = lo; i < upTo; i++) if (!hinted.has(sorted[i])) return { ...(cursor !== undefined ? { next: cursor } : {}), total: sorted.length };
  if (upTo >= sorted.length) return { total: sorted.length };
  return { next: String(last), total: sorted.length, ...handOn(sorted, upTo, size) };
}

/** The keys handed to the next batch, from index `from` of the sorted list. */
function handOn(sorted: number[], from: number, size: number): Pick<PageEnd, 'nextKeys'> {
  const n = handedKeys(size);
  return n ? { nextKeys: sorted.slice(from, from + n).map(String) } : {};
}

/**
 * A page of a Netvisor register that has no paging: the cursor's slice of the run's key list, and its details. When
 * the run has no key list yet (a new worker, or the attempt after a killed one) but the previous batch handed over
 * this page's keys, their details are read first and the whole list (50,000 rows for a big product register) after
 * them, while the batch writes; the page says where it ends once the list is in (SourcePage.end). Handed the keys of
 * the page after it too, it ends after its own keys and hands those on, and leaves the list to the next batch.
 */
async function netvisorKeysetPage(
  ctx: StreamContext,
  name: string,
  load: () => Promise<string[]>,
  details: (keys: string[]) => Promise<SourceItem[]>,
  cursor: string | undefined,
  size: number,
  hint: readonly string[] | undefined,
): Promise<SourcePage> {
  if (ctx.run?.get(name) || !hint?.length || cursor === undefined) {
    const { slice, ...end } = keySlice(await runKeys(ctx, name, load), cursor, size);
    return { items: slice.length ? await details(slice) : [], ...end };
  }
  const own = hint.slice(0, size);
  const items = await details(own);
  // The previous batch handed over the next batch's keys too: this page ends after its own and hands the rest on,
  // and the whole list is read by the next batch, while it writes. On a worker that just took over after a kill this
  // batch therefore waits only for the target's index, which the list's read would otherwise compete with for CPU.
  // The keys are as fresh as the list the previous batch's worker read, which is what a worker that keeps the list
  // for the whole migration uses too.
  if (hint.length > size) return { items, next: own[own.length - 1], nextKeys: hint.slice(size) };
  // Read while the batch pairs and writes these records; the batch ends once it is in.
  const end = runKeys(ctx, name, load).then((keys) => hintedEnd(keys, cursor, size, own));
  end.catch(() => undefined);
  return { items, end };
}

/** Netvisor lists have no paging: the whole key list comes in one reply, and the cursor is the last key done. */
async function keysetPage<T>(all: T[], key: (t: T) => number, cursor: string | undefined, size: number) {
  const after = cursor === undefined ? -Infinity : Number(cursor);
  const sorted = all.filter((x) => key(x) > after).sort((a, b) => key(a) - key(b));
  const slice = sorted.slice(0, size);
  return { slice, next: sorted.length > size ? String(key(slice[slice.length - 1])) : undefined, total: all.length };
}

const netvisorCustomerSource: SourceStream = {
  async page(ctx, cursor, size, hint) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    return netvisorKeysetPage(
      ctx,
      'netvisor:customer-keys',
      async () => (await nv.listCustomers()).map((c) => c.netvisorKey),
      async (keys) => (await nv.getCustomers(keys)).map((c) => ({ sourceId: c.netvisorKey, mapped: { record: stripNetvisor(c) } })),
      cursor,
      size,
      hint,
    );
  },
  async changedSince(ctx, since) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    const changed = await nv.listCustomers({ changedSince: netvisorInstant(since) });
    const details = changed.length ? await nv.getCustomers(changed.map((c) => c.netvisorKey)) : [];
    return details.map((c) => ({ sourceId: c.netvisorKey, mapped: { record: stripNetvisor(c) } }));
  },
  async readOne(ctx, sourceId) {
    const c = await orNull(ctx.connections.netvisor(ctx.tenant).getCustomer(sourceId));
    return c ? { sourceId, mapped: { record: stripNetvisor(c) } } : null;
  },
};

const netvisorProductSource: SourceStream = {
  async page(ctx, cursor, size, hint) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    return netvisorKeysetPage(
      ctx,
      'netvisor:product-keys',
      async () => (await nv.listProducts()).map((p) => p.netvisorKey),
      async (keys) => {
        // The slice's details in one getproduct.nv?idlist call (400 at most), not one call per product.
        const found = new Map((await getProducts(nv, keys)).map((p) => [p.netvisorKey, p]));
        return keys.flatMap((k) => {
          const p = found.get(k);
          return p ? [{ sourceId: k, mapped: { record: stripNetvisor(p) } }] : [];
        });
      },
      cursor,
      size,
      hint,
    );
  },
  async changedSince(ctx, since) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    const items: SourceItem[] = [];
    for (const s of await nv.listProducts({ changedSince: netvisorInstant(since) })) {
      const p = await nv.getProduct(s.netvisorKey);
      if (p) items.push({ sourceId: s.netvisorKey, mapped: { record: stripNetvisor(p) } });
    }
    return items;
  },
  async readOne(ctx, sourceId) {
    const p = await ctx.connections.netvisor(ctx.tenant).getProduct(sourceId);
    return p ? { sourceId, mapped: { record: stripNetvisor(p) } } : null;
  },
};

const ALL_VENDORS_SINCE = '2000-01-01';

const netvisorVendorSource: SourceStream = {
  async page(ctx, cursor, size) {
    const all = await ctx.connections.netvisor(ctx.tenant).listVendors(ALL_VENDORS_SINCE);
    const { slice, next, total } = await keysetPage(all, (v) => Number(v.netvisorKey), cursor, size);
    return { items: slice.map((v) => ({ sourceId: v.netvisorKey, mapped: { record: stripNetvisor(v) } })), ...(next ? { next } : {}), total };
  },
  async changedSince(ctx, since) {
    const all = await ctx.connections.netvisor(ctx.tenant).listVendors(netvisorInstant(since));
    return all.map((v) => ({ sourceId: v.netvisorKey, mapped: { record: stripNetvisor(v) } }));
  },
  async readOne(ctx, sourceId) {
    const v = await orNull(ctx.connections.netvisor(ctx.tenant).getVendor(sourceId));
    return v ? { sourceId, mapped: { record: stripNetvisor(v) } } : null;
  },
};

/** Netvisor wants `YYYY-MM-DDTHH:mm:ss`; sent as UTC, which the sandbox keeps (the real service's zone: docs/wire/open-points.md, Netvisor). */
const netvisorInstant = (iso: string) => new Date(iso).toISOString().slice(0, 19);

function stripNetvisor<T extends { netvisorKey: string }>(r: T): Omit<T, 'netvisorKey' | 'inventoryAmount' | 'active'> & Partial<T> {
  const { netvisorKey: _k, inventoryAmount: _i, ...rest } = r as T & { inventoryAmount?: string };
  return rest as never;
}

/**
 * Netvisor's keyword is a substring search, so "Koivu Oy" would not find "koivu  OY": the name's first word finds
 * the candidates and the name rule compares them normalised.
 */
const nameKeyword = (name: string): string => name.trim().split(/\s+/)[0] ?? name;

const netvisorCustomerTarget: TargetStream<Party> = {
  keys: NETVISOR_PARTY_KEYS,
  async lookup(ctx, records) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    const found = new Map<string, Candidate>();
    const add = (list: Array<{ netvisorKey: string; code: string; name: string; businessId?: string }>) => {
      for (const c of list) found.set(c.netvisorKey, { targetKey: c.netvisorKey, ...(c.code ? { code: c.code } : {}), name: c.name, ...(c.businessId ? { businessId: c.businessId } : {}) });
    };
    const codes = [...new Set(records.map((r) => r.code).filter((c): c is string => !!c && /^\d+$/.test(c)))];
    for (let i = 0; i < codes.length; i += 100) add(await nv.listCustomers({ customerCodes: codes.slice(i, i + 100) }));
    const byCode = new Set([...found.values()].map((c) => c.code));
    for (const r of records) {
      if (r.code && byCode.has(r.code)) continue;
      const reg = r.businessId ?? r.organisationNumber;
      const before = found.size;
      // keyword searches name, code and business ID alike; exact comparison happens in the pairing rules.
      if (reg) add(await nv.listCustomers({ keyword: reg }));
      if (!reg || found.size === before) add(await nv.listCustomers({ keyword: nameKeyword(r.name) }));
    }
    return [...found.values()];
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    // customerlist.nv answers the whole register in one reply; its rows carry code, name and business ID, not the
    // card's content, which getcustomer.nv?idlist reads for the paired records only (details).
    for (const c of await ctx.connections.netvisor(ctx.tenant).listCustomers()) {
      yield { candidate: { targetKey: c.netvisorKey, ...(c.code ? { code: c.code } : {}), name: c.name, ...(c.businessId ? { businessId: c.businessId } : {}) } };
    }
  },
  pair: (record, candidates) => pairParty(record, candidates, DIGITS_ONLY('Netvisor'), 'Netvisor'),
  async details(ctx, keys) {
    const list = keys.length ? await ctx.connections.netvisor(ctx.tenant).getCustomers(keys) : [];
    return new Map(list.map((c) => [c.netvisorKey, stripNetvisor(c) as RegisterRecord]));
  },
  create: (ctx, record) => ctx.connections.netvisor(ctx.tenant).addCustomer(record),
  // Matched by business ID or name: the card is overwritten with the source's data, customer code included.
  update: (ctx, key, record) => ctx.connections.netvisor(ctx.tenant).editCustomer(key, record),
  candidate: (k, r) => partyCandidate(k, r),
};

const netvisorVendorTarget: TargetStream<Party> = {
  keys: NETVISOR_PARTY_KEYS,
  async lookup(ctx) {
    const all = await ctx.connections.netvisor(ctx.tenant).listVendors(ALL_VENDORS_SINCE);
    return all.map((v) => partyCandidate(v.netvisorKey, v));
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for (const v of await ctx.connections.netvisor(ctx.tenant).listVendors(ALL_VENDORS_SINCE)) {
      yield { candidate: partyCandidate(v.netvisorKey, v), content: stripNetvisor(v) as RegisterRecord };
    }
  },
  pair: (record, candidates) => pairParty(record, candidates, DIGITS_ONLY('Netvisor'), 'Netvisor'),
  async details(ctx, keys) {
    const all = await ctx.connections.netvisor(ctx.tenant).listVendors(ALL_VENDORS_SINCE);
    return new Map(all.filter((v) => keys.includes(v.netvisorKey)).map((v) => [v.netvisorKey, stripNetvisor(v) as RegisterRecord]));
  },
  create: (ctx, record) => ctx.connections.netvisor(ctx.tenant).addVendor({ ...record, kind: 'supplier' }),
  update: (ctx, key, record) => ctx.connections.netvisor(ctx.tenant).editVendor(key, { ...record, kind: 'supplier' }),
  candidate: (k, r) => partyCandidate(k, r),
};

const netvisorProductTarget: TargetStream<Product> = {
  keys: NETVISOR_PRODUCT_KEYS,
  refuse: (_ctx, record) => (record.code.length > 50 ? `product code "${record.code}" is longer than Netvisor's 50 characters` : null),
  async lookup(ctx, records) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    const codes = [...new Set(records.map((r) => r.code))];
    // One productlist call per batch: a comma list of codes is matched exactly (Netvisor's flow example);
    // a code holding a comma cannot go in such a list and is looked up on its own.
    const listable = codes.filter((c) => !c.includes(','));
    const summaries = listable.length > 1 ? await nv.listProducts({ keyword: listable.join(',') }) : [];
    const out: Candidate[] = summaries.filter((s) => codes.includes(s.code)).map((s) => ({ targetKey: s.netvisorKey, code: s.code, name: s.name }));
    for (const c of codes.filter((c) => c.includes(',') || listable.length === 1)) {
      const p = await nv.findProductByCode(c);
      if (p && p.code === c) out.push({ targetKey: p.netvisorKey, code: p.code, name: p.name });
    }
    return out;
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    // productlist.nv: the whole register in one reply (key, code, name); content comes from details when paired.
    for (const s of await ctx.connections.netvisor(ctx.tenant).listProducts()) yield { candidate: { targetKey: s.netvisorKey, code: s.code, name: s.name } };
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'product', 'Netvisor'),
  async details(ctx, keys) {
    const list = keys.length ? await getProducts(ctx.connections.netvisor(ctx.tenant), keys) : [];
    return new Map(list.map((p) => [p.netvisorKey, stripNetvisor(p) as RegisterRecord]));
  },
  create: (ctx, record) => ctx.connections.netvisor(ctx.tenant).addProduct(record),
  update: (ctx, key, record) => ctx.connections.netvisor(ctx.tenant).editProduct(key, record),
  // Netvisor keeps products with history; a deleted source product is made inactive, not deleted.
  async retire(ctx, code) {
    const nv = ctx.connections.netvisor(ctx.tenant);
    const p = await nv.findProductByCode(code);
    if (!p || p.code !== code || !p.active) return null;
    await nv.editProduct(p.netvisorKey, { ...stripNetvisor(p), active: false } as Product);
    return `Netvisor product ${code} set inactive`;
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

/** Cost centres become items of one Netvisor dimension; the item's code is the Severa identifier. */
const netvisorDimensionTarget: TargetStream<CostCentre> = {
  keys: NETVISOR_DIMENSION_KEYS,
  async lookup(ctx) {
    const header = await dimensionHeader(ctx);
    // Items are edited by their current name (olditem), so the name is the target key.
    return header.items.map((i) => ({ targetKey: i.name, code: i.code ?? '', name: i.name }));
  },
  async *listAll(ctx): AsyncIterable<ListedRecord> {
    for (const i of (await dimensionHeader(ctx)).items) yield { candidate: { targetKey: i.name, code: i.code ?? '', name: i.name }, content: { code: i.code ?? '', name: i.name, active: !i.hidden } };
  },
  pair: (record, candidates) => pairByCode(record.code, candidates as Array<{ targetKey: string; code: string }>, 'dimension item', 'Netvisor'),
  async details(ctx, keys) {
    const header = await dimensionHeader(ctx);
    return new Map(header.items.filter((i) => keys.includes(i.name)).map((i) => [i.name, { code: i.code ?? '', name: i.name, active: !i.hidden }]));
  },
  async create(ctx, record) {
    await ctx.connections.netvisor(ctx.tenant).addDimensionItem(ctx.settings.netvisorDimension, record);
    return record.name;
  },
  async update(ctx, oldName, record) {
    // Netvisor edits a dimension item by its current name (olditem), so two items may never share a name, not even
    // for a moment during a reshuffle of names; such a rename is refused for an operator instead of editing the
    // wrong item.
    const header = await dimensionHeader(ctx);
    const holders = header.items.filter((i) => i.name.toLowerCase() === record.name.toLowerCase() && (i.code ?? '') !== record.code);
    if (holders.length || header.items.filter((i) => i.name === oldName).length > 1) {
      throw new ConnectorError('netvisor', 'conflict', `cost centre ${record.code} cannot be renamed from "${oldName}" to "${record.name}" in dimension ${ctx.settings.netvisorDimension}: ${holders.length ? `item ${holders.map((h) => h.code || h.name).join(', ')} already has that name` : 'the old name is not unique'}; rename it in Netvisor, then run again`, { resource: 'dimensionitem.nv' });
    }
    const body = toXmlDocument(
      'dimensionitem',
      { name: ctx.settings.netvisorDimension, item: record.name, olditem: oldName, code: record.code, ishidden: record.active ? 'False' : 'True' },
      DIMENSION_ITEM_ORDER,
    );
    await ctx.connections.netvisor(ctx.tenant).connection.post('dimensionitem.nv', [['method', 'edit']], body);
  },
  candidate: (k, r) => ({ targetKey: k, code: r.code, name: r.name }),
};

async function dimensionHeader(ctx: StreamContext) {
  const name = ctx.settings.netvisorDimension;
  const dims = await ctx.connections.netvisor(ctx.tenant).listDimensions({ showHidden: true });
  const header = dims.find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (!header) throw needsOperator(`Netvisor has no dimension "${name}": create it (Laskentakohteet) or set sync.pairs[].netvisorDimension`, 'Siirto.business');
  return header;
}

// ---- Severa -----------------------------------------------------------------------------------------------------

const SEVERA_MAX_ROWS = 100;

/**
 * Wraps a page fetch so that the activity heartbeats after every page, with how far it got: a changed-since walk
 * over many pages shows progress, and an attempt that outlived its timeout learns it was cancelled between pages.
 */
export function beatPerPage<C, P extends { items: unknown[] }>(fetch: (cursor: C) => Promise<P>, call = currentCall()): (cursor: C) => Promise<P> {
  let pages = 0;
  let read = 0;
  return async (cursor) => {
    const page = await fetch(cursor);
    pages++;
    read += page.items.length;
    call.heartbeat({ pages, read });
    return page;
  };
}

/** A source's modification stamp as an ISO instant (Severa answers with an offset, the sandbox with Z). */
export const stampOf = (s: string | null | undefined): string | undefined => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

const severaCustomerSource: SourceStream = {
  async page(ctx, cursor, size) {
    const p = await ctx.connections.severa(ctx.tenant).listCustomersPage({ rowCount: Math.min(size, SEVERA_MAX_ROWS) }, cursor);
    return { items: p.items.map((c) => ({ sourceId: c.guid, mapped: severaCustomerToCanonical(c) })), ...(p.nextPageToken ? { next: p.nextPageToken } : {}) };
  },
  async changedSince(ctx, since) {
    const out: SourceItem[] = [];
    const sev = ctx.connections.severa(ctx.tenant);
    for await (const c of walkTokenPages(beatPerPage((t?: string) => sev.listCustomersPage({ changedSince: since, rowCount: SEVERA_MAX_ROWS }, t)))) out.push({ sourceId: c.guid, mapped: severaCustomerToCanonical(c), changedAt: stampOf(c.lastUpdatedDateTime) });
    return out;
  },
  sourceClock: true,
  async readOne(ctx, guid) {
    const c = await notFoundAsNull(ctx.connections.severa(ctx.tenant).getCustomer(guid));
    return c ? { sourceId: guid, mapped: severaCustomerToCanonical(c) } : null;
  },
};

const severaProductSource: SourceStream = {
  async page(ctx, cursor, size) {
    const p = await ctx.connections.severa(ctx.tenant).listProductsPage({ rowCount: Math.min(size, SEVERA_MAX_ROWS) }, cursor);
    return { items: p.items.map((x) => ({ sourceId: x.guid, mapped: severaProductToCanonical(x) })), ...(p.nextPageToken ? { next: p.nextPageToken } : {}) };
  },
  async changedSince(ctx, since) {
    const out: SourceItem[] = [];
    const sev = ctx.connections.severa(ctx.tenant);
    for await (const x of walkTokenPages(beatPerPage((t?: string) => sev.listProductsPage({ changedSince: since, rowCount: SEVERA_MAX_ROWS }, t)))) out.push({ sourceId: x.guid, mapped: severaProductToCanonical(x), changedAt: stampOf(x.lastUpdatedDateTime) });
    return out;
  },
  sourceClock: true,
  async readOne(ctx, guid) {
    const x = await notFoundAsNull(ctx.connections.severa(ctx.tenant).getProduct(guid));
    return x ? { sourceId: guid, mapped: severaProductToCanonical(x) } : null;
  },
};

const severaCostCentreSource: SourceStream = {
  async page(ctx, cursor, size) {
    const p = await ctx.connections.severa(ctx.tenant).listCostCentersPage({ rowCount: Math.min(size, SEVERA_MAX_ROWS) }, Number(cursor ?? '0'));
    return { items: p.items.map((c) => ({ sourceId: c.guid, mapped: severaCostCenterToCanonical(c) })), ...(p.nextFirstRow !== undefined ? { next: String(p.nextFirstRow) } : {}) };
  },
  async changedSince(ctx, since) {
    const out: SourceItem[] = [];
    const sev = ctx.connections.severa(ctx.tenant);
    for await (const c of walkOffsetPages(beatPerPage((row: number) => sev.listCostCentersPage({ changedSince: since, rowCount: SEVERA_MAX_ROWS }, row)))) out.push({ sourceId: c.guid, mapped: severaCostCenterToCanonical(c), changedAt: stampOf(c.lastUpdatedDateTime) });
    return out;
  },
  sourceClock: true,
  async readOne(ctx, guid) {
    const c = await notFoundAsNull(ctx.connections.severa(ctx.tenant).getCostCenter(guid));
    return c ? { sourceId: guid, mapped: severaCostCenterToCanonical(c) } : null;
  },
};

async function notFoundAsNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isConnectorError(err) && err.errorClass === 'not-found') return null;
    throw err;
  }
}

// ---- the catalogue ----------------------------------------------------------------------------------------------

const SOURCES: Partial<Record<`${SyncSystem}:${RegisterName}`, SourceStream>> = {
  'rackbeat:customers': rackbeatPartySource('customer'),
  'rackbeat:suppliers': rackbeatPartySource('supplier'),
  'rackbeat:products': rackbeatProductSource,
  'netvisor:customers': netvisorCustomerSource,
  'netvisor:suppliers': netvisorVendorSource,
  'netvisor:products': netvisorProductSource,
  'severa:customers': severaCustomerSource,
  'severa:products': severaProductSource,
  'severa:cost-centres': severaCostCentreSource,
};

const TARGETS: Partial<Record<`${SyncSystem}:${RegisterName}`, TargetStream<never>>> = {
  'rackbeat:customers': rackbeatPartyTarget('customer') as TargetStream<never>,
  'rackbeat:suppliers': rackbeatPartyTarget('supplier') as TargetStream<never>,
  'rackbeat:products': rackbeatProductTarget as TargetStream<never>,
  'netvisor:customers': netvisorCustomerTarget as TargetStream<never>,
  'netvisor:suppliers': netvisorVendorTarget as TargetStream<never>,
  'netvisor:products': netvisorProductTarget as TargetStream<never>,
  'netvisor:cost-centres': netvisorDimensionTarget as TargetStream<never>,
};

export function sourceStream(system: SyncSystem, register: RegisterName): SourceStream {
  const s = SOURCES[`${system}:${register}`] ?? TWENTYFOURSEVEN_SOURCES[`${system}:${register}`];
  if (!s) throw needsOperator(`reading ${register} from ${system} is not supported yet`, 'Siirto.config');
  return s;
}

/** The target side of a register; a pair may declare its own (Rackbeat records are linked by field in the 24SO pair). */
export function targetStream(system: SyncSystem, register: RegisterName, pair?: string): TargetStream {
  const t = (pair ? TWENTYFOURSEVEN_TARGETS[`${pair}:${system}:${register}`] : undefined) ?? TARGETS[`${system}:${register}`];
  if (!t) throw needsOperator(`writing ${register} to ${system} is not supported yet`, 'Siirto.config');
  return t as unknown as TargetStream;
}

/** What the target can hold of a record: the comparison basis for "unchanged" and echo suppression. */
export const comparable = (target: TargetStream, record: RegisterRecord) => project(record as never, target.keys as never);
