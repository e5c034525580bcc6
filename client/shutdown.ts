/**
 * Ordered shutdown on SIGINT/SIGTERM: the last registered (e.g. the worker) stops first, then what it depended on
 * (sandboxes, the Temporal server). A second signal forces the exit.
 */
const handlers: Array<() => Promise<void>> = [];
let stopping = false;

export function onShutdown(handler: () => Promise<void>): void {
  if (handlers.length === 0) {
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  }
  handlers.push(handler);
}

export async function shutdown(signal = 'shutdown', exitCode = 0): Promise<never> {
  if (stopping) process.exit(1);
  stopping = true;
  for (const h of [...handlers].reverse()) {
    try {
      await h();
    } catch (err) {
      process.stderr.write(`error while stopping (${signal}): ${(err as Error).message}\n`);
    }
  }
  process.exit(exitCode);
}
