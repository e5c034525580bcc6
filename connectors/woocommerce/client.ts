import type { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpTransport } from '../kit/http';
import { callJson, type JsonRequest, type JsonResponse } from '../kit/json-api';
import { signedUrl, wooAuth, type WooAuth } from './auth';
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
 * WooCommerce REST v3 (`<shop>/wp-json/wc/v3`). An `https://` shop gets HTTP Basic = consumer key : consumer secret;
 * an `http://` shop gets OAuth 1.0a signatures in the query string, because WooCommerce ignores Basic credentials on
 * plain HTTP (connectors/woocommerce/auth.ts, docs/wire/woocommerce.md "Authentication").
 */
export class WooCommerceClient {
  private readonly http: HttpTransport;
  private readonly auth: WooAuth;
  private readonly base: string;

  constructor(credentials: Credentials, options: WooCommerceClientOptions = {}) {
    const parsed = WooCommerceCredentials.safeParse(credentials);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConnectorError(SYSTEM, 'credentials', `WooCommerce settings are incomplete: ${issue.path.join('.')}: ${issue.message}`, {
        field: issue.path.join('.'),
      });
    }
    const { baseUrl, consumerKey, consumerSecret } = parsed.data;
    this.base = `${baseUrl.replace(/\/+$/, '')}/wp-json/wc/v3`;
    this.http = createHttpTransport(SYSTEM, this.base, options.timeoutMs ?? 30_000);
    this.auth = wooAuth(baseUrl, consumerKey, consumerSecret);
  }

  /** One authenticated call; the reply is validated with `schema` or turned into a classified ConnectorError. */
  request<S extends z.ZodType>(req: WooRequest, schema: S): Promise<WooResponse<z.infer<S>>> {
    if (this.auth.kind === 'basic') return callJson(SYSTEM, this.http, req, { authorization: this.auth.header }, schema, classifyWooError);
    // Signed anew for every attempt: the timestamp and the nonce are part of the signature.
    const url = /^https?:\/\//.test(req.path) ? req.path : `${this.base}/${req.path.replace(/^\/+/, '')}`;
    const signed = signedUrl(this.auth, req.method, url, req.query);
    return callJson(SYSTEM, this.http, { ...req, path: signed, query: undefined }, {}, schema, classifyWooError);
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
