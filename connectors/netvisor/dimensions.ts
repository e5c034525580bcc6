import type { CostCentre } from '../../domain/model';
import type { NetvisorConnection } from './connection';
import { DIMENSION_ITEM_ORDER } from './element-order';
import { dimensionListReply } from './schemas';
import { toXmlDocument } from './xml';

/** A Netvisor dimension ("laskentakohde" header such as Kustannuspaikka) and its items. Items are referenced by name on documents. */
export interface NetvisorDimension {
  netvisorKey: string;
  name: string;
  hidden: boolean;
  items: Array<{ netvisorKey: string; name: string; code?: string; hidden: boolean; level?: number; fatherId?: string }>;
}

const isTrue = (s: string) => /^(true|1|yes)$/i.test(s);

export async function listDimensions(conn: NetvisorConnection, opts: { showHidden?: boolean } = {}): Promise<NetvisorDimension[]> {
  const root = await conn.get('dimensionlist.nv', [['showhidden', opts.showHidden ? 1 : undefined]]);
  return conn.parse('dimensionlist.nv', dimensionListReply, root).dimensionnamelist.dimensionname.map((d) => ({
    netvisorKey: d.netvisorkey,
    name: d.name,
    hidden: isTrue(d.ishidden),
    items: (d.dimensiondetails?.dimensiondetail ?? []).map((i) => ({
      netvisorKey: i.netvisorkey,
      name: i.name,
      ...(i.code ? { code: i.code } : {}),
      hidden: isTrue(i.ishidden),
      ...(i.level ? { level: Number(i.level) } : {}),
      ...(i.fatherid && i.fatherid !== '0' ? { fatherId: i.fatherid } : {}),
    })),
  }));
}

/**
 * Adds a cost centre as an item under an existing dimension header. The item's name is what documents reference;
 * the code goes to the newer `code` element and a parent is found by `fathercode` (newer elements listed by the
 * article; their DTD order is an open point, docs/wire/open-points.md). Netvisor replies with a bare OK (no key), so callers re-list to find it.
 */
export function dimensionItemBody(dimensionName: string, item: CostCentre): string {
  return toXmlDocument(
    'dimensionitem',
    {
      name: dimensionName,
      item: item.name,
      code: item.code,
      fathercode: item.parentCode,
      ishidden: item.active ? 'False' : 'True',
    },
    DIMENSION_ITEM_ORDER,
  );
}

export async function addDimensionItem(conn: NetvisorConnection, dimensionName: string, item: CostCentre): Promise<void> {
  await conn.post('dimensionitem.nv', [['method', 'add']], dimensionItemBody(dimensionName, item));
}
