import { toNetvisorSalesDocument, type NetvisorClient } from '../../connectors/netvisor';
import type { RegisterCache, RegisterSource } from '../register-cache';
import type { OrderTarget, TargetCustomer, TargetDocument } from './target';

const asCandidate = (c: { netvisorKey: string; code: string; name: string; businessId?: string }): TargetCustomer => ({
  id: c.netvisorKey,
  code: c.code,
  name: c.name,
  businessId: c.businessId || undefined,
});

/** customerlist.nv and productlist.nv answer changedsince in the form YYYY-MM-DDTHH:mm:ss (the register sync sends the same). */
const netvisorInstant = (d: Date): string => d.toISOString().slice(0, 19);

/** Netvisor's two register lists, whole (no paging: one call each) or changed since. */
export function netvisorRegisters(netvisor: NetvisorClient): RegisterSource {
  return {
    async allCustomers() {
      return (await netvisor.listCustomers()).map(asCandidate);
    },
    async customersChangedSince(since) {
      return (await netvisor.listCustomers({ changedSince: netvisorInstant(since) })).map(asCandidate);
    },
    async allProducts() {
      return (await netvisor.listProducts()).map((p) => p.code);
    },
    async productsChangedSince(since) {
      return (await netvisor.listProducts({ changedSince: netvisorInstant(since) })).map((p) => p.code);
    },
  };
}

/** Netvisor as an order export target: sales invoices or sales orders via salesinvoice.nv. */
export function netvisorTarget(netvisor: NetvisorClient, registers?: RegisterCache): OrderTarget {
  return {
    system: 'netvisor',
    displayName: 'Netvisor',
    ...(registers ? { registers } : {}),
    refusesDuplicates: true,
    async customerCandidates(query) {
      // Netvisor's keyword search covers name, code and business ID; ask once per key we hold.
      const keys = [...new Set([query.code, query.businessId, query.name].filter((k): k is string => !!k))];
      return (await Promise.all(keys.map((keyword) => netvisor.listCustomers({ keyword })))).flat().map(asCandidate);
    },
    async customerByCode(code) {
      const c = await netvisor.findCustomerByCode(code);
      return c ? asCandidate(c) : null;
    },
    async createCustomer(party) {
      return netvisor.addCustomer(party);
    },
    async updateCustomer(customer, party) {
      await netvisor.editCustomer(customer.id, { ...party, code: customer.code });
    },
    async productExists(code) {
      return (await netvisor.findProductByCode(code)) !== null;
    },
    async createProduct(product) {
      await netvisor.addProduct(product);
    },
    async findDocument(kind, number) {
      const summary = await netvisor.findSalesDocumentByNumber(kind, number);
      if (!summary) return null;
      const full = await netvisor.getSalesDocument(kind, summary.netvisorKey);
      const found: TargetDocument = { id: summary.netvisorKey, number, ourReference: full?.ourReference, customerCode: summary.customerCode };
      if (summary.openSum !== undefined) found.openSum = summary.openSum;
      return found;
    },
    async createDocument(document, customerCode, settings, stamp) {
      const status = settings.status as 'open' | 'unsent' | 'undelivered' | 'delivered';
      // Netvisor refuses a second document with the same number (DUPLICATE_DATA), which guards against a double write.
      return netvisor.addSalesDocument({ ...toNetvisorSalesDocument(document, { customerCode, status }), ourReference: stamp });
    },
    async finishDocument() {
      // Netvisor takes the final status in the import itself.
    },
    async bookPayment(document, payment, currency) {
      await netvisor.addSalesPayment({
        invoiceNumber: document.number,
        date: payment.date,
        amount: payment.amount,
        method: payment.method,
        reference: payment.reference,
        currency,
      });
    },
  };
}
