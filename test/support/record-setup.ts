import { EncryptionCodec } from '../../worker/payload-codec';
import { recordClosedWorkflows } from './recorded-histories';

/**
 * Only with SIIRTO_RECORD_HISTORIES set (`npm run record-histories`): remembers every payload codec this test file
 * uses (their keys are random per test) and, after the file's tests, records the closed workflows it can decrypt.
 */
if (process.env.SIIRTO_RECORD_HISTORIES) {
  // `1` (the npm script) records under the package's version; a name records under that name.
  const release = process.env.SIIRTO_RECORD_HISTORIES === '1' ? `release-${require('../../package.json').version}` : process.env.SIIRTO_RECORD_HISTORIES;
  const codecs = new Set<EncryptionCodec>();
  const encode = EncryptionCodec.prototype.encode;
  EncryptionCodec.prototype.encode = function (this: EncryptionCodec, payloads) {
    codecs.add(this);
    return encode.call(this, payloads);
  };
  afterAll(async () => {
    const address = process.env.SIIRTO_TEST_TEMPORAL_ADDRESS;
    if (address && codecs.size) await recordClosedWorkflows(address, [...codecs], release);
  }, 120_000);
}
