import type { SeveraApi } from './client';
import { changedSinceParam, header, query, walkTokenPages, type ChangeFilter, type TokenPage } from './paging';
import { Customer, type SeveraCustomer } from './schemas';
import { z } from 'zod';

export interface CustomerFilter extends ChangeFilter {
  isActive?: boolean;
  /** Customer numbers, for look-ups by the natural key. */
  numbers?: number[];
}

const SCOPE = 'customers:read';

export async function listCustomersPage(api: SeveraApi, filter: CustomerFilter = {}, pageToken?: string): Promise<TokenPage<SeveraCustomer>> {
  const { data, headers } = await api.get({
    path: 'v1/customers',
    query: query({ pageToken, rowCount: filter.rowCount, changedSince: changedSinceParam(filter.changedSince), isActive: filter.isActive, numbers: filter.numbers }),
    resource: 'customers',
    scope: SCOPE,
    schema: z.array(Customer),
  });
  return { items: data, nextPageToken: header(headers.nextpagetoken) };
}

export const customers = (api: SeveraApi, filter: CustomerFilter = {}): AsyncGenerator<SeveraCustomer> =>
  walkTokenPages((token) => listCustomersPage(api, filter, token));

export async function getCustomer(api: SeveraApi, guid: string): Promise<SeveraCustomer> {
  const { data } = await api.get({ path: `v1/customers/${encodeURIComponent(guid)}`, resource: `customer ${guid}`, scope: SCOPE, schema: Customer });
  return data;
}
