import type { Payment } from '../domain/model';
import { dec } from '../domain/money';
import type { Connections } from './connections';
import { classified } from './failures';

/**
 * Books the shop's payment on the exported invoice. Netvisor has no lookup of payments by our reference, so the
 * invoice's open sum in the invoice list decides: a payment that already left the invoice paid is not booked again.
 */
export function createPaymentActivities(connections: Connections) {
  return {
    async registerPayment(input: { tenant: string; invoiceNumber: string; netvisorKey: string; payment: Payment }): Promise<{ booked: boolean }> {
      return classified(async () => {
        const netvisor = connections.netvisor(input.tenant);
        const invoice = await netvisor.findSalesDocumentByNumber('invoice', input.invoiceNumber);
        if (invoice?.openSum !== undefined && dec(invoice.openSum).lte(0)) return { booked: false };
        await netvisor.addSalesPayment({
          invoiceNumber: input.invoiceNumber,
          date: input.payment.date,
          amount: input.payment.amount,
          method: input.payment.method,
          reference: input.payment.reference,
        });
        return { booked: true };
      });
    },
  };
}
