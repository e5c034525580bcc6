import { z } from 'zod';
import { ConnectorError, type ErrorClass } from '../kit/errors';
import { createHttpTransport, type HttpResponse, type HttpTransport } from '../kit/http';
import { sharedLimiter, type WindowLimiter } from '../kit/limiter';
import { sendWithTokenRenewal } from '../kit/token-renewal';
import { parseJson, parseResponse } from '../kit/parse';
import * as partners from './business-partners';
import { classifyProcountorError, invalidCredentials, SYSTEM } from './errors';
import * as invoices from './invoices';
import * as products from './products';
import { SessionInfo, TokenResponse, VatDefaults } from './schemas';

export const ProcountorCredentials = z.object({
  /** e.g. https://api.procountor.com/api, https://pts-api.procountor.com/api or `<sandbox>/api`. */
  baseUrl: z.string().url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  apiKey: z.string().min(1),
});
export type ProcountorCredentials = z.infer<typeof ProcountorCredentials>;

export interface ProcountorClientOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Client-side pace; default 20 requests per second, the lower of the two published limits. */
  requestsPerSecond?: number;
  /** Replaces `requestsPerSecond`: at most `limit` requests per `windowMs`. */
  pace?: { limit: number; windowMs: number };
  /** Clock used for token expiry (tests lag it to provoke a server-side expiry). */
  now?: () => number;
  transport?: HttpTransport;
}

export interface ProcountorCall<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  /** What the operator would call it, e.g. "the sales invoice", used in error messages. */
  resource: string;
  schema: S;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /** How a 403 reads on this call (invoice actions answer 403 for a wrong status). */
  on403?: ErrorClass;
}

/** The one method resource modules need; keeps them free of auth and transport. */
export interface ProcountorApi {
  call<S extends z.ZodType>(req: ProcountorCall<S>): Promise<z.infer<S>>;
}

interface CachedToken {
  value: string;
  renewAt: number;
}

/**
 * Procountor REST client: M2M OAuth (client credentials + API key), pacing, error classification, and the
 * resources Siirto uses. Every method makes at most one write; idempotency comes from the find* lookups.
 */
export class ProcountorClient implements ProcountorApi {
  readonly credentials: ProcountorCredentials;
  private readonly http: HttpTransport;
  private readonly limiter: WindowLimiter;
  private readonly now: () => number;
  private token?: CachedToken;
  private tokenRequest?: Promise<string>;

  constructor(credentials: ProcountorCredentials, options: ProcountorClientOptions = {}) {
    this.credentials = ProcountorCredentials.parse(credentials);
    this.http = options.transport ?? createHttpTransport(SYSTEM, this.credentials.baseUrl, options.timeoutMs ?? 30_000);
    // A longer window than the published second absorbs jitter between our send time and their arrival count;
    // Procountor may suspend a client that overruns, so the margin is worth the 20 % of throughput.
    const pace = options.pace ?? { limit: options.requestsPerSecond ?? 20, windowMs: 1250 };
    this.limiter = sharedLimiter(`procountor:${this.credentials.baseUrl}:${this.credentials.clientId}:${pace.limit}/${pace.windowMs}`, pace.limit, pace.windowMs);
    this.now = options.now ?? Date.now;
  }

  // ---- connection -------------------------------------------------------------------------------------------

  /** Who the API key acts as; the onboarding credential check. */
  checkConnection(): Promise<SessionInfo> {
    return this.call({ method: 'GET', path: 'sessioninfo', resource: 'the session info', schema: SessionInfo });
  }

  /** VAT percentages and VAT statuses in use for the company (invoice rows must use one of them). */
  getVatDefaults(): Promise<VatDefaults> {
    return this.call({ method: 'GET', path: 'vats/default', resource: 'the VAT defaults', schema: VatDefaults });
  }

  // ---- resources (see the resource modules) ----------------------------------------------------------------

  findBusinessPartner = (criteria: partners.PartnerCriteria) => partners.findBusinessPartner(this, criteria);
  getBusinessPartner = (id: number) => partners.getBusinessPartner(this, id);
  createBusinessPartner = (party: partners.PartyInput, options?: partners.PartnerOptions) => partners.createBusinessPartner(this, party, options);
  updateBusinessPartner = (id: number, party: partners.PartyInput, options?: partners.PartnerOptions) =>
    partners.updateBusinessPartner(this, id, party, options);

  findProductByCode = (code: string) => products.findProductByCode(this, code);
  getProduct = (id: number) => products.getProduct(this, id);
  createProduct = (product: products.ProductInput, options?: products.ProductOptions) => products.createProduct(this, product, options);

  createSalesInvoice = (body: invoices.ProcountorInvoiceBody) => invoices.createSalesInvoice(this, body);
  getInvoice = (id: number) => invoices.getInvoice(this, id);
  findInvoiceByOriginalNumber = (originalInvoiceNumber: string) => invoices.findInvoiceByOriginalNumber(this, originalInvoiceNumber);
  findInvoicesByOriginalNumber = (originalInvoiceNumber: string) => invoices.findInvoicesByOriginalNumber(this, originalInvoiceNumber);
  invalidateInvoice = (id: number) => invoices.invalidateInvoice(this, id);
  approveInvoice = (id: number) => invoices.approveInvoice(this, id);
  sendInvoice = (id: number) => invoices.sendInvoice(this, id);
  markInvoicePaid = (id: number, payment: invoices.MarkPaidInput) => invoices.markInvoicePaid(this, id, payment);
  listPaymentEvents = (id: number) => invoices.listPaymentEvents(this, id);

  // ---- transport --------------------------------------------------------------------------------------------

  private readonly tokenHandle = { get: () => this.accessToken(), forget: () => (this.token = undefined) };

  async call<S extends z.ZodType>(req: ProcountorCall<S>): Promise<z.infer<S>> {
    const res = await sendWithTokenRenewal((token) => this.send(req, token), this.tokenHandle, () => invalidCredentials('401'));
    if (res.status < 200 || res.status >= 300) throw classifyProcountorError(res, req.resource, req.on403);
    return parseResponse(SYSTEM, req.resource, req.schema, parseJson(SYSTEM, req.resource, res.body));
  }

  private async send(req: ProcountorCall<z.ZodType>, token: string): Promise<HttpResponse> {
    await this.limiter.acquire();
    return this.http.request({
      method: req.method,
      url: req.path,
      searchParams: req.query,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers,
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    // One token request at a time: concurrent callers share it.
    this.tokenRequest ??= this.requestToken().finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    const { clientId, clientSecret, apiKey } = this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, api_key: apiKey });
    await this.limiter.acquire();
    const res = await this.http.request({
      method: 'POST',
      url: 'oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) throw invalidCredentials(String(res.status));
    if (res.status < 200 || res.status >= 300) throw classifyProcountorError(res, 'the access token');
    const token = parseResponse(SYSTEM, 'the access token', TokenResponse, parseJson(SYSTEM, 'the access token', res.body));
    const ttlMs = token.expires_in * 1000;
    // Renew a little before the end (a tenth of the lifetime, at most a minute) so no call carries a dying token.
    this.token = { value: token.access_token, renewAt: this.now() + ttlMs - Math.min(60_000, ttlMs / 10) };
    return token.access_token;
  }
}

export const isProcountorError = (e: unknown): e is ConnectorError => e instanceof ConnectorError && e.system === SYSTEM;
