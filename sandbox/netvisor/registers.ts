import { parseChangedSince } from './customers';
import type { DimensionRecord, Handler, InventoryRecord, NvRequest, ProductRecord, VendorRecord } from './types';
import { NetvisorFailure, child, couldNotValidate, el, inserted, invalidData, nvDecimal, textOf, type Elem } from './wire';
import Decimal from 'decimal.js';

/** dimensionlist.nv, dimensionitem.nv, getvendor.nv, vendor.nv, inventorybywarehouse.nv. */

const bool = (b: boolean) => (b ? 'True' : 'False');

export const dimensionList: Handler = (req) => {
  const showHidden = req.query.showhidden === '1';
  const dims = req.store.list<DimensionRecord>('dimensions').filter((d) => showHidden || !d.hidden);
  return el(
    'DimensionNameList',
    dims.map((d) =>
      el('DimensionName', [
        el('Netvisorkey', d.netvisorKey),
        el('Name', d.name),
        el('IsHidden', bool(d.hidden)),
        el('LinkType', 0),
        el(
          'DimensionDetails',
          d.items
            .filter((i) => showHidden || !i.hidden)
            .map((i, index) =>
              el('DimensionDetail', [
                el('Netvisorkey', i.netvisorKey),
                el('Name', i.name),
                el('Code', i.code),
                el('IsHidden', bool(i.hidden)),
                el('Level', i.level),
                el('Sort', index),
                el('EndSort', index),
                el('FatherID', i.fatherId),
              ]),
            ),
        ),
      ]),
    ),
  );
};

const DIMENSION_ITEM_ORDER = ['name', 'item', 'olditem', 'code', 'label', 'oldcode', 'oldlabel', 'fatherid', 'fatheritem', 'fathercode', 'fatherlabel', 'activityperiodstart', 'activityperiodend', 'ishidden'];

export const dimensionItemImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'dimensionitem') throw couldNotValidate();
  let last = -1;
  for (const c of body.children) {
    const i = DIMENSION_ITEM_ORDER.indexOf(c.name);
    if (i <= last) throw couldNotValidate();
    last = i;
  }
  const headerName = textOf(body, 'name');
  const itemName = textOf(body, 'item');
  if (!headerName || !itemName) throw couldNotValidate();
  if (headerName.length > 50 || itemName.length > 200) throw invalidData('Dimension name or item is too long');
  const header = req.store.list<DimensionRecord>('dimensions').find((d) => d.name.toLowerCase() === headerName.toLowerCase());
  if (!header) throw invalidData(`Dimension name not found: ${headerName}`);
  const hiddenText = textOf(body, 'ishidden');
  const hidden = hiddenText !== undefined && /^(true|1)$/i.test(hiddenText);
  const method = req.query.method?.toLowerCase();
  const fatherId = textOf(body, 'fatherid');
  const fatherItem = textOf(body, 'fatheritem');
  const fatherCode = textOf(body, 'fathercode');
  const father =
    fatherId ? header.items.find((i) => String(i.netvisorKey) === fatherId)
    : fatherItem ? header.items.find((i) => i.name === fatherItem)
    : fatherCode ? header.items.find((i) => i.code === fatherCode)
    : undefined;
  if ((fatherId || fatherItem || fatherCode) && !father) throw invalidData(`Parent dimension item not found under ${headerName}`);
  if (method === 'add') {
    // Open point (docs/wire/open-points.md): the category for an item name already used under the same header.
    if (header.items.some((i) => i.name.toLowerCase() === itemName.toLowerCase())) throw new NetvisorFailure('DUPLICATE_DATA', `Dimension item ${itemName} already exists under ${headerName}`);
    header.items.push({
      netvisorKey: req.store.nextId('dimension'),
      name: itemName,
      code: textOf(body, 'code') ?? '',
      hidden,
      level: father ? father.level + 1 : 1,
      fatherId: father?.netvisorKey ?? 0,
    });
    return '';
  }
  if (method === 'edit') {
    const old = textOf(body, 'olditem');
    if (!old) throw couldNotValidate();
    const item = header.items.find((i) => i.name === old);
    if (!item) throw invalidData(`Dimension item not found: ${old}`);
    item.name = itemName;
    const code = textOf(body, 'code');
    if (code !== undefined) item.code = code;
    if (hiddenText !== undefined) item.hidden = hidden;
    if (father) {
      item.fatherId = father.netvisorKey;
      item.level = father.level + 1;
    }
    return '';
  }
  throw invalidData('Parameter method is missing or invalid (add or edit)');
};

function vendorXml(v: VendorRecord): string {
  return el('Vendor', [
    el('NetvisorKey', v.netvisorKey),
    el('VendorBaseInformation', [
      el('Code', v.code),
      el('Name', v.name),
      el('Address', v.address),
      el('PostCode', v.postCode),
      el('City', v.city),
      el('Country', v.country, { type: 'ISO-3166' }),
      el('OrganizationId', v.organizationId),
      el('GroupName', v.groupName),
    ]),
    el('VendorContactDetails', [
      el('PhoneNumber', v.phone),
      el('Email', v.email),
      el('FaxNumber', ''),
      el('ContactPersonName', ''),
      el('ContactPersonPhoneNumber', ''),
      el('ContactPersonEmail', ''),
      el('HomePage', ''),
      el('Comment', ''),
    ]),
    el('VendorAdditionalInformation', [el('DefaultVatPercent', '25,5'), el('IsPartialVatReducedPrivileged', 'False'), el('PaymentTerm', '')]),
  ]);
}

const PAGE_SIZE = 500;

/** getvendor.nv: netvisorkey → <Vendor>; netvisorkeylist / changedsince → <Vendors>, paged by 500 with X-Netvisor-Pagination-* headers. */
export function getVendor(req: NvRequest, setHeader: (name: string, value: string) => void): string {
  const q = req.query;
  const vendors = req.store.list<VendorRecord>('vendors');
  const byKey = (k: string) => vendors.find((v) => String(v.netvisorKey) === k.trim());
  if (q.netvisorkey !== undefined) {
    const v = byKey(q.netvisorkey);
    // Open point (docs/wire/open-points.md): text: an unknown vendor is refused like an unknown customer.
    if (!v) throw invalidData(`Vendor not found with Netvisor identifier: ${q.netvisorkey}`);
    return vendorXml(v);
  }
  let found: VendorRecord[];
  if (q.netvisorkeylist !== undefined) {
    found = q.netvisorkeylist.split(',').filter(Boolean).map((k) => {
      const v = byKey(k);
      if (!v) throw invalidData(`Vendor not found with Netvisor identifier: ${k}`);
      return v;
    });
  } else if (q.changedsince !== undefined) {
    const since = parseChangedSince(q.changedsince);
    found = vendors.filter((v) => v.changedAt >= since);
  } else {
    throw invalidData('Parameter netvisorkey, netvisorkeylist or changedsince is required');
  }
  const page = q.page ? Number(q.page) : 1;
  if (!Number.isInteger(page) || page < 1) throw invalidData(`Invalid page: ${q.page}`);
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  setHeader('X-Netvisor-Pagination-Current-Page', String(page));
  setHeader('X-Netvisor-Pagination-Previous-Page', page > 1 ? String(page - 1) : '');
  setHeader('X-Netvisor-Pagination-Next-Page', page < pages ? String(page + 1) : '');
  setHeader('X-Netvisor-Pagination-Limit', String(PAGE_SIZE));
  setHeader('X-Netvisor-Pagination-Total-Count', String(found.length));
  return el('Vendors', found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(vendorXml));
}

const VENDOR_ORDER: Record<string, readonly string[]> = {
  vendor: ['vendorbaseinformation', 'vendorcontactdetails', 'vendoradditionalinformation'],
  vendorbaseinformation: ['code', 'name', 'address', 'postcode', 'city', 'country', 'organizationid', 'groupname', 'vendorbankaccounts'],
  vendorcontactdetails: ['phonenumber', 'email', 'faxnumber', 'contactpersonname', 'contactpersonphonenumber', 'contactpersonemail', 'homepage', 'comment'],
};

function checkVendorOrder(e: Elem): void {
  const order = VENDOR_ORDER[e.name];
  if (!order) return;
  let last = -1;
  for (const c of e.children) {
    const i = order.indexOf(c.name);
    if (i <= last) throw couldNotValidate();
    last = i;
    checkVendorOrder(c);
  }
}

/** vendor.nv: element order as RANT models it (Netvisor's vendor DTD is not public: open point, docs/wire/open-points.md). Edit key: netvisorkey (or id). */
export const vendorImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'vendor') throw couldNotValidate();
  checkVendorOrder(body);
  const base = child(body, 'vendorbaseinformation');
  const contact = child(body, 'vendorcontactdetails');
  const now = req.now.toISOString().slice(0, 19);
  const apply = (v: VendorRecord) => {
    const pairs: Array<[keyof VendorRecord, Elem | undefined, string]> = [
      ['code', base, 'code'], ['name', base, 'name'], ['address', base, 'address'], ['postCode', base, 'postcode'], ['city', base, 'city'],
      ['country', base, 'country'], ['organizationId', base, 'organizationid'], ['groupName', base, 'groupname'],
      ['phone', contact, 'phonenumber'], ['email', contact, 'email'],
    ];
    for (const [key, parent, name] of pairs) {
      const value = textOf(parent, name);
      if (value !== undefined) (v as Record<string, unknown>)[key as string] = value;
    }
    v.changedAt = now;
  };
  const method = req.query.method?.toLowerCase();
  if (method === 'add') {
    if (!textOf(base, 'name')) throw couldNotValidate();
    const record: VendorRecord = {
      netvisorKey: req.store.nextId('vendor'),
      code: '', name: '', address: '', postCode: '', city: '', country: 'FI', organizationId: '', groupName: '', phone: '', email: '', changedAt: now,
    };
    apply(record);
    req.store.insert('vendors', record);
    return inserted(record.netvisorKey);
  }
  if (method === 'edit') {
    const key = req.query.netvisorkey ?? req.query.id;
    const record = req.store.list<VendorRecord>('vendors').find((v) => String(v.netvisorKey) === key);
    if (!record) throw invalidData(`Vendor not found with Netvisor identifier: ${key ?? ''}`);
    if (textOf(base, 'name') === '') throw couldNotValidate();
    apply(record);
    return '';
  }
  throw invalidData('Parameter method is missing or invalid (add or edit)');
};

export const inventoryByWarehouse: Handler = (req) => {
  const q = req.query;
  let products = req.store.list<ProductRecord>('products');
  if (q.productid) products = products.filter((p) => String(p.netvisorKey) === q.productid);
  if (q.productidlist) {
    const ids = q.productidlist.split(',').map((s) => s.trim());
    products = products.filter((p) => ids.includes(String(p.netvisorKey)));
  }
  if (q.productgroupname) products = products.filter((p) => p.group === q.productgroupname);
  // changedsince takes Finnish d.M.yyyy H:mm:ss here (documented).
  if (q.changedsince && !/^\d{1,2}\.\d{1,2}\.\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$/.test(q.changedsince)) throw invalidData(`Invalid changedsince value: ${q.changedsince}`);
  const stock = req.store.list<InventoryRecord>('inventory');
  // A product is listed when any of its balances changed at or after changedsince (read as UTC: open-points.md),
  // with all of its places: which places real Netvisor lists then is an open point as well.
  const since = q.changedsince ? finnishToIso(q.changedsince) : undefined;
  if (since) products = products.filter((p) => stock.some((s) => s.productNetvisorKey === p.netvisorKey && s.changedAt >= since));
  const rows = products
    .map((p) => {
      let places = stock.filter((s) => s.productNetvisorKey === p.netvisorKey);
      if (q.inventoryplaceid) places = places.filter((s) => String(s.warehouseNetvisorKey) === q.inventoryplaceid);
      if (q.inventoryplacename) places = places.filter((s) => s.warehouseName.toLowerCase() === q.inventoryplacename.toLowerCase());
      return { p, places };
    })
    .filter((r) => r.places.length > 0);
  const total = (xs: InventoryRecord[], k: 'inventoryAmount' | 'reservedAmount' | 'orderedAmount') => nvDecimal(xs.reduce((a, x) => a.plus(x[k]), new Decimal(0)), 2);
  return el(
    'InventoryByWarehouse',
    rows.map(({ p, places }) =>
      el('Product', [
        el('NetvisorKey', p.netvisorKey),
        el('Name', p.name),
        el('Code', p.code),
        el('GroupName', p.group),
        el('ProductUri', `/getproduct.nv?id=${p.netvisorKey}`),
        ...places.map((w) =>
          el('Warehouse', [
            el('NetvisorKey', w.warehouseNetvisorKey),
            el('Name', w.warehouseName),
            el('ReservedAmount', nvDecimal(w.reservedAmount, 2)),
            el('OrderedAmount', nvDecimal(w.orderedAmount, 2)),
            el('InventoryAmount', nvDecimal(w.inventoryAmount, 2)),
          ]),
        ),
        el('TotalReservedAmount', total(places, 'reservedAmount')),
        el('TotalOrderedAmount', total(places, 'orderedAmount')),
        el('TotalAmount', total(places, 'inventoryAmount')),
      ]),
    ),
  );
};

/** "1.5.2014 12:00:00" → "2014-05-01T12:00:00", comparable with the stored (UTC) changedAt. */
function finnishToIso(value: string): string {
  const [date, time = '0:00:00'] = value.trim().split(/\s+/);
  const [d, m, y] = date.split('.').map(Number);
  const [h, min, sec = 0] = time.split(':').map(Number);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${y}-${two(m)}-${two(d)}T${two(h)}:${two(min)}:${two(sec)}`;
}
