/** Rackbeat REST connector. Wire facts: /work/shared/apis/rackbeat-24so.md part A. */
export { RackbeatClient, RackbeatApi, RackbeatCredentials, DEFAULT_PACING, orNull, type RackbeatClientOptions } from './client';
export { classifyResponse, SYSTEM } from './errors';
export { Products, PRODUCT_NUMBER_MAX, encodeProductNumber, type ProductInput, type Amount } from './products';
export { Customers, Suppliers, type CustomerInput, type SupplierInput, type PartyInput } from './parties';
export { ProductGroups, CustomerGroups, SupplierGroups, PaymentTerms, type ProductGroupInput, type GroupInput, type PaymentTermInput } from './registers';
export { Fields, FieldValueAccess, type FieldInput, type FieldValueWrite } from './fields';
export { Orders, type OrderInput, type OrderLineInput } from './orders';
export { CustomerInvoices } from './invoices';
export { Webhooks, WEBHOOK_EVENTS, readWebhookDelivery, type WebhookEvent, type WebhookInput, type WebhookDelivery } from './webhooks';
export * as schemas from './schemas';
export type { Page } from './schemas';
