import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * Recorded workflow histories (test/histories/<release>/<workflow type>/<id>.json), replayed in CI by
 * test/workflows/replay-recorded.test.ts, so a change that breaks determinism for a running tenant fails CI.
 *
 * Recording is a developer's step, run when a release's workflows change: `npm run record-histories` runs the
 * workflow tests with SIIRTO_RECORD_HISTORIES set; after each test file, the closed workflows it ran are fetched,
 * their payloads decrypted (the tests' keys are random, so the files keep plain test data and need no key) and
 * written under the release that SIIRTO_RECORD_HISTORIES names (e.g. `release-0.2`), a few per workflow type.
 * Older releases' folders stay: workflows they started may still be running at a tenant.
 */
export const HISTORIES_DIR = path.resolve(__dirname, '../histories');
const PER_TYPE = 6;
const MAX_BYTES = 400_000;

type History = temporal.api.history.v1.IHistory;
const HistoryMessage = temporal.api.history.v1.History;
// protobufjs' own JSON form (int64 as strings, enums by name, bytes base64), read back with fromObject. Not
// historyToJSON: with the SDK's nested protobufjs copies its type check refuses @temporalio/proto's messages.
const historyToJSON = (h: History): string => JSON.stringify(HistoryMessage.fromObject(h).toJSON());
const historyFromJSON = (json: unknown): History => HistoryMessage.fromObject(json as Record<string, unknown>);

export interface RecordedHistory {
  workflowType: string;
  workflowId: string;
  history: History;
}

export function loadRecordedHistories(dir = HISTORIES_DIR): RecordedHistory[] {
  if (!fs.existsSync(dir)) return [];
  const out: RecordedHistory[] = [];
  const subdirs = (d: string) => fs.readdirSync(d).filter((n) => fs.statSync(path.join(d, n)).isDirectory()).sort();
  for (const release of subdirs(dir)) {
    for (const type of subdirs(path.join(dir, release))) {
      const typeDir = path.join(dir, release, type);
      for (const file of fs.readdirSync(typeDir).filter((f) => f.endsWith('.json')).sort()) {
        const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(typeDir, file), 'utf8')));
        out.push({ workflowType: type, workflowId: `${release}/${type}/${file.replace(/\.json$/, '')}`, history });
      }
    }
  }
  return out;
}

const ENCRYPTED = 'binary/encrypted';
const isPayload = (v: unknown): v is Payload => !!v && typeof v === 'object' && 'metadata' in v && !!(v as Payload).metadata?.encoding;

/** Replaces every encrypted payload in the history by its plain form, trying each codec the test process used. */
async function decodeHistory(node: unknown, codecs: readonly PayloadCodec[]): Promise<boolean> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      if (isPayload(node[i]) && Buffer.from(node[i].metadata.encoding).toString() === ENCRYPTED) {
        const plain = await decodeWithAny(node[i], codecs);
        if (!plain) return false;
        node[i] = plain;
      } else if (!(await decodeHistory(node[i], codecs))) return false;
    }
    return true;
  }
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return true;
  for (const [k, v] of Object.entries(node)) {
    if (isPayload(v) && Buffer.from(v.metadata!.encoding!).toString() === ENCRYPTED) {
      const plain = await decodeWithAny(v, codecs);
      if (!plain) return false;
      (node as Record<string, unknown>)[k] = plain;
    } else if (!(await decodeHistory(v, codecs))) return false;
  }
  return true;
}

async function decodeWithAny(payload: Payload, codecs: readonly PayloadCodec[]): Promise<Payload | null> {
  for (const codec of codecs) {
    try {
      return (await codec.decode([payload]))[0];
    } catch {
      // another test's key
    }
  }
  return null;
}

const fileName = (workflowId: string): string => workflowId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

/** Writes up to PER_TYPE workflows (closed, or an entity still running: its history so far) of each type that this process's codecs can decrypt. */
export async function recordClosedWorkflows(address: string, codecs: readonly PayloadCodec[], release: string, dir = HISTORIES_DIR): Promise<number> {
  const connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  // Listing decodes memos; one another process encrypted is read as null (its history is skipped below anyway).
  const listCodec: PayloadCodec = {
    encode: async (ps) => ps,
    decode: async (ps) => Promise.all(ps.map(async (p) => (await decodeWithAny(p, codecs)) ?? { metadata: { encoding: Buffer.from('binary/null') } })),
  };
  const client = new Client({ connection, dataConverter: { payloadCodecs: [listCodec] } });
  let written = 0;
  try {
    for await (const info of client.workflow.list()) {
      const typeDir = path.join(dir, release, info.type);
      const target = path.join(typeDir, `${fileName(info.workflowId)}.json`);
      if (fs.existsSync(target)) continue;
      if (fs.existsSync(typeDir) && fs.readdirSync(typeDir).length >= PER_TYPE) continue;
      const history = await new Client({ connection }).workflow.getHandle(info.workflowId, info.runId).fetchHistory();
      if (!(await decodeHistory(history, codecs))) continue;
      const json = historyToJSON(history);
      if (json.length > MAX_BYTES) continue;
      fs.mkdirSync(typeDir, { recursive: true });
      fs.writeFileSync(target, json);
      written++;
    }
  } finally {
    await connection.close();
  }
  return written;
}
