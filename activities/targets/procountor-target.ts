import type { ProcountorClient, ProcountorInvoiceChannel } from '../../connectors/procountor';
import { toProcountorInvoice } from '../../connectors/procountor';
import { findBusinessPartners } from '../../connectors/procountor/business-partners';
import { dec } from '../../domain/money';
import type { OrderTarget, TargetCustomer, TargetDocument } from './target';

type Partner = NonNullable<Awaited<ReturnType<ProcountorClient['findBusinessPartner']>>>;

const asCandidate = (p: Pick<Partner, 'id' | 'name' | 'invoicingInfo'>): TargetCustomer => ({
  id: String(p.id),
  code: p.invoicingInfo?.customerNumber ?? '',
  name: p.name,
  businessId: p.invoicingInfo?.identifier ?? undefined,
});

const CHANNEL: Record<string, ProcountorInvoiceChannel> = { email: 'EMAIL', einvoice: 'ELECTRONIC_INVOICE', print: 'MAIL', none: 'NO_SENDING' };

/**
 * Procountor as an order export target: a sales invoice created UNFINISHED with our number in
 * `originalInvoiceNumber`, then approved and sent as configured. Each step reads the invoice's status first,
 * so a repeated step after a lost reply does nothing.
 */
export function procountorTarget(procountor: ProcountorClient): OrderTarget {
  const partnerByCode = async (code: string) => procountor.findBusinessPartner({ customerNumber: code });
  /** The live invoices with this originalInvoiceNumber, oldest first, each with its stamp and status. */
  const liveWithNumber = async (number: string): Promise<TargetDocument[]> => {
    const rows = await procountor.findInvoicesByOriginalNumber(number);
    return Promise.all(
      rows.map(async (row) => {
        const invoice = await procountor.getInvoice(row.id);
        return { id: String(row.id), number, ourReference: invoice.orderReference ?? undefined, customerCode: invoice.counterParty?.customerNumber ?? undefined, status: invoice.status };
      }),
    );
  };
  return {
    system: 'procountor',
    displayName: 'Procountor',
    async customerCandidates(query) {
      // Every exact hit, so that a number, business ID or name on several cards is seen as ambiguous.
      return (await findBusinessPartners(procountor, { customerNumber: query.code, businessId: query.businessId, name: query.name })).map(asCandidate);
    },
    async customerByCode(code) {
      const p = await partnerByCode(code);
      return p ? asCandidate(p) : null;
    },
    async createCustomer(party) {
      await procountor.createBusinessPartner(party);
    },
    async updateCustomer(customer, party) {
      await procountor.updateBusinessPartner(Number(customer.id), { ...party, code: customer.code });
    },
    async productExists(code) {
      return (await procountor.findProductByCode(code)) !== null;
    },
    async createProduct(product) {
      await procountor.createProduct(product);
    },
    async findDocument(_kind, number, stamp) {
      // Our document number sits in originalInvoiceNumber and our stamp in orderReference. Procountor allows several
      // invoices with one originalInvoiceNumber: the oldest one carrying our stamp, else the oldest one.
      const live = await liveWithNumber(number);
      const hit = live.find((i) => i.ourReference === stamp) ?? live[0];
      return hit ?? null;
    },
    async settleDuplicates(_kind, number, stamp, id) {
      // Procountor does not refuse a second invoice with our number, so a concurrent attempt (on another worker) may
      // have written one too. Keep one: a finished one (it may be approved or sent already), else the oldest.
      // Ours was just written and is UNFINISHED, so when it is not the keeper it is invalidated before anyone
      // approves it.
      const ours = (await liveWithNumber(number)).filter((i) => i.ourReference === stamp);
      const keep = ours.find((i) => i.status !== 'UNFINISHED') ?? ours[0];
      if (!keep || keep.id === id) return keep ?? { id, number, ourReference: stamp };
      await procountor.invalidateInvoice(Number(id));
      return keep;
    },
    async createDocument(document, customerCode, settings, stamp) {
      const partner = await partnerByCode(customerCode);
      if (!partner) throw new Error(`Procountor business partner with customer number ${customerCode} disappeared before the invoice was written`);
      const productIds: Record<string, number> = {};
      for (const code of new Set(document.lines.map((l) => l.productCode))) {
        const p = await procountor.findProductByCode(code);
        if (p) productIds[code] = p.id;
      }
      const body = toProcountorInvoice(document, {
        partnerId: partner.id,
        useRegisterCustomerData: settings.registerCustomerData,
        registerPartner: settings.registerCustomerData ? partner : undefined,
        channel: CHANNEL[settings.channel.default],
        forceChannel: settings.channel.forced,
        productIds,
      });
      body.orderReference = stamp.slice(0, 70);
      return String((await procountor.createSalesInvoice(body)).id);
    },
    async finishDocument(document, settings) {
      if (settings.status === 'unfinished') return;
      const id = Number(document.id);
      let status = (await procountor.getInvoice(id)).status;
      if (status === 'UNFINISHED') {
        await procountor.approveInvoice(id);
        status = (await procountor.getInvoice(id)).status;
      }
      if (settings.status === 'approve-and-send' && status === 'NOT_SENT') await procountor.sendInvoice(id);
    },
    async bookPayment(document, payment, currency) {
      // Look before write: the same amount on the same day is our own earlier booking.
      const events = await procountor.listPaymentEvents(Number(document.id));
      if (events.some((e) => e.paymentDate.slice(0, 10) === payment.date && dec(e.amount).eq(payment.amount))) return;
      await procountor.markInvoicePaid(Number(document.id), { paymentDate: payment.date, amount: payment.amount, currency, description: payment.method });
    },
  };
}
