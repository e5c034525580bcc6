import fs from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import { z } from 'zod';
import { isLoopbackHost } from '../codec-routes';
import { checkPassword, checkToken, signInConfigured, userByName, type ConsoleAuth, type ConsoleUser } from './auth';
import { ConsoleError, isHtmx, type ConsoleDeps, type Viewer } from './context';
import { html } from './html';
import { LANGS, negotiateLang, t, type Lang } from './i18n';
import { csrfField, sendFragment, sendPage, setNavigation } from './layout';
import { CONSOLE_PAGES } from './pages';
import { CONSOLE_CSS } from './style';

export { consoleAuthFromEnvironment, consoleAuthOrDemo, demoConsoleAuth, DEMO_CONSOLE_USERS, DEMO_CONSOLE_PASSWORD, signInConfigured } from './auth';
export type { ConsoleAuth, ConsoleRole, ConsoleUser } from './auth';
export type { ConsoleDeps } from './context';

/**
 * The operator's console (issue #15): server-rendered pages on their own admin listener, apart from the public
 * webhook door. Sign-in from the environment (auth.ts), a signed session cookie (@fastify/cookie), CSRF on every
 * POST (@fastify/csrf-protection, double submit with a signed secret cookie), htmx for the live parts, served from
 * node_modules.
 */
export const SESSION_COOKIE = 'siirto_console';
export const LANG_COOKIE = 'siirto_lang';
const PUBLIC = [/^\/login(\?|$)/, /^\/assets\//, /^\/healthz$/];
const HTMX_FILE = require.resolve('htmx.org/dist/htmx.min.js');

const Session = z.object({ u: z.string(), exp: z.number() });
const SignIn = z.object({ user: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024), next: z.string().optional() });
const LangForm = z.object({ lang: z.enum(LANGS as [Lang, ...Lang[]]), back: z.string().optional() });

/** Only a path of this console: never an absolute or protocol-relative URL (no open redirect). */
const localPath = (p: string | undefined): string => (p && p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\') ? p : '/');

export function buildConsole(deps: ConsoleDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const { auth } = deps;
  const open = !signInConfigured(auth);
  const sessionMs = auth.sessionMs ?? 12 * 3600_000;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies ?? false };

  app.register(fastifyCookie, { secret: auth.cookieSecret });
  app.register(fastifyFormbody);
  app.register(fastifyCsrf, { cookieKey: '_csrf', cookieOpts: { ...cookieOptions, signed: true } });
  app.decorateRequest('viewer', null as unknown as Viewer);

  // Who is asking, and in which language; anyone not signed in is sent to the sign-in page.
  app.addHook('onRequest', async (req, reply) => {
    const langCookie = req.cookies[LANG_COOKIE];
    const lang: Lang = LANGS.includes(langCookie as Lang) ? (langCookie as Lang) : negotiateLang(req.headers['accept-language']);
    req.viewer = { user: null, via: 'none', lang };
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (bearer) {
      const user = checkToken(auth, bearer[1]);
      if (!user) return reply.code(401).type('text/plain; charset=utf-8').send('the console token is not valid');
      req.viewer = { user, via: 'token', lang };
    } else if (open) {
      req.viewer = { user: { name: 'local', role: 'operator' }, via: 'open', lang };
    } else {
      const user = sessionUser(req, auth);
      if (user) req.viewer = { user, via: 'session', lang };
    }
    if (req.viewer.user || PUBLIC.some((p) => p.test(req.url))) return;
    if (req.method === 'GET' && !isHtmx(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return reply.code(401).type('text/plain; charset=utf-8').send(t(lang, 'console.signIn.title'));
  });

  // CSRF on every POST made with a cookie (a bearer token is no ambient credential, so a script's call needs none).
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.viewer.via === 'token') return done();
    app.csrfProtection(req, reply, done);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    const lang = req.viewer?.lang ?? 'en';
    let status = err.statusCode ?? 500;
    let message: string;
    if (err.code?.startsWith('FST_CSRF')) {
      status = 403;
      message = t(lang, 'console.error.csrf');
    } else if (err instanceof ConsoleError) message = err.message;
    else if (err instanceof z.ZodError) {
      status = 400;
      message = t(lang, 'console.error.invalid', { details: err.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ') });
    } else if (status < 500) message = err.message;
    else message = t(lang, 'console.error.temporal', { message: err.message });
    const body = html`<h1>${t(lang, 'console.error.title')}</h1><p class="answer bad" role="alert">${message}</p><p><a href="/">${t(lang, 'console.error.back')}</a></p>`;
    if (isHtmx(req)) return sendFragment(reply, html`<p class="answer bad" role="alert">${message}</p>`, status);
    if (!req.viewer) return reply.code(status).type('text/plain; charset=utf-8').send(message);
    return sendPage(req, reply, { title: t(lang, 'console.error.title'), body }, status);
  });
  app.setNotFoundHandler((req, reply) => {
    const lang = req.viewer?.lang ?? 'en';
    return sendPage(req, reply, { title: t(lang, 'console.error.notFound'), body: html`<h1>${t(lang, 'console.error.notFound')}</h1><p><a href="/">${t(lang, 'console.error.back')}</a></p>` }, 404);
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/assets/htmx.min.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(fs.createReadStream(HTMX_FILE)));
  app.get('/assets/console.css', (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_CSS));
  app.get('/', (_req, reply) => reply.redirect(CONSOLE_PAGES[0].path, 303));

  app.get('/login', (req, reply) => signInPage(req, reply, auth, undefined, (req.query as { next?: string }).next));
  app.post('/login', (req, reply) => {
    const form = SignIn.safeParse(req.body);
    const lang = req.viewer.lang;
    if (!form.success) return signInPage(req, reply, auth, t(lang, 'console.signIn.failed'), undefined, 400);
    const user = checkPassword(auth, form.data.user, form.data.password);
    if (!user) return signInPage(req, reply, auth, t(lang, 'console.signIn.failed'), form.data.next, 401);
    reply.setCookie(SESSION_COOKIE, JSON.stringify({ u: user.name, exp: Date.now() + sessionMs }), { ...cookieOptions, signed: true, maxAge: Math.floor(sessionMs / 1000) });
    return reply.redirect(localPath(form.data.next), 303);
  });
  app.post('/logout', (_req, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
  app.post('/lang', (req, reply) => {
    const form = LangForm.parse(req.body);
    reply.setCookie(LANG_COOKIE, form.lang, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400, secure: deps.secureCookies ?? false });
    return reply.redirect(localPath(form.back), 303);
  });

  setNavigation(CONSOLE_PAGES.map((p) => ({ id: p.id, path: p.path, label: p.label })));
  for (const page of CONSOLE_PAGES) app.register(page.plugin, deps);
  return app;
}

function sessionUser(req: FastifyRequest, auth: ConsoleAuth): ConsoleUser | null {
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const unsigned = req.unsignCookie(cookie);
  if (!unsigned.valid || unsigned.value === null) return null;
  try {
    const session = Session.parse(JSON.parse(unsigned.value));
    if (session.exp < Date.now()) return null;
    return userByName(auth, session.u);
  } catch {
    return null;
  }
}

function signInPage(req: FastifyRequest, reply: FastifyReply, auth: ConsoleAuth, error: string | undefined, next: string | undefined, status = 200): FastifyReply {
  const { lang } = req.viewer;
  const demo = auth.demo ? t(lang, 'console.signIn.demo', { users: auth.users.map((u) => `${u.name} (${t(lang, u.role === 'operator' ? 'console.role.operator' : 'console.role.read-only')})`).join(', '), password: auth.users[0]?.secret }) : '';
  const body = html`<section class="signin">
  <h1>${t(lang, 'console.signIn.title')}</h1>
  ${error ? html`<p class="answer bad" role="alert">${error}</p>` : ''}
  <form method="post" action="/login">
    ${csrfField(reply)}<input type="hidden" name="next" value="${localPath(next)}">
    <div><label for="user">${t(lang, 'console.signIn.user')}</label><input id="user" name="user" type="text" autocomplete="username" required autofocus></div>
    <div><label for="password">${t(lang, 'console.signIn.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
    <button class="primary" type="submit">${t(lang, 'console.signIn.submit')}</button>
  </form>
  ${demo ? html`<p class="muted">${demo}</p>` : ''}
</section>`;
  return sendPage(req, reply, { title: t(lang, 'console.signIn.title'), body }, status);
}

export interface ListenConsoleOptions extends ConsoleDeps {
  host: string;
  port: number;
}

/**
 * Starts the console on its own listener. Beyond loopback only with sign-in configured (and never with the demo's
 * well-known users): the console can retry and skip transfers.
 */
export async function listenConsole(opts: ListenConsoleOptions): Promise<{ url: string; close(): Promise<void>; app: FastifyInstance }> {
  assertBindAllowed(opts.host, opts.auth);
  const app = buildConsole(opts);
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}

export function assertBindAllowed(host: string, auth: ConsoleAuth): void {
  if (isLoopbackHost(host)) return;
  if (!signInConfigured(auth)) {
    throw new Error(`the console would let anyone reaching ${host} retry and skip transfers: set SIIRTO_CONSOLE_USERS (name:role:password) or SIIRTO_CONSOLE_TOKENS, or keep --admin-host on loopback (127.0.0.1)`);
  }
  if (auth.demo) throw new Error(`the console's demo users have a published password: set SIIRTO_CONSOLE_USERS before binding ${host}, or keep the console on loopback (127.0.0.1)`);
}
