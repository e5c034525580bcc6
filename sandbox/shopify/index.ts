import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { product, finnishCompany, SeededRandom } from '../kit/random';
import type { SandboxContext, SandboxDefinition, WireReply } from '../kit/server';
import { WebhookPolicy } from '../kit/webhooks';
import { LeakyBucket } from './bucket';
import { seedStock, stockRoutes, STOCK_COLLECTIONS, STOCK_SCOPES } from './stock';
import { emit, renderWebhook, TOPICS, type ShopifyWebhookRecord } from './hooks';
import { priceOrder, ShopifyInputError, type PricingInput, type ShopifyProduct } from './orders';
import { authorize, json, jsonBody, shopifyError, shopTime, SHOP_DOMAIN, type AccessToken } from './wire';

const API = '/admin/api/:version';
/** Attribute the sandbox's checkout puts the business ID in (our choice: Shopify has no such field; docs/wire/open-points.md). */
export const BUSINESS_ID_ATTRIBUTE = 'business_id';

export type ShopifyOrderRecord = Record<string, unknown> & { id: number; updated_at: string; updated_ms: number };

export interface OrderBody extends PricingInput {
  email?: string;
  phone?: string;
  financial_status?: string;
  gateway?: string;
  note?: string;
  note_attributes?: Array<{ name: string; value: unknown }>;
  billing_address?: Record<string, unknown>;
  shipping_address?: Record<string, unknown>;
  test?: boolean;
}

const ADDRESS_KEYS = ['first_name', 'last_name', 'company', 'address1', 'address2', 'city', 'zip', 'province', 'country', 'country_code', 'phone'];
function address(a: Record<string, unknown> | undefined) {
  if (!a) return null;
  const out: Record<string, unknown> = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, (a[k] as string | undefined) ?? null]));
  out.name = [a.first_name, a.last_name].filter(Boolean).join(' ');
  out.country_code = out.country_code ?? (out.country === 'Finland' ? 'FI' : null);
  out.province_code = null;
  out.latitude = null;
  out.longitude = null;
  return out;
}

/** Builds an order as GET orders/{id}.json shows it inside `{"order": …}` (docs/wire/shopify.md). */
export function buildOrder(ctx: SandboxContext, body: OrderBody, at: Date): ShopifyOrderRecord {
  const products = ctx.store.list<ShopifyProduct>('products');
  const when = shopTime(at);
  const priced = priceOrder(body, products, when.slice(0, 10), () => ctx.store.nextId('line', 13_000_000_000_001));
  const id = ctx.store.nextId('order', 5_900_000_000_001);
  const number = ctx.store.nextId('order_number', 1);
  const status = body.financial_status ?? 'pending';
  if (!['pending', 'authorized', 'paid'].includes(status)) throw new ShopifyInputError(422, { financial_status: ['is not included in the list'] });
  const gateways = body.gateway ? [body.gateway] : status === 'pending' ? [] : ['manual'];
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + number}`,
    number,
    order_number: 1000 + number,
    confirmation_number: id.toString(36).toUpperCase().slice(-9),
    email: body.email ?? '',
    contact_email: body.email ?? null,
    phone: body.phone ?? null,
    created_at: when,
    processed_at: when,
    updated_at: when,
    updated_ms: at.getTime(),
    cancelled_at: null,
    closed_at: null,
    financial_status: status,
    fulfillment_status: null,
    tax_exempt: false,
    ...priced,
    total_outstanding: status === 'paid' ? '0.00' : priced.total_price,
    gateway: gateways[0] ?? '',
    payment_gateway_names: gateways,
    source_name: 'web',
    test: body.test ?? false,
    billing_address: address(body.billing_address),
    shipping_address: address(body.shipping_address),
    customer: null,
    note: body.note ?? null,
    note_attributes: body.note_attributes ?? [],
    tags: '',
    refunds: [],
    fulfillments: [],
  };
}

/** What the API shows: the stored order without the sandbox's own bookkeeping. */
const render = (o: ShopifyOrderRecord) => {
  const { updated_ms: _ms, ...order } = o;
  return order;
};

interface Cursor {
  status: string;
  updatedAtMin?: number;
  /** id of the last (next) or first (previous) order of the page the cursor was issued on. */
  edge: number;
  direction: 'next' | 'previous';
}
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(raw: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    return typeof c.edge === 'number' && (c.direction === 'next' || c.direction === 'previous') ? c : null;
  } catch {
    return null;
  }
}

/**
 * Cursor paging (docs/wire/shopify.md, "Paging"): the page_info in the Link header is opaque, and a
 * request carrying one may only add `limit` and `fields`. Orders come newest id first. Refusing `limit` above 250
 * and other filters next to page_info with 400 is our reading of the docs (the exact bodies: docs/wire/open-points.md).
 */
function listOrders(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply) {
  if (!authorize(ctx, request, reply, 'read_orders')) return reply;
  const q = request.query as Record<string, string | undefined>;
  const { version } = request.params as { version: string };
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) return shopifyError(reply, 400, { limit: 'must be between 1 and 250' });
  let cursor: Cursor;
  if (q.page_info !== undefined) {
    const extra = Object.keys(q).filter((k) => !['page_info', 'limit', 'fields'].includes(k));
    if (extra.length) return shopifyError(reply, 400, { page_info: `cannot be combined with ${extra.join(', ')}` });
    const decoded = decode(q.page_info);
    if (!decoded) return shopifyError(reply, 400, { page_info: 'Invalid value.' });
    cursor = decoded;
  } else {
    const status = q.status ?? 'open';
    if (!['open', 'closed', 'cancelled', 'any'].includes(status)) return shopifyError(reply, 400, { status: 'is invalid' });
    const updatedAtMin = q.updated_at_min === undefined ? undefined : Date.parse(q.updated_at_min);
    if (updatedAtMin !== undefined && Number.isNaN(updatedAtMin)) return shopifyError(reply, 400, { updated_at_min: 'is invalid' });
    cursor = { status, updatedAtMin, edge: Number.MAX_SAFE_INTEGER, direction: 'next' };
  }
  const matching = ctx.store
    .list<ShopifyOrderRecord>('orders')
    .filter((o) => {
      if (cursor.updatedAtMin !== undefined && o.updated_ms < cursor.updatedAtMin) return false;
      if (cursor.status === 'open') return !o.closed_at && !o.cancelled_at;
      if (cursor.status === 'closed') return Boolean(o.closed_at);
      if (cursor.status === 'cancelled') return Boolean(o.cancelled_at);
      return true;
    })
    .sort((a, b) => b.id - a.id);
  const page =
    cursor.direction === 'next'
      ? matching.filter((o) => o.id < cursor.edge).slice(0, limit)
      : matching.filter((o) => o.id > cursor.edge).slice(-limit);
  const links: string[] = [];
  const link = (c: Cursor, rel: string) => `<${ctx.url}/admin/api/${version}/orders.json?limit=${limit}&page_info=${encode(c)}>; rel="${rel}"`;
  if (page.length) {
    const first = page[0].id;
    const last = page[page.length - 1].id;
    if (matching.some((o) => o.id > first)) links.push(link({ ...cursor, edge: first, direction: 'previous' }, 'previous'));
    if (matching.some((o) => o.id < last)) links.push(link({ ...cursor, edge: last, direction: 'next' }, 'next'));
  }
  if (links.length) reply.header('Link', links.join(', '));
  return json(reply, 200, { orders: page.map(render) });
}

function orderRoutes(app: FastifyInstance, ctx: SandboxContext) {
  const find = (id: string) => ctx.store.find<ShopifyOrderRecord>('orders', (o) => String(o.id) === id);
  app.get(`${API}/orders.json`, (request, reply) => listOrders(ctx, request, reply));
  app.get<{ Params: { version: string; id: string } }>(`${API}/orders/:id.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_orders')) return reply;
    const order = find(request.params.id);
    if (!order) return shopifyError(reply, 404, 'Not Found');
    return json(reply, 200, { order: render(order) });
  });
  app.post(`${API}/orders.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'write_orders')) return reply;
    const body = jsonBody(request) as { order?: OrderBody } | undefined;
    if (!body || typeof body.order !== 'object' || body.order === null) {
      return shopifyError(reply, 400, { order: 'Required parameter missing or invalid' });
    }
    let order: ShopifyOrderRecord;
    try {
      order = buildOrder(ctx, body.order, new Date());
    } catch (err) {
      if (err instanceof ShopifyInputError) return shopifyError(reply, err.status, err.errors);
      throw err;
    }
    ctx.store.insert('orders', order);
    emit(ctx, 'orders/create', render(order));
    if (order.financial_status === 'paid') emit(ctx, 'orders/paid', render(order));
    return json(reply, 201, { order: render(order) });
  });
  // Capturing payment marks the order paid and fires orders/paid (simplified: one capture pays the whole order).
  app.post<{ Params: { version: string; id: string } }>(`${API}/orders/:id/transactions.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'write_orders')) return reply;
    const order = find(request.params.id);
    if (!order) return shopifyError(reply, 404, 'Not Found');
    const body = jsonBody(request) as { transaction?: { kind?: string; gateway?: string } } | undefined;
    const kind = body?.transaction?.kind;
    if (!body?.transaction) return shopifyError(reply, 400, { transaction: 'Required parameter missing or invalid' });
    if (kind !== 'capture' && kind !== 'sale') return shopifyError(reply, 422, { kind: ['is not supported by the sandbox'] });
    if (order.financial_status === 'paid') return shopifyError(reply, 422, { base: ['The order has already been paid'] });
    const now = new Date();
    order.financial_status = 'paid';
    order.total_outstanding = '0.00';
    order.updated_at = shopTime(now);
    order.updated_ms = now.getTime();
    const gateway = body.transaction.gateway ?? (order.gateway as string) ?? 'manual';
    order.gateway = gateway || 'manual';
    order.payment_gateway_names = [order.gateway];
    emit(ctx, 'orders/paid', render(order));
    return json(reply, 201, {
      transaction: {
        id: ctx.store.nextId('transaction', 7_000_000_000_001),
        order_id: order.id,
        kind,
        gateway: order.gateway,
        status: 'success',
        amount: order.total_price,
        currency: order.currency,
        created_at: shopTime(now),
      },
    });
  });
}

function webhookRoutes(app: FastifyInstance, ctx: SandboxContext) {
  const hooks = () => ctx.store.list<ShopifyWebhookRecord>('webhooks');
  // AccessScope (https://shopify.dev/docs/api/admin-rest/latest/resources/accessscope): the scopes granted to the
  // token, outside the versioned API path. Any valid token may ask; it is not itself scope-checked.
  app.get('/admin/oauth/access_scopes.json', (request, reply) => {
    const token = request.headers['x-shopify-access-token'];
    const found = typeof token === 'string' ? ctx.store.find<AccessToken>('accessTokens', (t) => t.token === token) : undefined;
    if (!found) return shopifyError(reply, 401, '[API] Invalid API key or access token (unrecognized login or wrong password)');
    return json(reply, 200, { access_scopes: found.scopes.map((handle) => ({ handle })) });
  });
  app.get(`${API}/webhooks.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_orders')) return reply;
    const q = request.query as Record<string, string | undefined>;
    const list = hooks().filter((w) => (!q.topic || w.topic === q.topic) && (!q.address || w.address === q.address));
    return json(reply, 200, { webhooks: list.map(renderWebhook) });
  });
  app.get<{ Params: { version: string; id: string } }>(`${API}/webhooks/:id.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_orders')) return reply;
    const hook = hooks().find((w) => String(w.id) === request.params.id);
    if (!hook) return shopifyError(reply, 404, 'Not Found');
    return json(reply, 200, { webhook: renderWebhook(hook) });
  });
  app.post<{ Params: { version: string } }>(`${API}/webhooks.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_orders')) return reply;
    const body = jsonBody(request) as { webhook?: { topic?: string; address?: string; format?: string } } | undefined;
    const w = body?.webhook;
    if (!w || typeof w !== 'object') return shopifyError(reply, 400, { webhook: 'Required parameter missing or invalid' });
    if (!w.topic || !(TOPICS as readonly string[]).includes(w.topic)) {
      return shopifyError(reply, 422, { topic: [`Invalid topic specified: ${w.topic ?? ''}. Topics allowed: ${TOPICS.join(', ')}`] });
    }
    // Real Shopify wants HTTPS and a public host; the sandbox must reach local receivers (a deliberate deviation: docs/wire/open-points.md).
    if (!w.address || !/^https?:\/\/[^\s]+$/.test(w.address)) return shopifyError(reply, 422, { address: ["can't be blank", 'is invalid'] });
    if (hooks().some((h) => h.topic === w.topic && h.address === w.address)) {
      return shopifyError(reply, 422, { address: ['for this topic has already been taken'] });
    }
    const now = shopTime(new Date());
    const hook: ShopifyWebhookRecord = {
      id: ctx.store.nextId('webhook', 1_100_000_001),
      address: w.address,
      topic: w.topic,
      format: 'json',
      api_version: request.params.version,
      created_at: now,
      updated_at: now,
    };
    ctx.store.insert('webhooks', hook);
    return json(reply, 201, { webhook: renderWebhook(hook) });
  });
  app.delete<{ Params: { version: string; id: string } }>(`${API}/webhooks/:id.json`, (request, reply) => {
    if (!authorize(ctx, request, reply, 'read_orders')) return reply;
    const removed = ctx.store.remove('webhooks', (w) => String(w.id) === request.params.id);
    if (!removed) return shopifyError(reply, 404, 'Not Found');
    return json(reply, 200, {});
  });
}

/** Fixed dates across the VAT changes, so that seeded orders carry 24 %, 25.5 %, 14 % and 13.5 %. */
const ORDER_DATES = ['2024-07-01T10:00:00Z', '2024-10-15T09:30:00Z', '2025-04-02T14:10:00Z', '2026-01-20T08:00:00Z', '2026-09-09T16:45:00Z'];

function seed(ctx: SandboxContext, seedValue: number, counts: Record<string, number>): void {
  const rng = new SeededRandom(seedValue);
  const tokens: AccessToken[] = [
    { token: 'shpat_sandbox', scopes: ['read_orders', 'write_orders', ...STOCK_SCOPES] },
    { token: 'shpat_readonly', scopes: ['read_orders'] },
  ];
  for (const t of tokens) ctx.store.insert('accessTokens', t);
  const classes: ShopifyProduct['vat_class'][] = ['standard', 'reduced', 'lowerReduced'];
  for (let i = 0; i < (counts.products ?? 6); i++) {
    const p = product(rng, i);
    ctx.store.insert<ShopifyProduct>('products', {
      id: 8_000_000_000_001 + i,
      variant_id: 45_000_000_000_001 + i,
      title: p.name,
      sku: p.code,
      price: p.price,
      vat_class: classes[i % 3],
    });
  }
  seedStock(ctx);
  const products = ctx.store.list<ShopifyProduct>('products');
  if (!products.length) return;
  for (let i = 0; i < (counts.orders ?? 5); i++) {
    const company = finnishCompany(rng);
    const isCompany = i % 2 === 0;
    const billing = {
      first_name: rng.pick(['Aino', 'Matti', 'Liisa', 'Juha']),
      last_name: rng.pick(['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen']),
      company: isCompany ? company.name : null,
      address1: company.street,
      city: company.city,
      zip: company.postalCode,
      country: 'Finland',
      country_code: 'FI',
      phone: company.phone,
    };
    const order = buildOrder(
      ctx,
      {
        email: isCompany ? company.email : `${billing.first_name}.${billing.last_name}@example.fi`.toLowerCase().replace('ä', 'a'),
        financial_status: i % 3 === 2 ? 'pending' : 'paid',
        gateway: i % 3 === 2 ? undefined : rng.pick(['shopify_payments', 'paytrail', 'manual']),
        billing_address: billing,
        shipping_address: billing,
        note_attributes: isCompany ? [{ name: BUSINESS_ID_ATTRIBUTE, value: company.businessId }] : [],
        line_items: Array.from({ length: rng.int(1, 3) }, () => ({ variant_id: rng.pick(products).variant_id, quantity: rng.int(1, 3) })),
        shipping_lines: [{ title: 'Posti SmartPOST', price: '5.90', code: 'posti' }],
        discount_codes: i % 2 === 1 ? [{ code: 'ALE10', amount: '10.0', type: 'percentage' }] : [],
      },
      new Date(ORDER_DATES[i % ORDER_DATES.length]),
    );
    ctx.store.insert('orders', order);
  }
}

/** The bucket is per app × store; the sandbox is one store, so per access token. */
const bucketKey = (request: FastifyRequest): string | null => {
  const token = request.headers['x-shopify-access-token'];
  return request.url.startsWith('/admin/') && typeof token === 'string' ? token : null;
};

export function createDefinition(): SandboxDefinition {
  let bucket: LeakyBucket | undefined;
  return {
    system: 'shopify',
    collections: ['orders', 'webhooks', 'products', 'accessTokens', ...STOCK_COLLECTIONS],
    routes(app, ctx) {
      // Every Admin REST reply says how full the caller's bucket is, "used/size" (docs/wire/shopify.md, "Rate limit").
      app.addHook('onSend', async (request, reply, payload) => {
        const key = bucketKey(request);
        if (key !== null && bucket) reply.header('X-Shopify-Shop-Api-Call-Limit', `${bucket.level(key)}/${bucket.size}`);
        return payload;
      });
      // Shopify retries 8 times over 4 hours; scaled down to seconds. Duplicates happen but are rare.
      ctx.webhooks.policy = WebhookPolicy.parse({ retryDelaysMs: [100, 200, 400, 800, 1600, 3200, 6400, 12800], duplicateRate: 0.02 });
      orderRoutes(app, ctx);
      webhookRoutes(app, ctx);
      stockRoutes(app, ctx);
      app.setNotFoundHandler((_request, reply) => shopifyError(reply, 404, 'Not Found'));
    },
    seed,
    faultReply(kind, retryAfterSeconds): WireReply {
      if (kind === 'rate-limit') {
        return {
          status: 429,
          contentType: 'application/json; charset=utf-8',
          headers: { 'Retry-After': retryAfterSeconds.toFixed(1) },
          body: JSON.stringify({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }),
        };
      }
      return { status: 500, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ errors: 'Internal Server Error' }) };
    },
    // The REST leaky bucket of the standard plan: 40 requests, leaking 2 per second (sandbox/shopify/bucket.ts).
    rateLimit: {
      window: { limit: 40, windowMs: 20_000 },
      key: bucketKey,
      counter: (window) => (bucket = new LeakyBucket(window)),
    },
  };
}

export { SHOP_DOMAIN };
