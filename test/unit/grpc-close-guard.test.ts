import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * A Temporal call in the SDK's retry backoff (Temporal unreachable) when its connection is closed: without the guard
 * the retry timer throws "Channel has been shut down" outside any promise, an uncaught exception that ends the process
 * (or fails whatever test runs next in the same jest worker). With `connectionInterceptors()` the call just rejects.
 * Run in child processes (from the build `npm test` makes), so the unguarded case can crash without taking jest along.
 */
const ROOT = path.resolve(__dirname, '../..');

function scenario(guarded: boolean): { status: number | null; out: string } {
  const script = `
    const { Connection, Client } = require(${JSON.stringify(path.join(ROOT, 'node_modules/@temporalio/client'))});
    const { connectionInterceptors } = require(${JSON.stringify(path.join(ROOT, 'dist/orchestration/grpc-interceptors'))});
    process.on('uncaughtException', (e) => { console.log('uncaught: ' + e.message); process.exit(3); });
    (async () => {
      const connection = Connection.lazy({ address: '127.0.0.1:1', ${guarded ? 'interceptors: connectionInterceptors(),' : ''} });
      const client = new Client({ connection });
      const call = client.workflow.getHandle('x').describe().then(() => 'answered', (e) => 'rejected');
      await new Promise((r) => setTimeout(r, 300));
      await connection.close();
      console.log('call ' + (await call));
      await new Promise((r) => setTimeout(r, 2500));
      console.log('no uncaught exception');
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('closing a Temporal connection while a call waits to be retried', () => {
  it('without the guard the SDK throws outside any promise (the failure this guards against)', () => {
    const r = scenario(false);
    expect(r.out).toMatch(/uncaught: Channel has been shut down/);
    expect(r.status).toBe(3);
  });

  it('with connectionInterceptors() the call rejects and nothing is thrown', () => {
    const r = scenario(true);
    expect(r.out).toMatch(/call rejected/);
    expect(r.out).toMatch(/no uncaught exception/);
    expect(r.status).toBe(0);
  });
});
