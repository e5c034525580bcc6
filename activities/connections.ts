import type { ResolvedTenant } from '../config/load';
import { NetvisorClient } from '../connectors/netvisor';
import { WooCommerceClient } from '../connectors/woocommerce';
import { needsOperator } from './failures';

/**
 * The worker's view of tenants and their API clients. Credentials stay here, in the worker's memory: workflows
 * and their history only ever carry the tenant id.
 */
export class Connections {
  private readonly netvisorClients = new Map<string, NetvisorClient>();
  private readonly wooClients = new Map<string, WooCommerceClient>();

  constructor(private readonly tenants: ReadonlyMap<string, ResolvedTenant>) {}

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
    const erp = this.tenant(tenantId).erp;
    if (erp.system !== 'netvisor') {
      throw needsOperator(`tenant "${tenantId}" exports to ${erp.system}; this flow step needs Netvisor`, 'Siirto.config');
    }
    let client = this.netvisorClients.get(tenantId);
    if (!client) {
      const { system: _system, ...credentials } = erp;
      client = new NetvisorClient(credentials, { sender: 'Siirto' });
      this.netvisorClients.set(tenantId, client);
    }
    return client;
  }

  shop(tenantId: string, shopId: string) {
    const shop = this.tenant(tenantId).shops.find((s) => s.id === shopId);
    if (!shop) throw needsOperator(`tenant "${tenantId}" has no shop "${shopId}" in its configuration`, 'Siirto.config');
    return shop;
  }

  woocommerce(tenantId: string, shopId: string): WooCommerceClient {
    const key = `${tenantId}/${shopId}`;
    let client = this.wooClients.get(key);
    if (!client) {
      const shop = this.shop(tenantId, shopId);
      if (shop.system !== 'woocommerce') throw needsOperator(`shop "${shopId}" of tenant "${tenantId}" is not a WooCommerce shop`, 'Siirto.config');
      client = new WooCommerceClient({ baseUrl: shop.baseUrl, consumerKey: shop.consumerKey, consumerSecret: shop.consumerSecret });
      this.wooClients.set(key, client);
    }
    return client;
  }
}
