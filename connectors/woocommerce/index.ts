export { WooCommerceClient, type WooCommerceClientOptions } from './client';
export { classifyWooError } from './errors';
export type { ListOrdersOptions, OrderPage } from './orders';
export * from './schemas';
export type { WebhookSpec } from './subscriptions';
export { parseWooCommerceDelivery, verifyWooCommerceSignature, type WooCommerceDelivery } from './webhooks';
