import type { z } from 'zod';
import Decimal from 'decimal.js';
import type { Product } from '../../domain/model';
import { toDecimalString } from '../../domain/money';
import type { NetvisorConnection } from './connection';
import { PRODUCT_ORDER } from './element-order';
import { getProductReply, insertedReply, productDetail, productListItem, productListReply } from './schemas';
import { fromNetvisorDecimal, toNetvisorDecimal, toXmlDocument, withAttrs, type XmlObject } from './xml';

export interface NetvisorProductSummary {
  netvisorKey: string;
  code: string;
  name: string;
  /** Net unit price, canonical decimal. */
  unitPrice?: string;
}

export type NetvisorProduct = Product & { netvisorKey: string; inventoryAmount?: string };

const PRODUCT_LIST_FIELDS = Object.keys(productListItem.shape);

export async function listProducts(conn: NetvisorConnection, opts: { keyword?: string; changedSince?: string } = {}): Promise<NetvisorProductSummary[]> {
  // The whole register comes back as one reply (no paging): read lean, only the columns a summary needs.
  const { rows } = await conn.getRows('productlist.nv', [
    ['keyword', opts.keyword],
    ['changedsince', opts.changedSince],
  ], 'productlist', 'product', PRODUCT_LIST_FIELDS);
  // Validated in the reply's own shape, so an error names the same path as before (productlist.product.N.field).
  return conn.parse('productlist.nv', productListReply, { productlist: { product: rows } }).productlist.product.map((p) => ({
    netvisorKey: p.netvisorkey,
    code: p.productcode,
    name: p.name,
    ...(p.unitprice !== undefined ? { unitPrice: p.unitprice } : {}),
  }));
}

/** getproduct.nv answers an unknown product with OK and an empty element: that is null here. */
export async function getProduct(conn: NetvisorConnection, netvisorKey: string): Promise<NetvisorProduct | null> {
  const root = await conn.get('getproduct.nv', [['id', netvisorKey]]);
  const reply = conn.parse('getproduct.nv', getProductReply, root);
  return reply.product === '' ? null : toProduct(reply.product);
}

/** Exact lookup by product code (getproduct.nv?code=), for "look before you write". */
export async function findProductByCode(conn: NetvisorConnection, code: string): Promise<NetvisorProduct | null> {
  const root = await conn.get('getproduct.nv', [['code', code]]);
  const reply = conn.parse('getproduct.nv', getProductReply, root);
  return reply.product === '' ? null : toProduct(reply.product);
}

export function toProduct(p: z.infer<typeof productDetail>): NetvisorProduct {
  const b = p.productbaseinformation;
  const priceValue = fromNetvisorDecimal(b.unitprice.text) ?? '0';
  const vat = p.productbookkeepingdetails?.defaultvatpercent;
  const type = (b.unitprice.attrs.type ?? 'net').toLowerCase();
  // Older replies used "brutto" for a gross price; the canonical price is net.
  const gross = type === 'gross' || type === 'brutto';
  const net = gross && vat ? new Decimal(priceValue).div(new Decimal(vat).div(100).plus(1)).toDecimalPlaces(4) : new Decimal(priceValue);
  const inventory = p.productinventorydetails?.inventoryamount;
  return {
    netvisorKey: b.netvisorkey,
    code: b.productcode,
    name: b.name,
    unitPrice: toDecimalString(net),
    ...(vat !== undefined ? { vatRate: vat } : {}),
    ...(b.unit ? { unit: b.unit } : {}),
    ...(b.productgroup ? { groupCode: b.productgroup } : {}),
    ...(b.purchaseprice !== undefined ? { costPrice: b.purchaseprice } : {}),
    active: b.isactive !== '0',
    ...(inventory !== undefined ? { inventoryAmount: inventory } : {}),
  };
}

/** product.nv body; productgroup, name, unitprice, isactive and issalesproduct are compulsory on add. */
export function productBody(product: Product, method: 'add' | 'edit', defaultGroup: string): string {
  const base: XmlObject = {
    productcode: product.code,
    productgroup: product.groupCode ?? (method === 'add' ? defaultGroup : undefined),
    name: product.name,
    unitprice: withAttrs(toNetvisorDecimal(product.unitPrice), { type: 'net' }),
    unit: product.unit,
    purchaseprice: product.costPrice === undefined ? undefined : toNetvisorDecimal(product.costPrice),
    isactive: product.active ? '1' : '0',
    issalesproduct: method === 'add' ? '1' : undefined,
    primaryeancode: product.ean === undefined ? undefined : withAttrs(product.ean, { type: 'any' }),
  };
  const body: XmlObject = { productbaseinformation: base };
  if (product.vatRate !== undefined) body.productbookkeepingdetails = { defaultvatpercentage: toNetvisorDecimal(product.vatRate) };
  return toXmlDocument('product', body, PRODUCT_ORDER);
}

export async function addProduct(conn: NetvisorConnection, product: Product, defaultGroup: string): Promise<string> {
  const root = await conn.post('product.nv', [['method', 'add']], productBody(product, 'add', defaultGroup));
  return conn.parse('product.nv', insertedReply, root).replies.inserteddataidentifier;
}

export async function editProduct(conn: NetvisorConnection, netvisorKey: string, product: Product): Promise<void> {
  await conn.post('product.nv', [['method', 'edit'], ['id', netvisorKey]], productBody(product, 'edit', ''));
}
