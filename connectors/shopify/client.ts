import type { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpTransport } from '../kit/http';
import { sharedLimiter, type WindowLimiter } from '../kit/limiter';
import { callJson, type JsonRequest, type JsonResponse } from '../kit/json-api';
import { classifyShopifyError, SYSTEM } from './errors';
import { sharedPacer, type CallLimitPacer } from './pacing';
import { createOrder, getOrder, listOrders, ordersUpdatedSince, type ListOrdersOptions } from './orders';
import { ShopifyCredentials, type ShopifyOrderInput } from './schemas';
import { createWebhook, deleteWebhook, ensureWebhook, listWebhooks, type WebhookFilter, type WebhookSpec } from './subscriptions';

export interface ShopifyClientOptions {
  timeoutMs?: number;
  /**
   * A fixed start rate under the REST leaky bucket (40 requests, leaking 2 per second on the standard plan): at most
   * `limit` requests per `windowMs`, cluster-wide when cluster limits are on. `false` turns it off.
   */
  pace?: { limit: number; windowMs: number } | false;
  /**
   * Pacing on the bucket level Shopify reports in X-Shopify-Shop-Api-Call-Limit (connectors/shopify/pacing.ts); on
   * by default. `false` turns it off (tests that want to hit the limit).
   */
  followCallLimit?: boolean;
}

/** `path` is under /admin/api/<version>/, or an absolute URL from a Link header. */
export type ShopifyRequest = JsonRequest;
export type ShopifyResponse<T> = JsonResponse<T>;

/** Shopify Admin REST API with a custom-app access token (`X-Shopify-Access-Token`). */
export class ShopifyClient {
  private readonly http: HttpTransport;
  private readonly token: string;
  private readonly limiter?: WindowLimiter;
  private readonly pacer?: CallLimitPacer;
  readonly apiVersion: string;

  constructor(credentials: ShopifyCredentials, options: ShopifyClientOptions = {}) {
    const parsed = ShopifyCredentials.safeParse(credentials);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConnectorError(SYSTEM, 'credentials', `Shopify settings are incomplete: ${issue.path.join('.')}: ${issue.message}`, {
        field: issue.path.join('.'),
      });
    }
    const { baseUrl, accessToken, apiVersion } = parsed.data;
    const base = baseUrl.replace(/\/+$/, '');
    this.apiVersion = apiVersion;
    this.token = accessToken;
    const transport = createHttpTransport(SYSTEM, `${base}/admin/api/${apiVersion}`, options.timeoutMs ?? 30_000);
    const pacer = options.followCallLimit === false ? undefined : sharedPacer(`shopify:${base}:${accessToken}`);
    this.pacer = pacer;
    // Every reply, error replies included, reports the bucket's level: the pacer reads it here.
    this.http = !pacer
      ? transport
      : {
          async request(req) {
            try {
              const res = await transport.request(req);
              pacer.settle(res.headers['x-shopify-shop-api-call-limit']);
              return res;
            } catch (err) {
              pacer.settle(undefined);
              throw err;
            }
          },
        };
    const pace = options.pace ?? { limit: 40, windowMs: 20_000 };
    // One bucket per shop and app token, shared by every client in the process, as Shopify counts it.
    if (pace) this.limiter = sharedLimiter(`shopify:${base}:${accessToken}`, pace.limit, pace.windowMs);
  }

  async request<S extends z.ZodType>(req: ShopifyRequest, schema: S): Promise<ShopifyResponse<z.infer<S>>> {
    await this.limiter?.acquire();
    await this.pacer?.acquire();
    return callJson(SYSTEM, this.http, req, { 'x-shopify-access-token': this.token }, schema, classifyShopifyError);
  }

  /** One page of orders; follow `nextPageInfo` for the next one (cursor paging through the Link header). */
  listOrders(options: ListOrdersOptions = {}) {
    return listOrders(this, options);
  }

  /** Every order updated at or after `iso`, any status, all pages (reconciliation behind the webhooks). */
  ordersUpdatedSince(iso: string, limit = 250) {
    return ordersUpdatedSince(this, iso, limit);
  }

  getOrder(id: number) {
    return getOrder(this, id);
  }

  createOrder(order: ShopifyOrderInput) {
    return createOrder(this, order);
  }

  listWebhooks(filter: WebhookFilter = {}) {
    return listWebhooks(this, filter);
  }

  createWebhook(spec: WebhookSpec) {
    return createWebhook(this, spec);
  }

  deleteWebhook(id: number) {
    return deleteWebhook(this, id);
  }

  /** Finds the subscription for this topic and address, or creates it. */
  ensureWebhook(spec: WebhookSpec) {
    return ensureWebhook(this, spec);
  }
}
