import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleMessageKey } from '../../i18n/console-messages';
import { csrfToken } from './context';
import { html, type HtmlValue, type SafeHtml } from './html';
import { LANG_NAMES, LANGS, t } from './i18n';

/** One entry of the navigation: the page list (pages/index.ts) provides them. */
export interface NavItem {
  id: string;
  path: string;
  label: ConsoleMessageKey;
}

let nav: NavItem[] = [];
export const setNavigation = (items: NavItem[]): void => {
  nav = items;
};

export interface PageOptions {
  title: string;
  /** The nav item shown as current. */
  active?: string;
  body: HtmlValue;
}

/** A hidden CSRF field for a form (htmx requests also send it as a header, from the body's hx-headers). */
export const csrfField = (reply: FastifyReply): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrfToken(reply)}">`;

export function layout(req: FastifyRequest, reply: FastifyReply, opts: PageOptions): SafeHtml {
  const { lang, user, via } = req.viewer;
  const token = csrfToken(reply);
  const back = req.url.startsWith('/') && !req.url.startsWith('//') ? req.url : '/';
  const who = user
    ? html`<span>${via === 'open' ? t(lang, 'console.user.local') : t(lang, 'console.user.signedInAs', { name: user.name, role: t(lang, user.role === 'operator' ? 'console.role.operator' : 'console.role.read-only') })}</span>
        ${via === 'session' ? html`<form method="post" action="/logout">${csrfField(reply)}<button class="signout" type="submit">${t(lang, 'console.signOut')}</button></form>` : ''}`
    : '';
  return html`<!doctype html>
<html lang="${lang === 'nb' ? 'nb' : lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${t(lang, 'console.title')}</title>
<meta name="htmx-config" content='{"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"[45]..","swap":true,"error":true}],"includeIndicatorStyles":false}'>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/htmx.min.js" defer></script>
</head>
<body hx-headers='${JSON.stringify({ 'x-csrf-token': token })}'>
<a class="skip" href="#main">${t(lang, 'console.skip')}</a>
<header class="top">
  <a class="brand" href="/">${t(lang, 'console.title')}</a>
  ${user
    ? html`<nav class="main" aria-label="${t(lang, 'console.nav.label')}"><ul>
    ${nav.map((n) => html`<li><a href="${n.path}"${n.id === opts.active ? html` aria-current="page"` : ''}>${t(lang, n.label)}</a></li>`)}
  </ul></nav>`
    : ''}
  <div class="who">
    <form class="lang" method="post" action="/lang" aria-label="${t(lang, 'console.lang.switch')}">
      ${csrfField(reply)}<input type="hidden" name="back" value="${back}">
      <span id="lang-label">${t(lang, 'console.lang.label')}:</span>
      ${LANGS.map((l) => html`<button type="submit" name="lang" value="${l}" lang="${l}" aria-pressed="${l === lang ? 'true' : 'false'}">${LANG_NAMES[l]}</button>`)}
    </form>
    ${who}
  </div>
</header>
<main id="main" tabindex="-1">
${opts.body}
</main>
</body>
</html>`;
}

export function sendPage(req: FastifyRequest, reply: FastifyReply, opts: PageOptions, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(req, reply, opts).value);
}

/** A fragment for htmx (no layout). */
export function sendFragment(reply: FastifyReply, fragment: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(fragment.value);
}
