import Decimal from 'decimal.js';
import { parseChangedSince } from './customers';
import { DTD, validateOrder } from './dtd';
import type { Handler, InventoryRecord, NvRequest, ProductRecord } from './types';
import { NetvisorFailure, child, couldNotValidate, el, inserted, invalidData, nvDecimal, parseDecimal, textOf, type Elem } from './wire';

/** productlist.nv, getproduct.nv, product.nv. An unknown product is OK with an empty <Product></Product>, unlike customers. */
const products = (req: NvRequest) => req.store.list<ProductRecord>('products');

const gross = (p: ProductRecord) => new Decimal(p.unitPrice).mul(new Decimal(p.vatPercent || '0').div(100).plus(1));

export const productList: Handler = (req) => {
  let found = products(req);
  const keyword = req.query.keyword;
  if (keyword) {
    // A comma list is matched as exact codes (the flow example sends "TP1,TP2"), a single word as a substring.
    const parts = keyword.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    found =
      parts.length > 1
        ? found.filter((p) => parts.includes(p.code.toLowerCase()))
        : found.filter((p) => p.code.toLowerCase().includes(parts[0]) || p.name.toLowerCase().includes(parts[0]));
  }
  if (req.query.changedsince) {
    const since = parseChangedSince(req.query.changedsince);
    found = found.filter((p) => p.changedAt >= since);
  }
  return el(
    'ProductList',
    found.map((p) =>
      el('Product', [
        el('NetvisorKey', p.netvisorKey),
        el('ProductCode', p.code),
        el('Name', p.name),
        el('UnitPrice', nvDecimal(p.unitPrice, 2)),
        el('UnitGrossPrice', nvDecimal(gross(p), 2)),
        el('ProductGroupID', p.group ? 1 : ''),
        el('ProductGroupDescription', p.group),
        el('Uri', `${req.baseUrl}/getproduct.nv?id=${p.netvisorKey}`),
      ]),
    ),
  );
};

function productXml(req: NvRequest, p: ProductRecord): string {
  const stock = req.store.allBy<InventoryRecord>('inventory', 'productNetvisorKey', p.netvisorKey);
  const total = stock.reduce((a, i) => a.plus(i.inventoryAmount), new Decimal(0));
  const reserved = stock.reduce((a, i) => a.plus(i.reservedAmount), new Decimal(0));
  const ordered = stock.reduce((a, i) => a.plus(i.orderedAmount), new Decimal(0));
  return el('Product', [
    el('ProductBaseInformation', [
      el('NetvisorKey', p.netvisorKey),
      el('ProductCode', p.code),
      el('ProductGroup', p.group),
      el('Name', p.name),
      el('Description', p.description),
      el('UnitPrice', nvDecimal(p.unitPrice), { type: 'net' }),
      el('UnitGrossPrice', nvDecimal(gross(p).toDecimalPlaces(4)), { type: 'gross' }),
      el('Unit', p.unit),
      el('UnitWeight', ''),
      el('PurchasePrice', p.purchasePrice ? nvDecimal(p.purchasePrice, 4) : ''),
      el('TariffHeading', ''),
      el('ComissionPercentage', ''),
      el('IsActive', p.isActive ? 1 : 0),
      el('IsSalesProduct', p.isSalesProduct ? 1 : 0),
    ]),
    el('ProductBookkeepingDetails', [el('DefaultVatPercent', nvDecimal(p.vatPercent, 1))]),
    el('ProductInventoryDetails', [
      el('InventoryAmount', nvDecimal(total, 2)),
      el('InventoryMidPrice', ''),
      el('InventoryValue', ''),
      el('InventoryReservedAmount', nvDecimal(reserved, 2)),
      el('InventoryOrderedAmount', nvDecimal(ordered, 2)),
    ]),
  ]);
}

export const getProduct: Handler = (req) => {
  const q = req.query;
  // Through the store's index: a batch of 400 keys over 50,000 products would otherwise scan the register per key.
  const byKey = (id: string) => {
    const k = id.trim();
    if (!/^\d+$/.test(k)) return products(req).find((p) => String(p.netvisorKey) === k);
    return req.store.findBy<ProductRecord>('products', 'netvisorKey', Number(k)) ?? req.store.findBy<ProductRecord>('products', 'netvisorKey', k);
  };
  const byCode = (code: string) => products(req).find((p) => p.code.toLowerCase() === code.trim().toLowerCase());
  if (q.idlist !== undefined || q.codelist !== undefined) {
    const found = q.idlist !== undefined ? q.idlist.split(',').map(byKey) : q.codelist.split(',').map(byCode);
    return el('Products', found.filter((p): p is ProductRecord => Boolean(p)).map((p) => productXml(req, p)));
  }
  const p = q.id !== undefined ? byKey(q.id) : q.code !== undefined ? byCode(q.code) : q.eancode !== undefined ? products(req).find((x) => x.ean === q.eancode) : undefined;
  if (q.id === undefined && q.code === undefined && q.eancode === undefined) throw invalidData('Parameter id, idlist, code, codelist or eancode is required');
  return p ? productXml(req, p) : '<Product></Product>';
};

export const productImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'product') throw couldNotValidate();
  validateOrder(body, DTD.product);
  const base = child(body, 'productbaseinformation');
  if (!base) throw couldNotValidate();
  const method = req.query.method?.toLowerCase();
  const now = req.now.toISOString().slice(0, 19);
  const compulsory = ['productgroup', 'name', 'unitprice', 'isactive', 'issalesproduct'];
  for (const name of compulsory) {
    const v = textOf(base, name);
    if (method === 'add' && v === undefined) throw couldNotValidate();
    if (v !== undefined && v.trim() === '') throw couldNotValidate();
  }
  const code = textOf(base, 'productcode');
  if (code !== undefined && code.length > 50) throw invalidData('Product code can be at most 50 characters');

  const apply = (p: ProductRecord) => {
    const str = (key: keyof ProductRecord, element: string, parent: Elem | undefined = base) => {
      const v = textOf(parent, element);
      if (v !== undefined) (p as Record<string, unknown>)[key as string] = v;
    };
    str('code', 'productcode');
    str('group', 'productgroup');
    str('name', 'name');
    str('description', 'description');
    str('unit', 'unit');
    str('ean', 'primaryeancode');
    const purchase = textOf(base, 'purchaseprice');
    if (purchase !== undefined) p.purchasePrice = purchase === '' ? '' : parseDecimal(purchase, 'purchaseprice');
    const vat = textOf(child(body, 'productbookkeepingdetails'), 'defaultvatpercentage');
    if (vat !== undefined && vat !== '') p.vatPercent = parseDecimal(vat, 'defaultvatpercentage');
    const price = child(base, 'unitprice');
    if (price) {
      const type = (price.attrs.type ?? '').toLowerCase();
      if (type !== 'net' && type !== 'gross') throw couldNotValidate();
      const value = new Decimal(parseDecimal(price.text, 'unitprice'));
      p.unitPrice = (type === 'gross' ? value.div(new Decimal(p.vatPercent || '0').div(100).plus(1)).toDecimalPlaces(4) : value).toFixed();
    }
    for (const [key, element] of [['isActive', 'isactive'], ['isSalesProduct', 'issalesproduct']] as const) {
      const v = textOf(base, element);
      if (v === undefined) continue;
      if (!['0', '1'].includes(v)) throw invalidData(`Invalid value for ${element}: ${v}`);
      p[key] = v === '1';
    }
    p.changedAt = now;
  };
  const codeInUse = (c: string, except?: number) => products(req).some((p) => p.code && p.code.toLowerCase() === c.toLowerCase() && p.netvisorKey !== except);

  if (method === 'add') {
    // Open point (docs/wire/open-points.md): text: a product code already in use is refused.
    if (code && codeInUse(code)) throw new NetvisorFailure('DUPLICATE_DATA', `Product code ${code} is already in use`);
    const record: ProductRecord = {
      netvisorKey: req.store.nextId('product'),
      code: '', group: '', name: '', description: '', unitPrice: '0', unit: '', purchasePrice: '', vatPercent: '25.5',
      isActive: true, isSalesProduct: true, ean: '', changedAt: now,
    };
    apply(record);
    req.store.insert('products', record);
    return inserted(record.netvisorKey);
  }
  if (method === 'edit') {
    const record = products(req).find((p) => String(p.netvisorKey) === req.query.id);
    if (!record) throw invalidData(`Product not found with Netvisor identifier: ${req.query.id ?? ''}`);
    if (code && codeInUse(code, record.netvisorKey)) throw new NetvisorFailure('DUPLICATE_DATA', `Product code ${code} is already in use`);
    apply(record);
    return '';
  }
  throw invalidData('Parameter method is missing or invalid (add or edit)');
};
