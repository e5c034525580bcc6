import { normalizeBusinessId } from '../../domain/business-id';
import type { Address, InvoiceChannel, SalesDocument, SalesLine } from '../../domain/model';
import { dec, toDecimalString } from '../../domain/money';
import type { ProcountorInvoiceChannel } from './business-partners';
import { toProcountorCountry, toProcountorLanguage, toProcountorUnit } from './codes';
import type { BusinessPartner, PcAddress } from './schemas';

/**
 * Canonical SalesDocument → Procountor invoice body (POST /invoices). Pure: no I/O, tested on its own.
 * Our document number goes into `originalInvoiceNumber` (Procountor numbers the invoice itself); that stamp is what
 * `findInvoiceByOriginalNumber` looks for before a retry writes again.
 */
export interface ProcountorAddress {
  name?: string;
  street?: string;
  zip?: string;
  city?: string;
  country?: string;
}

export interface ProcountorInvoiceRow {
  productId?: number;
  product: string;
  productCode?: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  discountPercent: number;
  vatPercent: number;
  comment?: string;
}

export interface ProcountorInvoiceBody {
  type: 'SALES_INVOICE' | 'SALES_ORDER';
  partnerId: number;
  date: string;
  counterParty: {
    contactPersonName?: string;
    identifier?: string;
    customerNumber?: string;
    email?: string;
    counterPartyAddress: ProcountorAddress;
    einvoiceAddress?: { operator?: string; address: string };
  };
  billingAddress?: ProcountorAddress;
  deliveryAddress?: ProcountorAddress;
  paymentInfo: {
    paymentMethod: string;
    currency: string;
    dueDate: string;
    currencyRate: number;
    bankAccount?: { accountNumber: string; bic?: string };
    bankReferenceCode?: string;
  };
  extraInfo: { accountingByRow: boolean; unitPricesIncludeVat: boolean };
  discountPercent: number;
  vatStatus: number;
  language: string;
  invoiceChannel: ProcountorInvoiceChannel;
  originalInvoiceNumber: string;
  orderReference?: string;
  additionalInformation?: string;
  invoiceRows: ProcountorInvoiceRow[];
}

export interface ToProcountorInvoiceOptions {
  partnerId: number;
  /** Take name, address and identifiers from the partner card in Procountor instead of the order. */
  useRegisterCustomerData: boolean;
  /** The partner as Procountor has it; required when `useRegisterCustomerData` is on. */
  registerPartner?: BusinessPartner;
  /** The configured channel; used when the document and the customer give no better one, or always when forced. */
  channel: ProcountorInvoiceChannel;
  forceChannel?: boolean;
  paymentMethod?: string;
  /** Days to the due date when the document has none; 14 by default. */
  paymentTermDays?: number;
  /** VAT status of a domestic sale; read it from GET /vats/default. 1 by default (open point: docs/wire/open-points.md). */
  vatStatus?: number;
  bankAccount?: { accountNumber: string; bic?: string };
  /** An empty reference asks Procountor to generate one; on by default. */
  generateReference?: boolean;
  /** Product ids already resolved in Procountor, by product code. */
  productIds?: Record<string, number>;
  currencyRate?: number;
  language?: string;
}

const PAYMENT_METHOD_LABEL: Record<string, string> = { FINNISH: 'Maksutapa', SWEDISH: 'Betalningssätt' };

const CHANNELS: Record<InvoiceChannel, ProcountorInvoiceChannel> = {
  email: 'EMAIL',
  einvoice: 'ELECTRONIC_INVOICE',
  print: 'MAIL',
  none: 'NO_SENDING',
};

function pickChannel(doc: SalesDocument, email: string | undefined, opts: ToProcountorInvoiceOptions): ProcountorInvoiceChannel {
  if (opts.forceChannel) return opts.channel;
  if (doc.channel) return CHANNELS[doc.channel];
  return email ? 'EMAIL' : opts.channel;
}

const fromCanonical = (name: string, a: Address): ProcountorAddress => ({
  name,
  street: a.street || undefined,
  zip: a.postalCode || undefined,
  city: a.city || undefined,
  country: toProcountorCountry(a.country),
});

const fromRegister = (name: string, a: PcAddress | null | undefined): ProcountorAddress => ({
  name: a?.name ?? name,
  street: a?.street ?? undefined,
  zip: a?.zip ?? undefined,
  city: a?.city ?? undefined,
  country: a?.country ?? undefined,
});

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Procountor takes one flag for the whole invoice. Mixed documents (gross product rows, net fee rows) are sent
 * net: gross prices are divided by (1 + VAT) and kept to 4 decimals (open point, docs/wire/open-points.md: the unit price scale Procountor
 * stores; 4 is what its UI shows).
 */
function rowPrice(line: SalesLine, allGross: boolean): number {
  if (allGross || !line.priceIncludesVat) return Number(line.unitPrice);
  const net = dec(line.unitPrice).div(dec(1).plus(dec(line.vatRate).div(100)));
  return Number(toDecimalString(net.toDecimalPlaces(4)));
}

export function toProcountorInvoice(doc: SalesDocument, opts: ToProcountorInvoiceOptions): ProcountorInvoiceBody {
  if (opts.useRegisterCustomerData && !opts.registerPartner) {
    throw new Error('toProcountorInvoice: useRegisterCustomerData needs the registerPartner read from Procountor');
  }
  const partner = opts.useRegisterCustomerData ? opts.registerPartner : undefined;
  const customer = doc.customer;
  const language = opts.language ?? (partner?.invoicingInfo?.language || toProcountorLanguage(customer.language));

  const name = partner?.name ?? customer.name;
  const partyAddress = partner ? fromRegister(partner.name, partner.billingAddress ?? partner.address) : fromCanonical(customer.name, customer.address);
  const email = (partner ? partner.invoicingInfo?.email : customer.email) ?? customer.email ?? undefined;
  const identifier = partner
    ? (partner.invoicingInfo?.identifier ?? undefined)
    : ((customer.businessId && normalizeBusinessId(customer.businessId)) || customer.organisationNumber);
  const customerNumber = partner ? (partner.invoicingInfo?.customerNumber ?? undefined) : customer.code;
  const einvoice = partner
    ? partner.invoicingInfo?.einvoiceAddress
      ? { address: partner.invoicingInfo.einvoiceAddress, operator: partner.invoicingInfo.einvoiceOperator ?? undefined }
      : undefined
    : customer.einvoiceAddress
      ? { address: customer.einvoiceAddress, operator: customer.einvoiceOperator }
      : undefined;

  const allGross = doc.lines.every((l) => l.priceIncludesVat);
  const comments = [
    doc.paymentMethod ? `${PAYMENT_METHOD_LABEL[language] ?? 'Payment method'}: ${doc.paymentMethod}` : undefined,
    doc.comment,
  ].filter((s): s is string => Boolean(s));

  return {
    type: doc.kind === 'order' ? 'SALES_ORDER' : 'SALES_INVOICE',
    partnerId: opts.partnerId,
    date: doc.date,
    counterParty: {
      identifier: identifier || undefined,
      customerNumber,
      email,
      counterPartyAddress: { ...partyAddress, name },
      einvoiceAddress: einvoice,
    },
    billingAddress: { ...partyAddress, name },
    // Without a delivery address Procountor copies the counterparty's, which is what a shop order means too.
    deliveryAddress: doc.delivery ? fromCanonical(doc.delivery.name, doc.delivery.address) : undefined,
    paymentInfo: {
      paymentMethod: opts.paymentMethod ?? 'BANK_TRANSFER',
      currency: doc.currency,
      dueDate: doc.dueDate ?? addDays(doc.date, opts.paymentTermDays ?? 14),
      currencyRate: opts.currencyRate ?? 1,
      bankAccount: opts.bankAccount,
      bankReferenceCode: opts.generateReference === false ? undefined : '',
    },
    extraInfo: { accountingByRow: false, unitPricesIncludeVat: allGross },
    discountPercent: 0,
    vatStatus: opts.vatStatus ?? 1,
    language,
    invoiceChannel: pickChannel(doc, email, opts),
    originalInvoiceNumber: doc.number ?? doc.source.number,
    orderReference: doc.source.number.slice(0, 70),
    additionalInformation: comments.length ? comments.join('\n') : undefined,
    invoiceRows: doc.lines.map((line) => ({
      productId: opts.productIds?.[line.productCode],
      product: line.name,
      productCode: line.productCode,
      quantity: Number(line.quantity),
      unit: toProcountorUnit(line.unit),
      unitPrice: rowPrice(line, allGross),
      discountPercent: Number(line.discountPercent ?? '0'),
      vatPercent: Number(line.vatRate),
      comment: line.comment,
    })),
  };
}

/** Gross total of a body, to the cent, as Procountor would sum it; lets callers check it against the source. */
export function procountorInvoiceGross(body: Pick<ProcountorInvoiceBody, 'extraInfo' | 'invoiceRows' | 'discountPercent'>): string {
  let total = dec(0);
  for (const row of body.invoiceRows) {
    const line = dec(row.unitPrice)
      .times(row.quantity)
      .times(dec(1).minus(dec(row.discountPercent).div(100)))
      .times(dec(1).minus(dec(body.discountPercent).div(100)));
    const gross = body.extraInfo.unitPricesIncludeVat ? line : line.times(dec(1).plus(dec(row.vatPercent).div(100)));
    total = total.plus(gross.toDecimalPlaces(2));
  }
  return total.toFixed(2);
}
