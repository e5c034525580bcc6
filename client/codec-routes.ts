import type { FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * The remote codec endpoint the Temporal UI and CLI call to show decrypted payloads
 * (`temporal server start-dev --ui-codec-endpoint <server>/codec`). Protocol: POST /encode and /decode with
 * `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`, CORS for the UI's origin. Set SIIRTO_CODEC_TOKEN in
 * production: the endpoint then decrypts only for requests carrying `Authorization: Bearer <token>`.
 */
const Payloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') })),
});

export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, allowedOrigins: string[], token?: string): void {
  const cors = (origin: string | undefined): Record<string, string> =>
    origin && allowedOrigins.includes(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': 'content-type, x-namespace, authorization',
          'access-control-allow-credentials': 'true',
        }
      : {};

  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, async (request, reply) => reply.headers(cors(request.headers.origin)).code(204).send());
    app.post(`/codec/${op}`, async (request, reply) => {
      reply.headers(cors(request.headers.origin));
      // With an operator token configured, only its holder sees decrypted payloads; everyone else gets 401.
      if (token && request.headers.authorization !== `Bearer ${token}`) return reply.code(401).send({ error: 'codec endpoint needs the operator token' });
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
        const out = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
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
}
