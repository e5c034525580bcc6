import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ResolvedTenant } from '../config/load';
import { registerWebhookRoutes, type WebhookDoorOptions } from './webhook-routes';
import { registerRackbeatWebhookRoute } from './rackbeat-webhook-route';

export interface HttpServerDeps {
  tenants: ReadonlyMap<string, ResolvedTenant>;
  temporal: Client;
  /** Task queue of the workflows it starts (default: the worker's). */
  taskQueue?: string;
  /** How the webhook door behaves while Temporal is down (deadline of the start call, Retry-After). */
  webhookDoor?: WebhookDoorOptions;
  /**
   * Not used here any more: the codec endpoint has its own listener (client/codec-routes.ts, buildCodecServer).
   * Accepted so that callers wiring both from one object keep compiling.
   */
  codec?: PayloadCodec;
  uiOrigins?: string[];
}

/** Siirto's public HTTP server: the webhooks and a health check. The codec endpoint is not here (codec-routes.ts). */
export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  // Raw bytes everywhere: webhook signatures are computed over the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.get('/healthz', async () => ({ ok: true, tenants: [...deps.tenants.keys()] }));
  registerWebhookRoutes(app, deps);
  registerRackbeatWebhookRoute(app, deps);
  return app;
}

export async function listen(app: FastifyInstance, port = 0, host = '127.0.0.1'): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return `http://${host}:${actual}`;
}
