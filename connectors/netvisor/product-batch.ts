import { z } from 'zod';
import type { NetvisorClient } from './client';
import { toProduct, type NetvisorProduct } from './products';
import { block, list, productDetail } from './schemas';

/**
 * Several products in one getproduct.nv call (`idlist`, comma-separated Netvisor keys; the reply is `<Products>`
 * with one `<Product>` per key found, unknown keys left out). The documented page mentions idlist; the cap of 400
 * keys per call comes only from an open-source client, so lists are sent 400 at a time (docs/wire/open-points.md, Netvisor).
 */
export const GET_PRODUCTS_MAX = 400;

const getProductsReply = z.object({ products: block({ product: list(productDetail) }) });

export async function getProducts(nv: NetvisorClient, netvisorKeys: readonly string[]): Promise<NetvisorProduct[]> {
  const out: NetvisorProduct[] = [];
  for (let i = 0; i < netvisorKeys.length; i += GET_PRODUCTS_MAX) {
    const root = await nv.connection.get('getproduct.nv', [['idlist', netvisorKeys.slice(i, i + GET_PRODUCTS_MAX).join(',')]]);
    out.push(...nv.connection.parse('getproduct.nv', getProductsReply, root).products.product.map(toProduct));
  }
  return out;
}
