import { z } from 'zod';
import { currentCall } from '../kit/call-context';
import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpResponse, type HttpTransport } from '../kit/http';
import { oneAtATime } from '../kit/limiter';
import { parseResponse } from '../kit/parse';
import { signedHeaders, type SigningIdentity } from './auth';
import { SYSTEM, failureToError, parseFailureStatus, statusToError } from './errors';
import { envelope } from './schemas';
import { readListRows, type ListRows } from './list-reader';
import { parseXml } from './xml';

export const NetvisorCredentials = z.object({
  baseUrl: z.string().url(),
  customerId: z.string().min(1),
  customerKey: z.string().min(1),
  partnerId: z.string().min(1),
  partnerKey: z.string().min(1),
  /** The target company's business id (Y-tunnus). */
  organisationId: z.string().min(1),
  language: z.enum(['FI', 'EN', 'SE']),
});
export type NetvisorCredentials = z.infer<typeof NetvisorCredentials>;

export interface NetvisorClientOptions {
  /** Netvisor recommends 120–360 s; the default is the lower end. */
  timeoutMs?: number;
  /** Integration name shown to Netvisor support. ASCII only: non-ASCII behaviour in the MAC is unverified. */
  sender?: string;
  /** Product group for products added without one (productgroup is compulsory on product.nv add). */
  defaultProductGroup?: string;
}

/** Query parameters, written in this order; undefined values are left out. */
export type Query = Array<[string, string | number | undefined]>;

// Netvisor asks for one request in flight per environment (docs/wire/netvisor.md#transport): every client instance in the process,
// and every worker process when cluster-wide limits are on, waits for its turn (connectors/kit/limiter.ts).

/** Auth, transport and error classification for one Netvisor environment. The only code that touches HTTP. */
export class NetvisorConnection {
  readonly credentials: NetvisorCredentials;
  private readonly transport: HttpTransport;
  private readonly identity: SigningIdentity;
  private readonly key: string;
  private readonly timeoutMs: number;

  constructor(credentials: NetvisorCredentials, options: NetvisorClientOptions = {}, transport?: HttpTransport) {
    this.credentials = NetvisorCredentials.parse(credentials);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.transport = transport ?? createHttpTransport(SYSTEM, this.credentials.baseUrl, this.timeoutMs);
    this.identity = { ...this.credentials, sender: options.sender ?? 'Siirto' };
    this.key = `${this.credentials.baseUrl.replace(/\/+$/, '').toLowerCase()}|${this.credentials.customerId}|${this.credentials.organisationId}`;
  }

  /** The exact URL that is both requested and signed (docs/wire/netvisor.md#authentication: they must be byte-identical). */
  url(resource: string, query: Query = []): string {
    const q = query
      .filter((p): p is [string, string | number] => p[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');
    return `${this.credentials.baseUrl.replace(/\/+$/, '')}/${resource}${q ? `?${q}` : ''}`;
  }

  async get(resource: string, query: Query = []): Promise<Record<string, unknown>> {
    return (await this.send('GET', resource, query)).root;
  }

  /** A read whose reply headers matter too (getvendor.nv's X-Netvisor-Pagination-*). */
  getWithHeaders(resource: string, query: Query = []): Promise<{ root: Record<string, unknown>; headers: HttpResponse['headers'] }> {
    return this.send('GET', resource, query);
  }

  async post(resource: string, query: Query, body: string): Promise<Record<string, unknown>> {
    return (await this.send('POST', resource, query, body)).root;
  }

  /**
   * A whole-register list read lean (list-reader.ts): per `<row>` under `<Root><list>`, only the text of `fields`.
   * For replies too big to hold as an object tree (productlist.nv, customerlist.nv). A reply that is not a clean OK
   * list is classified exactly as get() would (the full parser, envelope, error mapping).
   */
  async getRows(resource: string, query: Query, list: string, row: string, fields: readonly string[]): Promise<ListRows> {
    const res = await this.request('GET', resource, query);
    if (res.status < 400) {
      const call = currentCall();
      const read = await readListRows(res.body, list, row, fields, () => call.heartbeat());
      if (read) return read;
    }
    this.interpret(resource, res);
    // interpret() accepted a reply the lean reader could not read: refuse it rather than guess.
    throw new ConnectorError(SYSTEM, 'validation', `Unexpected Netvisor response from ${resource}: not a <${list}> list of <${row}>`, {
      resource,
      code: 'UNEXPECTED_RESPONSE',
    });
  }

  /** Returns the contents of <Root> (lower-cased names) after the envelope said OK, with the reply headers. */
  private async send(method: 'GET' | 'POST', resource: string, query: Query, body?: string): Promise<{ root: Record<string, unknown>; headers: HttpResponse['headers'] }> {
    return this.interpret(resource, await this.request(method, resource, query, body));
  }

  private request(method: 'GET' | 'POST', resource: string, query: Query, body?: string): Promise<HttpResponse> {
    const url = this.url(resource, query);
    return oneAtATime(SYSTEM, this.key, () =>
      // Headers are signed inside the queue so the timestamp is fresh and every attempt has its own transaction id.
      this.transport.request({
        method,
        url,
        headers: { ...signedHeaders(url, this.identity), ...(body === undefined ? {} : { 'Content-Type': 'text/xml; charset=utf-8' }) },
        body,
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  /** Envelope and error classification of one reply. */
  private interpret(resource: string, res: HttpResponse): { root: Record<string, unknown>; headers: HttpResponse['headers'] } {
    let tree: Record<string, unknown> | undefined;
    try {
      tree = parseXml(res.body);
    } catch {
      tree = undefined;
    }
    const env = tree ? envelope.safeParse(tree) : undefined;
    if (!env?.success) {
      if (res.status >= 400) throw statusToError(res.status, resource, res.headers);
      throw new ConnectorError(SYSTEM, 'validation', `Unexpected Netvisor response from ${resource}: not a Netvisor XML reply`, {
        resource,
        code: 'UNEXPECTED_RESPONSE',
      });
    }
    const failure = parseFailureStatus(env.data.root.responsestatus.status);
    if (failure) throw failureToError(failure, resource, res.status, res.headers);
    if (env.data.root.responsestatus.status[0]?.toUpperCase() !== 'OK') {
      throw new ConnectorError(SYSTEM, 'validation', `Unexpected Netvisor status from ${resource}: ${env.data.root.responsestatus.status.join(' ')}`, {
        resource,
        code: 'UNEXPECTED_RESPONSE',
      });
    }
    if (res.status >= 400) throw statusToError(res.status, resource, res.headers);
    return { root: (tree as { root: Record<string, unknown> }).root, headers: res.headers };
  }

  /** Validates a payload with zod, reporting the resource on failure. */
  parse<S extends z.ZodType>(resource: string, schema: S, root: unknown): z.infer<S> {
    return parseResponse(SYSTEM, resource, schema, root);
  }
}
