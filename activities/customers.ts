import { matchCustomer, normalizeName, type MatchRule } from '../domain/matching';
import type { Party } from '../domain/model';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

export interface ResolvedCustomer {
  code: string;
  how: MatchRule | 'temp' | 'created';
}

/**
 * Finds the ERP customer an order is booked to: the TEMP customer, or a match by the configured rules, or a new
 * customer when creation is on. Creating looks first by the code it is about to use, so a retry after a lost
 * reply finds the customer it already created instead of making a second one.
 */
export function createCustomerActivities(connections: Connections) {
  return {
    async resolveCustomer(input: { tenant: string; customer: Party; fallbackCode: string }): Promise<ResolvedCustomer> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).customers;
        const netvisor = connections.netvisor(input.tenant);
        if (settings.mode === 'temp') return { code: settings.tempCustomerCode, how: 'temp' };

        const { customer } = input;
        const code = customer.code && /^\d+$/.test(customer.code) ? customer.code : input.fallbackCode;
        // Netvisor's keyword search covers name, code and business ID; ask once per key we hold.
        const keywords = [...new Set([customer.code, customer.businessId, customer.name].filter((k): k is string => !!k))];
        const candidates = (await Promise.all(keywords.map((k) => netvisor.listCustomers({ keyword: k })))).flat();
        const match = matchCustomer({ code: customer.code, name: customer.name, businessId: customer.businessId }, candidates, settings.matchBy);
        if (match) return { code: match.candidate.code, how: match.rule };

        if (!settings.createMissing) {
          throw needsOperator(
            `no Netvisor customer matches "${customer.name}"${customer.businessId ? ` (${customer.businessId})` : ''} and creating customers is off: create it in Netvisor or turn on orderExport.customers.createMissing`,
          );
        }
        const existing = (await netvisor.listCustomers({ keyword: code })).find((c) => c.code === code);
        if (existing && normalizeName(existing.name) !== normalizeName(customer.name)) {
          throw needsOperator(
            `customer number ${code} is already used in Netvisor by "${existing.name}", not "${customer.name}": fix the customer numbering`,
            'Siirto.conflict',
          );
        }
        // Same number and name: our own earlier attempt created it and its reply was lost.
        if (existing) return { code, how: 'created' };
        await netvisor.addCustomer({ ...customer, code });
        return { code, how: 'created' };
      });
    },
  };
}
