import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SandboxContext, SandboxDefinition, WireReply } from '../kit/server';
import { verify, type SandboxCredentials } from './auth';
import { BODYLESS_POSTS, matchCreditNote, sendUnsent, updateSalesInvoiceStatus } from './credit-notes';
import { customerImport, customerList, getCustomer } from './customers';
import { ProcessingTimeBody, OverlapGuard, overlapFailure } from './overlap';
import { getProduct, productImport, productList } from './products';
import { dimensionItemImport, dimensionList, getVendor, inventoryByWarehouse, vendorImport } from './registers';
import { getSalesDocument, salesInvoiceImport, salesInvoiceList, salesPaymentImport, salesPaymentList } from './sales';
import { seedNetvisor } from './seed';
import type { Handler, NvRequest, SandboxSwitches } from './types';
import { NetvisorFailure, failedDocument, okDocument, parseBody } from './wire';

/**
 * Netvisor sandbox: the XML API at `<url>/<resource>.nv` (resource names case-insensitive), with HMACSHA256 auth,
 * the Root/ResponseStatus envelope and the response casing of the documented fixtures.
 *
 * Default credentials (the README repeats them):
 *   customer id   SIIRTO-SANDBOX        customer key  sandbox-customer-key
 *   partner id    SIIRTO_SANDBOX        partner key   sandbox-partner-key
 *   organisation  1234567-1             language      FI
 *
 * Extra control endpoints besides the kit's:
 *   POST /__sandbox/netvisor/permissions  {"denied": ["salesinvoice.nv", ...]}  → SERVICE_ACCESS_ERROR on those resources
 *   POST /__sandbox/netvisor/period-lock  {"lockedUntil": "YYYY-MM-DD" | null} → PERIOD_LOCK for invoice/payment dates up to it
 *   POST /__sandbox/netvisor/processing-time {"ms": 40} → every API call is processed that long (overlaps get room to show)
 *   POST /__sandbox/netvisor/send-unsent {"netvisorKeys"?: [12, ...]} → Netvisor sends those (or all) unsent invoices: status open
 * GET /__sandbox/stats adds `overlap: {maxInFlight, refused, inFlight, processingMs}` (overlap.ts): a call arriving
 * while another one for the same environment is in flight is refused, as Netvisor warns.
 *
 * HTTP status codes (docs/wire/netvisor.md, "HTTP status codes"): 200 unless the request carries
 * X-Netvisor-Authentication-UseHTTPResponseStatusCodes: 1; with it, the codes Netvisor announced — 400 invalid data,
 * 401 authentication failed, 403 service access error, 500 internal error — and the same XML envelope as the body.
 * Categories the announcement does not place (REQUEST_NOT_UNIQUE, SYSTEM_MAINTENANCE, an unknown resource) and the
 * reply to an injected rate-limit fault are open points: docs/wire/open-points.md, rows "Netvisor".
 */
export const SANDBOX_CREDENTIALS: SandboxCredentials & { language: 'FI' } = {
  customerId: 'SIIRTO-SANDBOX',
  customerKey: 'sandbox-customer-key',
  partnerId: 'SIIRTO_SANDBOX',
  partnerKey: 'sandbox-partner-key',
  organisationId: '1234567-1',
  language: 'FI',
};

const COLLECTIONS = ['customers', 'products', 'salesInvoices', 'salesPayments', 'dimensions', 'vendors', 'inventory'] as const;

/** Category → HTTP status with UseHTTPResponseStatusCodes: 1. Only 200/400/401/403/500 are announced by Netvisor. */
export const HTTP_STATUS: Record<string, number> = {
  AUTHENTICATION_FAILED: 401,
  SERVICE_ACCESS_ERROR: 403,
  INVALID_DATA: 400,
  INVALID_DATA_SIZE: 400,
  DUPLICATE_DATA: 400,
  PERIOD_LOCK: 400,
  // Open point: the transaction id is part of the request, so "invalid request" rather than "authentication".
  REQUEST_NOT_UNIQUE: 400,
  // Open point: 500 is the only server-side code announced.
  SYSTEM_MAINTENANCE: 500,
  TECHNICAL_ERROR: 500,
};

// Open point (docs/wire/open-points.md): Netvisor documents no Content-Type for its replies; the body declares
// utf-8 in its XML declaration, and the label is the one public mock's (VRTFinland/netvisor-mock).
const CONTENT_TYPE = 'text/html; charset=utf-8';
const NOT_FOUND_PAGE = '<html><body><h1>404 - File or directory not found.</h1></body></html>';

type RouteHandler = (req: NvRequest, setHeader: (name: string, value: string) => void) => string;
const simple = (h: Handler): RouteHandler => (req) => h(req);

const GET_ROUTES: Record<string, RouteHandler> = {
  'customerlist.nv': simple(customerList),
  'getcustomer.nv': simple(getCustomer),
  'productlist.nv': simple(productList),
  'getproduct.nv': simple(getProduct),
  'salesinvoicelist.nv': simple(salesInvoiceList),
  'getsalesinvoice.nv': simple(getSalesDocument('invoice')),
  'getorder.nv': simple(getSalesDocument('order')),
  'salespaymentlist.nv': simple(salesPaymentList),
  'dimensionlist.nv': simple(dimensionList),
  'getvendor.nv': getVendor,
  'inventorybywarehouse.nv': simple(inventoryByWarehouse),
};

const POST_ROUTES: Record<string, RouteHandler> = {
  'customer.nv': simple(customerImport),
  'product.nv': simple(productImport),
  'salesinvoice.nv': simple(salesInvoiceImport),
  'salespayment.nv': simple(salesPaymentImport),
  'matchcreditnote.nv': simple(matchCreditNote),
  'updatesalesinvoicestatus.nv': simple(updateSalesInvoiceStatus),
  'dimensionitem.nv': simple(dimensionItemImport),
  'vendor.nv': simple(vendorImport),
};

const PermissionsBody = z.object({ denied: z.array(z.string().min(1)) });
const SendUnsentBody = z.object({ netvisorKeys: z.array(z.number().int().positive()).optional() });
const PeriodLockBody = z.object({ lockedUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable() });

function json(request: FastifyRequest): unknown {
  const raw = request.body as Buffer | undefined;
  try {
    return raw && raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    return undefined;
  }
}

/** The customer environment a call is for: the API user × the company (headers, before they are verified). */
function environmentOf(request: FastifyRequest): string {
  const h = (name: string) => String(request.headers[name] ?? '').toLowerCase();
  return `${h('x-netvisor-authentication-customerid')}|${h('x-netvisor-organisation-id')}`;
}

function parseQuery(rawUrl: string): Record<string, string> {
  const q = rawUrl.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k.toLowerCase()] = v;
  return out;
}

export function createDefinition(): SandboxDefinition {
  const switches: SandboxSwitches = { denied: new Set(), lockedUntil: null };
  // Transaction ids are remembered for the life of the process, like Netvisor's "must change on every request".
  const usedTransactionIds = new Set<string>();
  const overlap = new OverlapGuard();

  const handle = async (ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply) => {
    const rawUrl = request.raw.url ?? '/';
    const path = rawUrl.split('?')[0];
    const resource = decodeURIComponent(path.replace(/^\/+/, '')).toLowerCase();
    const routes = request.method === 'POST' ? POST_ROUTES : request.method === 'GET' ? GET_ROUTES : {};
    const route = routes[resource];
    let useCodes = request.headers['x-netvisor-authentication-usehttpresponsestatuscodes'] === '1';
    if (!route) {
      // Netvisor answers 200 to everything unless asked for real codes, "even for a resource that does not exist"
      // (docs/wire/netvisor.md, "HTTP status codes"); with the header a missing resource is a 404. The body is an
      // open point (TAWASTA relies on the status only).
      return reply.code(useCodes ? 404 : 200).type(CONTENT_TYPE).send(NOT_FOUND_PAGE);
    }
    const extraHeaders: Record<string, string> = {};
    // In flight from here until the reply is sent; nothing else runs between `send` and `leave` (one event loop).
    const turn = overlap.enter(environmentOf(request));
    try {
      if (turn.overlapping) throw overlapFailure();
      if (overlap.processingMs > 0) await new Promise((r) => setTimeout(r, overlap.processingMs));
      const who = verify(request, SANDBOX_CREDENTIALS);
      useCodes = who.useHttpStatusCodes;
      const txKey = `${who.partnerId}|${who.customerId}|${who.transactionId}`;
      if (usedTransactionIds.has(txKey)) {
        throw new NetvisorFailure('REQUEST_NOT_UNIQUE', 'Transaction id has already been used. The transaction id must be unique for every request.');
      }
      usedTransactionIds.add(txKey);
      if (switches.denied.has(resource)) {
        throw new NetvisorFailure('SERVICE_ACCESS_ERROR', `The user does not have the right to use the resource ${resource}`);
      }
      const req: NvRequest = {
        method: request.method,
        resource,
        query: parseQuery(rawUrl),
        body: request.method === 'POST' && !BODYLESS_POSTS.has(resource) ? parseBody(request.body as Buffer | undefined) : undefined,
        baseUrl: `http://${request.headers.host ?? ''}`,
        store: ctx.store,
        switches,
        now: new Date(),
      };
      const payload = route(req, (name, value) => {
        extraHeaders[name] = value;
      });
      return reply.code(200).headers(extraHeaders).type(CONTENT_TYPE).send(okDocument(payload));
    } catch (err) {
      if (!(err instanceof NetvisorFailure)) throw err;
      const status = useCodes ? (HTTP_STATUS[err.category] ?? 400) : 200;
      return reply.code(status).type(CONTENT_TYPE).send(failedDocument(err));
    } finally {
      turn.leave();
    }
  };

  return {
    system: 'netvisor',
    collections: COLLECTIONS,
    routes(app, ctx) {
      app.post('/__sandbox/netvisor/permissions', async (request, reply) => {
        const parsed = PermissionsBody.safeParse(json(request));
        if (!parsed.success) return reply.code(400).send({ error: 'body must be {"denied": ["resource.nv", ...]}' });
        switches.denied = new Set(parsed.data.denied.map((r) => r.toLowerCase()));
        return { ok: true, denied: [...switches.denied] };
      });
      app.post('/__sandbox/netvisor/period-lock', async (request, reply) => {
        const parsed = PeriodLockBody.safeParse(json(request));
        if (!parsed.success) return reply.code(400).send({ error: 'body must be {"lockedUntil": "YYYY-MM-DD" | null}' });
        switches.lockedUntil = parsed.data.lockedUntil;
        return { ok: true, lockedUntil: switches.lockedUntil };
      });
      app.post('/__sandbox/netvisor/processing-time', async (request, reply) => {
        const parsed = ProcessingTimeBody.safeParse(json(request));
        if (!parsed.success) return reply.code(400).send({ error: 'body must be {"ms": <milliseconds from 0 to 60000>}' });
        overlap.processingMs = parsed.data.ms;
        return { ok: true, processingMs: overlap.processingMs };
      });
      app.post('/__sandbox/netvisor/send-unsent', async (request, reply) => {
        const parsed = SendUnsentBody.safeParse(json(request));
        if (!parsed.success) return reply.code(400).send({ error: 'body must be {} or {"netvisorKeys": [<NetvisorKey>, ...]}' });
        return { ok: true, sent: sendUnsent(ctx.store, parsed.data.netvisorKeys, new Date()) };
      });
      app.get('/__sandbox/netvisor/switches', async () => ({ denied: [...switches.denied], lockedUntil: switches.lockedUntil }));
      app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: '/*', handler: (request, reply) => handle(ctx, request, reply) });
    },
    stats: () => ({ overlap: overlap.stats() }),
    resetStats: () => overlap.resetStats(),
    seed(ctx, seed, counts) {
      switches.denied = new Set();
      switches.lockedUntil = null;
      overlap.processingMs = 0;
      seedNetvisor(ctx.store, seed, counts);
    },
    faultReply(kind, retryAfterSeconds, request): WireReply {
      if (kind === 'rate-limit') {
        // Netvisor documents no rate limit, no 429 and no category for one (docs/wire/open-points.md). An injected
        // throttle is therefore what an HTTP front door sends: a plain 429 with Retry-After and no Netvisor envelope,
        // rather than a made-up category inside the envelope.
        return {
          status: 429,
          contentType: 'text/plain; charset=utf-8',
          headers: { 'Retry-After': String(retryAfterSeconds) },
          body: 'Too Many Requests',
        };
      }
      // A server-side failure is still HTTP 200 unless the call asked for real status codes
      // (docs/wire/netvisor.md#http-status-codes).
      const useCodes = request?.headers['x-netvisor-authentication-usehttpresponsestatuscodes'] === '1';
      return {
        status: useCodes ? 500 : 200,
        contentType: CONTENT_TYPE,
        body: failedDocument(new NetvisorFailure('TECHNICAL_ERROR', 'A technical error occurred while processing the request. Try again later.')),
      };
    },
  };
}
