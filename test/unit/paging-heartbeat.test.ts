import { MockActivityEnvironment } from '@temporalio/testing';
import type { Connections } from '../../activities/connections';
import { sourceStream } from '../../activities/registers/streams';
import type { SourceItem, StreamContext } from '../../activities/registers/stream-types';
import { SeveraClient } from '../../connectors/severa';
import { control, startTestSandboxes } from '../support/sandboxes';

/** Issue #12: a changed-since walk over many pages heartbeats after every page, with its progress. */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['severa'], 3);
  url = started.sandboxes.severa.url;
  stop = started.stop;
  await control(url, 'seed', { seed: 3, counts: { customers: 250 } });
});
afterAll(() => stop());

it('the Severa customers changed-since walk heartbeats once per page with pages and rows read', async () => {
  const severa = new SeveraClient({ baseUrl: url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' });
  const ctx = { connections: { severa: () => severa } as unknown as Connections, tenant: 't-heartbeat', settings: {} } as StreamContext;
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => {
    // The HTTP layer's own keep-alive beats carry no details; the walk's carry its progress.
    if (d !== undefined) beats.push(d);
  });
  const walk = sourceStream('severa', 'customers').changedSince!;
  const items: SourceItem[] = await env.run(walk, ctx, '2000-01-01T00:00:00.000Z');
  expect(items.length).toBeGreaterThan(200);
  const pages = Math.ceil(items.length / 100);
  expect(beats).toHaveLength(pages);
  expect(beats[beats.length - 1]).toEqual({ pages, read: items.length });
  expect(beats[0]).toEqual({ pages: 1, read: 100 });
});
