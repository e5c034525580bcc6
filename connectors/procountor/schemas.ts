import { z } from 'zod';

/**
 * Response shapes of the Procountor REST API (OpenAPI "Procountor API" 26.04, see docs/wire/procountor.md).
 * Procountor sends `null` for empty references, so optional members are `nullish`. Enumerations the client only
 * passes through stay plain strings: a new enum value in Procountor's monthly release must not break a sync.
 */
const text = z.string().nullish();
const num = z.number().nullish();

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().nullish(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ErrorMessages = z.object({
  errors: z.array(z.object({ status: num, field: text, message: text })),
});
export type ErrorMessages = z.infer<typeof ErrorMessages>;

export const InfoMessage = z.object({ message: z.string() });

export const PcAddress = z.object({
  name: text,
  specifier: text,
  street: text,
  zip: text,
  city: text,
  country: text,
  subdivision: text,
});
export type PcAddress = z.infer<typeof PcAddress>;

export const PageMeta = z.object({
  pageNumber: z.number().int(),
  pageSize: z.number().int(),
  resultCount: z.number().int(),
  totalCount: z.number().int(),
});

const searchResult = <T extends z.ZodType>(row: T) => z.object({ results: z.array(row), meta: PageMeta });

export const BusinessPartnerBasic = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  billingAddress: PcAddress.nullish(),
  invoicingInfo: z.object({ customerNumber: text, identifier: text, identifierType: text }).nullish(),
  registryInfo: z.object({ active: z.boolean().nullish() }).nullish(),
  version: text,
});
export type BusinessPartnerBasic = z.infer<typeof BusinessPartnerBasic>;
export const BusinessPartnerSearchResult = searchResult(BusinessPartnerBasic);

export const BusinessPartner = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  address: PcAddress.nullish(),
  billingAddress: PcAddress.nullish(),
  deliveryAddress: PcAddress.nullish(),
  invoicingInfo: z
    .object({
      customerNumber: text,
      identifier: text,
      identifierType: text,
      invoiceChannel: text,
      language: text,
      email: text,
      einvoiceAddress: text,
      einvoiceOperator: text,
    })
    .nullish(),
  paymentInfo: z.object({ paymentMethod: text, paymentTermDays: num, currency: text }).nullish(),
  registryInfo: z.object({ active: z.boolean().nullish(), phone: text }).nullish(),
  version: text,
});
export type BusinessPartner = z.infer<typeof BusinessPartner>;

export const Product = z.object({
  id: z.number().int(),
  type: z.string(),
  name: z.string(),
  code: text,
  unit: text,
  price: z.number(),
  vat: num,
  vatStatus: num,
  discount: num,
  active: z.boolean(),
  currency: z.string(),
  version: text,
});
export type Product = z.infer<typeof Product>;
export const ProductSearchResult = searchResult(Product);

export const InvoiceSumInfo = z.object({
  currency: text,
  excludingVatTotal: num,
  vatSumTotal: num,
  invoiceSumTotal: num,
});

export const InvoiceRow = z.object({
  id: num,
  productId: num,
  product: z.string(),
  productCode: text,
  quantity: z.number(),
  unit: z.string(),
  unitPrice: z.number(),
  discountPercent: z.number(),
  vatPercent: z.number(),
  comment: text,
});

export const Invoice = z.object({
  id: z.number().int(),
  partnerId: num,
  type: z.string(),
  status: z.string(),
  date: z.string(),
  invoiceNumber: num,
  originalInvoiceNumber: text,
  /** Free text up to 70 characters; Siirto stamps the shop's order number here. */
  orderReference: text,
  invoiceChannel: text,
  counterParty: z
    .object({
      identifier: text,
      customerNumber: text,
      email: text,
      counterPartyAddress: PcAddress.nullish(),
    })
    .nullish(),
  billingAddress: PcAddress.nullish(),
  deliveryAddress: PcAddress.nullish(),
  paymentInfo: z
    .object({ paymentMethod: z.string(), currency: z.string(), dueDate: z.string(), bankReferenceCode: text })
    .nullish(),
  extraInfo: z.object({ accountingByRow: z.boolean(), unitPricesIncludeVat: z.boolean() }).nullish(),
  invoiceRows: z.array(InvoiceRow).nullish(),
  invoiceSumInfo: z.array(InvoiceSumInfo).nullish(),
  additionalInformation: text,
  ledgerReceiptId: num,
  version: text,
});
export type Invoice = z.infer<typeof Invoice>;

export const InvoiceListRow = z.object({
  id: z.number().int(),
  partnerId: num,
  type: z.string(),
  status: z.string(),
  invoiceNumber: num,
  originalInvoiceNumber: text,
  invoiceChannel: text,
  date: z.string(),
  dueDate: text,
  created: text,
  version: text,
  invoiceSumInfo: z.array(InvoiceSumInfo).nullish(),
});
export type InvoiceListRow = z.infer<typeof InvoiceListRow>;
export const InvoiceSearchResult = searchResult(InvoiceListRow);

export const PaymentEvent = z.object({
  id: z.number().int(),
  invoiceId: num,
  type: text,
  paymentDate: z.string(),
  status: text,
  amount: z.number(),
  currency: text,
  description: text,
});
export type PaymentEvent = z.infer<typeof PaymentEvent>;

export const VatDefaults = z.object({
  vatInformation: z.array(
    z.object({
      country: z.string(),
      percentages: z.array(z.object({ vatPercent: z.number(), sales: z.boolean().nullish(), purchase: z.boolean().nullish() })),
    }),
  ),
  vatStatuses: z.array(z.object({ vatStatus: z.number().int(), description: text, sales: z.boolean().nullish(), purchase: z.boolean().nullish() })),
});
export type VatDefaults = z.infer<typeof VatDefaults>;

export const SessionInfo = z.object({
  companyId: z.number().int(),
  name: z.string(),
  country: text,
  productVersion: text,
  userId: num,
  userName: text,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Single-id GETs answer with the object per the OpenAPI, but the batch form answers with a list; accept both. */
export const oneOrList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v), item) as unknown as z.ZodType<z.infer<T>>;
