import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FaultConfig, FaultInjector, type FaultKind } from './faults';
import { Latency, LatencyConfig } from './latency';
import { LimitConfig, RateCounter, toWindow, type RateWindow } from './limits';
import { SandboxStore } from './store';
import { WebhookPolicy, WebhookSender, type DeliveryRecord } from './webhooks';

export const SANDBOX_SYSTEMS = ['netvisor', 'procountor', 'rackbeat', '24so', 'severa', 'woocommerce', 'shopify'] as const;
export type SandboxSystem = (typeof SANDBOX_SYSTEMS)[number];

/** An error reply in the system's own wire format, used for injected faults and the rate limit. */
export interface WireReply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface SandboxContext {
  readonly system: SandboxSystem;
  readonly store: SandboxStore;
  readonly faults: FaultInjector;
  readonly webhooks: WebhookSender;
  /** The base URL the sandbox listens on, once it listens. */
  url: string;
  seed: number;
}

export interface SandboxDefinition {
  system: SandboxSystem;
  /** The collections GET /__sandbox/state shows. */
  collections: readonly string[];
  /** Registers the real API's routes. Request bodies arrive raw (`request.body` is a Buffer or undefined). */
  routes(app: FastifyInstance, ctx: SandboxContext): void;
  /**
   * Fills the store deterministically; called at start, after reset (with counts {}) and by POST /__sandbox/seed.
   * Fixed fixtures (a TEMP customer, a second company, ...) must be restored every time.
   */
  seed(ctx: SandboxContext, seed: number, counts: Record<string, number>): void;
  /**
   * The system's own reply for an injected 500 or 429, or for exceeding `rateLimit`. `request` is the call being
   * failed, for systems whose error replies depend on it (Netvisor answers HTTP 200 unless asked for real codes).
   */
  faultReply(kind: 'server-error' | 'rate-limit', retryAfterSeconds: number, request?: FastifyRequest): WireReply;
  /** The published rate limit, enforced per key (usually the credential). */
  rateLimit?: {
    window: RateWindow;
    key(request: FastifyRequest): string | null;
    /** A counter other than clock-aligned windows (Shopify's leaky bucket); POST /__sandbox/limits sets its `window`. */
    counter?(window: RateWindow): RateCounter;
  };
  /** System-specific counters added to GET /__sandbox/stats (e.g. Netvisor's overlapping calls); zeroed by reset. */
  stats?(): Record<string, unknown>;
  resetStats?(): void;
}

export interface StartedSandbox {
  system: SandboxSystem;
  url: string;
  app: FastifyInstance;
  ctx: SandboxContext;
  close(): Promise<void>;
}

/**
 * Longest route parameter a sandbox accepts. Fastify's default (100 characters) answers longer ones with 414, which
 * no vendor does: Procountor's batch reads name up to 200 comma-separated ids in one path segment
 * (docs/wire/procountor.md, "Batch reads"), about 4,000 characters for 19-digit ids. Node itself caps the request
 * line and headers together at 16 KiB, so this only moves Fastify's own limit out of the way.
 */
export const MAX_PARAM_LENGTH = 16 * 1024;

const SeedBody = z.object({ seed: z.number().int().default(1), counts: z.record(z.string(), z.number().int().min(0)).default({}) });

const send = (reply: FastifyReply, r: WireReply): FastifyReply =>
  reply.code(r.status).headers(r.headers ?? {}).type(r.contentType).send(r.body);

function jsonBody(request: FastifyRequest): unknown {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) return {};
  return JSON.parse(raw.toString('utf8'));
}

function controlError(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: message });
}

/** Builds a sandbox server: the system's routes behind the shared control, fault and rate-limit machinery. */
export async function startSandbox(
  def: SandboxDefinition,
  options: { port?: number; host?: string; seed?: number } = {},
): Promise<StartedSandbox> {
  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024, forceCloseConnections: true, routerOptions: { maxParamLength: MAX_PARAM_LENGTH } });
  const store = new SandboxStore([...def.collections, 'webhookDeliveries']);
  const seed = options.seed ?? 1;
  const ctx: SandboxContext = {
    system: def.system,
    store,
    faults: new FaultInjector(),
    webhooks: new WebhookSender(seed, (d: DeliveryRecord) => store.insert('webhookDeliveries', d)),
    url: '',
    seed,
  };
  const rate = def.rateLimit ? (def.rateLimit.counter?.(def.rateLimit.window) ?? new RateCounter(def.rateLimit.window)) : undefined;
  const latency = new Latency(seed);

  // Bodies stay raw: signatures are computed over exact bytes and XML/SOAP systems parse their own.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const isControl = (request: FastifyRequest) => request.url.startsWith('/__sandbox/');
  // Requests to the API itself, by method and path: benchmarks report API calls per record from these.
  // latencyMsByPath: the delay the latency setting drew for those requests, summed (a benchmark tells the dice's luck from the caller's overhead).
  const stats = { requests: 0, byPath: {} as Record<string, number>, byStatus: {} as Record<string, Record<string, number>>, latencyMsByPath: {} as Record<string, number> };
  const commitThenFail = new WeakSet<FastifyRequest>();
  /** Requests held for their latency, until their reply leaves (Latency.hold). */
  const heldRequests = new WeakMap<FastifyRequest, () => Promise<void>>();

  app.addHook('onRequest', async (request, reply) => {
    if (isControl(request)) return;
    const key = `${request.method} ${request.url.split('?')[0]}`;
    stats.requests++;
    stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
    // The limit counts a request when it arrives, as a throttle in front of the API does; the latency (the API's
    // work and the way back) follows, refusals included. Counting after the latency would move requests across a
    // window's edge by the latency's jitter, and refuse callers that kept the limit.
    const rateKey = rate && def.rateLimit ? def.rateLimit.key(request) : null;
    const retryAfter = rate && rateKey !== null ? rate.hit(rateKey) : null;
    const held = await latency.hold(key, request.url);
    const fault: FaultKind | null = ctx.faults.draw(request.url, request.method);
    if (held.delay > 0) {
      stats.latencyMsByPath[key] = (stats.latencyMsByPath[key] ?? 0) + held.delay;
      // An injected fault's reply says nothing of how long the handler takes.
      heldRequests.set(request, () => held.release(!fault && retryAfter === null));
    }
    if (fault === 'reset') {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (fault === '500') return send(reply, def.faultReply('server-error', 0, request));
    if (fault === '429') {
      const after = ctx.faults.settings.retryAfterSeconds;
      return send(reply, def.faultReply('rate-limit', after, request));
    }
    if (fault === 'timeout') await new Promise((r) => setTimeout(r, ctx.faults.settings.timeoutMs));
    if (fault === 'commit-then-fail') commitThenFail.add(request);
    if (retryAfter !== null) return send(reply, def.faultReply('rate-limit', retryAfter, request));
  });

  // Replies by method, path and status, as they leave the handler (before a commit-then-fail rewrites them): a
  // request that arrived but never reached its handler (its caller died while it waited, so its body never came)
  // has none, so a benchmark can tell writes that were made or refused from requests that were only received.
  app.addHook('onSend', async (request, reply, payload) => {
    if (isControl(request)) return payload;
    const key = `${request.method} ${request.url.split('?')[0]}`;
    const byStatus = (stats.byStatus[key] ??= {});
    byStatus[String(reply.statusCode)] = (byStatus[String(reply.statusCode)] ?? 0) + 1;
    return payload;
  });

  // "Commit then fail": the handler ran and stored the write; the caller sees an error instead of the reply.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!commitThenFail.has(request) || reply.statusCode >= 400) return payload;
    const r = def.faultReply('server-error', 0, request);
    reply.code(r.status).headers(r.headers ?? {}).type(r.contentType);
    return r.body;
  });

  // Last: the reply leaves no sooner than the latency after its request arrived (Latency.hold).
  app.addHook('onSend', async (request, _reply, payload) => {
    await heldRequests.get(request)?.();
    return payload;
  });

  app.get('/__sandbox/state', async () => store.snapshot());
  // `rateLimit` (the limit in force, the busiest window, refusals) only where a limit is published.
  app.get('/__sandbox/stats', async () => ({ ...stats, ...(rate ? { rateLimit: rate.stats() } : {}), ...def.stats?.() }));
  app.post('/__sandbox/reset', async () => {
    store.reset();
    stats.requests = 0;
    stats.byPath = {};
    stats.byStatus = {};
    stats.latencyMsByPath = {};
    rate?.reset();
    def.resetStats?.();
    ctx.faults.configure(FaultConfig.parse({ rate: 0 }), ctx.seed);
    latency.configure({ ms: 0, jitterMs: 0 });
    def.seed(ctx, ctx.seed, {});
    return { ok: true };
  });
  app.post('/__sandbox/seed', async (request, reply) => {
    const parsed = SeedBody.safeParse(jsonBody(request));
    if (!parsed.success) return controlError(reply, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    store.reset();
    ctx.seed = parsed.data.seed;
    def.seed(ctx, parsed.data.seed, parsed.data.counts);
    return { ok: true, counts: Object.fromEntries(def.collections.map((c) => [c, store.list(c).length])) };
  });
  app.get('/__sandbox/faults', async () => ({ settings: ctx.faults.settings, injected: ctx.faults.injected }));
  app.post('/__sandbox/faults', async (request, reply) => {
    const parsed = FaultConfig.safeParse(jsonBody(request));
    if (!parsed.success) return controlError(reply, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    ctx.faults.configure(parsed.data, ctx.seed);
    return { ok: true, settings: parsed.data };
  });
  app.get('/__sandbox/latency', async () => latency.settings);
  app.post('/__sandbox/latency', async (request, reply) => {
    const parsed = LatencyConfig.safeParse(jsonBody(request));
    if (!parsed.success) return controlError(reply, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    latency.configure(parsed.data);
    return { ok: true, settings: parsed.data };
  });
  app.post('/__sandbox/limits', async (request, reply) => {
    const parsed = LimitConfig.safeParse(jsonBody(request));
    if (!parsed.success) return controlError(reply, parsed.error.issues.map((i) => i.message).join('; '));
    if (!rate) return controlError(reply, `${def.system} has no published rate limit to scale`);
    rate.window = toWindow(parsed.data);
    rate.reset();
    return { ok: true, window: rate.window };
  });
  app.post('/__sandbox/webhooks', async (request, reply) => {
    const parsed = WebhookPolicy.safeParse(jsonBody(request));
    if (!parsed.success) return controlError(reply, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    ctx.webhooks.policy = parsed.data;
    return { ok: true, policy: parsed.data };
  });

  def.routes(app, ctx);
  def.seed(ctx, seed, {});

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  ctx.url = `http://${host}:${port}`;
  return {
    system: def.system,
    url: ctx.url,
    app,
    ctx,
    async close() {
      await app.close();
    },
  };
}
