/**
 * Netvisor connector. Wire facts: docs/wire/netvisor.md.
 * connection.ts = auth + transport + error classification; one module per register; client.ts = the facade.
 */
export { NetvisorClient } from './client';
export { NetvisorConnection, NetvisorCredentials, type NetvisorClientOptions } from './connection';
export { hmacSha256Mac, signedHeaders, netvisorTimestamp } from './auth';
export type { NetvisorCustomer, NetvisorCustomerSummary } from './customers';
export type { NetvisorProduct, NetvisorProductSummary } from './products';
export {
  toNetvisorSalesDocument,
  vatCodeFor,
  type NetvisorSalesDocumentInput,
  type NetvisorSalesDocumentSummary,
  type NetvisorSalesDocument,
  type NetvisorSalesLineInput,
  type ListSalesDocumentsOptions,
  type SalesKind,
  type SalesStatus,
} from './sales-documents';
export {
  matchBlocker,
  type CreditNoteMatch,
  type MatchableDocument,
  type MatchCreditNoteInput,
  type SalesInvoiceStatusUpdate,
} from './credit-notes';
export type { NetvisorSalesPaymentInput, NetvisorSalesPaymentSummary } from './sales-payments';
export type { NetvisorDimension } from './dimensions';
export type { NetvisorVendor } from './vendors';
export type { NetvisorInventoryItem } from './inventory';
export type { PermissionProbe } from './permissions';
