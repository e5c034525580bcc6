import type { Connections } from '../connections';
import { netvisorTarget } from './netvisor-target';
import { procountorTarget } from './procountor-target';
import type { OrderTarget } from './target';

export type { OrderTarget, TargetCustomer, TargetDocument, DocumentSettings } from './target';

/** The system a shop's orders go to (`shops[].exportTo` in the tenant file). */
export function orderTargetFor(connections: Connections, tenantId: string, shopId: string): OrderTarget {
  const shop = connections.shop(tenantId, shopId);
  return shop.exportTo === 'netvisor' ? netvisorTarget(connections.netvisor(tenantId)) : procountorTarget(connections.procountor(tenantId));
}
