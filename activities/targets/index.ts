import type { Connections } from '../connections';
import { registerCacheFor, registerCacheSettings, type RegisterCache } from '../register-cache';
import { netvisorRegisters, netvisorTarget } from './netvisor-target';
import { procountorTarget } from './procountor-target';
import type { OrderTarget } from './target';

export type { OrderTarget, TargetCustomer, TargetDocument, DocumentSettings } from './target';

/** The system a shop's orders go to (`shops[].exportTo` in the tenant file). */
export function orderTargetFor(connections: Connections, tenantId: string, shopId: string): OrderTarget {
  const shop = connections.shop(tenantId, shopId);
  if (shop.exportTo !== 'netvisor') return procountorTarget(connections.procountor(tenantId));
  return netvisorTarget(connections.netvisor(tenantId), netvisorRegisterCache(connections, tenantId));
}

/**
 * What this worker knows of the tenant's Netvisor customer and product registers (activities/register-cache.ts):
 * one per worker, tenant and Netvisor environment. Whatever else reads those registers (the register sync's
 * changed-since polls) may report what it saw here with `observeCustomers` / `observeProducts`.
 */
export function netvisorRegisterCache(connections: Connections, tenantId: string): RegisterCache {
  const netvisor = connections.netvisor(tenantId);
  const c = connections.tenant(tenantId).connections.netvisor!;
  const environment = `${tenantId}|${c.baseUrl}|${c.customerId}|${c.organisationId}`;
  return registerCacheFor(connections, environment, () => netvisorRegisters(netvisor), () => registerCacheSettings());
}
