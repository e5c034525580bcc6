import { CONSOLE_MESSAGES, type ConsoleMessageKey } from '../../i18n/console-messages';

/**
 * The console's view of the message catalog. A bridge until the shared catalog (i18n/index.ts) is in: then this
 * file only re-exports it.
 */
export type Lang = 'fi' | 'nb' | 'en';
export const LANGS: readonly Lang[] = ['fi', 'nb', 'en'];
export const LANG_NAMES: Record<Lang, string> = { fi: 'Suomi', nb: 'Norsk (bokmål)', en: 'English' };
export type Params = Record<string, string | number | undefined>;

export function t(lang: Lang, key: ConsoleMessageKey, params: Params = {}): string {
  const text = CONSOLE_MESSAGES[lang][key] ?? CONSOLE_MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
}

/** The first of the browser's languages that the console speaks (no, nn and nb all read bokmål); English otherwise. */
export function negotiateLang(header: string | undefined): Lang {
  const wanted = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((w) => w.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    const base = tag.split('-')[0];
    if (base === 'fi') return 'fi';
    if (base === 'nb' || base === 'no' || base === 'nn') return 'nb';
    if (base === 'en') return 'en';
  }
  return 'en';
}

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', nb: 'nb-NO', en: 'en-GB' };

export function formatDate(lang: Lang, iso: string | Date | undefined): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}
