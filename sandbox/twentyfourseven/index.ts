import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext, SandboxDefinition, WireReply } from '../kit/server';
import { authenticate, AUTH_OPERATIONS, requireSession } from './auth';
import { companyService, COMPANY_OPERATIONS, syncPageSize } from './companies';
import { invoiceService, INVOICE_OPERATIONS } from './invoices';
import { productService, PRODUCT_OPERATIONS } from './products';
import { seedClients } from './seed';
import type { SessionRecord } from './state';
import { wsdlFor } from './wsdl';
import { bodyOperation, faultEnvelope, NS, operationResponse, parseXml, SoapFault, type XNode } from './xml';

/**
 * 24SevenOffice SOAP sandbox (V001 ASMX services, SOAP 1.1 document/literal) under the real hosts' paths:
 *   <url>/authenticate/v001/authenticate.asmx, <url>/CRM/Company/V001/CompanyService.asmx,
 *   <url>/Logistics/Product/V001/ProductService.asmx, <url>/Economy/InvoiceOrder/V001/InvoiceService.asmx
 *
 * Default credentials (Login's credential element):
 *   ApplicationId 00000000-0000-0000-0000-000000000024, Username sandbox@siirto.test, Password sandbox.
 *   That login sees two identities (companies): "Siirto Demo AS" (default) and "Siirto Demo Oy"; data lives per company.
 *   single@siirto.test / sandbox sees only "Siirto Demo AS".
 *
 * Limits: 7,200 requests per hour per caller IP; beyond it every call is a SOAP fault with the quarantine text until
 * the hour is over (scale with POST /__sandbox/limits {"perHour": n}).
 * Extra control endpoints: POST /__sandbox/sessions/expire drops every session (as an idle timeout would);
 * POST /__sandbox/paging {"syncPageSize": n} scales GetCompanySyncList's 1000 items per page.
 * `GET <service>.asmx?WSDL` answers the service's WSDL for the operations the sandbox implements
 * (sandbox/twentyfourseven/wsdl.ts); a plain GET answers a short HTML page naming them, as ASMX's help page does.
 * Not emulated: SOAP 1.2, login throttling, the APILimit* headers.
 */
type Handler = (ctx: SandboxContext, session: SessionRecord, op: string, node: XNode) => string;

const SERVICES: Record<string, { operations: string[]; handler?: Handler }> = {
  '/authenticate/v001/authenticate.asmx': { operations: AUTH_OPERATIONS },
  '/crm/company/v001/companyservice.asmx': { operations: COMPANY_OPERATIONS, handler: companyService },
  '/logistics/product/v001/productservice.asmx': { operations: PRODUCT_OPERATIONS, handler: productService },
  '/economy/invoiceorder/v001/invoiceservice.asmx': { operations: INVOICE_OPERATIONS, handler: invoiceService },
};

const XML = 'text/xml; charset=utf-8';
const HOUR = 3_600_000;

interface CounterRecord extends Record<string, unknown> {
  hourStart: string;
  requests: number;
  blocked: number;
  quarantineEndsAt?: string;
}

function counter(ctx: SandboxContext): CounterRecord {
  const hourStart = new Date(Date.now() - (Date.now() % HOUR)).toISOString();
  return (
    ctx.store.find<CounterRecord>('requestCounter', (r) => r.hourStart === hourStart) ??
    ctx.store.insert<CounterRecord>('requestCounter', { hourStart, requests: 0, blocked: 0 })
  );
}

const sendFault = (reply: FastifyReply, fault: SoapFault) => reply.code(fault.status).type(XML).send(faultEnvelope(fault.code, fault.message));

function handle(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0].toLowerCase();
  const service = SERVICES[path];
  if (!service) return reply.code(404).type('text/html').send('<html><body><h2>404 - File or directory not found.</h2></body></html>');
  if (!String(request.headers['content-type'] ?? '').toLowerCase().startsWith('text/xml')) {
    return reply.code(415).type('text/html').send('<html><body>Unsupported Media Type</body></html>');
  }
  counter(ctx).requests++;
  try {
    const action = String(request.headers.soapaction ?? '').replace(/^"|"$/g, '');
    if (!action) throw new SoapFault('soap:Client', 'Unable to handle request without a valid action parameter. Please supply a valid soap action.');
    const op = action.startsWith(`${NS}/`) ? action.slice(NS.length + 1) : '';
    if (!service.operations.includes(op)) throw new SoapFault('soap:Client', `System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: ${action}.`);
    const node = bodyOperation(parseXml((request.body as Buffer | undefined)?.toString('utf8') ?? ''));
    if (node.local !== op || node.ns !== NS) {
      throw new SoapFault('soap:Client', `Server was unable to read request. ---> There is an error in XML document. ---> <${node.local} xmlns='${node.ns}'> was not expected.`);
    }
    const cookie = request.headers.cookie;
    if (!service.handler) {
      const r = authenticate(ctx, op, node, cookie);
      if (r.setCookie) reply.header('set-cookie', r.setCookie);
      return reply.code(200).type(XML).send(operationResponse(op, r.inner));
    }
    const session = requireSession(ctx, cookie);
    return reply.code(200).type(XML).send(operationResponse(op, service.handler(ctx, session, op, node)));
  } catch (err) {
    if (err instanceof SoapFault) return sendFault(reply, err);
    return sendFault(reply, new SoapFault('soap:Server', `System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> ${(err as Error).message}`));
  }
}

export function createDefinition(): SandboxDefinition {
  let context: SandboxContext | undefined;
  return {
    system: '24so',
    collections: ['identities', 'sessions', 'companies', 'categories', 'products', 'invoices', 'requestCounter'],
    routes(app, ctx) {
      context = ctx;
      app.post('/__sandbox/sessions/expire', async () => ({ ok: true, expired: ctx.store.remove('sessions', () => true) }));
      app.post('/__sandbox/paging', async (request, reply) => {
        const raw = (request.body as Buffer | undefined)?.toString('utf8') || '{}';
        const size = (JSON.parse(raw) as { syncPageSize?: unknown }).syncPageSize;
        if (!Number.isInteger(size) || (size as number) < 1) return reply.code(400).send({ error: 'give syncPageSize, a positive integer' });
        syncPageSize.set(ctx, size as number);
        return { ok: true, syncPageSize: size };
      });
      app.post('/*', async (request, reply) => handle(ctx, request, reply));
      app.get('/*', async (request, reply) => {
        const [rawPath, query = ''] = request.url.split('?');
        const path = rawPath.toLowerCase();
        const service = SERVICES[path];
        if (!service) return reply.code(404).type('text/html').send('<html><body><h2>404 - File or directory not found.</h2></body></html>');
        if (query.toLowerCase() === 'wsdl') {
          const host = request.headers.host ?? new URL(ctx.url).host;
          return reply.code(200).type(XML).send(wsdlFor(path, `http://${host}${rawPath}`));
        }
        const items = service.operations.map((op) => `<li>${op}</li>`).join('');
        return reply.code(200).type('text/html; charset=utf-8').send(`<html><body><p>The following operations are supported. For a formal definition, please review the <a href="${rawPath}?WSDL">Service Description</a>.</p><ul>${items}</ul></body></html>`);
      });
    },
    seed(ctx, seed, counts) {
      seedClients(ctx, seed, counts);
    },
    faultReply(kind, retryAfterSeconds): WireReply {
      if (kind === 'server-error') {
        return { status: 500, contentType: XML, body: faultEnvelope('soap:Server', 'System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> System.Data.SqlClient.SqlException: Timeout expired.') };
      }
      // 24SO has no 429: the limit shows as a fault until the quarantine ends. Text per the FAQ; the timestamp format is an open point (docs/wire/open-points.md).
      // The kit rounds the wait up to whole seconds; flooring lands back on the window's end (the full hour).
      const endsAt = new Date(Math.floor((Date.now() + retryAfterSeconds * 1000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      let blocked = 1;
      if (context) {
        const c = counter(context);
        blocked = ++c.blocked;
        c.quarantineEndsAt = endsAt;
      }
      return {
        status: 500,
        contentType: XML,
        // The faultstring is the FAQ's sentence as it stands (docs/wire/twentyfourseven.md, "Rate limit").
        body: faultEnvelope('soap:Server', `Limit exceeded by ${blocked}. Request is blocked. Quarantine ends at ${endsAt}`),
      };
    },
    rateLimit: {
      window: { limit: 7200, windowMs: HOUR },
      key: (request) => (request.url.startsWith('/__sandbox/') ? null : request.ip),
    },
  };
}
