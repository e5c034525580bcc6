import { RackbeatClient, type RackbeatClientOptions } from '../../../connectors/rackbeat';
import type { StartedSandbox } from '../../../sandbox/kit/server';
import { startTestSandboxes } from '../../support/sandboxes';

export const TOKEN = 'sandbox-rackbeat-token';

/** One Rackbeat sandbox per test file, and clients pointed at it the way tenant config does (its root URL). */
export async function startRackbeat(seed = 1) {
  const { sandboxes, stop } = await startTestSandboxes(['rackbeat'], seed);
  const sandbox = sandboxes.rackbeat as StartedSandbox;
  const client = (options: RackbeatClientOptions = {}, token = TOKEN) =>
    new RackbeatClient({ baseUrl: sandbox.url, apiToken: token }, { timeoutMs: 5000, ...options });
  return { sandbox, url: sandbox.url, client, stop };
}

/** Resolves with the rejection of `promise`, failing the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
