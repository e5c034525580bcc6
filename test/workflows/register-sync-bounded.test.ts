import { changeSignal, registerSync, syncStateQuery, type RegisterSyncInput } from '../../workflows/register-watch';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, type RegisterHarness } from '../support/register-harness';

/**
 * Issue #12: the entity's queue of waiting changes is bounded. A burst larger than the bound collapses: changes of
 * a system that can be polled become one changed-since poll; Rackbeat's (no changed-since read) keep the newest and
 * the overflow is reported.
 */
let h: RegisterHarness;
const T = 't-sync-bounded';
const MAX = 5;

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant(T, urls, [{ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' } } }])]);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const stalled = async () => ((await control(h.urls.netvisor, 'faults')) as { injected: { timeout: number } }).injected.timeout;

it('a burst of changes beyond the bound keeps at most the bound waiting, and pollable ones collapse into one poll', async () => {
  const workflowId = `sync/${T}/rackbeat-netvisor/customers`;
  const input: RegisterSyncInput = { tenant: T, pair: 'rackbeat-netvisor', register: 'customers', maxPending: MAX };
  const handle = await h.client.workflow.start(registerSync, { workflowId, taskQueue: h.taskQueue, args: [input] });
  const query = () => handle.query(syncStateQuery);
  // Every write to Netvisor customers stalls 3 s: the first change is being written while the burst arrives.
  await control(h.urls.netvisor, 'faults', { rate: 1, kinds: ['timeout'], paths: ['customer.nv'], methods: ['POST'], timeoutMs: 3000 });
  try {
    await h.rackbeat.customers.update(1007, { company_name: 'Puskuri Testi AS' });
    await handle.signal(changeSignal, { system: 'rackbeat', sourceId: '1007', event: 'upsert' });
    await eventually(async () => (await stalled()) >= 1, 20_000, 'first write stalled');
    for (let i = 0; i < 60; i++) await handle.signal(changeSignal, { system: 'rackbeat', sourceId: String(5000 + i), event: 'upsert' });
    const during = await query();
    expect(during.pending).toBeLessThanOrEqual(MAX);
    expect(during.counts.overflowed).toBe(60 - MAX);
    expect(during.reports.map((r) => r.reason)).toContainEqual(expect.stringMatching(/^more than 5 rackbeat changes waiting: the oldest are dropped/));
    const afterRackbeat = await eventually(async () => {
      const s = await query();
      return s.idle && s;
    }, 30_000, 'the kept changes applied');
    // The first change and the newest MAX of the burst were applied, nothing else.
    expect(afterRackbeat.counts.changes).toBe(1 + MAX);

    // Changes of a pollable system (Netvisor): the overflow drops them for one changed-since poll.
    const before = afterRackbeat.counts.polls;
    const stalls = await stalled();
    await h.rackbeat.customers.update(1007, { company_name: 'Puskuri Testi Kaksi AS' });
    await handle.signal(changeSignal, { system: 'rackbeat', sourceId: '1007', event: 'upsert' });
    await eventually(async () => (await stalled()) > stalls, 20_000, 'second write stalled');
    for (let i = 0; i < 3 * MAX; i++) await handle.signal(changeSignal, { system: 'netvisor', sourceId: String(6000 + i), event: 'upsert' });
    expect((await query()).pending).toBeLessThanOrEqual(MAX);
    const done = await eventually(async () => {
      const s = await query();
      return s.idle && s;
    }, 30_000, 'the poll');
    expect(done.counts.polls).toBe(before + 1);
    expect(done.counts.changes - afterRackbeat.counts.changes).toBeLessThan(1 + 3 * MAX);
  } finally {
    await control(h.urls.netvisor, 'faults', { rate: 0 });
    await handle.terminate('test done').catch(() => undefined);
  }
}, 120_000);
