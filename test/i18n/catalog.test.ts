import { CATALOG, LANGS, formatDate, formatMoney, formatNumber, langFromEnvironment, messageParams, negotiateLang, t } from '../../i18n';

describe('message catalog', () => {
  const keys = Object.keys(CATALOG.en);

  test.each(LANGS.filter((l) => l !== 'en'))('every key exists in %s with the same parameters as in English', (lang) => {
    const missing = keys.filter((k) => CATALOG[lang][k] === undefined);
    const extra = Object.keys(CATALOG[lang]).filter((k) => CATALOG.en[k] === undefined);
    const differing = keys
      .filter((k) => CATALOG[lang][k] !== undefined)
      .filter((k) => messageParams(CATALOG[lang][k], lang).join(',') !== messageParams(CATALOG.en[k]).join(','))
      .map((k) => `${k}: ${messageParams(CATALOG[lang][k], lang)} vs ${messageParams(CATALOG.en[k])}`);
    expect({ missing, extra, differing }).toEqual({ missing: [], extra: [], differing: [] });
  });

  test('the console messages are part of the catalog', () => {
    expect(keys.filter((k) => k.startsWith('console.')).length).toBeGreaterThan(10);
    expect(t('fi', 'console.nav.onboarding')).not.toBe(t('en', 'console.nav.onboarding'));
  });

  test('the seed sentence for an invalid Severa API key, in each language', () => {
    expect(t('fi', 'credentials.invalid.severa')).toBe('Virheellinen Severan API-avain: Yhteyttä ei voida muodostaa. Tarkista API-avain.');
    expect(t('en', 'credentials.invalid.severa')).toBe('Invalid Severa API key: connection cannot be established. Check the API key.');
    expect(t('nb', 'credentials.invalid.severa')).toMatch(/^Ugyldig API-nøkkel for Severa/);
  });

  test('parameters, selects and unknown keys', () => {
    expect(t('en', 'credentials.invalid.woocommerce', { what: 'secret' })).toMatch(/^Invalid WooCommerce consumer secret:/);
    expect(t('fi', 'onboarding.next', { step: 'Tunnukset' })).toBe('Seuraavaksi: Tunnukset');
    expect(t('en', 'onboarding.next')).toBe('Next: {step}');
    expect(t('fi', 'no.such.key')).toBe('no.such.key');
  });

  test('Accept-Language negotiation', () => {
    expect(negotiateLang('fi-FI,fi;q=0.9,en;q=0.8')).toBe('fi');
    expect(negotiateLang('de-DE,nn;q=0.5,en;q=0.4')).toBe('nb');
    expect(negotiateLang('en;q=0.3, no;q=0.7')).toBe('nb');
    expect(negotiateLang('de,fr')).toBe('en');
    expect(negotiateLang('fi;q=0, en')).toBe('en');
    expect(negotiateLang(undefined)).toBe('en');
  });

  test('the language of the environment (POSIX precedence)', () => {
    expect(langFromEnvironment({ LANG: 'fi_FI.UTF-8' })).toBe('fi');
    expect(langFromEnvironment({ LANG: 'fi_FI.UTF-8', LC_MESSAGES: 'nb_NO.UTF-8' })).toBe('nb');
    expect(langFromEnvironment({ LANG: 'fi_FI.UTF-8', LC_ALL: 'C' })).toBe('en');
    expect(langFromEnvironment({ SIIRTO_LANG: 'fi', LC_ALL: 'en_US.UTF-8' })).toBe('fi');
    expect(langFromEnvironment({})).toBe('en');
  });

  test('dates, numbers and money in the language of the reader', () => {
    const when = '2026-12-01T06:05:09Z';
    const utc = { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'medium' } as const;
    expect(formatDate('fi', when, utc)).toBe('1.12.2026 klo 6.05.09');
    expect(formatDate('en', when, utc)).toBe('01/12/2026, 06:05:09');
    expect(formatNumber('fi', 1234567.5).replace(/\s/g, ' ')).toBe('1 234 567,5');
    expect(formatNumber('en', 1234567.5)).toBe('1,234,567.5');
    expect(formatMoney('fi', '1234.5').replace(/\s/g, ' ')).toBe('1 234,50 €');
    expect(formatMoney('nb', 10, 'NOK').replace(/\s/g, ' ')).toMatch(/10,00/);
    expect(formatDate('fi', 'not a date')).toBe('not a date');
  });
});

describe('reasons kept as English text', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { localizeText } = require('../../i18n/reasons') as typeof import('../../i18n/reasons');
  const { credentialsAdvice } = require('../../domain/onboarding') as typeof import('../../domain/onboarding');
  const { invalidCredentials } = require('../../connectors/severa/errors') as typeof import('../../connectors/severa/errors');

  test('a parked transfer\'s credentials reason reads in Finnish, with the seed sentence', () => {
    const reason = credentialsAdvice('demo', invalidCredentials().message);
    expect(localizeText('en', reason)).toBe(reason);
    const fi = localizeText('fi', reason);
    expect(fi.startsWith('Virheellinen Severan API-avain: Yhteyttä ei voida muodostaa. Tarkista API-avain. Siirto on keskeytetty')).toBe(true);
    expect(fi).toContain('siirto onboard config/demo.yaml');
    // The English advice is exactly the catalog's failure.credentials.
    expect(reason).toBe(require('../../i18n').t('en', 'failure.credentials', { detail: invalidCredentials().message, tenant: 'demo' }));
  });

  test('the onboarding workflow\'s English notes and migration summaries, by pattern', () => {
    expect(localizeText('fi', '3 read; to create 3, to update 0, unchanged 0, conflicts 0, skipped 0')).toBe(
      'luettu 3; luotaisiin 3, päivitettäisiin 0, ennallaan 0, ristiriitoja 0, ohitettaisiin 0',
    );
    expect(localizeText('nb', '2 read; create 2, update 0, unchanged 1, conflicts 0, skipped 0')).toBe('2 lest; opprettet 2, oppdatert 0, uendret 1, konflikter 0, hoppet over 0');
    expect(localizeText('fi', 'created: payment term 1, customer group 1')).toBe('luotu: payment term 1, customer group 1');
    expect(localizeText('en', 'created: nothing (already there)')).toBe('created: nothing (already there)');
  });

  test('a step taken out of order: the refusal in every language, English as the workflow words it', () => {
    const { refuseStep, emptyChecklist, stepOf } = require('../../domain/onboarding') as typeof import('../../domain/onboarding');
    const c = emptyChecklist('demo', 'severa-netvisor');
    stepOf(c, 'credentials').status = 'failed';
    const english = refuseStep(c, 'permissions')!;
    expect(english).toBe('Permissions comes after Credentials, which failed: run credentials first');
    expect(localizeText('en', english)).toBe(english);
    expect(localizeText('fi', english)).toBe('Käyttöoikeudet tehdään vaiheen Tunnukset jälkeen, joka epäonnistui: tee ensin tunnukset');
    stepOf(c, 'credentials').status = 'ok';
    expect(localizeText('nb', refuseStep(c, 'prerequisites')!)).toBe('Forutsetninger kommer etter Rettigheter, som ikke er gjort: kjør rettigheter først');
  });

  test('text without a known sentence stays as it is', () => {
    expect(localizeText('nb', 'Netvisor refused the data: VAT code')).toBe('Netvisor refused the data: VAT code');
  });
});
