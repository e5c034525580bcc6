import { z } from 'zod';
import type { SeveraApi } from './client';
import { changedSinceParam, header, query, walkTokenPages, type ChangeFilter, type TokenPage } from './paging';
import { Product, type SeveraProduct } from './schemas';

export interface ProductFilter extends ChangeFilter {
  isActive?: boolean;
  code?: string;
  type?: 'FixedFees' | 'Materials' | 'Subcontracting';
}

// Products are organisation settings in Severa's scope model.
const SCOPE = 'settings:read';

export async function listProductsPage(api: SeveraApi, filter: ProductFilter = {}, pageToken?: string): Promise<TokenPage<SeveraProduct>> {
  const { data, headers } = await api.get({
    path: 'v1/products',
    query: query({
      pageToken,
      rowCount: filter.rowCount,
      changedSince: changedSinceParam(filter.changedSince),
      isActive: filter.isActive,
      code: filter.code,
      type: filter.type,
    }),
    resource: 'products',
    scope: SCOPE,
    schema: z.array(Product),
  });
  return { items: data, nextPageToken: header(headers.nextpagetoken) };
}

export const products = (api: SeveraApi, filter: ProductFilter = {}): AsyncGenerator<SeveraProduct> =>
  walkTokenPages((token) => listProductsPage(api, filter, token));

export async function getProduct(api: SeveraApi, guid: string): Promise<SeveraProduct> {
  const { data } = await api.get({ path: `v1/products/${encodeURIComponent(guid)}`, resource: `product ${guid}`, scope: SCOPE, schema: Product });
  return data;
}
