import type { SandboxSystem, StartedSandbox } from '../../sandbox/kit/server';
import { startSandboxes } from '../../sandbox/registry';
import { isConnectorError, type ConnectorError } from '../../connectors/kit/errors';

/** Starts sandboxes in-process on free ports; call `stop` in afterAll. */
export async function startTestSandboxes(systems: SandboxSystem[], seed = 1): Promise<{ sandboxes: Record<string, StartedSandbox>; stop(): Promise<void> }> {
  const started = await startSandboxes(systems, { seed });
  return {
    sandboxes: Object.fromEntries(started.map((s) => [s.system, s])),
    stop: async () => {
      await Promise.allSettled(started.map(async (s) => {
        await s.ctx.webhooks.drain();
        await s.close();
      }));
    },
  };
}

/** Calls a control endpoint (/__sandbox/...) over HTTP, as an outside tool would. */
export async function control(url: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/__sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox control ${path} failed: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The ConnectorError a call fails with (anything else is rethrown; a call that succeeds fails the test). */
export async function connectorFailure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (isConnectorError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
