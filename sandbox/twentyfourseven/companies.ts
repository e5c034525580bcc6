import type { SandboxContext } from '../kit/server';
import { changeStamp, clientName, owned, type OwnedRecord, type SessionRecord } from './state';
import { COMPANY, field, intList, listOf, readEntity, searchScalar, SENTINEL, writeEntity, type WireRecord } from './wire';
import { el, kid, kids, text, type XNode } from './xml';

/** CompanyService: customers and suppliers are one entity told apart by Type. */
export interface CompanyRecord extends OwnedRecord {
  Id: number;
}

/** Per-item failure, reported inside the echoed item with HTTP 200. Type and texts are an open point (docs/wire/open-points.md). */
export const apiException = (message: string) => ({ Type: 'ValidationException', Message: message });

export function validateCompany(c: WireRecord): string | null {
  const len = (k: string, max: number) => typeof c[k] === 'string' && (c[k] as string).length > max;
  if (len('Name', 200)) return 'Name: must be at most 200 characters';
  if (len('OrganizationNumber', 20)) return 'OrganizationNumber: must be at most 20 characters';
  if (len('FirstName', 50)) return 'FirstName: must be at most 50 characters';
  if (typeof c.Country === 'string' && c.Country !== '' && !/^[A-Z]{2}$/.test(c.Country)) return 'Country: must be a two-letter country code';
  return null;
}

function mergeNested(target: WireRecord, input: WireRecord, key: string): void {
  if (!input[key]) return;
  const current = (target[key] as WireRecord | undefined) ?? {};
  target[key] = { ...current, ...(input[key] as WireRecord) };
}

function saveOne(ctx: SandboxContext, session: SessionRecord, input: WireRecord): WireRecord {
  const { DateCreated: _c, DateChanged: _d, ...fields } = input;
  const invalid = validateCompany(fields);
  if (invalid) return { ...input, APIException: apiException(invalid) };
  if (fields.Id !== undefined) {
    const existing = owned<CompanyRecord>(ctx, 'companies', session.clientId).find((c) => c.Id === fields.Id);
    if (!existing) return { ...input, APIException: apiException(`Id: company ${fields.Id} does not exist`) };
    for (const [k, v] of Object.entries(fields)) if (!['Addresses', 'PhoneNumbers', 'EmailAddresses'].includes(k)) existing[k] = v;
    for (const k of ['Addresses', 'PhoneNumbers', 'EmailAddresses']) mergeNested(existing, fields, k);
    existing.DateChanged = changeStamp();
    return { ...input };
  }
  if (typeof fields.Name !== 'string' || fields.Name.trim() === '') return { ...input, APIException: apiException('Name: a company needs a name') };
  const now = changeStamp();
  const record: CompanyRecord = {
    clientId: session.clientId,
    client: clientName(session.clientId),
    Type: 'None',
    ...fields,
    Id: ctx.store.nextId(`company:${session.clientId}`),
    DateCreated: now,
    DateChanged: now,
  };
  ctx.store.insert('companies', record);
  return { ...input, Id: record.Id };
}

const SEARCH = {
  companyId: field('CompanyId', 'int', SENTINEL.int),
  changedAfter: field('ChangedAfter', 'dateTime', SENTINEL.dateTime),
  externalId: field('ExternalId', 'string'),
  name: field('CompanyName', 'string', ''),
  email: field('CompanyEmail', 'string', ''),
  phone: field('CompanyPhone', 'string', ''),
  orgNo: field('OrganizationNumber', 'string', ''),
};

function search(ctx: SandboxContext, session: SessionRecord, params: XNode | undefined): CompanyRecord[] {
  const id = searchScalar(params, SEARCH.companyId) as number | undefined;
  const ids = kid(params, 'CompanyIds') ? intList(kid(params, 'CompanyIds'), 'CompanyIds') : undefined;
  const after = searchScalar(params, SEARCH.changedAfter) as string | undefined;
  const externalId = searchScalar(params, SEARCH.externalId) as string | undefined;
  const name = (searchScalar(params, SEARCH.name) as string | undefined)?.toLowerCase();
  const email = searchScalar(params, SEARCH.email) as string | undefined;
  const phone = searchScalar(params, SEARCH.phone) as string | undefined;
  const orgNo = searchScalar(params, SEARCH.orgNo) as string | undefined;
  const emails = (c: WireRecord) => Object.values((c.EmailAddresses as Record<string, { Value?: string }>) ?? {}).map((e) => e.Value);
  const phones = (c: WireRecord) => Object.values((c.PhoneNumbers as Record<string, { Value?: string }>) ?? {}).map((p) => p.Value);
  return owned<CompanyRecord>(ctx, 'companies', session.clientId).filter(
    (c) =>
      (id === undefined || c.Id === id) &&
      (ids === undefined || ids.includes(c.Id)) &&
      (after === undefined || Date.parse(c.DateChanged as string) > Date.parse(after)) &&
      // Exact match on ExternalId and OrganizationNumber, substring on the name (open point: docs/wire/open-points.md).
      (externalId === undefined || c.ExternalId === externalId) &&
      (name === undefined || String(c.Name ?? '').toLowerCase().includes(name)) &&
      (email === undefined || emails(c).includes(email)) &&
      (phone === undefined || phones(c).includes(phone)) &&
      (orgNo === undefined || c.OrganizationNumber === orgNo),
  );
}

/** ItemsPerPage of GetCompanySyncList: 1000 on the real service; POST /__sandbox/paging scales it per sandbox. */
export const syncPageSize = new WeakMap<SandboxContext, number>();

const SYNC = {
  page: field('Page', 'int', SENTINEL.int),
  active: field('Active', 'nbool'),
  changedAfter: field('ChangedAfter', 'dateTime', SENTINEL.dateTime),
  registeredAfter: field('RegisteredAfter', 'dateTime', SENTINEL.dateTime),
};

/** Pages are numbered from 1, and a page past the end is empty (open point: docs/wire/open-points.md). */
function syncList(ctx: SandboxContext, session: SessionRecord, params: XNode | undefined): string {
  const size = syncPageSize.get(ctx) ?? 1000;
  const page = Math.max(1, (searchScalar(params, SYNC.page) as number | undefined) ?? 1);
  const active = searchScalar(params, SYNC.active) as boolean | null | undefined;
  const changed = searchScalar(params, SYNC.changedAfter) as string | undefined;
  const registered = searchScalar(params, SYNC.registeredAfter) as string | undefined;
  const all = owned<CompanyRecord>(ctx, 'companies', session.clientId).filter(
    (c) =>
      (active === undefined || active === null || (c.Active !== false) === active) &&
      (changed === undefined || Date.parse(c.DateChanged as string) > Date.parse(changed)) &&
      (registered === undefined || Date.parse(c.DateCreated as string) > Date.parse(registered)),
  );
  const items = all
    .slice((page - 1) * size, page * size)
    .map((c) =>
      el(
        'SyncCompany',
        el('CompanyId', String(c.Id)) +
          (c.ExternalId ? text('ExternalId', String(c.ExternalId)) : '') +
          el('DateChanged', String(c.DateChanged)) +
          el('DateRegistered', String(c.DateCreated)) +
          el('Active', String(c.Active !== false)),
      ),
    )
    .join('');
  return (
    el('CurrentPage', String(page)) +
    el('TotalPages', String(Math.ceil(all.length / size))) +
    el('TotalItems', String(all.length)) +
    el('ItemsPerPage', String(size)) +
    el('Items', items)
  );
}

export function companyService(ctx: SandboxContext, session: SessionRecord, op: string, node: XNode): string {
  if (op === 'GetCompanySyncList') return syncList(ctx, session, kid(node, 'syncSearchParameters'));
  if (op === 'GetCompanies') {
    const props = new Set(listOf(kid(node, 'returnProperties'), 'string'));
    return search(ctx, session, kid(node, 'searchParams'))
      .map((c) => el('Company', writeEntity(COMPANY, c, props)))
      .join('');
  }
  // SaveCompanies
  const items = kids(kid(node, 'companies'), 'Company').map((c) => readEntity(COMPANY, c));
  return items.map((item) => el('Company', writeEntity(COMPANY, saveOne(ctx, session, item)))).join('');
}

export const COMPANY_OPERATIONS = ['GetCompanies', 'SaveCompanies', 'GetCompanySyncList'];
