import { CATALOG, t, type Lang, type MessageKey } from './index';

/**
 * Reasons that reach the reader as English text only (a transfer's memo, a Schedule's pause note, recorded
 * histories written before the keys existed): the catalog's fixed sentences found in the text are put in the
 * reader's language, the rest stays as it is. The seed sentences for refused credentials are all fixed ones.
 */
const FIXED: Array<{ en: string; key: MessageKey; params?: Record<string, string> }> = [
  ...(['netvisor', 'procountor', 'rackbeat', '24so', 'severa', 'shopify'] as const).map((s) => ({ en: CATALOG.en[`credentials.invalid.${s}`], key: `credentials.invalid.${s}` as MessageKey })),
  ...(['secret', 'key', 'api'] as const).map((what) => ({ en: t('en', 'credentials.invalid.woocommerce', { what }), key: 'credentials.invalid.woocommerce' as MessageKey, params: { what } })),
];

const ADVICE = /^(.*?) The flow is paused: fix the credentials, confirm with "siirto onboard config\/(.+?)\.yaml" \(the credentials check\), then retry the paused transfers(?: \(.*\))?\.$/s;

export function localizeText(lang: Lang, text: string | undefined | null): string {
  if (!text) return '';
  if (lang === 'en') return text;
  const advice = ADVICE.exec(text);
  if (advice) return t(lang, 'failure.credentials', { detail: localizeText(lang, advice[1]), tenant: advice[2] });
  let out = text;
  for (const f of FIXED) if (out.includes(f.en)) out = out.split(f.en).join(t(lang, f.key, f.params));
  return out;
}
