/** The console reads the one shared catalog (i18n/index.ts): the CLI's and the console's messages in fi, nb, en. */
export { formatDate, formatNumber, LANG_NAMES, LANGS, negotiateLang, t, tl } from '../../i18n';
export type { Lang, Params } from '../../i18n';
