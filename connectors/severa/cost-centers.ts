import { z } from 'zod';
import type { SeveraApi } from './client';
import { changedSinceParam, query, walkOffsetPages, type ChangeFilter, type OffsetPage } from './paging';
import { CostCenter, type SeveraCostCenter } from './schemas';

export interface CostCenterFilter extends ChangeFilter {
  active?: boolean;
  identifier?: string;
  textToSearch?: string;
}

const SCOPE = 'settings:read';
const DEFAULT_ROWS = 20;

/** Cost centres page by offset (`firstRow`), not by token. */
export async function listCostCentersPage(api: SeveraApi, filter: CostCenterFilter = {}, firstRow = 0): Promise<OffsetPage<SeveraCostCenter>> {
  const rowCount = filter.rowCount ?? DEFAULT_ROWS;
  const { data } = await api.get({
    path: 'v1/costcenters',
    query: query({
      firstRow,
      rowCount,
      changedSince: changedSinceParam(filter.changedSince),
      active: filter.active,
      identifier: filter.identifier,
      textToSearch: filter.textToSearch,
    }),
    resource: 'cost centres',
    scope: SCOPE,
    schema: z.array(CostCenter),
  });
  return { items: data, nextFirstRow: data.length === rowCount ? firstRow + rowCount : undefined };
}

export const costCenters = (api: SeveraApi, filter: CostCenterFilter = {}): AsyncGenerator<SeveraCostCenter> =>
  walkOffsetPages((firstRow) => listCostCentersPage(api, filter, firstRow));

export async function getCostCenter(api: SeveraApi, guid: string): Promise<SeveraCostCenter> {
  const { data } = await api.get({ path: `v1/costcenters/${encodeURIComponent(guid)}`, resource: `cost centre ${guid}`, scope: SCOPE, schema: CostCenter });
  return data;
}
