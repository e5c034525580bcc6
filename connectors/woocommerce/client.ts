import type { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpTransport } from '../kit/http';
import { callJson, type JsonRequest, type JsonResponse } from '../kit/json-api';
import { classifyWooError, SYSTEM } from './errors';
import { getOrder, listOrders, ordersModifiedAfter, createOrder, type ListOrdersOptions } from './orders';
import type { WooCommerceCredentials as Credentials, WooOrderInput } from './schemas';
import { WooCommerceCredentials } from './schemas';
import { createWebhook, deleteWebhook, ensureWebhook, listWebhooks, type WebhookSpec } from './subscriptions';

export interface WooCommerceClientOptions {
  timeoutMs?: number;
}

export type WooRequest = JsonRequest;
export type WooResponse<T> = JsonResponse<T>;

/**
 * WooCommerce REST v3 (`<shop>/wp-json/wc/v3`), authenticated with HTTP Basic = consumer key : consumer secret
 * (webshops.md A2; the shop must be on HTTPS for this, as the sandbox's plain HTTP is a local exception).
 */
export class WooCommerceClient {
  private readonly http: HttpTransport;
  private readonly authorization: string;

  constructor(credentials: Credentials, options: WooCommerceClientOptions = {}) {
    const parsed = WooCommerceCredentials.safeParse(credentials);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConnectorError(SYSTEM, 'credentials', `WooCommerce settings are incomplete: ${issue.path.join('.')}: ${issue.message}`, {
        field: issue.path.join('.'),
      });
    }
    const { baseUrl, consumerKey, consumerSecret } = parsed.data;
    this.http = createHttpTransport(SYSTEM, `${baseUrl.replace(/\/+$/, '')}/wp-json/wc/v3`, options.timeoutMs ?? 30_000);
    this.authorization = `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`;
  }

  /** One authenticated call; the reply is validated with `schema` or turned into a classified ConnectorError. */
  request<S extends z.ZodType>(req: WooRequest, schema: S): Promise<WooResponse<z.infer<S>>> {
    return callJson(SYSTEM, this.http, req, { authorization: this.authorization }, schema, classifyWooError);
  }

  /** One page of orders with WooCommerce's own totals (X-WP-Total, X-WP-TotalPages). */
  listOrders(options: ListOrdersOptions = {}) {
    return listOrders(this, options);
  }

  /** Every order modified after `iso` (UTC), oldest change first, walking all pages. */
  ordersModifiedAfter(iso: string, perPage = 100) {
    return ordersModifiedAfter(this, iso, perPage);
  }

  getOrder(id: number) {
    return getOrder(this, id);
  }

  createOrder(body: WooOrderInput) {
    return createOrder(this, body);
  }

  listWebhooks() {
    return listWebhooks(this);
  }

  createWebhook(spec: WebhookSpec) {
    return createWebhook(this, spec);
  }

  deleteWebhook(id: number) {
    return deleteWebhook(this, id);
  }

  /** Finds our webhook by topic and delivery URL (re-activating it if WooCommerce disabled it) or creates it. */
  ensureWebhook(spec: WebhookSpec) {
    return ensureWebhook(this, spec);
  }
}
