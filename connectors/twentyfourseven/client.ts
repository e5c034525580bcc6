import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpTransport } from '../kit/http';
import { sharedLimiter, type WindowLimiter } from '../kit/limiter';
import { parseResponse } from '../kit/parse';
import type { SoapCaller } from './caller';
import * as companies from './companies';
import { classifyFault, classifyHttp, invalidCredentials, isSessionFault, SYSTEM } from './errors';
import * as invoices from './invoices';
import * as products from './products';
import { BooleanResult, IdentityList, StringResult, TwentyFourSevenCredentials, type Identity, type OrderStatus } from './schemas';
import { el, envelope, readEnvelope, SERVICE_PATHS, soapAction, text, type Service } from './soap';
import { SENTINEL } from './wire';

export interface TwentyFourSevenOptions {
  timeoutMs?: number;
  /**
   * Client-side pace per login and process: at most `limit` requests per `windowMs`. Defaults to 7,000 per hour,
   * below the published 7,200 so that other tools on the same login keep some room. Smaller windows are for tests.
   */
  pace?: { limit: number; windowMs: number };
}

const HOUR = 3_600_000;

/**
 * Shared per process, keyed by connection: a session (logins are throttled when repeated, so new client
 * instances reuse it) and the end of a quarantine (calls during it would only extend the penalty).
 */
const sessions = new Map<string, string>();
const quarantines = new Map<string, number>();

/** Thrown inside `post` when the session is gone; `call` logs in again once. */
class SessionLost extends Error {}

export class TwentyFourSevenClient implements SoapCaller {
  private readonly credentials: TwentyFourSevenCredentials;
  private readonly transport: HttpTransport;
  private readonly limiter: WindowLimiter;
  private key: string;
  private readonly loginKey: string;
  /** The configured identity; setIdentity changes it for this client. */
  private identityId?: string;
  private loggingIn?: Promise<string>;
  private identity?: Identity;

  constructor(credentials: TwentyFourSevenCredentials, options: TwentyFourSevenOptions = {}) {
    const parsed = TwentyFourSevenCredentials.safeParse(credentials);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConnectorError(SYSTEM, 'credentials', `24SevenOffice connection settings are incomplete: ${issue.path.join('.')}: ${issue.message}`, {
        field: issue.path.join('.'),
      });
    }
    this.credentials = parsed.data;
    this.transport = createHttpTransport(SYSTEM, this.credentials.baseUrl, options.timeoutMs ?? 30_000);
    const c = this.credentials;
    this.identityId = c.identityId;
    this.key = this.sessionKey();
    // Pace and quarantine belong to the login on that host, whichever company (identity) a client works in.
    this.loginKey = `24so|${c.baseUrl}|${c.applicationId}|${c.username.toLowerCase()}`;
    const pace = options.pace ?? { limit: 7000, windowMs: HOUR };
    this.limiter = sharedLimiter(`${this.loginKey}|${pace.limit}/${pace.windowMs}`, pace.limit, pace.windowMs);
  }

  // ---- session and identity --------------------------------------------------------------------------------

  /** Logs in now (otherwise the first call does) and returns the identity the session works in. */
  async connect(): Promise<Identity> {
    await this.session();
    return this.identity ?? (await this.currentIdentity());
  }

  async hasSession(): Promise<boolean> {
    const id = sessions.get(this.key);
    if (!id) return false;
    return this.post('authenticate', 'HasSession', '', BooleanResult, 'session', id);
  }

  /** The identities (user × company) the current login can switch between. */
  async getIdentities(): Promise<Identity[]> {
    return this.call('authenticate', 'GetIdentities', '', IdentityList, 'identities');
  }

  /** Switches the session to another identity; data is per company, so everything after this sees that one. */
  async setIdentity(identityId: string): Promise<void> {
    const ok = await this.call('authenticate', 'SetIdentityById', text('identityId', identityId), BooleanResult, 'identities');
    if (!ok) throw await this.identityError(`The 24SevenOffice login cannot use identity ${identityId}.`);
    // The session now works in the other company: file it under that identity, so that clients configured for the
    // old one log in afresh and a re-login after expiry comes back to this one.
    const sessionId = sessions.get(this.key);
    sessions.delete(this.key);
    this.identityId = identityId;
    this.key = this.sessionKey();
    if (sessionId) sessions.set(this.key, sessionId);
    this.identity = undefined;
  }

  private sessionKey(): string {
    const c = this.credentials;
    const secret = createHash('sha256').update(c.password).digest('hex');
    return [c.baseUrl, c.applicationId, c.username.toLowerCase(), this.identityId?.toLowerCase() ?? '', secret].join('|');
  }

  private async currentIdentity(): Promise<Identity> {
    const current = (await this.getIdentities()).find((i) => i.isCurrent);
    if (!current) throw new ConnectorError(SYSTEM, 'transient', '24SevenOffice reported no current identity for the session', { resource: 'identities' });
    return (this.identity = current);
  }

  private session(): Promise<string> {
    const existing = sessions.get(this.key);
    if (existing) return Promise.resolve(existing);
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const c = this.credentials;
    const credential = el(
      'credential',
      text('ApplicationId', c.applicationId) + text('IdentityId', SENTINEL.guid) + text('Password', c.password) + text('Username', c.username),
    );
    const sessionId = await this.post('authenticate', 'Login', credential, StringResult, 'login');
    // Documented: an empty LoginResult is a failed login.
    if (sessionId.trim() === '') throw invalidCredentials();
    const identities = await this.post('authenticate', 'GetIdentities', '', IdentityList, 'identities', sessionId);
    const chosen = this.chooseIdentity(identities);
    if (!chosen.isCurrent) {
      const ok = await this.post('authenticate', 'SetIdentityById', text('identityId', chosen.id), BooleanResult, 'identities', sessionId);
      if (!ok) throw this.describeIdentities(identities, `The 24SevenOffice login could not switch to identity ${chosen.id}.`);
    }
    this.identity = { ...chosen, isCurrent: true };
    sessions.set(this.key, sessionId);
    return sessionId;
  }

  private chooseIdentity(identities: Identity[]): Identity {
    const wanted = this.identityId?.toLowerCase();
    const usable = identities.filter((i) => !i.isDisabled);
    if (wanted) {
      const found = usable.find((i) => i.id.toLowerCase() === wanted);
      if (!found) throw this.describeIdentities(identities, `The 24SevenOffice login has no usable identity ${wanted}.`);
      return found;
    }
    if (usable.length === 1) return usable[0];
    if (usable.length === 0) throw this.describeIdentities(identities, 'The 24SevenOffice login has no usable identity (company).');
    throw this.describeIdentities(identities, `The 24SevenOffice login sees ${usable.length} companies and no identity is chosen.`, 'IDENTITY_REQUIRED');
  }

  private describeIdentities(identities: Identity[], what: string, code = 'IDENTITY_UNKNOWN'): ConnectorError {
    const seen = identities.map((i) => `${i.id} (${i.clientName}${i.isDisabled ? ', disabled' : ''})`).join(', ') || 'none';
    return new ConnectorError(SYSTEM, 'credentials', `${what} Set identityId in the 24SevenOffice credentials to one of: ${seen}.`, {
      resource: 'identities',
      field: 'identityId',
      code,
    });
  }

  private async identityError(what: string): Promise<ConnectorError> {
    return this.describeIdentities(await this.getIdentities(), what);
  }

  // ---- transport ---------------------------------------------------------------------------------------------

  /** One SOAP call in the session; a lost session is re-established once, transparently. */
  async call<S extends z.ZodType>(service: Service, operation: string, inner: string, schema: S, resource: string): Promise<z.infer<S>> {
    for (let attempt = 0; ; attempt++) {
      let sessionId: string | undefined;
      try {
        sessionId = await this.session();
        return await this.post(service, operation, inner, schema, resource, sessionId);
      } catch (err) {
        if (!(err instanceof SessionLost)) throw err;
        if (sessionId && sessions.get(this.key) === sessionId) sessions.delete(this.key);
        // The server refused before doing anything, so repeating a write here cannot duplicate it.
        if (attempt >= 1) throw classifyFault({ faultcode: 'soap:Server', faultstring: err.message }, resource);
      }
    }
  }

  private async post<S extends z.ZodType>(service: Service, operation: string, inner: string, schema: S, resource: string, sessionId?: string): Promise<z.infer<S>> {
    const until = quarantines.get(this.loginKey) ?? 0;
    if (Date.now() < until) {
      throw new ConnectorError(SYSTEM, 'rate-limit', `24SevenOffice quarantine is still on until ${new Date(until).toISOString()}; not calling ${resource}.`, {
        resource,
        code: 'QUARANTINE',
        retryAfterMs: until - Date.now(),
      });
    }
    await this.limiter.acquire();
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction(operation) };
    if (sessionId) headers.Cookie = `ASP.NET_SessionId=${sessionId}`;
    const res = await this.transport.request({ method: 'POST', url: SERVICE_PATHS[service], headers, body: envelope(operation, inner) });
    const reply = readEnvelope(operation, res.body);
    if (reply.kind === 'fault') {
      if (sessionId && isSessionFault(reply.fault)) throw new SessionLost(reply.fault.faultstring);
      const error = classifyFault(reply.fault, resource);
      if (error.errorClass === 'rate-limit' && error.retryAfterMs) quarantines.set(this.loginKey, Date.now() + error.retryAfterMs);
      throw error;
    }
    if (reply.kind === 'unreadable') {
      if (res.status !== 200) throw classifyHttp(res.status, resource, SERVICE_PATHS[service]);
      throw new ConnectorError(SYSTEM, 'transient', `24SevenOffice sent an unreadable reply to ${operation} (${reply.reason})`, { resource });
    }
    return parseResponse(SYSTEM, resource, schema, reply.result);
  }

  // ---- CompanyService ----------------------------------------------------------------------------------------

  getCompanies(search: companies.CompanySearch, properties?: readonly companies.CompanyProperty[]) {
    return companies.getCompanies(this, search, properties);
  }
  getCompaniesChangedSince(changedAfter: string | Date, properties?: readonly companies.CompanyProperty[]) {
    return companies.getCompanies(this, { changedAfter }, properties);
  }
  async getCompany(id: number, properties?: readonly companies.CompanyProperty[]) {
    return (await companies.getCompanies(this, { companyId: id }, properties))[0] ?? null;
  }
  findCompanyByExternalId(externalId: string, properties?: readonly companies.CompanyProperty[]) {
    return companies.findCompanyByExternalId(this, externalId, properties);
  }
  /** One page (from 1) of the company sync list; walk pages up to `totalPages` for a full sync. */
  getCompanySyncPage(search: companies.CompanySyncSearch = {}, page = 1) {
    return companies.getCompanySyncPage(this, search, page);
  }
  saveCompanies(items: readonly companies.CompanyInput[]) {
    return companies.saveCompanies(this, items);
  }
  saveCompany(item: companies.CompanyInput) {
    return companies.saveCompany(this, item);
  }

  // ---- ProductService ----------------------------------------------------------------------------------------

  getProducts(search: products.ProductSearch, properties?: readonly products.ProductProperty[]) {
    return products.getProducts(this, search, properties);
  }
  getProductsChangedSince(changedAfter: string | Date, properties?: readonly products.ProductProperty[]) {
    return products.getProducts(this, { changedAfter }, properties);
  }
  findProductByNo(no: string, properties?: readonly products.ProductProperty[]) {
    return products.findProductByNo(this, no, properties);
  }
  saveProducts(items: readonly products.ProductInput[]) {
    return products.saveProducts(this, items);
  }
  saveProduct(item: products.ProductInput) {
    return products.saveProduct(this, item);
  }
  getProductCategories() {
    return products.getProductCategories(this);
  }
  saveProductCategories(items: readonly products.CategoryInput[]) {
    return products.saveProductCategories(this, items);
  }

  // ---- InvoiceService ----------------------------------------------------------------------------------------

  getInvoices(search: invoices.InvoiceSearch, properties?: invoices.InvoiceProperties) {
    return invoices.getInvoices(this, search, properties);
  }
  /** Orders in the given statuses changed after the instant: what the order lifecycle polls. */
  getOrdersChangedSince(changedAfter: string | Date, orderStatuses?: OrderStatus[], properties?: invoices.InvoiceProperties) {
    return invoices.getInvoices(this, { changedAfter, orderStatuses }, properties);
  }
  /** OrderIds for a full sync (GetOrderSyncList); fetch them with getInvoices({ orderIds }), chunked at 1000. */
  getOrderSyncList(params: { changedAfter?: string | Date; registeredAfter?: string | Date }) {
    return invoices.getOrderSyncList(this, params);
  }
  getInvoiceOrder(orderId: number, properties?: invoices.InvoiceProperties) {
    return invoices.getInvoiceOrder(this, orderId, properties);
  }
  saveInvoiceOrders(items: readonly invoices.InvoiceOrderInput[]) {
    return invoices.saveInvoiceOrders(this, items);
  }
  saveInvoiceOrder(item: invoices.InvoiceOrderInput) {
    return invoices.saveInvoiceOrder(this, item);
  }
  setOrderStatus(orderId: number, orderStatus: OrderStatus, externalStatus?: number) {
    return invoices.setOrderStatus(this, orderId, orderStatus, externalStatus);
  }
  updateOrderRows(orderId: number, changes: invoices.RowChanges, status?: { orderStatus?: OrderStatus; externalStatus?: number }) {
    return invoices.updateOrderRows(this, orderId, changes, status);
  }
}
