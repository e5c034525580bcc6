import { syncStateQuery, watchRegister } from '../../workflows/register-watch';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

/**
 * Changed-since cursors follow the source's clock, not the worker's: a Severa whose clock lags ours stamps its
 * changes "in the past" (before our last poll), and those changes must still be picked up.
 */
let h: RegisterHarness;
const T = 't-sync-clock';
const PAIR = 'severa-netvisor' as const;

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant(T, urls, [{ pair: PAIR, registers: { customers: { direction: 'severa-to-netvisor' } } }])]);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const syncState = () => h.client.workflow.getHandle(`sync/${T}/${PAIR}/customers`).query(syncStateQuery);
async function poll() {
  const before = (await syncState().catch(() => null))?.counts.polls ?? 0;
  await h.client.workflow.execute(watchRegister, { taskQueue: h.taskQueue, workflowId: `watch-clock-${Date.now()}`, args: [{ tenant: T, pair: PAIR, register: 'customers' }] });
  return eventually(async () => {
    const s = await syncState();
    return s.counts.polls > before && s.idle && s;
  }, 20_000, 'poll');
}
const touch = (guid: string, name: string, lastUpdatedDateTime: string) =>
  control(h.urls.severa, 'severa/touch', { collection: 'customers', guid, patch: { name }, lastUpdatedDateTime });
const netvisorName = async (number: unknown) => (await state(h.urls.netvisor)).customers.find((c) => c.code === String(number))?.name;

describe('changed-since cursors follow the source clock', () => {
  it('picks up Severa changes stamped by a clock behind the worker, each once, and the cursor is the newest Severa stamp', async () => {
    await poll(); // anchors the cursor
    await poll(); // a poll that finds nothing: the cursor stays where it was
    // Two Severa customers whose numbers no Netvisor card uses yet (so the upsert creates, not conflicts).
    const codes = new Set((await state(h.urls.netvisor)).customers.map((c) => c.code));
    const [a, b] = (await state(h.urls.severa)).customers.filter((c) => !codes.has(String(c.number)));
    // Severa's clock is 90 s behind ours: its stamp is before the previous poll by the worker's clock.
    const lag = new Date(Date.now() - 90_000);
    await touch(a.guid, 'Myöhässä kello A Oy', lag.toISOString());
    const s1 = await poll();
    expect(await netvisorName(a.number)).toBe('Myöhässä kello A Oy');
    expect(s1.counts.changes).toBe(1);
    // The cursor is Severa's stamp, not the worker's clock.
    expect(JSON.parse(s1.cursors.severa!).at).toBe(lag.toISOString());

    // A later change, still by the lagging clock (half a second after the first one, inside the query overlap).
    await touch(b.guid, 'Myöhässä kello B Oy', new Date(lag.getTime() + 500).toISOString());
    const s2 = await poll();
    expect(await netvisorName(b.number)).toBe('Myöhässä kello B Oy');
    expect(s2.counts.changes).toBe(2); // B only: A, re-read in the overlap, is not reported again

    const s3 = await poll();
    expect(s3.counts.changes).toBe(2);
    expect(s3.counts.written).toBe(s2.counts.written);

    // A changed again, still before our clock: a new stamp, so it is news.
    await touch(a.guid, 'Myöhässä kello A2 Oy', new Date(lag.getTime() + 2000).toISOString());
    const s4 = await poll();
    expect(await netvisorName(a.number)).toBe('Myöhässä kello A2 Oy');
    expect(s4.counts.changes).toBe(3);
  });
});
