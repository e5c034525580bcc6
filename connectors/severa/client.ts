import { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpResponse, type HttpTransport } from '../kit/http';
import { sharedLimiter, type WindowLimiter } from '../kit/limiter';
import { sendWithTokenRenewal } from '../kit/token-renewal';
import { parseJson, parseResponse } from '../kit/parse';
import * as centres from './cost-centers';
import * as customers from './customers';
import { classifySeveraError, invalidCredentials, SYSTEM } from './errors';
import * as products from './products';
import { TokenResponse } from './schemas';

export const SeveraCredentials = z.object({
  /** e.g. https://api.severa.visma.com/rest-api, https://api.severa.stag.visma.com/rest-api or the sandbox URL. */
  baseUrl: z.string().url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Scopes to ask for; what Siirto reads by default. */
  scopes: z.array(z.string().min(1)).default(['customers:read', 'settings:read']),
});
export type SeveraCredentials = z.input<typeof SeveraCredentials>;

export interface SeveraClientOptions {
  timeoutMs?: number;
  /** Client-side pace; default 10 requests per second, Severa's published quota. */
  requestsPerSecond?: number;
  /** Replaces `requestsPerSecond`: at most `limit` requests per `windowMs`. */
  pace?: { limit: number; windowMs: number };
  now?: () => number;
  transport?: HttpTransport;
}

export interface SeveraGet<S extends z.ZodType> {
  path: string;
  query?: URLSearchParams;
  resource: string;
  /** The API scope this call needs, named in the error when the credentials lack it. */
  scope?: string;
  schema: S;
}

export interface SeveraApi {
  get<S extends z.ZodType>(req: SeveraGet<S>): Promise<{ data: z.infer<S>; headers: HttpResponse['headers'] }>;
}

/**
 * Visma Severa REST v1 client (read side: customers, products, cost centres). Token from POST /v1/token with
 * client id, secret and scopes, cached until shortly before it expires; every call carries the bearer token and
 * the Client_Id header.
 */
export class SeveraClient implements SeveraApi {
  private readonly creds: z.output<typeof SeveraCredentials>;
  private readonly http: HttpTransport;
  private readonly limiter: WindowLimiter;
  private readonly now: () => number;
  private token?: { value: string; renewAt: number; scope?: string };
  private tokenRequest?: Promise<string>;

  constructor(credentials: SeveraCredentials, options: SeveraClientOptions = {}) {
    this.creds = SeveraCredentials.parse(credentials);
    this.http = options.transport ?? createHttpTransport(SYSTEM, this.creds.baseUrl, options.timeoutMs ?? 30_000);
    // Paced on send time, counted by the gateway on arrival: a 1.25 s window keeps "10 per 1s" even when network
    // and a busy event loop bunch requests by up to a quarter second.
    const pace = options.pace ?? { limit: options.requestsPerSecond ?? 10, windowMs: 1250 };
    this.limiter = sharedLimiter(`severa:${this.creds.baseUrl}:${this.creds.clientId}:${pace.limit}/${pace.windowMs}`, pace.limit, pace.windowMs);
    this.now = options.now ?? Date.now;
  }

  /** Onboarding check: gets a fresh token and returns the scopes Severa granted. */
  async checkConnection(): Promise<{ scopes: string[] }> {
    this.token = undefined;
    await this.accessToken();
    return { scopes: this.grantedScopes() };
  }

  private grantedScopes(): string[] {
    return (this.token?.scope ?? '').split(/[\s,]+/).filter(Boolean);
  }

  listCustomersPage = (filter?: customers.CustomerFilter, pageToken?: string) => customers.listCustomersPage(this, filter, pageToken);
  customers = (filter?: customers.CustomerFilter) => customers.customers(this, filter);
  getCustomer = (guid: string) => customers.getCustomer(this, guid);

  listProductsPage = (filter?: products.ProductFilter, pageToken?: string) => products.listProductsPage(this, filter, pageToken);
  products = (filter?: products.ProductFilter) => products.products(this, filter);
  getProduct = (guid: string) => products.getProduct(this, guid);

  listCostCentersPage = (filter?: centres.CostCenterFilter, firstRow?: number) => centres.listCostCentersPage(this, filter, firstRow);
  costCenters = (filter?: centres.CostCenterFilter) => centres.costCenters(this, filter);
  getCostCenter = (guid: string) => centres.getCostCenter(this, guid);

  private readonly tokenHandle = { get: () => this.accessToken(), forget: () => (this.token = undefined) };

  async get<S extends z.ZodType>(req: SeveraGet<S>): Promise<{ data: z.infer<S>; headers: HttpResponse['headers'] }> {
    const res = await sendWithTokenRenewal((token) => this.send(req, token), this.tokenHandle, () => invalidCredentials('401'));
    if (res.status < 200 || res.status >= 300) throw classifySeveraError(res, req.resource, req.scope);
    const data = parseResponse(SYSTEM, req.resource, req.schema, parseJson(SYSTEM, req.resource, res.body));
    return { data, headers: res.headers };
  }

  private async send(req: SeveraGet<z.ZodType>, token: string): Promise<HttpResponse> {
    await this.limiter.acquire();
    const qs = req.query?.toString();
    return this.http.request({
      method: 'GET',
      url: qs ? `${req.path}?${qs}` : req.path,
      headers: { authorization: `Bearer ${token}`, client_id: this.creds.clientId, accept: 'application/json' },
    });
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.tokenRequest ??= this.requestToken().finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    await this.limiter.acquire();
    const res = await this.http.request({
      method: 'POST',
      url: 'v1/token',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // Space-separated scopes, the form every known working client sends.
      body: JSON.stringify({ client_id: this.creds.clientId, client_secret: this.creds.clientSecret, scope: this.creds.scopes.join(' ') }),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) throw invalidCredentials(String(res.status));
    if (res.status < 200 || res.status >= 300) throw classifySeveraError(res, 'the access token');
    const token = parseResponse(SYSTEM, 'the access token', TokenResponse, parseJson(SYSTEM, 'the access token', res.body));
    const ttlMs = (token.access_token_expires_in ?? 3600) * 1000;
    this.token = { value: token.access_token, renewAt: this.now() + ttlMs - Math.min(60_000, ttlMs / 10), scope: token.scope ?? undefined };
    return token.access_token;
  }
}

export const isSeveraError = (e: unknown): e is ConnectorError => e instanceof ConnectorError && e.system === SYSTEM;
