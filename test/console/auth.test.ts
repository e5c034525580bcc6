import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { assertBindAllowed, buildConsole, consoleAuthFromEnvironment, demoConsoleAuth, listenConsole, type ConsoleAuth } from '../../client/console';
import { checkPassword } from '../../client/console/auth';
import { negotiateLang } from '../../client/console/i18n';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * Sign-in, roles, CSRF and the bind rule, through fastify inject. Temporal is never reached in these paths (the
 * client points at a port nothing listens on): each refusal happens before the console would call it.
 */
const auth: ConsoleAuth = consoleAuthFromEnvironment({
  SIIRTO_CONSOLE_USERS: 'anna:operator:anna-password,ville:read-only:ville-password',
  SIIRTO_CONSOLE_TOKENS: 'robot:operator:robot-token-0123456789',
  SIIRTO_CONSOLE_SECRET: 'x'.repeat(40),
});

type Jar = Map<string, string>;
function absorb(jar: Jar, setCookie: string | string[] | undefined): void {
  for (const c of ([] as string[]).concat(setCookie ?? [])) {
    const [pair] = c.split(';');
    const at = pair.indexOf('=');
    const value = pair.slice(at + 1);
    if (value === '') jar.delete(pair.slice(0, at));
    else jar.set(pair.slice(0, at), value);
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
/** The token of the sign-in form itself (the page has other forms before it: the language switcher). */
const signInCsrf = (body: string) => /action="\/login">\s*<input type="hidden" name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

describe('console sign-in, roles and CSRF', () => {
  let app: FastifyInstance;
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connection: Connection.lazy({ interceptors: connectionInterceptors(), address: '127.0.0.1:1' }) });
    app = buildConsole({ tenants: new Map(), temporal: client, temporalUiUrl: 'http://localhost:8233', auth });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await client.connection.close();
  });

  /** Opens the sign-in page (a CSRF secret cookie and token), signs in, returns the jar and a fresh token. */
  async function signIn(user: string, password: string): Promise<{ jar: Jar; status: number; csrf: string }> {
    const jar: Jar = new Map();
    const page = await app.inject({ method: 'GET', url: '/login' });
    absorb(jar, page.headers['set-cookie']);
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: signInCsrf(page.body), user, password, next: '/tenants' }).toString(),
    });
    absorb(jar, res.headers['set-cookie']);
    return { jar, status: res.statusCode, csrf: csrfOf(page.body) };
  }

  it('sends a visitor who is not signed in to the sign-in page, and back where they were going after it', async () => {
    const res = await app.inject({ method: 'GET', url: '/transfers?status=done' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftransfers%3Fstatus%3Ddone');
    const login = await app.inject({ method: 'GET', url: '/login' });
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('<label for="password">');
    // One CSRF token for every form of a page (a first visit mints one secret, not one per form).
    const tokens = new Set([...login.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
    expect(tokens.size).toBe(1);
    expect([].concat((login.headers['set-cookie'] as never) ?? []).filter((c: string) => c.startsWith('_csrf='))).toHaveLength(1);
  });

  it('signs in with the right password into a signed session cookie, and refuses a wrong one', async () => {
    const ok = await signIn('anna', 'anna-password');
    expect(ok.status).toBe(303);
    expect(ok.jar.get('siirto_console')).toBeDefined();
    const wrong = await signIn('anna', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(wrong.jar.get('siirto_console')).toBeUndefined();
    const nobody = await signIn('mallory', 'anna-password');
    expect(nobody.status).toBe(401);
  });

  it('does not accept a session cookie that was not signed with the console secret', async () => {
    const forged = encodeURIComponent(JSON.stringify({ u: 'anna', exp: Date.now() + 3600_000 }));
    const res = await app.inject({ method: 'GET', url: '/tenants', headers: { cookie: `siirto_console=${forged}` } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('refuses a POST without the CSRF token, even from a signed-in operator', async () => {
    const { jar } = await signIn('anna', 'anna-password');
    const res = await app.inject({
      method: 'POST',
      url: '/transfers/decide',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'transfer=order-export%2Fdemo%2Fwoo%2F1&action=retry',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('did not come from this console');
  });

  it('refuses the CSRF token of another browser (its secret cookie is not this one)', async () => {
    const { jar } = await signIn('anna', 'anna-password');
    const other = await signIn('anna', 'anna-password');
    const res = await app.inject({
      method: 'POST',
      url: '/transfers/decide',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': other.csrf },
      payload: 'transfer=order-export%2Fdemo%2Fwoo%2F1&action=retry',
    });
    // The two jars hold different CSRF secrets; a token minted for one does not verify against the other.
    expect(other.jar.get('_csrf')).not.toBe(jar.get('_csrf'));
    expect(res.statusCode).toBe(403);
  });

  it('lets a read-only user look but not retry, even with a valid CSRF token', async () => {
    const { jar } = await signIn('ville', 'ville-password');
    const page = await app.inject({ method: 'GET', url: '/login', headers: { cookie: cookieHeader(jar) } });
    const res = await app.inject({
      method: 'POST',
      url: '/transfers/decide',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body), transfer: 'order-export/demo/woo/1', action: 'retry' }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('may look but not act');
  });

  it('takes a bearer token instead of a session (no CSRF: a token is no ambient credential), and refuses a wrong one', async () => {
    const wrong = await app.inject({ method: 'GET', url: '/tenants', headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.statusCode).toBe(401);
    // A page that does not exist: the answer is the console's own 404 page, so the request got past sign-in.
    const ok = await app.inject({ method: 'GET', url: '/no-such-page', headers: { authorization: 'Bearer robot-token-0123456789' } });
    expect(ok.statusCode).toBe(404);
    expect(ok.body).toContain('There is no such page.');
    const noCsrfNeeded = await app.inject({
      method: 'POST',
      url: '/lang',
      headers: { authorization: 'Bearer robot-token-0123456789', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'lang=nb&back=/tenants',
    });
    expect(noCsrfNeeded.statusCode).toBe(303);
  });

  it('switches the language by a CSRF-checked form and remembers it in a cookie', async () => {
    const { jar } = await signIn('anna', 'anna-password');
    const page = await app.inject({ method: 'GET', url: '/login', headers: { cookie: cookieHeader(jar) } });
    const res = await app.inject({
      method: 'POST',
      url: '/lang',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body), lang: 'fi', back: '//evil.example/' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/'); // never off-site
    absorb(jar, res.headers['set-cookie']);
    const fi = await app.inject({ method: 'GET', url: '/login', headers: { cookie: cookieHeader(jar) } });
    expect(fi.body).toContain('Kirjaudu sisään');
    expect(fi.body).toContain('<html lang="fi">');
  });

  it('escapes what it shows: a next= parameter cannot inject markup', async () => {
    const res = await app.inject({ method: 'GET', url: '/login?next=/"><script>alert(1)</script>' });
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });
});

describe('console users from the environment', () => {
  it('reads users and roles, and says what is wrong with a bad entry', () => {
    expect(auth.users.map((u) => [u.name, u.role])).toEqual([
      ['anna', 'operator'],
      ['ville', 'read-only'],
    ]);
    expect(() => consoleAuthFromEnvironment({ SIIRTO_CONSOLE_USERS: 'anna:admin:long-enough' })).toThrow(/entry 1: role must be "operator" or "read-only"/);
    expect(() => consoleAuthFromEnvironment({ SIIRTO_CONSOLE_USERS: 'anna:operator:short' })).toThrow(/at least 8 characters/);
    expect(() => consoleAuthFromEnvironment({ SIIRTO_CONSOLE_SECRET: 'short' })).toThrow(/SIIRTO_CONSOLE_SECRET must be at least 32/);
    const json = consoleAuthFromEnvironment({ SIIRTO_CONSOLE_USERS: '[{"name":"eva","role":"operator","password":"has,comma:and colon"}]' });
    expect(checkPassword(json, 'eva', 'has,comma:and colon')).toEqual({ name: 'eva', role: 'operator' });
  });

  it('picks the browser language the console speaks', () => {
    expect(negotiateLang('fi-FI,fi;q=0.9,en;q=0.8')).toBe('fi');
    expect(negotiateLang('de-DE,no;q=0.7,en;q=0.5')).toBe('nb');
    expect(negotiateLang('de-DE')).toBe('en');
  });
});

describe('console bind rule', () => {
  const open = consoleAuthFromEnvironment({});
  it('binds an open console (no sign-in configured) to loopback only', () => {
    expect(() => assertBindAllowed('127.0.0.1', open)).not.toThrow();
    expect(() => assertBindAllowed('::1', open)).not.toThrow();
    expect(() => assertBindAllowed('0.0.0.0', open)).toThrow(/set SIIRTO_CONSOLE_USERS/);
    expect(() => assertBindAllowed('0.0.0.0', demoConsoleAuth())).toThrow(/demo users have a published password/);
    expect(() => assertBindAllowed('0.0.0.0', auth)).not.toThrow();
  });

  it('listenConsole refuses before listening, and listens beyond loopback once users are configured', async () => {
    const client = new Client({ connection: Connection.lazy({ interceptors: connectionInterceptors(), address: '127.0.0.1:1' }) });
    const deps = { tenants: new Map(), temporal: client, temporalUiUrl: 'http://localhost:8233', port: 0 };
    await expect(listenConsole({ ...deps, host: '0.0.0.0', auth: open })).rejects.toThrow(/retry and skip transfers/);
    const c = await listenConsole({ ...deps, host: '0.0.0.0', auth });
    expect(c.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await c.close();
    await client.connection.close();
  });
});
