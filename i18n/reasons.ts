import { STEP_TITLES, stepTitleKey, type StepName } from '../domain/onboarding';
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

/** Whole texts the onboarding workflow writes in English (its notes and migration summaries), by pattern. */
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => [MessageKey, Record<string, string>?]]> = [
  [
    /^(\d+) read; (to )?create (\d+), (?:to )?update (\d+), unchanged (\d+), conflicts (\d+), skipped (\d+)$/,
    (m) => [m[2] ? 'onboarding.migration.plan' : 'onboarding.migration.summary', { read: m[1], create: m[3], update: m[4], unchanged: m[5], conflict: m[6], skip: m[7] }],
  ],
  [/^plan shown: run the migrations for real to go on$/, () => ['onboarding.note.planShown']],
  [/^the plan could not be made for every register$/, () => ['onboarding.note.planFailed']],
  [/^created: nothing \(already there\)$/, () => ['onboarding.note.createdNothing']],
  [/^created: (.+)$/, (m) => ['onboarding.note.created', { items: m[1] }]],
  [/^missing and creatable: (.+) \(run again with create to create them\)$/, (m) => ['onboarding.note.creatable', { items: m[1] }]],
  [/^order export has no registers to migrate$/, () => ['onboarding.note.noRegistersOrderExport']],
  [/^no registers chosen: nothing to migrate$/, () => ['onboarding.note.noRegisters']],
];

const stepByTitle = (title: string): StepName | undefined => (Object.keys(STEP_TITLES) as StepName[]).find((k) => STEP_TITLES[k] === title);
const TITLES = Object.values(STEP_TITLES).map((x) => x.replace(/[-]/g, '\\-')).join('|');
const ORDER = new RegExp(`^(${TITLES}) comes after (${TITLES}), which (failed|is still running|has not been done): run (?:.+) first$`);
const RUNNING = new RegExp(`^(${TITLES}) is already running; wait for it \\(siirto onboard shows the checklist\\)$`);

/** The refusals of the onboarding steps (domain/onboarding.ts refuseStep), which reach the reader as English text. */
function refusal(lang: Lang, text: string): string | undefined {
  const title = (name: string) => t(lang, stepTitleKey(stepByTitle(name)!));
  const order = ORDER.exec(text);
  if (order) {
    const what = order[3] === 'failed' ? 'failed' : order[3] === 'is still running' ? 'running' : 'pending';
    return t(lang, 'onboarding.refuse.order', { step: title(order[1]), before: title(order[2]), what, beforeLower: title(order[2]).toLowerCase() });
  }
  const running = RUNNING.exec(text);
  if (running) return t(lang, 'onboarding.refuse.running', { step: title(running[1]) });
  for (const [re, key, names] of REFUSALS) {
    const m = re.exec(text);
    if (m) return t(lang, key, Object.fromEntries(names.map((n, i) => [n, m[i + 1]])));
  }
  return undefined;
}

/** The onboarding workflow's other refusals (workflows/onboarding.ts, domain/onboarding.ts parseGoLiveAt), by pattern. */
const REFUSALS: Array<[RegExp, MessageKey, string[]]> = [
  [/^no registers confirmed: there is nothing to migrate$/, 'onboarding.refuse.noRegisters', []],
  [/^show the plan first: run the migrations as a dry run, then for real$/, 'onboarding.refuse.planFirst', []],
  [/^go-live is already scheduled for (.+); cancel it first$/, 'onboarding.refuse.goLiveScheduled', ['at']],
  [/^go-live time "(.*)" is not an ISO time with a zone, such as 2026-12-01T06:00:00Z$/, 'onboarding.refuse.goLiveFormat', ['at']],
  [/^go-live time "(.*)" is not a valid time$/, 'onboarding.refuse.goLiveInvalid', ['at']],
  [/^no go-live is scheduled for (\S+) of (\S+)$/, 'onboarding.refuse.noGoLive', ['pair', 'tenant']],
  [/^"(.*)" is not a 24SevenOffice identity id \(a GUID\)$/, 'onboarding.refuse.identity', ['id']],
  [/^(\S+) is order export: it has no registers to migrate \(confirm with none\)$/, 'onboarding.refuse.orderExportRegisters', ['pair']],
  [/^pair (\S+) has no register "(.*)": use (.*)$/, 'onboarding.refuse.unknownRegister', ['pair', 'register', 'allowed']],
  [/^choose a direction for (\S+): (.*)$/, 'onboarding.refuse.direction', ['register', 'choices']],
  [/^pair (\S+) has no transfer "(.*)" in the tenant file: use (.*)$/, 'onboarding.refuse.unknownTransfer', ['pair', 'transfer', 'allowed']],
  [/^(\S+) for (\S+) is not live: choose the transfers in the registers step, then go live$/, 'onboarding.refuse.notLive', ['pair', 'tenant']],
  [/^addTransfers needs the transfers to start, such as \["stock:woo"\]$/, 'onboarding.refuse.noTransfers', []],
];

export function localizeText(lang: Lang, text: string | undefined | null): string {
  if (!text) return '';
  const refused = refusal(lang, text);
  if (refused !== undefined) return refused;
  if (lang === 'en') return text;
  for (const [re, key] of PATTERNS) {
    const m = re.exec(text);
    if (m) {
      const [k, params] = key(m);
      return t(lang, k, params);
    }
  }
  const advice = ADVICE.exec(text);
  if (advice) return t(lang, 'failure.credentials', { detail: localizeText(lang, advice[1]), tenant: advice[2] });
  let out = text;
  for (const f of FIXED) if (out.includes(f.en)) out = out.split(f.en).join(t(lang, f.key, f.params));
  return out;
}
