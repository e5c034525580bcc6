import { Connections } from '../../activities/connections';
import { createCustomerActivities } from '../../activities/customers';
import { netvisorRegisterCache } from '../../activities/targets';
import type { ResolvedTenant } from '../../config/load';
import { startSandboxes } from '../../sandbox/registry';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { warmRegisterCaches, warmRegistersFromEnvironment } from '../../worker/warm-registers';
import { demoLikeTenant } from '../support/order-export-harness';

/**
 * worker/warm-registers.ts against the Netvisor sandbox: at worker start each Netvisor-exporting tenant's registers
 * are read once (a customer list and a product list), so the first returning customer's order costs no look-up.
 */
describe('warmRegisterCaches', () => {
  let netvisor: StartedSandbox;
  let woo: StartedSandbox;
  beforeAll(async () => {
    [netvisor, woo] = await startSandboxes(['netvisor', 'woocommerce']);
  });
  afterAll(async () => {
    await Promise.allSettled([netvisor.close(), woo.close()]);
  });

  const stats = async () => ((await (await fetch(`${netvisor.url}/__sandbox/stats`)).json()) as { byPath: Record<string, number> }).byPath;

  it('reads each Netvisor tenant’s customer and product registers once; a returning customer then costs no call', async () => {
    const tenant = demoLikeTenant('warm', { netvisor: netvisor.url, woocommerce: woo.url });
    const notNetvisor: ResolvedTenant = { ...demoLikeTenant('other', { netvisor: netvisor.url, woocommerce: woo.url }), shops: [] };
    const tenants = new Map([
      [tenant.tenant, tenant],
      [notNetvisor.tenant, notNetvisor],
    ]);
    const connections = new Connections(tenants);
    const before = await stats();
    await warmRegisterCaches(connections, tenants);
    const after = await stats();
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    // One list of each register, for the one tenant that exports orders to Netvisor.
    expect(delta).toEqual({ 'GET /customerlist.nv': 1, 'GET /productlist.nv': 1 });

    const card = netvisor.ctx.store.list<{ code: string; name: string; businessId: string }>('customers').find((c) => c.businessId);
    expect(card).toBeDefined();
    const cache = netvisorRegisterCache(connections, tenant.tenant);
    expect(cache.customerByCode(card!.code)).toMatchObject({ name: card!.name });

    const { resolveCustomer } = createCustomerActivities(connections);
    const resolved = await resolveCustomer({ tenant: tenant.tenant, shop: 'woo', customer: { name: card!.name, businessId: card!.businessId, code: card!.code } as never });
    expect(resolved.code).toBe(card!.code);
    expect(await stats()).toEqual(after);
  });

  it('is off unless SIIRTO_REGISTER_CACHE_WARM=on', () => {
    expect(warmRegistersFromEnvironment({})).toBe(false);
    expect(warmRegistersFromEnvironment({ SIIRTO_REGISTER_CACHE_WARM: 'on' })).toBe(true);
  });
});
