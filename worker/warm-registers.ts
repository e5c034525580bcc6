import type { Connections } from '../activities/connections';
import { netvisorRegisterCache } from '../activities/targets';
import type { ResolvedTenant } from '../config/load';

/**
 * Reads the Netvisor customer and product registers of every tenant that exports orders to Netvisor into this
 * worker's register cache (activities/register-cache.ts) now, instead of on the first order: two list calls per
 * tenant at worker start. The first burst of orders after a start then does not wait for those reads on its
 * critical path, and Netvisor's one turn is not left free while the burst catches up after them (bench/order-export.ts
 * measures both). Off unless asked for (`SIIRTO_REGISTER_CACHE_WARM=on`): it reads the registers of tenants that
 * may not export an order for hours. A read that fails leaves the cache to be filled on the first order, as without.
 */
export function warmRegisterCaches(connections: Connections, tenants: ReadonlyMap<string, ResolvedTenant>): Promise<void> {
  const reads = [...tenants.values()]
    .filter((t) => t.connections.netvisor && t.shops.some((s) => s.exportTo === 'netvisor'))
    .map(async (t) => {
      try {
        await netvisorRegisterCache(connections, t.tenant).ready();
      } catch {
        // ready() reports a failed read as false; anything else (a tenant's settings) is the first order's to report.
      }
    });
  return Promise.all(reads).then(() => undefined);
}

/** SIIRTO_REGISTER_CACHE_WARM=on: read the registers at worker start (warmRegisterCaches). */
export const warmRegistersFromEnvironment = (env: NodeJS.ProcessEnv = process.env): boolean => env.SIIRTO_REGISTER_CACHE_WARM === 'on';
