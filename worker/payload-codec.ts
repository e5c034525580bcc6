import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * Encrypts every payload (workflow inputs, activity results, ...) with AES-256-GCM before it reaches the Temporal
 * server, so orders' personal data never sit in history in plain text. The Temporal UI decrypts through the HTTP
 * server's codec endpoint (client/codec-routes.ts). The key id travels with each payload, so keys can rotate, and it
 * is bound to the ciphertext as GCM additional data (marked by `encryption-aad: key-id`): a payload whose key id
 * was changed does not decrypt. Payloads written before that (no marker) still decrypt, without additional data.
 */
const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const AAD = 'encryption-aad';
/** The one additional-data scheme so far: the key id's bytes. */
const AAD_KEY_ID = 'key-id';

export interface CodecKey {
  id: string;
  key: Buffer;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly current: CodecKey, previous: CodecKey[] = []) {
    this.keys = new Map([current, ...previous].map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', this.current.key, iv);
      cipher.setAAD(Buffer.from(this.current.id));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(this.current.id), [AAD]: Buffer.from(AAD_KEY_ID) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (Buffer.from(p.metadata?.encoding ?? []).toString() !== ENCODING) return p;
      const id = Buffer.from(p.metadata?.[KEY_ID] ?? []).toString();
      const key = this.keys.get(id);
      if (!key) throw new Error(`payload encrypted with unknown key "${id}"; configure SIIRTO_PAYLOAD_KEY(S)`);
      const data = Buffer.from(p.data ?? []);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      const aad = p.metadata?.[AAD] === undefined ? null : Buffer.from(p.metadata[AAD]).toString();
      if (aad === AAD_KEY_ID) decipher.setAAD(Buffer.from(id));
      else if (aad !== null) throw new Error(`payload uses unknown additional-data scheme "${aad}"`);
      decipher.setAuthTag(data.subarray(data.length - 16));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      } catch {
        throw new Error(`payload does not decrypt with key "${id}": it was altered, or that key id names another key`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

function parseKey(id: string, base64: string): CodecKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`payload key "${id}" must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return { id, key };
}

/**
 * The key comes from SIIRTO_PAYLOAD_KEY ("<id>:<base64>" or just base64); older keys for decryption from
 * SIIRTO_PAYLOAD_OLD_KEYS (comma-separated). Without it (local development only), a key is generated once
 * into .data/payload-key so that a restarted stack can still read its own history.
 */
export function codecFromEnvironment(dataDir: string, env: NodeJS.ProcessEnv = process.env): EncryptionCodec {
  const parse = (spec: string, fallbackId: string) => {
    const [id, b64] = spec.includes(':') ? spec.split(':', 2) : [fallbackId, spec];
    return parseKey(id, b64);
  };
  const previous = (env.SIIRTO_PAYLOAD_OLD_KEYS ?? '').split(',').filter(Boolean).map((s, i) => parse(s, `old-${i}`));
  if (env.SIIRTO_PAYLOAD_KEY) return new EncryptionCodec(parse(env.SIIRTO_PAYLOAD_KEY, 'default'), previous);
  const file = path.join(dataDir, 'payload-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `local:${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return new EncryptionCodec(parse(fs.readFileSync(file, 'utf8').trim(), 'local'), previous);
}
