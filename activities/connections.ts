import type { ResolvedTenant } from '../config/load';
import { NetvisorClient } from '../connectors/netvisor';
import { ProcountorClient } from '../connectors/procountor';
import { RackbeatClient } from '../connectors/rackbeat';
import { SeveraClient } from '../connectors/severa';
import { ShopifyClient } from '../connectors/shopify';
import { TwentyFourSevenClient } from '../connectors/twentyfourseven';
import { WooCommerceClient } from '../connectors/woocommerce';
import { configureLimits, paceOverrides, type Pace, type PacedSystem } from './api-limits';
import { needsOperator } from './failures';

/**
 * The worker's view of tenants and their API clients. Credentials stay here, in the worker's memory: workflows
 * and their history only ever carry the tenant id.
 *
 * The clients' limits (Netvisor's one request in flight, the others' rates) hold in this process, or across every
 * worker when SIIRTO_POSTGRES_URL is set or `siirto worker --limits postgres` chose it (activities/api-limits.ts).
 */
export class Connections {
  private readonly clients = new Map<string, unknown>();
  private readonly pace: Partial<Record<PacedSystem, Pace>>;

  constructor(
    private readonly tenants: ReadonlyMap<string, ResolvedTenant>,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    configureLimits(undefined, env);
    this.pace = paceOverrides(env);
  }

  /** Drops a tenant's cached API clients (its credentials were reloaded); the next call builds new ones. */
  forget(tenantId: string): void {
    for (const key of [...this.clients.keys()]) if (key.split('/')[1] === tenantId) this.clients.delete(key);
  }

  tenant(id: string): ResolvedTenant {
    const t = this.tenants.get(id);
    if (!t) throw needsOperator(`tenant "${id}" is not configured on this worker (no config/${id}.yaml)`, 'Siirto.config');
    return t;
  }

  orderExportSettings(tenantId: string) {
    const settings = this.tenant(tenantId).orderExport;
    if (!settings) throw needsOperator(`tenant "${tenantId}" has no orderExport settings in config/${tenantId}.yaml`, 'Siirto.config');
    return settings;
  }

  netvisor(tenantId: string): NetvisorClient {
    const c = this.connection(tenantId, 'netvisor');
    return this.cached(`netvisor/${tenantId}`, () => new NetvisorClient(c, { sender: 'Siirto' }));
  }

  procountor(tenantId: string): ProcountorClient {
    const c = this.connection(tenantId, 'procountor');
    return this.cached(`procountor/${tenantId}`, () => new ProcountorClient(c, { pace: this.pace.procountor }));
  }

  rackbeat(tenantId: string): RackbeatClient {
    const c = this.connection(tenantId, 'rackbeat');
    return this.cached(`rackbeat/${tenantId}`, () => new RackbeatClient(c, { pacing: this.pace.rackbeat }));
  }

  twentyfourseven(tenantId: string): TwentyFourSevenClient {
    const c = this.connection(tenantId, 'twentyfourseven');
    return this.cached(`24so/${tenantId}`, () => new TwentyFourSevenClient(c, { pace: this.pace.twentyfourseven }));
  }

  severa(tenantId: string): SeveraClient {
    const c = this.connection(tenantId, 'severa');
    return this.cached(`severa/${tenantId}`, () => new SeveraClient(c, { pace: this.pace.severa }));
  }

  private connection<K extends keyof ResolvedTenant['connections']>(tenantId: string, system: K): NonNullable<ResolvedTenant['connections'][K]> {
    const c = this.tenant(tenantId).connections[system];
    if (!c) throw needsOperator(`tenant "${tenantId}" has no ${system} connection in config/${tenantId}.yaml`, 'Siirto.config');
    return c as NonNullable<ResolvedTenant['connections'][K]>;
  }

  /** One client per tenant and system: clients hold tokens, sessions and pacing state. */
  private cached<T>(key: string, make: () => T): T {
    if (!this.clients.has(key)) this.clients.set(key, make());
    return this.clients.get(key) as T;
  }

  shop(tenantId: string, shopId: string) {
    const shop = this.tenant(tenantId).shops.find((s) => s.id === shopId);
    if (!shop) throw needsOperator(`tenant "${tenantId}" has no shop "${shopId}" in its configuration`, 'Siirto.config');
    return shop;
  }

  woocommerce(tenantId: string, shopId: string): WooCommerceClient {
    const shop = this.shop(tenantId, shopId);
    if (shop.system !== 'woocommerce') throw needsOperator(`shop "${shopId}" of tenant "${tenantId}" is not a WooCommerce shop`, 'Siirto.config');
    return this.cached(`woocommerce/${tenantId}/${shopId}`, () => new WooCommerceClient({ baseUrl: shop.baseUrl, consumerKey: shop.consumerKey, consumerSecret: shop.consumerSecret }));
  }

  shopify(tenantId: string, shopId: string): ShopifyClient {
    const shop = this.shop(tenantId, shopId);
    if (shop.system !== 'shopify') throw needsOperator(`shop "${shopId}" of tenant "${tenantId}" is not a Shopify shop`, 'Siirto.config');
    return this.cached(`shopify/${tenantId}/${shopId}`, () => new ShopifyClient({ baseUrl: shop.baseUrl, accessToken: shop.accessToken }));
  }
}
