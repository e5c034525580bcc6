import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * Who may use the codec endpoint (issue #13: it is not an oracle). Two ways in, either is enough:
 * - a static operator token (`SIIRTO_CODEC_TOKEN`), for the `temporal` CLI (`--codec-auth "Bearer <token>"`);
 * - the Temporal UI's own access token, which the UI forwards with `codec.passAccessToken` (env
 *   `TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true`): a JWT verified against the configured issuer's JWKS, and audience.
 * With neither configured, the endpoint is open, and the listener then only binds to loopback (codec-routes.ts).
 */
export interface CodecAuthConfig {
  token?: string;
  jwt?: { issuer: string; jwksUrl: string; audience?: string };
}

const Env = z
  .object({
    SIIRTO_CODEC_TOKEN: z.string().min(16, 'SIIRTO_CODEC_TOKEN must be at least 16 characters').optional(),
    SIIRTO_CODEC_JWT_ISSUER: z.string().min(1).optional(),
    SIIRTO_CODEC_JWKS_URL: z.url({ protocol: /^https?$/, error: 'SIIRTO_CODEC_JWKS_URL must be an http(s) URL' }).optional(),
    SIIRTO_CODEC_JWT_AUDIENCE: z.string().min(1).optional(),
  })
  .refine((e) => !e.SIIRTO_CODEC_JWT_ISSUER === !e.SIIRTO_CODEC_JWKS_URL, {
    error: 'SIIRTO_CODEC_JWT_ISSUER and SIIRTO_CODEC_JWKS_URL go together: set both to accept the Temporal UI access token, or neither',
  });

/** Reads the codec's authentication from the environment; a half-configured one stops the server with the reason. */
export function codecAuthFromEnvironment(env: NodeJS.ProcessEnv = process.env): CodecAuthConfig {
  const pick = (k: string) => (env[k] === '' ? undefined : env[k]);
  const parsed = Env.safeParse({
    SIIRTO_CODEC_TOKEN: pick('SIIRTO_CODEC_TOKEN'),
    SIIRTO_CODEC_JWT_ISSUER: pick('SIIRTO_CODEC_JWT_ISSUER'),
    SIIRTO_CODEC_JWKS_URL: pick('SIIRTO_CODEC_JWKS_URL'),
    SIIRTO_CODEC_JWT_AUDIENCE: pick('SIIRTO_CODEC_JWT_AUDIENCE'),
  });
  if (!parsed.success) throw new Error(`codec endpoint: ${parsed.error.issues[0].message}`);
  const e = parsed.data;
  return {
    token: e.SIIRTO_CODEC_TOKEN,
    jwt: e.SIIRTO_CODEC_JWT_ISSUER && e.SIIRTO_CODEC_JWKS_URL ? { issuer: e.SIIRTO_CODEC_JWT_ISSUER, jwksUrl: e.SIIRTO_CODEC_JWKS_URL, audience: e.SIIRTO_CODEC_JWT_AUDIENCE } : undefined,
  };
}

export const codecAuthConfigured = (config: CodecAuthConfig): boolean => Boolean(config.token || config.jwt);

/** Equal strings in time that does not depend on where they differ (both sides are hashed to one length first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

export type CodecAuthResult = { ok: true; who: 'open' | 'token' | 'jwt'; subject?: string } | { ok: false; reason: string };

/**
 * The check itself, built once per listener: `verify(authorizationHeader)`. The JWKS is fetched on first use
 * and cached by jose (refetched when a token names an unknown key id).
 */
export function codecAuthenticator(config: CodecAuthConfig): (authorization: string | undefined) => Promise<CodecAuthResult> {
  if (!codecAuthConfigured(config)) return async () => ({ ok: true, who: 'open' });
  let jwks: Promise<(token: string) => Promise<{ sub?: string }>> | undefined;
  const jwtVerifier = () =>
    (jwks ??= (async () => {
      // jose is ESM-only: loaded with import(), which tsc keeps as is in this CommonJS build.
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const { issuer, jwksUrl, audience } = config.jwt!;
      const keys = createRemoteJWKSet(new URL(jwksUrl));
      return async (token: string) => (await jwtVerify(token, keys, { issuer, ...(audience ? { audience } : {}) })).payload;
    })());

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'codec endpoint needs Authorization: Bearer <operator token or Temporal UI access token>' };
    const presented = match[1];
    if (config.token && constantTimeEqual(presented, config.token)) return { ok: true, who: 'token' };
    if (config.jwt && presented.split('.').length === 3) {
      try {
        const payload = await (await jwtVerifier())(presented);
        return { ok: true, who: 'jwt', subject: payload.sub };
      } catch (err) {
        return { ok: false, reason: `access token refused: ${(err as Error).message}` };
      }
    }
    return { ok: false, reason: 'codec endpoint: the bearer token is neither the operator token nor a valid access token' };
  };
}
