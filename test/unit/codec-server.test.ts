import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { codecAuthFromEnvironment, constantTimeEqual } from '../../client/codec-auth';
import { buildCodecServer, listenCodec } from '../../client/codec-routes';
import { EncryptionCodec } from '../../worker/payload-codec';

const UI = 'http://localhost:8233';
const TOKEN = 'operator-token-0123456789';
const codec = new EncryptionCodec({ id: 'k', key: crypto.randomBytes(32) });

async function wire(value: unknown) {
  const [p] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p.data!).toString('base64') }] });
}
const plain = (res: { json(): any }) => JSON.parse(Buffer.from(res.json().payloads[0].data, 'base64').toString());
const decode = (app: FastifyInstance, body: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/codec/decode', payload: body, headers: { 'content-type': 'application/json', origin: UI, 'x-namespace': 'default', ...headers } });

/** A local identity provider: a JWKS document served over HTTP, and tokens signed with its key. */
let idp: http.Server;
let issuer: string;
let jwksUrl: string;
// jose is ESM-only: loaded the way the codec endpoint loads it (client/codec-auth.ts).
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
type Key = Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];
let jose: Jose;
let signingKey: Key;
let otherKey: Key;
beforeAll(async () => {
  jose = await import('jose');
  const { exportJWK, generateKeyPair } = jose;
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  idp = http.createServer((req, res) => {
    if (req.url !== '/jwks') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  jwksUrl = `${issuer}/jwks`;
});
afterAll(() => new Promise((r) => idp.close(r)));

const accessToken = (opts: { key?: Key; iss?: string; aud?: string; exp?: string | number } = {}) =>
  new jose.SignJWT({ email: 'operator@example.fi' })
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? 'temporal-ui')
    .setSubject('operator-1')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? signingKey);

describe('codec endpoint: its own listener, not an oracle', () => {
  it('on loopback without authentication configured, decodes for the local UI (the local stack)', async () => {
    const app = buildCodecServer({ codec, allowedOrigins: [UI], auth: {} });
    const res = await decode(app, await wire({ customer: 'Aino' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(plain(res)).toEqual({ customer: 'Aino' });
    const preflight = await app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: UI } });
    expect(preflight.headers['access-control-allow-headers']).toContain('x-namespace');
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    await app.close();
  });

  it('refuses a browser page of any other origin', async () => {
    const app = buildCodecServer({ codec, allowedOrigins: [UI], auth: {} });
    const res = await decode(app, await wire('secret'), { origin: 'http://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('secret');
    await app.close();
  });

  it('does not encrypt for anyone: there is no /encode', async () => {
    const app = buildCodecServer({ codec, allowedOrigins: [UI], auth: { token: TOKEN } });
    const res = await app.inject({ method: 'POST', url: '/codec/encode', payload: JSON.stringify({ payloads: [{ metadata: {}, data: 'eA==' }] }), headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    await app.close();
  });

  it('refuses to listen beyond loopback without authentication, and does with it', async () => {
    const open = buildCodecServer({ codec, allowedOrigins: [UI], auth: {} });
    await expect(listenCodec(open, { host: '0.0.0.0', port: 0, auth: {} })).rejects.toThrow(/would decrypt payloads for anyone reaching 0\.0\.0\.0: set SIIRTO_CODEC_TOKEN/);
    expect(open.server.listening).toBe(false);
    await open.close();
    const guarded = buildCodecServer({ codec, allowedOrigins: [UI], auth: { token: TOKEN } });
    const url = await listenCodec(guarded, { host: '0.0.0.0', port: 0, auth: { token: TOKEN } });
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/codec$/);
    await guarded.close();
    const local = buildCodecServer({ codec, allowedOrigins: [UI], auth: {} });
    const res = await fetch(`${await listenCodec(local, { auth: {} })}/decode`, { method: 'POST', body: await wire({ n: 1 }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    await local.close();
  });

  it('with the static token: decodes for its holder (the CLI), 401 for a missing, wrong or shorter token', async () => {
    const app = buildCodecServer({ codec, allowedOrigins: [UI], auth: { token: TOKEN } });
    const body = await wire({ customer: 'Aino' });
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}x`, TOKEN]) {
      const res = await decode(app, body, authorization ? { authorization } : {});
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('Aino');
    }
    const ok = await decode(app, body, { authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(plain(ok)).toEqual({ customer: 'Aino' });
    await app.close();
  });

  it("accepts the Temporal UI's forwarded access token when the configured issuer signed it, and nothing else", async () => {
    const auth = { token: TOKEN, jwt: { issuer, jwksUrl, audience: 'temporal-ui' } };
    const app = buildCodecServer({ codec, allowedOrigins: [UI], auth });
    const body = await wire({ customer: 'Aino' });
    const ok = await decode(app, body, { authorization: `Bearer ${await accessToken()}` });
    expect(ok.statusCode).toBe(200);
    expect(plain(ok)).toEqual({ customer: 'Aino' });
    // The static token still works beside it.
    expect((await decode(app, body, { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);

    const refused = {
      'another issuer': await accessToken({ iss: 'http://idp.example' }),
      'another audience': await accessToken({ aud: 'someone-else' }),
      expired: await accessToken({ exp: Math.floor(Date.now() / 1000) - 600 }),
      'signed with a key not in the JWKS': await accessToken({ key: otherKey }),
    };
    for (const [why, token] of Object.entries(refused)) {
      const res = await decode(app, body, { authorization: `Bearer ${token}` });
      expect({ why, status: res.statusCode }).toEqual({ why, status: 401 });
      expect(res.json().error).toMatch(/^access token refused: /);
      expect(res.body).not.toContain('Aino');
    }
    await app.close();
  });

  it('reads its configuration from the environment, and refuses half of the JWT settings', () => {
    expect(codecAuthFromEnvironment({})).toEqual({ token: undefined, jwt: undefined });
    expect(codecAuthFromEnvironment({ SIIRTO_CODEC_TOKEN: TOKEN, SIIRTO_CODEC_JWT_ISSUER: issuer, SIIRTO_CODEC_JWKS_URL: jwksUrl, SIIRTO_CODEC_JWT_AUDIENCE: 'temporal-ui' })).toEqual({
      token: TOKEN,
      jwt: { issuer, jwksUrl, audience: 'temporal-ui' },
    });
    expect(() => codecAuthFromEnvironment({ SIIRTO_CODEC_JWT_ISSUER: issuer })).toThrow(/SIIRTO_CODEC_JWT_ISSUER and SIIRTO_CODEC_JWKS_URL go together/);
    expect(() => codecAuthFromEnvironment({ SIIRTO_CODEC_TOKEN: 'short' })).toThrow(/at least 16 characters/);
  });

  it('compares tokens whole', () => {
    expect(constantTimeEqual(TOKEN, TOKEN)).toBe(true);
    expect(constantTimeEqual(TOKEN, `${TOKEN} `)).toBe(false);
    expect(constantTimeEqual('', TOKEN)).toBe(false);
  });
});
