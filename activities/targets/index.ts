import type { Connections } from '../connections';
import { registerCacheFor, registerCacheSettings } from '../register-cache';
import { netvisorRegisters, netvisorTarget } from './netvisor-target';
import { procountorTarget } from './procountor-target';
import type { OrderTarget } from './target';

export type { OrderTarget, TargetCustomer, TargetDocument, DocumentSettings } from './target';

/** The system a shop's orders go to (`shops[].exportTo` in the tenant file). */
export function orderTargetFor(connections: Connections, tenantId: string, shopId: string): OrderTarget {
  const shop = connections.shop(tenantId, shopId);
  if (shop.exportTo !== 'netvisor') return procountorTarget(connections.procountor(tenantId));
  const netvisor = connections.netvisor(tenantId);
  // One cache per worker, tenant and Netvisor environment (the same tenant file may point elsewhere after a reload).
  const c = connections.tenant(tenantId).connections.netvisor!;
  const environment = `${tenantId}|${c.baseUrl}|${c.customerId}|${c.organisationId}`;
  return netvisorTarget(netvisor, registerCacheFor(connections, environment, () => netvisorRegisters(netvisor), () => registerCacheSettings()));
}
