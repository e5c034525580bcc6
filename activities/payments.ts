import type { Payment } from '../domain/model';
import { dec } from '../domain/money';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { orderTargetFor } from './targets';

/**
 * Books the shop's payment on the exported invoice. Look before write: an invoice whose open sum is already zero
 * is not paid again (Netvisor), and a payment event with the same day and amount is our own earlier booking
 * (Procountor).
 */
export function createPaymentActivities(connections: Connections) {
  return {
    async registerPayment(input: { tenant: string; shop: string; invoiceNumber: string; currency: string; payment: Payment }): Promise<{ booked: boolean }> {
      return classified(async () => {
        const target = orderTargetFor(connections, input.tenant, input.shop);
        const invoice = await target.findDocument('invoice', input.invoiceNumber);
        if (!invoice) throw needsOperator(`invoice ${input.invoiceNumber} is not in ${target.displayName}, so its payment cannot be booked`, 'Siirto.business');
        if (invoice.openSum !== undefined && dec(invoice.openSum).lte(0)) return { booked: false };
        await target.bookPayment(invoice, input.payment, input.currency);
        return { booked: true };
      });
    },
  };
}
