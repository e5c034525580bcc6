/**
 * Rackbeat REST connector. Wire facts: docs/wire/rackbeat.md.
 *
 * Lookups for "look before you write" (none of them pages through a whole register):
 * - products.findByNumber, customers.findByNumber, suppliers.findByNumber: `GET <register>/{number}`, null on 404
 *   (product numbers double URL-encoded, see products.ts);
 * - products|customers|suppliers.findByField(fieldId, value): the documented `field_eq[<fieldId>]=<value>` list
 *   filter, for the 24SevenOffice id kept in a user-defined field; two matches is a 'conflict';
 * - customers|suppliers.findByVat: `simple_filter[company_vat]` (filter form seen in use; this key is an open point, docs/wire/open-points.md);
 * - webhooks.ensure(event, url): lists `webhooks?event=` and creates only when the url is not registered.
 */
export { RackbeatClient, RackbeatApi, RackbeatCredentials, DEFAULT_PACING, apiRoot, orNull, type RackbeatClientOptions } from './client';
export { classifyResponse, SYSTEM } from './errors';
export { Products, PRODUCT_NUMBER_MAX, encodeProductNumber, type ProductInput, type Amount } from './products';
export { Customers, Suppliers, type CustomerInput, type SupplierInput, type PartyInput } from './parties';
export { ProductGroups, CustomerGroups, SupplierGroups, PaymentTerms, type ProductGroupInput, type GroupInput, type PaymentTermInput } from './registers';
export { Fields, FieldValueAccess, type FieldInput, type FieldValueWrite } from './fields';
export { Orders, type OrderInput, type OrderLineInput } from './orders';
export {
  CustomerInvoices, toInvoiceView, type RackbeatInvoiceView, type RackbeatInvoiceLine, type BookedInvoiceRef, type CustomerInvoiceInput,
  type CustomerInvoiceLineInput,
} from './invoices';
export { Webhooks, WEBHOOK_EVENTS, readWebhookDelivery, type WebhookEvent, type WebhookInput, type WebhookDelivery } from './webhooks';
export * as schemas from './schemas';
export type { Page } from './schemas';
