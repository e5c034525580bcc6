/**
 * Sandboxes in a process of their own, so a benchmark can tell their CPU from the HTTP server's and the driver's:
 * `node dist/bench/sandbox-host.js netvisor netvisor woocommerce` starts them on free ports, prints one JSON line
 * `{"urls":[...]}` (in the order given) and serves until SIGTERM or its stdin closes. On stdin it also takes `landed` (when
 * each Netvisor document was stored) and a `{"deliver": ...}` line (webhooks to send at once, as a shop does). Not a benchmark by itself
 * (bench/run.ts skips it); `hostSandboxes` is the parent's side.
 */
import path from 'node:path';
import readline from 'node:readline';
import type { SandboxSystem } from '../sandbox/kit/server';
import { isSandboxSystem, startSandboxes } from '../sandbox/registry';
import { spawnJsonLinesChild } from './json-lines-child';

export interface HostedSandboxes {
  urls: string[];
  pid: number;
  /**
   * When each Netvisor sales document landed in a hosted sandbox (the host's Date.now(), the same clock as ours), by
   * its our-reference ("woo:<order number>"): for latency figures taken where the document is stored.
   */
  landedDocuments(): Promise<Map<string, number>>;
  /**
   * POSTs these requests to `url` all at once from the host process, as the shop sends its webhooks (so the sending
   * is not done by the process under measurement), and resolves with each reply's status and text once all answered.
   */
  deliver(url: string, requests: readonly Delivery[]): Promise<Array<{ status: number; text: string }>>;
  stop(): Promise<void>;
}

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** Starts the sandboxes in a child process and resolves with their URLs once they listen. */
export async function hostSandboxes(systems: readonly SandboxSystem[]): Promise<HostedSandboxes> {
  const child = spawnJsonLinesChild('sandbox host', path.join(__dirname, 'sandbox-host.js'), systems);
  const urls = await child.next((reply) => (reply as { urls: string[] }).urls);
  return {
    urls,
    pid: child.pid,
    landedDocuments() {
      return child.ask('landed', (reply) => new Map(Object.entries((reply as { landed: Record<string, number> }).landed)));
    },
    deliver(url, requests) {
      return child.ask(JSON.stringify({ deliver: { url, requests } }), (reply) => (reply as { delivered: Array<{ status: number; text: string }> }).delivered);
    },
    stop: () => child.stop(),
  };
}

async function main(): Promise<void> {
  const systems = process.argv.slice(2);
  const unknown = systems.filter((s) => !isSandboxSystem(s));
  if (!systems.length || unknown.length) {
    process.stderr.write(`usage: sandbox-host <system>...; unknown: ${unknown.join(', ') || '(none given)'}\n`);
    process.exit(2);
  }
  const started = await startSandboxes(systems as SandboxSystem[]);
  const landed: Record<string, number> = {};
  for (const sandbox of started.filter((s) => s.system === 'netvisor')) {
    const store = sandbox.ctx.store;
    const insert = store.insert.bind(store);
    store.insert = ((name: string, record: Record<string, unknown>) => {
      if (name === 'salesInvoices' && typeof record.ourReference === 'string') landed[record.ourReference] = Date.now();
      return insert(name, record as never);
    }) as typeof store.insert;
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(started.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'landed') process.stdout.write(`${JSON.stringify({ landed })}\n`);
    else if (line.startsWith('{')) {
      const { deliver } = JSON.parse(line) as { deliver: { url: string; requests: Delivery[] } };
      void Promise.all(
        deliver.requests.map(async (r) => {
          const res = await fetch(deliver.url, { method: 'POST', headers: r.headers, body: r.body });
          return { status: res.status, text: await res.text() };
        }),
      ).then(
        (delivered) => process.stdout.write(`${JSON.stringify({ delivered })}\n`),
        (err: Error) => process.stdout.write(`${JSON.stringify({ delivered: [{ status: 0, text: err.message }] })}\n`),
      );
    }
  });
  process.stdout.write(`${JSON.stringify({ urls: started.map((s) => s.url) })}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`sandbox host failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
