import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebhookPolicy } from '../kit/webhooks';
import type { SandboxContext, SandboxDefinition, WireReply } from '../kit/server';
import { deliverOrderTopic, renderWebhook, sendPing, VALID_TOPIC, type WooWebhookRecord } from './hooks';
import { OrderInputError, priceOrder, type PricingInput, type WooProduct } from './orders';
import { seedShop } from './seed';
import { productFilter, renderProduct, stockRoutes, STOCK_COLLECTIONS } from './stock';
import { authenticate, gmtDate, invalidParam, jsonBody, pageParams, sendPage, siteDate, wooError, type ApiKey } from './wire';

const BASE = '/wp-json/wc/v3';
const STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash'];

export type WooOrderRecord = Record<string, unknown> & { id: number; status: string; date_created_gmt: string; date_modified_gmt: string };

export interface OrderBody extends PricingInput {
  status?: string;
  currency?: string;
  set_paid?: boolean;
  payment_method?: string;
  payment_method_title?: string;
  transaction_id?: string;
  customer_note?: string;
  customer_id?: number;
  billing?: Record<string, string>;
  shipping?: Record<string, string>;
  meta_data?: Array<{ key: string; value: unknown }>;
}

const EMPTY_ADDRESS = { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' };

/** Builds a stored order as GET /orders/{id} shows it (docs/wire/woocommerce.md, "Orders"). */
export function buildOrder(ctx: SandboxContext, body: OrderBody, at: Date): WooOrderRecord {
  const products = ctx.store.list<WooProduct>('products');
  const priced = priceOrder(body, products, siteDate(at), () => ctx.store.nextId('order_item', 101));
  const id = ctx.store.nextId('order', 1001);
  const paid = body.set_paid === true;
  const status = body.status ?? (paid ? 'processing' : 'pending');
  const metaId = () => ctx.store.nextId('meta', 5001);
  return {
    id,
    parent_id: 0,
    number: String(id),
    order_key: `wc_order_${createHash('sha1').update(String(id)).digest('hex').slice(0, 13)}`,
    created_via: 'rest-api',
    version: '8.9.1',
    status,
    currency: body.currency ?? 'EUR',
    date_created: siteDate(at),
    date_created_gmt: gmtDate(at),
    date_modified: siteDate(at),
    date_modified_gmt: gmtDate(at),
    ...priced,
    prices_include_tax: true,
    customer_id: body.customer_id ?? 0,
    customer_ip_address: '',
    customer_user_agent: '',
    customer_note: body.customer_note ?? '',
    billing: { ...EMPTY_ADDRESS, email: '', phone: '', ...(body.billing ?? {}) },
    shipping: { ...EMPTY_ADDRESS, phone: '', ...(body.shipping ?? {}) },
    payment_method: body.payment_method ?? '',
    payment_method_title: body.payment_method_title ?? '',
    transaction_id: body.transaction_id ?? '',
    date_paid: paid ? siteDate(at) : null,
    date_paid_gmt: paid ? gmtDate(at) : null,
    date_completed: null,
    date_completed_gmt: null,
    cart_hash: '',
    meta_data: (body.meta_data ?? []).map((m) => ({ id: metaId(), key: m.key, value: m.value })),
    refunds: [],
    is_editable: status === 'pending' || status === 'on-hold',
    needs_payment: !paid && status === 'pending',
    needs_processing: true,
  };
}

/** Orders are stored without links: the seed runs before the sandbox knows its URL. */
function withLinks(ctx: SandboxContext, o: WooOrderRecord): WooOrderRecord {
  const links: Record<string, Array<{ href: string }>> = {
    self: [{ href: `${ctx.url}${BASE}/orders/${o.id}` }],
    collection: [{ href: `${ctx.url}${BASE}/orders` }],
  };
  if (o.customer_id) links.customer = [{ href: `${ctx.url}${BASE}/customers/${String(o.customer_id)}` }];
  return { ...o, payment_url: `${ctx.url}/checkout/order-pay/${o.id}/?pay_for_order=true&key=${String(o.order_key)}`, _links: links };
}

function badStatus(reply: FastifyReply, status: unknown): boolean {
  if (status === undefined || (typeof status === 'string' && STATUSES.includes(status))) return false;
  invalidParam(reply, 'status', `status is not one of ${STATUSES.join(', ')}.`);
  return true;
}

function orderInputError(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof OrderInputError)) throw err;
  if (err.code === 'rest_invalid_param' && err.param) return invalidParam(reply, err.param, err.message);
  return wooError(reply, 400, err.code, err.message);
}

/** modified_after/before and after/before are exclusive; with dates_are_gmt they compare against GMT columns. */
function dateFilter(q: Record<string, string | undefined>, reply: FastifyReply): ((o: WooOrderRecord) => boolean) | null {
  const gmt = q.dates_are_gmt === 'true' || q.dates_are_gmt === '1';
  const checks: Array<(o: WooOrderRecord) => boolean> = [];
  for (const [param, column, after] of [
    ['modified_after', 'modified', true],
    ['modified_before', 'modified', false],
    ['after', 'created', true],
    ['before', 'created', false],
  ] as const) {
    const raw = q[param];
    if (raw === undefined) continue;
    if (Number.isNaN(Date.parse(raw))) {
      invalidParam(reply, param, 'Invalid date.'); // sentence: docs/wire/open-points.md
      return null;
    }
    const bare = raw.replace(/(Z|[+-]\d{2}:?\d{2})$/, '').slice(0, 19);
    const key = gmt ? `date_${column}_gmt` : `date_${column}`;
    // Local and GMT columns are both offset-free ISO strings, so they compare as strings.
    checks.push((o) => (after ? String(o[key]) > bare : String(o[key]) < bare));
  }
  return (o) => checks.every((c) => c(o));
}

function listOrders(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply) {
  if (!authenticate(ctx, request, reply, 'list')) return reply;
  const paging = pageParams(request, reply);
  if (!paging) return reply;
  const q = request.query as Record<string, string | undefined>;
  const filter = dateFilter(q, reply);
  if (!filter) return reply;
  const rawStatus = q.status ?? q['status[]'];
  const wanted = rawStatus === undefined ? ['any'] : String(rawStatus).split(',');
  for (const s of wanted) if (s !== 'any' && !STATUSES.includes(s)) return invalidParam(reply, 'status', `status[0] is not one of any, ${STATUSES.join(', ')}.`);
  const orderby = q.orderby ?? 'date';
  if (!['date', 'id', 'modified', 'include', 'title', 'slug'].includes(orderby)) {
    return invalidParam(reply, 'orderby', 'orderby is not one of date, id, include, title, slug, modified.');
  }
  const direction = q.order === 'asc' ? 1 : -1;
  const key = orderby === 'modified' ? 'date_modified_gmt' : orderby === 'id' ? 'id' : 'date_created_gmt';
  const orders = ctx.store
    .list<WooOrderRecord>('orders')
    .filter((o) => (wanted.includes('any') ? o.status !== 'trash' : wanted.includes(o.status)))
    .filter(filter)
    .sort((a, b) => {
      const ka = a[key] as string | number;
      const kb = b[key] as string | number;
      // WooCommerce appends "ID" as a tie-breaker so that pages are stable (docs/wire/woocommerce.md, "Paging").
      return (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id) * direction;
    });
  return sendPage(ctx, request, reply, orders, paging.page, paging.perPage, (o) => withLinks(ctx, o));
}

function orderRoutes(app: FastifyInstance, ctx: SandboxContext) {
  const find = (id: string) => ctx.store.find<WooOrderRecord>('orders', (o) => String(o.id) === id);
  app.get(`${BASE}/orders`, (request, reply) => listOrders(ctx, request, reply));
  app.get<{ Params: { id: string } }>(`${BASE}/orders/:id`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'view')) return reply;
    const order = find(request.params.id);
    if (!order) return wooError(reply, 404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return reply.type('application/json; charset=UTF-8').send(JSON.stringify(withLinks(ctx, order)));
  });
  app.post(`${BASE}/orders`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'create')) return reply;
    const body = jsonBody(request) as OrderBody | undefined;
    if (body === undefined || typeof body !== 'object' || body === null) return wooError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    if (badStatus(reply, body.status)) return reply;
    let order: WooOrderRecord;
    try {
      order = buildOrder(ctx, body, new Date());
    } catch (err) {
      return orderInputError(reply, err);
    }
    ctx.store.insert('orders', order);
    deliverOrderTopic(ctx, 'order.created', withLinks(ctx, order));
    return reply.code(201).type('application/json; charset=UTF-8').send(JSON.stringify(withLinks(ctx, order)));
  });
  app.put<{ Params: { id: string } }>(`${BASE}/orders/:id`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'edit')) return reply;
    const body = jsonBody(request) as OrderBody | undefined;
    if (body === undefined || typeof body !== 'object' || body === null) return wooError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    const order = find(request.params.id);
    if (!order) return wooError(reply, 400, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    if (badStatus(reply, body.status)) return reply;
    // Line edits are not emulated: the demo and Siirto only change status, payment and addresses (docs/wire/open-points.md).
    const now = new Date();
    for (const k of ['status', 'customer_note', 'transaction_id', 'payment_method', 'payment_method_title'] as const) {
      if (body[k] !== undefined) order[k] = body[k];
    }
    if (body.billing) order.billing = { ...(order.billing as object), ...body.billing };
    if (body.shipping) order.shipping = { ...(order.shipping as object), ...body.shipping };
    if (body.meta_data) {
      const meta = order.meta_data as Array<{ id: number; key: string; value: unknown }>;
      for (const m of body.meta_data) {
        const existing = meta.find((x) => x.key === m.key);
        if (existing) existing.value = m.value;
        else meta.push({ id: ctx.store.nextId('meta', 5001), key: m.key, value: m.value });
      }
    }
    if (body.set_paid && !order.date_paid) {
      order.date_paid = siteDate(now);
      order.date_paid_gmt = gmtDate(now);
      order.needs_payment = false;
      if (body.status === undefined && order.status === 'pending') order.status = 'processing';
    }
    order.date_modified = siteDate(now);
    order.date_modified_gmt = gmtDate(now);
    deliverOrderTopic(ctx, 'order.updated', withLinks(ctx, order));
    return reply.type('application/json; charset=UTF-8').send(JSON.stringify(withLinks(ctx, order)));
  });
}

interface WebhookBody {
  name?: string;
  status?: string;
  topic?: string;
  delivery_url?: string;
  secret?: string;
}

function webhookRoutes(app: FastifyInstance, ctx: SandboxContext) {
  const find = (id: string) => ctx.store.find<WooWebhookRecord>('webhooks', (w) => String(w.id) === id);
  const json = (reply: FastifyReply, status: number, value: unknown) => reply.code(status).type('application/json; charset=UTF-8').send(JSON.stringify(value));
  const checkFields = (reply: FastifyReply, body: WebhookBody, creating: boolean): boolean => {
    if ((creating || body.topic !== undefined) && (typeof body.topic !== 'string' || !VALID_TOPIC.test(body.topic))) {
      wooError(reply, 400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
      return false;
    }
    if ((creating || body.delivery_url !== undefined) && (typeof body.delivery_url !== 'string' || !/^https?:\/\/.+/.test(body.delivery_url))) {
      wooError(reply, 400, 'woocommerce_rest_webhook_invalid_delivery_url', 'Webhook delivery URL must be a valid URL starting with http:// or https://.');
      return false;
    }
    if (body.status !== undefined && !['active', 'paused', 'disabled'].includes(body.status)) {
      invalidParam(reply, 'status', 'status is not one of active, paused, and disabled.');
      return false;
    }
    return true;
  };

  app.get(`${BASE}/webhooks`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'list')) return reply;
    const paging = pageParams(request, reply);
    if (!paging) return reply;
    const status = (request.query as Record<string, string | undefined>).status ?? 'all';
    const hooks = ctx.store.list<WooWebhookRecord>('webhooks').filter((w) => status === 'all' || w.status === status);
    return sendPage(ctx, request, reply, hooks, paging.page, paging.perPage, (w) => renderWebhook(ctx, w));
  });
  app.get<{ Params: { id: string } }>(`${BASE}/webhooks/:id`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'view')) return reply;
    const hook = find(request.params.id);
    if (!hook) return wooError(reply, 404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    return json(reply, 200, renderWebhook(ctx, hook));
  });
  app.post(`${BASE}/webhooks`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'create')) return reply;
    const body = jsonBody(request) as WebhookBody | undefined;
    if (body === undefined || typeof body !== 'object' || body === null) return wooError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    if (!checkFields(reply, body, true)) return reply;
    const now = new Date().toISOString();
    // The secret defaults to the API user's consumer secret (WooCommerce docs).
    const key = ctx.store.list<ApiKey>('apiKeys')[0];
    const hook: WooWebhookRecord = {
      id: ctx.store.nextId('webhook'),
      name: body.name || `Webhook created on ${siteDate(new Date())}`,
      status: (body.status as WooWebhookRecord['status']) ?? 'active',
      topic: body.topic!,
      delivery_url: body.delivery_url!,
      secret: body.secret ?? key.consumer_secret,
      failure_count: 0,
      created: now,
      modified: now,
    };
    ctx.store.insert('webhooks', hook);
    if (hook.status === 'active') sendPing(ctx, hook);
    return json(reply, 201, renderWebhook(ctx, hook));
  });
  app.put<{ Params: { id: string } }>(`${BASE}/webhooks/:id`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'edit')) return reply;
    const body = jsonBody(request) as WebhookBody | undefined;
    if (body === undefined || typeof body !== 'object' || body === null) return wooError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    const hook = find(request.params.id);
    if (!hook) return wooError(reply, 400, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    if (!checkFields(reply, body, false)) return reply;
    if (body.name !== undefined) hook.name = body.name;
    if (body.topic !== undefined) hook.topic = body.topic;
    if (body.delivery_url !== undefined) hook.delivery_url = body.delivery_url;
    if (body.secret !== undefined) hook.secret = body.secret;
    if (body.status !== undefined) {
      // Re-activation starts a fresh failure count (open point: docs/wire/open-points.md).
      if (body.status === 'active' && hook.status !== 'active') hook.failure_count = 0;
      hook.status = body.status as WooWebhookRecord['status'];
    }
    hook.modified = new Date().toISOString();
    return json(reply, 200, renderWebhook(ctx, hook));
  });
  app.delete<{ Params: { id: string } }>(`${BASE}/webhooks/:id`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'delete')) return reply;
    const hook = find(request.params.id);
    if (!hook) return wooError(reply, 404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    const force = (request.query as Record<string, string | undefined>).force;
    if (force !== 'true' && force !== '1') return wooError(reply, 501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
    ctx.store.remove('webhooks', (w) => w.id === hook.id);
    return json(reply, 200, renderWebhook(ctx, hook));
  });
}

function productRoutes(app: FastifyInstance, ctx: SandboxContext) {
  app.get(`${BASE}/products`, (request, reply) => {
    if (!authenticate(ctx, request, reply, 'list')) return reply;
    const paging = pageParams(request, reply);
    if (!paging) return reply;
    return sendPage(ctx, request, reply, ctx.store.list<WooProduct>('products').filter(productFilter(request)), paging.page, paging.perPage, renderProduct);
  });
}

export function createDefinition(): SandboxDefinition {
  return {
    system: 'woocommerce',
    collections: ['orders', 'webhooks', 'products', 'apiKeys', ...STOCK_COLLECTIONS],
    routes(app, ctx) {
      // WooCommerce fires the same hook more than once now and then (docs/design.md §9); it never retries a failure.
      ctx.webhooks.policy = WebhookPolicy.parse({ duplicateRate: 0.05, retryDelaysMs: [] });
      orderRoutes(app, ctx);
      webhookRoutes(app, ctx);
      productRoutes(app, ctx);
      stockRoutes(app, ctx);
      app.setNotFoundHandler((_request, reply) => wooError(reply, 404, 'rest_no_route', 'No route was found matching the URL and request method.'));
    },
    seed(ctx, seed, counts) {
      seedShop(ctx, seed, counts, buildOrder);
    },
    faultReply(kind, retryAfterSeconds): WireReply {
      if (kind === 'rate-limit') {
        // WooCommerce core has no REST rate limit; a 429 comes from the host or a security plugin (body: docs/wire/open-points.md).
        return {
          status: 429,
          contentType: 'application/json; charset=UTF-8',
          headers: { 'Retry-After': String(retryAfterSeconds) },
          body: JSON.stringify({ code: 'rest_too_many_requests', message: 'Too many requests.', data: { status: 429 } }),
        };
      }
      // What WordPress's fatal-error handler answers to a REST request.
      return {
        status: 500,
        contentType: 'application/json; charset=UTF-8',
        body: JSON.stringify({
          code: 'internal_server_error',
          message: '<p>There has been a critical error on this website.</p>',
          data: { status: 500 },
          additional_errors: [],
        }),
      };
    },
  };
}
