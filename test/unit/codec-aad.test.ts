import crypto from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec } from '../../worker/payload-codec';

/** How payloads were written before the key id was bound as additional data (history written then must still read). */
function legacyEncrypt(id: string, key: Buffer, payload: Payload): Payload {
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from(id) }, data };
}

const text = (p: Payload) => defaultPayloadConverter.fromPayload(p);

describe('payload codec: the key id is bound to the ciphertext (GCM additional data)', () => {
  const bytes = crypto.randomBytes(32);

  it('marks new payloads and decrypts them', async () => {
    const codec = new EncryptionCodec({ id: 'k1', key: bytes });
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ iban: 'FI21 1234 5600 0007 85' })]);
    expect(Buffer.from(encoded.metadata!['encryption-aad']!).toString()).toBe('key-id');
    expect(text((await codec.decode([encoded]))[0])).toEqual({ iban: 'FI21 1234 5600 0007 85' });
  });

  it('refuses a payload whose key id was rewritten, even to an id of the same key bytes', async () => {
    // Two ids for one key (e.g. a key re-registered under a new name): before, rewriting the id went unnoticed.
    const codec = new EncryptionCodec({ id: 'k1', key: bytes }, [{ id: 'k1-renamed', key: bytes }]);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('amount 10.00')]);
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, 'encryption-key-id': Buffer.from('k1-renamed') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/does not decrypt with key "k1-renamed"/);
  });

  it('refuses a new payload whose marker was stripped (no downgrade to the old format)', async () => {
    const codec = new EncryptionCodec({ id: 'k1', key: bytes });
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const { 'encryption-aad': _dropped, ...rest } = encoded.metadata!;
    await expect(codec.decode([{ ...encoded, metadata: rest }])).rejects.toThrow(/does not decrypt/);
  });

  it('still decrypts payloads written in the old format, also after a key rotation', async () => {
    const old = legacyEncrypt('k0', bytes, defaultPayloadConverter.toPayload({ customer: 'Aino' }));
    const rotated = new EncryptionCodec({ id: 'k2', key: crypto.randomBytes(32) }, [{ id: 'k0', key: bytes }]);
    expect(text((await rotated.decode([old]))[0])).toEqual({ customer: 'Aino' });
  });

  it('names an unknown additional-data scheme instead of guessing', async () => {
    const codec = new EncryptionCodec({ id: 'k1', key: bytes });
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    await expect(codec.decode([{ ...encoded, metadata: { ...encoded.metadata, 'encryption-aad': Buffer.from('v9') } }])).rejects.toThrow(/unknown additional-data scheme "v9"/);
  });
});
