import { matchCustomer, normalizeName, type MatchRule } from '../domain/matching';
import type { InvoiceChannel, Party } from '../domain/model';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { orderTargetFor } from './targets';

export interface ResolvedCustomer {
  code: string;
  how: MatchRule | 'temp' | 'created';
}

/**
 * Finds the customer an order is booked to: the TEMP customer, or a match by the configured rules, or a new
 * customer when creation is on. Creating looks first by the code it is about to use, so a retry after a lost
 * reply finds the customer it already created instead of making a second one.
 */
export function createCustomerActivities(connections: Connections) {
  return {
    async resolveCustomer(input: { tenant: string; shop: string; customer: Party; fallbackCode: string; channel?: InvoiceChannel }): Promise<ResolvedCustomer> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).customers;
        const target = orderTargetFor(connections, input.tenant, input.shop);
        if (settings.mode === 'temp') {
          if (!(await target.customerByCode(settings.tempCustomerCode))) {
            throw needsOperator(`the TEMP customer "${settings.tempCustomerCode}" does not exist in ${target.displayName}: create it or change orderExport.customers.tempCustomerCode`);
          }
          return { code: settings.tempCustomerCode, how: 'temp' };
        }

        // The invoice channel lives on the customer card in Netvisor: an email invoicing address means email.
        const customer: Party = input.channel === 'email' && input.customer.email ? { ...input.customer, invoicingEmail: input.customer.email } : input.customer;
        const candidates = await target.customerCandidates({ code: customer.code, businessId: customer.businessId, name: customer.name });
        const match = matchCustomer({ code: customer.code, name: customer.name, businessId: customer.businessId }, candidates, settings.matchBy);
        if (match) {
          if (settings.updateRegister) await target.updateCustomer(match.candidate, customer);
          return { code: match.candidate.code, how: match.rule };
        }

        if (!settings.createMissing) {
          throw needsOperator(
            `no ${target.displayName} customer matches "${customer.name}"${customer.businessId ? ` (${customer.businessId})` : ''} and creating customers is off: ` +
              `create it in ${target.displayName} or turn on orderExport.customers.createMissing, then retry`,
          );
        }
        const code = customer.code && /^\d+$/.test(customer.code) ? customer.code : input.fallbackCode;
        const existing = await target.customerByCode(code);
        if (existing && normalizeName(existing.name) !== normalizeName(customer.name)) {
          throw needsOperator(
            `customer number ${code} is already used in ${target.displayName} by "${existing.name}", not "${customer.name}": fix the customer numbering, then retry`,
            'Siirto.conflict',
          );
        }
        // Same number and name: our own earlier attempt created it and its reply was lost.
        if (!existing) await target.createCustomer({ ...customer, code });
        return { code, how: 'created' };
      });
    },
  };
}
