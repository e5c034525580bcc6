import { IntlMessageFormat } from 'intl-messageformat';
import { CONSOLE_MESSAGES } from './console-messages';
import { MESSAGES, type SiirtoMessageKey } from './messages';
import type { ConsoleMessageKey } from './console-messages';

/**
 * Siirto's one message catalog, shared by the console and the CLI: Finnish, Norwegian (bokmål) and English.
 *
 * Messages use ICU MessageFormat (intl-messageformat): `{name}` is a parameter, `{n, plural, one {# rivi} other {#
 * riviä}}` a plural, `{n, number}` a number in the language's format. Every key exists in all three languages with
 * the same parameters (test/i18n/catalog.test.ts). Operator-facing errors travel as a key and its parameters
 * (`Localized`), with the English text beside them, so each reader gets them in their own language.
 */
export type Lang = 'fi' | 'nb' | 'en';
export const LANGS: readonly Lang[] = ['fi', 'nb', 'en'];
export const LANG_NAMES: Record<Lang, string> = { fi: 'Suomi', nb: 'Norsk (bokmål)', en: 'English' };
export const isLang = (s: unknown): s is Lang => typeof s === 'string' && (LANGS as readonly string[]).includes(s);

export type MessageKey = SiirtoMessageKey | ConsoleMessageKey;
export type ParamValue = string | number | Date | undefined | null;
export type Params = Record<string, ParamValue>;

/** A message by key: what operator-facing errors and checklist lines carry beside their English text. */
export interface Localized {
  key: MessageKey;
  params?: Record<string, string | number>;
}

type Catalog = Record<string, string>;
/** lang → key → ICU message: the CLI's messages (i18n/messages.ts) and the console's (i18n/console-messages.ts). */
export const CATALOG: Record<Lang, Catalog> = {
  en: { ...CONSOLE_MESSAGES.en, ...MESSAGES.en },
  fi: { ...CONSOLE_MESSAGES.fi, ...MESSAGES.fi },
  nb: { ...CONSOLE_MESSAGES.nb, ...MESSAGES.nb },
};

/** BCP 47 locale each language formats dates, numbers and money in. */
export const LOCALES: Record<Lang, string> = { fi: 'fi-FI', nb: 'nb-NO', en: 'en-GB' };

const compiled = new Map<string, IntlMessageFormat>();
function formatter(lang: Lang, key: string): IntlMessageFormat | undefined {
  const id = `${lang}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    const text = CATALOG[lang][key];
    if (text === undefined) return undefined;
    f = new IntlMessageFormat(text, LOCALES[lang], undefined, { ignoreTag: true });
    compiled.set(id, f);
  }
  return f;
}

export const hasKey = (key: string): key is MessageKey => key in CATALOG.en;

/**
 * The message `key` in `lang` with its parameters. A key missing in `lang` falls back to English; an unknown key
 * reads as itself (never throws: a message must not hide the problem it reports). A parameter left out reads as
 * `{name}`.
 */
export function t(lang: Lang, key: MessageKey | string, params: Params = {}): string {
  const f = formatter(lang, key) ?? formatter('en', key);
  if (!f) return key;
  const values: Record<string, string | number | Date> = {};
  for (const name of messageParams(f)) {
    const v = params[name];
    values[name] = v === undefined || v === null ? `{${name}}` : v;
  }
  try {
    return String(f.format(values));
  } catch {
    return CATALOG.en[key] ?? key;
  }
}

/** A Localized message in `lang`; a plain string (older payloads) as it is. */
export function tl(lang: Lang, m: Localized | string | undefined, fallback = ''): string {
  if (m === undefined) return fallback;
  if (typeof m === 'string') return m;
  return t(lang, m.key, m.params);
}

/** The parameter names a message uses (for the catalog check and for filling absent ones). */
export function messageParams(message: string | IntlMessageFormat, lang: Lang = 'en'): string[] {
  const f = typeof message === 'string' ? new IntlMessageFormat(message, LOCALES[lang], undefined, { ignoreTag: true }) : message;
  const names = new Set<string>();
  const walk = (nodes: unknown[]): void => {
    for (const node of nodes as Array<{ type: number; value?: unknown; options?: Record<string, { value: unknown[] }> }>) {
      // Types 1..6: argument, number, date, time, select, plural (formatjs' TYPE enum).
      if (node.type >= 1 && node.type <= 6 && typeof node.value === 'string') names.add(node.value);
      if (node.options) for (const o of Object.values(node.options)) walk(o.value);
    }
  };
  walk(f.getAst() as unknown[]);
  return [...names].sort();
}

/**
 * The first language of an Accept-Language header that Siirto speaks, by q-value (`no` and `nn` read bokmål);
 * English when none is.
 */
export function negotiateLang(header: string | undefined | null): Lang {
  const wanted = String(header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      const qv = q ? Number(q.slice(2)) : 1;
      return { tag: (tag ?? '').trim().toLowerCase(), q: Number.isFinite(qv) ? qv : 0, i };
    })
    .filter((w) => w.tag && w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of wanted) {
    const lang = langOfTag(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** fi, nb/no/nn, en from a language tag or a POSIX locale (`fi_FI.UTF-8`, `nb-NO`); undefined otherwise. */
export function langOfTag(tag: string): Lang | undefined {
  const base = tag.trim().toLowerCase().split(/[-_.@]/)[0];
  if (base === 'fi') return 'fi';
  if (base === 'nb' || base === 'no' || base === 'nn') return 'nb';
  if (base === 'en') return 'en';
  return undefined;
}

/**
 * The CLI's language from the environment: SIIRTO_LANG, then the POSIX order LC_ALL, LC_MESSAGES, LANG (the first
 * one set decides; `C`/`POSIX` or a language Siirto does not speak means English).
 */
export function langFromEnvironment(env: NodeJS.ProcessEnv = process.env): Lang {
  const explicit = env.SIIRTO_LANG?.trim();
  if (explicit) return langOfTag(explicit) ?? 'en';
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const v = env[name]?.trim();
    if (v) return langOfTag(v) ?? 'en';
  }
  return 'en';
}

/** A date and time in the language's format (short date, time with seconds); '' for none, the input if unreadable. */
export function formatDate(lang: Lang, when: string | number | Date | undefined | null, options: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'medium' }): string {
  if (when === undefined || when === null || when === '') return '';
  const d = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return new Intl.DateTimeFormat(LOCALES[lang], options).format(d);
}

export function formatNumber(lang: Lang, n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(LOCALES[lang], options).format(n);
}

/** An amount of money (a number or a decimal string) in a currency, EUR unless told. */
export function formatMoney(lang: Lang, amount: number | string, currency = 'EUR'): string {
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }).format(n);
}
