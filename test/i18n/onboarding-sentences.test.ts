import { credentialsSentence } from '../../activities/onboarding';
import { credentialsError } from '../../connectors/kit/errors';
import { invalidCredentials as severaInvalid } from '../../connectors/severa/errors';
import { invalidCredentials as procountorInvalid } from '../../connectors/procountor/errors';
import { classifyWooError } from '../../connectors/woocommerce/errors';
import { t, tl } from '../../i18n';

/** The onboarding credentials check keys the connectors' own refusal sentences, so each reader sees the seed wording. */
describe('credential sentences of the onboarding checks', () => {
  test('Severa: the connector sentence becomes the seed sentence in Finnish', () => {
    const s = credentialsSentence('severa', severaInvalid());
    expect(s.message).toBe(severaInvalid().message);
    expect(s.msg.key).toBe('credentials.invalid.severa');
    expect(tl('fi', s.msg)).toBe('Virheellinen Severan API-avain: Yhteyttä ei voida muodostaa. Tarkista API-avain.');
  });

  test('Procountor and Netvisor keep their English text and get their key', () => {
    expect(credentialsSentence('procountor', procountorInvalid()).msg.key).toBe('credentials.invalid.procountor');
    const nv = credentialsError('netvisor', 'Netvisor', 'credentials', 'integration credentials');
    expect(credentialsSentence('netvisor', nv)).toEqual({ message: nv.message, msg: { key: 'credentials.invalid.netvisor' } });
    expect(tl('fi', credentialsSentence('netvisor', nv).msg)).toMatch(/^Virheelliset Netvisorin integraatiotunnukset: Yhteyttä ei voida muodostaa\./);
  });

  test('a WooCommerce shop: which key was refused is kept', () => {
    const err = classifyWooError(401, { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.' }, {}, 'orders');
    const s = credentialsSentence('shop:woo-1', err);
    expect(s.msg).toEqual({ key: 'credentials.invalid.woocommerce', params: { what: 'secret' } });
    expect(tl('fi', s.msg)).toMatch(/^Virheellinen WooCommercen consumer secret: Yhteyttä ei voida muodostaa\./);
    expect(s.message).toBe(err.message);
  });

  test('another refusal keeps the connector words under a key', () => {
    const s = credentialsSentence('24so', new Error('24SevenOffice refused the identity: blocked. Check the identity id in the credentials.'));
    expect(s.msg).toEqual({ key: 'credentials.refused', params: { detail: s.message } });
    expect(tl('nb', s.msg)).toBe(s.message);
  });
});
