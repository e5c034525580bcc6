/**
 * Siirto's HTTP server (the webhook door) in a process of its own, as `siirto server` runs apart from `siirto worker`
 * in production: a benchmark that runs the worker in its own process then does not make the worker's event loop take
 * in the webhooks too. `node dist/bench/server-host.js` reads one JSON line on stdin (the Temporal address, the task
 * queue, the codec key, the tenants; on stdin so the sandbox credentials are not on a command line), prints one JSON
 * line `{"url":...}` once it listens, and serves until SIGTERM or its stdin closes. Not a benchmark by itself
 * (bench/run.ts skips it); `hostServer` is the parent's side.
 */
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { buildHttpServer, listen } from '../client/http';
import { log } from '../client/log';
import type { ResolvedTenant } from '../config/load';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';
import { EncryptionCodec } from '../worker/payload-codec';
import { spawnJsonLinesChild } from './json-lines-child';

const HostInput = z.object({
  address: z.string().min(1),
  taskQueue: z.string().min(1),
  codec: z.object({ id: z.string().min(1), keyBase64: z.string().min(1) }),
  /** Tenants as the bench resolved them (already validated there). */
  tenants: z.array(z.object({ tenant: z.string().min(1) }).passthrough()).min(1),
});
type HostInput = z.infer<typeof HostInput>;

export interface HostedServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the HTTP server in a child process and resolves with its URL once it listens. */
export async function hostServer(input: { address: string; taskQueue: string; codec: { id: string; key: Buffer }; tenants: ResolvedTenant[] }): Promise<HostedServer> {
  const child = spawnJsonLinesChild('server host', path.join(__dirname, 'server-host.js'));
  const message: HostInput = { address: input.address, taskQueue: input.taskQueue, codec: { id: input.codec.id, keyBase64: input.codec.key.toString('base64') }, tenants: input.tenants };
  const url = await child.ask(JSON.stringify(message), (reply) => z.object({ url: z.string().url() }).parse(reply).url);
  return { url, pid: child.pid, stop: () => child.stop() };
}

async function main(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    lines.once('close', () => reject(new Error('stdin closed before the settings line')));
  });
  const input = HostInput.parse(JSON.parse(first));
  log.level = 'error'; // as the bench's own process: a line per webhook would drown its report
  const codec = new EncryptionCodec({ id: input.codec.id, key: Buffer.from(input.codec.keyBase64, 'base64') });
  const client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address: input.address }), dataConverter: { payloadCodecs: [codec] } });
  const tenants = new Map(input.tenants.map((t) => [t.tenant, t as unknown as ResolvedTenant]));
  const app = buildHttpServer({ tenants, temporal: client, uiOrigins: [], taskQueue: input.taskQueue });
  const url = await listen(app, 0);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch(() => undefined);
    await client.connection.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  lines.on('close', () => void stop());
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`server host failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
