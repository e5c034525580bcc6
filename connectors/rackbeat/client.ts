import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError, isConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpRequest, type HttpTransport } from '../kit/http';
import { currentCall } from '../kit/call-context';
import { sharedLimiter, sleepHeartbeating, type WindowLimiter } from '../kit/limiter';
import { parseJson, parseResponse } from '../kit/parse';
import { classifyResponse, SYSTEM } from './errors';
import { PageCounters, Self, type Page } from './schemas';
import { CustomerInvoices } from './invoices';
import { Fields } from './fields';
import { Orders } from './orders';
import { Customers, Suppliers } from './parties';
import { Products } from './products';
import { CustomerGroups, PaymentTerms, ProductGroups, SupplierGroups } from './registers';
import { Webhooks } from './webhooks';

export { duplicateReference, orNull } from './lookups';

/**
 * Tenant credentials. `baseUrl` is Rackbeat's host, `https://app.rackbeat.com` in production or a sandbox's root URL;
 * the API lives under `/api` there, which is added unless the URL already ends with it.
 */
export const RackbeatCredentials = z.object({
  baseUrl: z.string().url('the Rackbeat base URL must be a URL such as https://app.rackbeat.com'),
  apiToken: z.string().min(1, 'the Rackbeat API token is empty'),
});
export type RackbeatCredentials = z.infer<typeof RackbeatCredentials>;

export interface RackbeatClientOptions {
  timeoutMs?: number;
  /**
   * Client-side pacing per API token. Rackbeat's own client library throttles at 480 requests/minute; we stay a
   * little below (450) so that two processes' clock skew or a retry burst does not earn a 429.
   */
  pacing?: { limit: number; windowMs: number };
  /** Replaces the HTTP transport (tests of the parsers). */
  transport?: HttpTransport;
  /**
   * A 429 whose Retry-After is at most this long is waited out here and the request sent again (0: never), at most
   * RATE_LIMIT_RESENDS times. Default RATE_LIMIT_RESEND_MS.
   */
  rateLimitResendMs?: number;
}

/**
 * Rackbeat answers 429 before it handles the request (nothing was written), so sending it again is safe, and a
 * short wait is better spent here than by failing the whole activity: a batch of 200 writes with one refused would
 * otherwise start over, and list the target again. Longer waits (Rackbeat's minute window, when it gives no
 * Retry-After) go back to the caller as rate-limit failures, for the activity's or the workflow's own wait.
 */
export const RATE_LIMIT_RESEND_MS = 5_000;
export const RATE_LIMIT_RESENDS = 2;

/** `https://app.rackbeat.com` and `https://app.rackbeat.com/api/` both mean `https://app.rackbeat.com/api`. */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/api$/.test(trimmed) ? trimmed : `${trimmed}/api`;
}

export const DEFAULT_PACING = { limit: 450, windowMs: 60_000 };

type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  /** Operator words for what is being touched, e.g. "product P-1/B". */
  resource: string;
  query?: Query;
  body?: unknown;
}

/**
 * The only place that speaks HTTP to Rackbeat: Bearer auth, pacing, JSON, status → ConnectorError, envelopes.
 * Resource modules (products.ts, orders.ts, ...) build on `one`, `page` and `all`.
 */
export class RackbeatApi {
  private readonly transport: HttpTransport;
  private readonly limiter: WindowLimiter;
  private readonly headers: Record<string, string>;
  private readonly resendWithinMs: number;

  constructor(credentials: RackbeatCredentials, options: RackbeatClientOptions = {}) {
    const creds = RackbeatCredentials.parse(credentials);
    this.transport = options.transport ?? createHttpTransport(SYSTEM, apiRoot(creds.baseUrl), options.timeoutMs ?? 30_000);
    const pacing = options.pacing ?? DEFAULT_PACING;
    this.resendWithinMs = options.rateLimitResendMs ?? RATE_LIMIT_RESEND_MS;
    // Keyed by a digest so the token itself is not kept as a map key for the life of the process.
    const tokenKey = createHash('sha256').update(creds.apiToken).digest('hex').slice(0, 16);
    this.limiter = sharedLimiter(`rackbeat:${tokenKey}:${pacing.limit}/${pacing.windowMs}`, pacing.limit, pacing.windowMs);
    this.headers = {
      authorization: `Bearer ${creds.apiToken}`,
      accept: 'application/json; charset=utf8',
      'user-agent': 'Siirto (https://github.com/siirto)',
      'consumer-name': 'Siirto',
    };
  }

  /** One request; a 2xx reply's JSON body (null when empty), anything else thrown as a classified ConnectorError. */
  async call(method: HttpRequest['method'], path: string, options: CallOptions): Promise<{ status: number; data: unknown }> {
    const hasBody = options.body !== undefined;
    for (let resent = 0; ; resent++) {
      await this.limiter.acquire();
      const res = await this.transport.request({
        method,
        url: path,
        headers: hasBody ? { ...this.headers, 'content-type': 'application/json; charset=utf8' } : this.headers,
        searchParams: options.query,
        body: hasBody ? JSON.stringify(options.body) : undefined,
      });
      if (res.status >= 200 && res.status < 300) return { status: res.status, data: parseJson(SYSTEM, options.resource, res.body) };
      const err = classifyResponse(res, { method, path, resource: options.resource });
      const wait = err.errorClass === 'rate-limit' ? err.retryAfterMs : undefined;
      if (wait === undefined || wait > this.resendWithinMs || resent >= RATE_LIMIT_RESENDS) throw err;
      // Refused unhandled: wait as asked (heartbeating, so an activity stays alive and can be cancelled) and resend.
      await sleepHeartbeating(wait, currentCall());
    }
  }

  /** A single record, unwrapped from its singular key (`{"product": {...}}`). */
  async one<S extends z.ZodType>(method: HttpRequest['method'], path: string, key: string, schema: S, options: CallOptions): Promise<z.infer<S>> {
    const { data } = await this.call(method, path, options);
    const envelope = parseResponse(SYSTEM, options.resource, z.object({ [key]: schema }), data) as Record<string, z.infer<S>>;
    return envelope[key];
  }

  /** One page of a list: `{<plural>: [...], total, pages, limit, page}`, answered with 206 (200 tolerated). */
  async page<S extends z.ZodType>(path: string, plural: string, schema: S, options: CallOptions): Promise<Page<z.infer<S>>> {
    const { data } = await this.call('GET', path, options);
    const parsed = parseResponse(SYSTEM, options.resource, PageCounters.extend({ [plural]: z.array(schema) }), data) as z.infer<
      typeof PageCounters
    > &
      Record<string, Array<z.infer<S>>>;
    return { items: parsed[plural], total: parsed.total, pages: parsed.pages, limit: parsed.limit, page: parsed.page };
  }

  /**
   * Walks every page of a list, `pageSize` records at a time (Rackbeat's own SDK uses 200), in page order. With
   * `ahead` > 1, once the first page has said how many there are, up to that many of the following pages are read at
   * once (each request still takes its turn in the rate limit): a whole register in a fraction of the sequential time.
   */
  async *all<S extends z.ZodType>(path: string, plural: string, schema: S, options: CallOptions, pageSize = 200, ahead = 1): AsyncGenerator<z.infer<S>> {
    const read = (page: number) => this.page(path, plural, schema, { ...options, query: { ...options.query, page, limit: pageSize } });
    const first = await read(1);
    yield* first.items;
    if (first.pages <= 1 || first.items.length === 0) return;
    const queued: Array<Promise<Page<z.infer<S>>>> = [];
    let next = 2;
    const fill = () => {
      while (next <= first.pages && queued.length < Math.max(1, ahead)) {
        const pending = read(next++);
        // Awaited in order below; until then a failure must not count as unhandled.
        pending.catch(() => undefined);
        queued.push(pending);
      }
    };
    try {
      for (fill(); queued.length; fill()) {
        const p = await queued.shift()!;
        yield* p.items;
        if (p.items.length === 0) return;
      }
    } finally {
      // A walk stopped early (an error, or the caller had enough) leaves no read unobserved.
      await Promise.allSettled(queued);
    }
  }
}

/** The Rackbeat API client: one property per resource, each with its lookups, reads and writes. */
export class RackbeatClient {
  readonly api: RackbeatApi;
  readonly products: Products;
  readonly productGroups: ProductGroups;
  readonly customers: Customers;
  readonly suppliers: Suppliers;
  readonly customerGroups: CustomerGroups;
  readonly supplierGroups: SupplierGroups;
  readonly paymentTerms: PaymentTerms;
  readonly fields: Fields;
  readonly orders: Orders;
  /** Customer invoices and credit notes (view, listBookedSince, createCreditNote, ...). */
  readonly invoices: CustomerInvoices;
  /** The same object as `invoices`, under the resource's own name. */
  readonly customerInvoices: CustomerInvoices;
  readonly webhooks: Webhooks;

  constructor(credentials: { baseUrl: string; apiToken: string }, options: RackbeatClientOptions = {}) {
    this.api = new RackbeatApi(credentials, options);
    this.products = new Products(this.api);
    this.productGroups = new ProductGroups(this.api);
    this.customers = new Customers(this.api);
    this.suppliers = new Suppliers(this.api);
    this.customerGroups = new CustomerGroups(this.api);
    this.supplierGroups = new SupplierGroups(this.api);
    this.paymentTerms = new PaymentTerms(this.api);
    this.fields = new Fields(this.api);
    this.orders = new Orders(this.api);
    this.invoices = new CustomerInvoices(this.api);
    this.customerInvoices = this.invoices;
    this.webhooks = new Webhooks(this.api);
  }

  /** The credential check onboarding runs: `GET self` answers with the account when the token is good. */
  async checkCredentials(): Promise<{ accountId: number; name: string | null }> {
    const { data } = await this.api.call('GET', 'self', { resource: 'account (self)' });
    const self = parseResponse(SYSTEM, 'account (self)', Self, data);
    return { accountId: self.user_account.id, name: self.user_account.name ?? null };
  }
}
