import type { Product as CanonicalProduct } from '../../domain/model';
import type { ProcountorApi } from './client';
import { toProcountorUnit } from './codes';
import { oneOrList, Product, ProductSearchResult } from './schemas';

export type ProductInput = CanonicalProduct;

export interface ProductOptions {
  /** SALES unless said otherwise. */
  type?: 'SALES' | 'PURCHASE';
  currency?: string;
}

export function toProcountorProduct(product: CanonicalProduct, options: ProductOptions = {}) {
  return {
    type: options.type ?? 'SALES',
    name: product.name,
    code: product.code,
    unit: toProcountorUnit(product.unit),
    price: Number(product.unitPrice),
    vat: product.vatRate === undefined ? undefined : Number(product.vatRate),
    discount: 0,
    active: product.active,
    currency: options.currency ?? 'EUR',
  };
}

export function getProduct(api: ProcountorApi, id: number): Promise<Product> {
  return api.call({ method: 'GET', path: `products/${id}`, resource: `product ${id}`, schema: oneOrList(Product) });
}

/** Procountor's `code` filter is a substring match; the exact code is picked here, across pages if need be. */
export async function findProductByCode(api: ProcountorApi, code: string): Promise<Product | null> {
  const size = 200;
  for (let page = 0; ; page++) {
    const result = await api.call({
      method: 'GET',
      path: 'products',
      resource: 'the product search',
      schema: ProductSearchResult,
      query: { code, size, page },
    });
    const hit = result.results.find((p) => p.code === code);
    if (hit) return hit;
    if (result.results.length < size) return null;
  }
}

export function createProduct(api: ProcountorApi, product: CanonicalProduct, options?: ProductOptions): Promise<Product> {
  return api.call({
    method: 'POST',
    path: 'products',
    resource: `product ${product.code}`,
    schema: Product,
    body: toProcountorProduct(product, options),
  });
}
