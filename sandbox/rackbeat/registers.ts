import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { crudRoutes, type Fire } from './crud';
import { selfUrl, type Errors, type Json, type Rules } from './wire';

/** Rackbeat's registers: products and their groups, customers, suppliers, their groups, payment terms. */

export const PRODUCT_NUMBER_MAX = 25;
const PARTY_KEYS = [
  'number', 'company_name', 'company_vat', 'address_street', 'address_street2', 'address_city', 'address_zipcode',
  'address_country', 'contact_email', 'contact_phone', 'locale', 'currency', 'vat_zone', 'ean', 'payment_terms_id', 'is_barred',
] as const;
const MONEY_KEYS = ['sales_price', 'recommended_cost_price', 'stock_quantity'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const nextNumber = (records: Json[], start: number) => Math.max(start - 1, ...records.map((r) => Number(r.number))) + 1;
const inUse = (field: string, what: string): Errors => ({ [field]: [`The ${what} is in use and cannot be deleted.`] });

export function registerRoutes(app: FastifyInstance, ctx: SandboxContext, fire: Fire): void {
  const list = (c: string) => ctx.store.list<Json>(c);
  const exists = (c: string) => (v: unknown) => list(c).some((r) => r.number === Number(v));
  // Numbers are stored as numbers (customers, groups) or strings (products): both forms, through the store's index.
  const uniqueIn = (c: string, existing: Json | undefined) => (v: unknown) =>
    [...ctx.store.allBy<Json>(c, 'number', String(v)), ...(v !== '' && Number.isFinite(Number(v)) ? ctx.store.allBy<Json>(c, 'number', Number(v)) : [])].some((r) => r !== existing);
  const fieldValue = (owner: string) => (record: Json, fieldId: number) =>
    ctx.store.find<Json>('fieldValues', (v) => v.owner === owner && v.key === String(record.number) && v.field_id === fieldId)?.value;

  const groupRules = (c: string) => (r: Rules, body: Json, existing: Json | undefined) => {
    if (!existing) r.required('name');
    r.string('name', 255).integer('number').unique('number', uniqueIn(c, existing));
  };

  crudRoutes(app, ctx, {
    path: 'product-groups', singular: 'product_group', plural: 'product_groups', collection: 'productGroups', keyType: 'int',
    writable: ['number', 'name', 'has_inventory', 'should_spread_cost', 'is_sellable', 'vat_domestic', 'vat_eu', 'vat_abroad', 'vat_domestic_exempt'],
    validate: (r, body, existing) => {
      groupRules('productGroups')(r, body, existing);
      for (const k of ['vat_domestic', 'vat_eu', 'vat_abroad', 'vat_domestic_exempt']) r.numeric(k);
    },
    defaults: (b) => ({ number: nextNumber(list('productGroups'), 1), has_inventory: true, should_spread_cost: false, is_sellable: true, vat_domestic: 25, vat_eu: 0, vat_abroad: 0, vat_domestic_exempt: 0, ...b }),
    render: (g) => ({ ...g, self: selfUrl(ctx, `product-groups/${g.number}`) }),
    refuseDelete: (g) => (list('products').some((p) => p.group_id === g.number) ? inUse('number', 'product group') : null),
  }, fire);

  const groupRef = (n: unknown) => {
    const g = list('productGroups').find((x) => x.number === n);
    return g ? { number: g.number, name: g.name, vat_domestic: g.vat_domestic, vat_eu: g.vat_eu, vat_abroad: g.vat_abroad, vat_domestic_exempt: g.vat_domestic_exempt, self: selfUrl(ctx, `product-groups/${g.number}`) } : null;
  };

  crudRoutes(app, ctx, {
    path: 'products', singular: 'product', plural: 'products', collection: 'products', keyType: 'string',
    writable: ['number', 'name', 'description', 'barcode', 'group', 'group_id', 'sales_price', 'recommended_cost_price', 'stock_quantity', 'is_barred', 'unit_id', 'default_supplier_id'],
    validate: (r, body, existing) => {
      if (!existing) {
        r.required('number').required('name');
        if (body.group === undefined && body.group_id === undefined) r.fail('group', 'The group field is required.');
      }
      r.string('number', PRODUCT_NUMBER_MAX).unique('number', uniqueIn('products', existing)).string('name', 255).string('barcode', 255).boolean('is_barred');
      r.exists('group', exists('productGroups')).exists('group_id', exists('productGroups'));
      for (const k of MONEY_KEYS) r.numeric(k);
      // cost_price is read-only (it moves with purchases); whether Rackbeat refuses or ignores it is an open point (docs/wire/open-points.md): ignored here.
    },
    defaults: (b) => ({
      id: ctx.store.nextId('product'), type: 'product', description: '', barcode: '', sales_price: 0, recommended_cost_price: 0,
      cost_price: 0, stock_quantity: 0, is_barred: false, unit_id: null, default_supplier_id: null, deleted_at: null, ...b,
    }),
    afterWrite: (p, previous) => {
      if (p.group !== undefined) p.group_id = Number(p.group);
      delete p.group;
      for (const k of MONEY_KEYS) if (p[k] !== undefined) p[k] = Number(p[k]);
      if (previous !== undefined && previous !== p.number) {
        for (const v of list('fieldValues')) if (v.owner === 'item' && v.key === previous) v.key = p.number;
      }
    },
    render: (p) => ({
      ...p,
      // Exact form an open point (docs/wire/open-points.md): the once-encoded number, which clients encode once more for paths.
      urlfriendly_number: encodeURIComponent(String(p.number)),
      group: groupRef(p.group_id),
      self: selfUrl(ctx, `products/${encodeURIComponent(encodeURIComponent(String(p.number)))}`),
    }),
    events: 'product',
    filters: { fieldValue: fieldValue('item') },
  }, fire);

  for (const [path, singular, plural, collection] of [
    ['customer-groups', 'customer_group', 'customer_groups', 'customerGroups'],
    ['supplier-groups', 'supplier_group', 'supplier_groups', 'supplierGroups'],
  ] as const) {
    const users = collection === 'customerGroups' ? ['customers', 'customer_group_id'] : ['suppliers', 'supplier_group_id'];
    crudRoutes(app, ctx, {
      path, singular, plural, collection, keyType: 'int', writable: ['number', 'name'],
      validate: groupRules(collection),
      defaults: (b) => ({ number: nextNumber(list(collection), 1), ...(collection === 'customerGroups' ? { is_draft: false } : {}), ...b }),
      render: (g) => ({ ...g, self: selfUrl(ctx, `${path}/${g.number}`) }),
      refuseDelete: (g) => (list(users[0]).some((p) => p[users[1]] === g.number) ? inUse('number', singular.replace('_', ' ')) : null),
    }, fire);
  }

  crudRoutes(app, ctx, {
    path: 'payment-terms', singular: 'payment_term', plural: 'payment_terms', collection: 'paymentTerms', keyType: 'int',
    writable: ['number', 'name', 'description', 'type', 'maturity_days'],
    validate: (r, body, existing) => {
      if (!existing) r.required('name').required('maturity_days').required('type');
      r.string('name', 255).integer('number').unique('number', uniqueIn('paymentTerms', existing)).integer('maturity_days');
      // The type enum is an open point (docs/wire/open-points.md); these two cover "net N days" and "end of month + N".
      r.oneOf('type', ['net', 'current_month']);
      if (typeof body.maturity_days === 'number' && (body.maturity_days < 0 || body.maturity_days > 32767)) {
        r.fail('maturity_days', 'The maturity days must be between 0 and 32767.');
      }
    },
    defaults: (b) => ({ number: nextNumber(list('paymentTerms'), 1), description: '', ...b }),
    render: (t) => ({ ...t, type_translated: t.type === 'net' ? 'Net' : 'Current month', self: selfUrl(ctx, `payment-terms/${t.number}`) }),
    events: 'payment_terms',
    refuseDelete: (t) =>
      ['customers', 'suppliers'].some((c) => list(c).some((p) => p.payment_terms_id === t.number)) ? inUse('number', 'payment term') : null,
  }, fire);

  for (const kind of ['customer', 'supplier'] as const) {
    const collection = `${kind}s`;
    const groupKey = `${kind}_group_id`;
    const groups = `${kind}Groups`;
    crudRoutes(app, ctx, {
      path: collection, singular: kind, plural: collection, collection, keyType: 'int',
      writable: [...PARTY_KEYS, groupKey],
      validate: (r, body, existing) => {
        if (!existing) r.required('company_name').required('payment_terms_id');
        r.string('company_name', 255).integer('number').unique('number', uniqueIn(collection, existing));
        r.integer('payment_terms_id').exists('payment_terms_id', exists('paymentTerms'));
        // A new party lands in group 1 unless told otherwise, so group 1 must exist (an onboarding prerequisite).
        if (!existing && body[groupKey] === undefined && !exists(groups)(1)) r.fail(groupKey, `The ${groupKey.replace(/_/g, ' ')} field is required.`);
        r.integer(groupKey).exists(groupKey, exists(groups)).boolean('is_barred').string('currency', 3);
        if (typeof body.contact_email === 'string' && body.contact_email !== '' && !EMAIL.test(body.contact_email)) {
          r.fail('contact_email', 'The contact email must be a valid email address.');
        }
      },
      defaults: (b) => ({
        number: nextNumber(list(collection), kind === 'customer' ? 1001 : 5001), company_vat: '', address_street: '', address_street2: '',
        address_city: '', address_zipcode: '', address_country: '', contact_email: '', contact_phone: '', locale: 'en', currency: 'NOK',
        vat_zone: 'domestic', ean: '', is_barred: false, [groupKey]: 1, ...b,
      }),
      // Both name keys: which one current responses use is an open point (docs/wire/open-points.md).
      render: (p) => ({ ...p, name: p.company_name, self: selfUrl(ctx, `${collection}/${p.number}`) }),
      events: kind,
      filters: { fieldValue: fieldValue(kind) },
      refuseDelete: (p) =>
        kind === 'customer' && list('orders').some((o) => o.customer_id === p.number) ? { number: ['The customer has orders and cannot be deleted.'] } : null,
      afterWrite: (p, previous) => {
        if (previous !== undefined && previous !== p.number) {
          for (const v of list('fieldValues')) if (v.owner === kind && v.key === String(previous)) v.key = String(p.number);
        }
      },
    }, fire);
  }
}
