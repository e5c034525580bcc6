import type { ChildProcess } from 'node:child_process';

/** Stops a server child: SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves once it is gone. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}
