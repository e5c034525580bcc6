import { z } from 'zod';

/**
 * Response shapes of Visma Severa REST API v1 (doc.json behind api.severa.visma.com/rest-api, see
 * docs/wire/severa.md). Severa sends null for empty members, hence `nullish`.
 */
const text = z.string().nullish();
const num = z.number().nullish();
const named = z.object({ guid: text, name: text }).passthrough().nullish();

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  access_token_type: text,
  // Open point (docs/wire/open-points.md): lifetime; when absent we assume an hour and still renew on the first 401.
  access_token_expires_in: z.number().positive().nullish(),
  access_token_expires_utc: text,
  refresh_token: text,
  refresh_token_expires_in: num,
  scope: text,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ExceptionModel = z.object({
  error: z.object({
    httpStatusCode: num,
    type: text,
    message: text,
    details: z
      .array(
        z.object({
          message: text,
          url: text,
          location: z.object({ type: text, name: text, identifier: text }).nullish(),
        }),
      )
      .nullish(),
  }),
});
export type ExceptionModel = z.infer<typeof ExceptionModel>;

export const Customer = z.object({
  guid: z.string(),
  name: z.string(),
  number: num,
  isActive: z.boolean().nullish(),
  isInternal: z.boolean().nullish(),
  notes: text,
  email: text,
  website: text,
  /** In Finland this holds the business ID (Y-tunnus). */
  vatNumber: text,
  kvkNumber: text,
  language: z.object({ guid: text, name: text, code: text }).nullish(),
  currency: z.object({ guid: text, name: text, code: text, symbol: text }).nullish(),
  owner: named,
  industry: named,
  headquarterAddress: z.object({ guid: text, addressline: text, postalCode: text, city: text, country: text }).nullish(),
  paymentTerm: num,
  overdueInterest: num,
  invoicingVat: z.object({ guid: text, percentage: num, code: text }).nullish(),
  eInvoiceAddress: text,
  eInvoiceOperator: text,
  organizationUnitNumber: text,
  createdDateTime: text,
  lastUpdatedDateTime: text,
});
export type SeveraCustomer = z.infer<typeof Customer>;

const Money = z.object({ amount: num, currencyCode: text }).nullish();

export const Product = z.object({
  guid: z.string(),
  name: z.string(),
  code: text,
  unitPrice: Money,
  unitCost: Money,
  vatRate: num,
  measurementUnit: text,
  isActive: z.boolean().nullish(),
  productCategory: named,
  salesAccount: z.object({ guid: text, name: text, number: text }).nullish(),
  /** Wire values "FixedFees" | "Materials" | "Subcontracting"; kept as a string. */
  type: text,
  proposalDescription: text,
  createdDateTime: text,
  lastUpdatedDateTime: text,
});
export type SeveraProduct = z.infer<typeof Product>;

export const CostCenter = z.object({
  guid: z.string(),
  name: z.string(),
  /** The cost-centre code in the accounting system. */
  identifier: z.string(),
  isActive: z.boolean().nullish(),
  isDefault: z.boolean().nullish(),
  createdDateTime: text,
  lastUpdatedDateTime: text,
});
export type SeveraCostCenter = z.infer<typeof CostCenter>;
