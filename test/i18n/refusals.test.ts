import { parseGoLiveAt } from '../../domain/onboarding';
import { localizeText } from '../../i18n/reasons';

/**
 * The onboarding workflow refuses a step with an English sentence (an Update's failure); the console and the CLI put
 * it in the reader's language. The sentences here are the workflow's own (workflows/onboarding.ts, parseGoLiveAt).
 */
const badTime = parseGoLiveAt('tomorrow', Date.now());
const REFUSALS: Array<[string, string[]]> = [
  ['no registers confirmed: there is nothing to migrate', []],
  ['show the plan first: run the migrations as a dry run, then for real', []],
  ['go-live is already scheduled for 2026-12-03T06:00:00.000Z; cancel it first', ['2026-12-03T06:00:00.000Z']],
  [badTime.ok ? '' : badTime.message, ['tomorrow']],
  ['no go-live is scheduled for rackbeat-24so of acme', ['rackbeat-24so', 'acme']],
  ['"not-a-guid" is not a 24SevenOffice identity id (a GUID)', ['not-a-guid']],
  ['shop-netvisor is order export: it has no registers to migrate (confirm with none)', ['shop-netvisor']],
  ['pair rackbeat-netvisor has no register "orders": use customers, products', ['rackbeat-netvisor', 'orders', 'customers, products']],
  ['choose a direction for customers: rackbeat-to-netvisor or netvisor-to-rackbeat', ['customers', 'rackbeat-to-netvisor or netvisor-to-rackbeat']],
];

describe('onboarding refusals in the reader’s language', () => {
  it.each(REFUSALS)('%s', (text, params) => {
    expect(text).not.toBe('');
    // English reads exactly as the workflow wrote it.
    expect(localizeText('en', text)).toBe(text);
    for (const lang of ['fi', 'nb'] as const) {
      const out = localizeText(lang, text);
      expect(out).not.toBe(text);
      for (const p of params) expect(out).toContain(p);
    }
  });
});
