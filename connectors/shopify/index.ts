export { ShopifyClient, type ShopifyClientOptions } from './client';
export { classifyShopifyError } from './errors';
export { pageInfoFromLink, type ListOrdersOptions, type OrderPage } from './orders';
export * from './schemas';
export type { WebhookFilter, WebhookSpec } from './subscriptions';
export { parseShopifyDelivery, verifyShopifySignature, type ShopifyDelivery } from './webhooks';
