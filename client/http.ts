import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ResolvedTenant } from '../config/load';
import { registerCodecRoutes } from './codec-routes';
import { registerWebhookRoutes } from './webhook-routes';
import { registerRackbeatWebhookRoute } from './rackbeat-webhook-route';

export interface HttpServerDeps {
  tenants: ReadonlyMap<string, ResolvedTenant>;
  temporal: Client;
  codec: PayloadCodec;
  /** Origins allowed to call the codec endpoint (the Temporal UI). */
  uiOrigins: string[];
  /** Operator token the codec endpoint requires (default: SIIRTO_CODEC_TOKEN; none in local development). */
  codecToken?: string;
  /** Task queue of the workflows it starts (default: the worker's). */
  taskQueue?: string;
}

/** Siirto's HTTP server: webhooks, the payload codec endpoint for the Temporal UI, and a health check. */
export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  // Raw bytes everywhere: webhook signatures are computed over the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.get('/healthz', async () => ({ ok: true, tenants: [...deps.tenants.keys()] }));
  registerWebhookRoutes(app, deps);
  registerRackbeatWebhookRoute(app, deps);
  registerCodecRoutes(app, deps.codec, deps.uiOrigins, deps.codecToken ?? process.env.SIIRTO_CODEC_TOKEN);
  return app;
}

export async function listen(app: FastifyInstance, port = 0, host = '127.0.0.1'): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return `http://${host}:${actual}`;
}
