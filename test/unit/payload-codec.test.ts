import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { codecFromEnvironment, EncryptionCodec } from '../../worker/payload-codec';

describe('payload encryption codec', () => {
  const key = { id: 'k1', key: crypto.randomBytes(32) };

  it('encrypts so that no plain text reaches the server, and decrypts back', async () => {
    const codec = new EncryptionCodec(key);
    const payload = defaultPayloadConverter.toPayload({ email: 'aino@example.fi', customerKey: 'top-secret' });
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded.data!).toString('latin1')).not.toContain('top-secret');
    expect(Buffer.from(encoded.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ email: 'aino@example.fi', customerKey: 'top-secret' });
  });

  it('decrypts with a previous key after rotation and refuses an unknown key', async () => {
    const [old] = await new EncryptionCodec(key).encode([defaultPayloadConverter.toPayload('x')]);
    const rotated = new EncryptionCodec({ id: 'k2', key: crypto.randomBytes(32) }, [key]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toBe('x');
    await expect(new EncryptionCodec({ id: 'k3', key: crypto.randomBytes(32) }).decode([old])).rejects.toThrow(/unknown key "k1"/);
  });

  it('detects tampering', async () => {
    const codec = new EncryptionCodec(key);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('amount 10.00')]);
    const data = Buffer.from(encoded.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow();
  });

  it('takes the key from SIIRTO_PAYLOAD_KEY, or keeps a generated local one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-key-'));
    const b64 = crypto.randomBytes(32).toString('base64');
    expect(() => codecFromEnvironment(dir, { SIIRTO_PAYLOAD_KEY: 'prod:c2hvcnQ=' })).toThrow(/must be 32 bytes/);
    expect(codecFromEnvironment(dir, { SIIRTO_PAYLOAD_KEY: `prod:${b64}` })).toBeInstanceOf(EncryptionCodec);
    codecFromEnvironment(dir, {});
    const first = fs.readFileSync(path.join(dir, 'payload-key'), 'utf8');
    codecFromEnvironment(dir, {});
    expect(fs.readFileSync(path.join(dir, 'payload-key'), 'utf8')).toBe(first);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
