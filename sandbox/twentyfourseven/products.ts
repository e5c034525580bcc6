import type { SandboxContext } from '../kit/server';
import { apiException } from './companies';
import { changeStamp, clientName, owned, type OwnedRecord, type SessionRecord } from './state';
import { CATEGORY, field, intList, listOf, PRODUCT, readEntity, searchScalar, SENTINEL, writeEntity, type WireRecord } from './wire';
import { el, kid, kids, type XNode } from './xml';

/** ProductService: products (No is the product number) and their categories. */
export interface ProductRecord extends OwnedRecord {
  Id: number;
}
export interface CategoryRecord extends OwnedRecord {
  Id: number;
}

function saveProduct(ctx: SandboxContext, session: SessionRecord, input: WireRecord): WireRecord {
  const { DateChanged: _d, ...fields } = input;
  const fail = (m: string) => ({ ...input, APIException: apiException(m) });
  const products = owned<ProductRecord>(ctx, 'products', session.clientId);
  if (typeof fields.Name === 'string' && fields.Name.length > 125) return fail('Name: must be at most 125 characters');
  if (fields.CategoryId !== undefined && !owned<CategoryRecord>(ctx, 'categories', session.clientId).some((c) => c.Id === fields.CategoryId)) {
    return fail(`CategoryId: category ${fields.CategoryId} does not exist`);
  }
  // That 24SO refuses a second product with the same number is an open point (docs/wire/open-points.md). Pairing by number relies on it.
  if (typeof fields.No === 'string' && fields.No !== '' && products.some((p) => p.No === fields.No && p.Id !== fields.Id)) {
    return fail(`No: product number ${fields.No} is already in use`);
  }
  if (fields.Id !== undefined) {
    const existing = products.find((p) => p.Id === fields.Id);
    if (!existing) return fail(`Id: product ${fields.Id} does not exist`);
    Object.assign(existing, fields, { DateChanged: changeStamp() });
    return { ...input };
  }
  if (typeof fields.Name !== 'string' || fields.Name.trim() === '') return fail('Name: a product needs a name');
  if (fields.CategoryId === undefined) return fail('CategoryId: a new product needs a category');
  const record: ProductRecord = {
    clientId: session.clientId,
    client: clientName(session.clientId),
    StatusId: 1,
    ...fields,
    Id: ctx.store.nextId(`product:${session.clientId}`),
    DateChanged: changeStamp(),
  };
  ctx.store.insert('products', record);
  return { ...input, Id: record.Id };
}

function saveCategory(ctx: SandboxContext, session: SessionRecord, input: WireRecord): WireRecord {
  const fail = (m: string) => ({ ...input, APIException: apiException(m) });
  const categories = owned<CategoryRecord>(ctx, 'categories', session.clientId);
  if (input.ParentId !== undefined && !categories.some((c) => c.Id === input.ParentId)) return fail(`ParentId: category ${input.ParentId} does not exist`);
  if (input.Id !== undefined) {
    const existing = categories.find((c) => c.Id === input.Id);
    if (!existing) return fail(`Id: category ${input.Id} does not exist`);
    Object.assign(existing, input);
    return { ...input };
  }
  if (typeof input.Name !== 'string' || input.Name.trim() === '') return fail('Name: a category needs a name');
  const record: CategoryRecord = { clientId: session.clientId, client: clientName(session.clientId), ...input, Id: ctx.store.nextId(`category:${session.clientId}`) };
  ctx.store.insert('categories', record);
  return { ...input, Id: record.Id };
}

const SEARCH = {
  id: field('Id', 'int', SENTINEL.int),
  categoryId: field('CategoryId', 'int', SENTINEL.int),
  no: field('No', 'string', ''),
  ean: field('EAN1', 'string', ''),
  name: field('Name', 'string', ''),
  changedAfter: field('DateChanged', 'dateTime', SENTINEL.dateTime),
};

function search(ctx: SandboxContext, session: SessionRecord, params: XNode | undefined): ProductRecord[] {
  const id = searchScalar(params, SEARCH.id);
  const categoryId = searchScalar(params, SEARCH.categoryId);
  const no = searchScalar(params, SEARCH.no);
  const ean = searchScalar(params, SEARCH.ean);
  const name = (searchScalar(params, SEARCH.name) as string | undefined)?.toLowerCase();
  // On products DateChanged is the changed-since filter: products changed after it.
  const after = searchScalar(params, SEARCH.changedAfter) as string | undefined;
  const ids = kid(params, 'ProductIds') ? intList(kid(params, 'ProductIds'), 'ProductIds') : undefined;
  return owned<ProductRecord>(ctx, 'products', session.clientId).filter(
    (p) =>
      (id === undefined || p.Id === id) &&
      (categoryId === undefined || p.CategoryId === categoryId) &&
      (no === undefined || p.No === no) &&
      (ean === undefined || p.EAN1 === ean) &&
      (name === undefined || String(p.Name ?? '').toLowerCase().includes(name)) &&
      (after === undefined || Date.parse(p.DateChanged as string) > Date.parse(after)) &&
      (ids === undefined || ids.includes(p.Id)),
  );
}

export function productService(ctx: SandboxContext, session: SessionRecord, op: string, node: XNode): string {
  const props = () => new Set(listOf(kid(node, 'returnProperties'), 'string'));
  switch (op) {
    case 'GetProducts':
      return search(ctx, session, kid(node, 'searchParams')).map((p) => el('Product', writeEntity(PRODUCT, p, props()))).join('');
    case 'SaveProducts':
      return kids(kid(node, 'products'), 'Product')
        .map((p) => el('Product', writeEntity(PRODUCT, saveProduct(ctx, session, readEntity(PRODUCT, p)))))
        .join('');
    case 'GetCategories':
      return owned<CategoryRecord>(ctx, 'categories', session.clientId).map((c) => el('Category', writeEntity(CATEGORY, c, props()))).join('');
    default: // SaveCategories
      return kids(kid(node, 'categories'), 'Category')
        .map((c) => el('Category', writeEntity(CATEGORY, saveCategory(ctx, session, readEntity(CATEGORY, c)))))
        .join('');
  }
}

export const PRODUCT_OPERATIONS = ['GetProducts', 'SaveProducts', 'GetCategories', 'SaveCategories'];
