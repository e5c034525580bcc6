import { isConnectorError } from '../kit/errors';
import type { NetvisorConnection, Query } from './connection';

/**
 * Onboarding check: which resources the flows need may this API user use? Only read calls are made; a write
 * resource (customer.nv, salesinvoice.nv, …) is judged by the read resource of the same register, because Netvisor
 * grants rights per register and a write cannot be probed without writing.
 */
export interface PermissionProbe {
  resource: string;
  /** Netvisor's own name for the register, as the operator sees it in Netvisor's user rights. */
  name: string;
  allowed: boolean;
  /** Netvisor's text when not allowed, or the error when the probe itself failed. */
  message?: string;
}

const PROBES: Array<{ resource: string; register: string; query: Query }> = [
  { resource: 'customerlist.nv', register: 'Asiakasrekisteri', query: [['keyword', 'siirto-permission-probe']] },
  { resource: 'productlist.nv', register: 'Tuoterekisteri', query: [['keyword', 'siirto-permission-probe']] },
  { resource: 'salesinvoicelist.nv', register: 'Myyntilaskut', query: [['invoicenumber', '0']] },
  { resource: 'salesinvoicelist.nv', register: 'Myyntitilaukset', query: [['listtype', 'preinvoice'], ['invoicenumber', '0']] },
  { resource: 'salespaymentlist.nv', register: 'Myyntisuoritukset', query: [['invoicenumber', '0']] },
  { resource: 'dimensionlist.nv', register: 'Laskentakohteet', query: [] },
  { resource: 'getvendor.nv', register: 'Toimittajarekisteri', query: [['changedsince', '2999-12-31']] },
  { resource: 'inventorybywarehouse.nv', register: 'Varasto', query: [['productid', '0']] },
];

export async function probePermissions(conn: NetvisorConnection): Promise<PermissionProbe[]> {
  const results: PermissionProbe[] = [];
  for (const p of PROBES) {
    const name = `${p.register} / ${p.resource}`;
    try {
      await conn.get(p.resource, p.query);
      results.push({ resource: p.resource, name, allowed: true });
    } catch (err) {
      if (isConnectorError(err) && err.code === 'SERVICE_ACCESS_ERROR') {
        results.push({ resource: p.resource, name, allowed: false, message: err.message });
      } else if (isConnectorError(err) && err.errorClass !== 'credentials' && err.errorClass !== 'transient' && err.errorClass !== 'rate-limit') {
        // The resource answered (e.g. INVALID_DATA for the probe's own parameters): access as such is granted.
        results.push({ resource: p.resource, name, allowed: true, message: err.message });
      } else {
        throw err;
      }
    }
  }
  return results;
}
