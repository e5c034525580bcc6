import Fastify, { type FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { codecAuthConfigured, codecAuthenticator, type CodecAuthConfig } from './codec-auth';
import { log } from './log';

/**
 * The remote codec endpoint the Temporal UI and CLI call to show decrypted payloads
 * (`temporal server start-dev --ui-codec-endpoint <codec url>/codec`). Protocol: POST /codec/decode with
 * `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`, CORS for the UI's origin.
 *
 * It is not an oracle (issue #13):
 * - it has its own listener, apart from the public webhook door, on loopback unless told otherwise;
 * - a non-loopback bind is refused unless authentication is configured (codec-auth.ts: the operator token, or
 *   the Temporal UI's forwarded access token checked against the issuer);
 * - it only decodes: there is no /encode, so nobody can have it mint payloads the worker would trust.
 */
const Payloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') })),
});

export interface CodecServerDeps {
  codec: PayloadCodec;
  /** Origins allowed to call it from a browser (the Temporal UI). */
  allowedOrigins: string[];
  auth: CodecAuthConfig;
}

export function buildCodecServer(deps: CodecServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerCodecRoutes(app, deps);
  return app;
}

export function registerCodecRoutes(app: FastifyInstance, deps: CodecServerDeps): void {
  const { codec, allowedOrigins } = deps;
  const authenticate = codecAuthenticator(deps.auth);
  const cors = (origin: string | undefined): Record<string, string> =>
    origin && allowedOrigins.includes(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': 'content-type, x-namespace, authorization',
          'access-control-allow-credentials': 'true',
          vary: 'origin',
        }
      : {};

  app.get('/healthz', async () => ({ ok: true, authentication: codecAuthConfigured(deps.auth) }));
  app.options('/codec/decode', async (request, reply) => reply.headers(cors(request.headers.origin)).code(204).send());
  app.post('/codec/decode', async (request, reply) => {
    reply.headers(cors(request.headers.origin));
    // A browser page from any other origin is refused outright (it could not read the answer, but it gets none).
    if (request.headers.origin && !allowedOrigins.includes(request.headers.origin)) return reply.code(403).send({ error: `origin ${request.headers.origin} may not use the codec endpoint` });
    const auth = await authenticate(request.headers.authorization);
    if (!auth.ok) {
      log.warn({ problem: auth.reason }, 'codec request refused');
      return reply.code(401).send({ error: auth.reason });
    }
    let body: unknown;
    try {
      body = JSON.parse((request.body as Buffer | undefined)?.toString('utf8') || '{}');
    } catch {
      return reply.code(400).send({ error: 'body is not JSON' });
    }
    const parsed = Payloads.safeParse(body);
    if (!parsed.success) return reply.code(400).send({ error: `expected { payloads: [...] }: ${parsed.error.issues[0].message}` });
    const payloads = parsed.data.payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(p.data, 'base64'),
    }));
    try {
      const out = await codec.decode(payloads);
      return {
        payloads: out.map((p) => ({
          metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(p.data ?? []).toString('base64'),
        })),
      };
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host.replace(/^\[|\]$/g, ''));

/**
 * Listens for the codec endpoint. Loopback by default; any other address only with authentication configured,
 * because whoever reaches an open codec endpoint reads every payload in the history in plain text.
 * Returns the endpoint URL to give the Temporal UI (`.../codec`).
 */
export async function listenCodec(app: FastifyInstance, opts: { host?: string; port?: number; auth: CodecAuthConfig }): Promise<string> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !codecAuthConfigured(opts.auth)) {
    throw new Error(
      `the codec endpoint would decrypt payloads for anyone reaching ${host}: set SIIRTO_CODEC_TOKEN, or SIIRTO_CODEC_JWT_ISSUER and SIIRTO_CODEC_JWKS_URL, or keep --codec-host on loopback (127.0.0.1)`,
    );
  }
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/codec`;
}
