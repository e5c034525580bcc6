import { syncStateQuery } from '../../workflows/register-watch';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

/**
 * Issue #12: a change that arrives while the same record's previous change is being written is synced afterwards,
 * never dropped as a duplicate of the write in flight.
 */
let h: RegisterHarness;
const T = 't-sync-inflight';

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant(T, urls, [{ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' } } }])]);
  const tokens = h.tenants.get(T)!.sync!.rackbeatWebhookTokens as unknown as string[];
  for (const event of ['customer.updated']) tokens.push((await h.rackbeat.webhooks.ensure(event, `${h.serverUrl}/webhooks/rackbeat/${T}`)).token!);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

it('a second change to the same record, signalled while the first is being written, reaches the target', async () => {
  const customer = (await h.rackbeat.customers.get(1007))!;
  // Every write to Netvisor customers stalls 3 s before it is processed: the first change is in flight meanwhile.
  await control(h.urls.netvisor, 'faults', { rate: 1, kinds: ['timeout'], paths: ['customer.nv'], methods: ['POST'], timeoutMs: 3000 });
  try {
    await h.rackbeat.customers.update(customer.number, { company_name: 'Ensimmäinen Arvo AS' });
    await eventually(async () => ((await control(h.urls.netvisor, 'faults')) as { injected: { timeout: number } }).injected.timeout >= 1, 20_000, 'first write stalled');
    await h.rackbeat.customers.update(customer.number, { company_name: 'Toinen Arvo AS' });
    const card = await eventually(
      async () => (await state(h.urls.netvisor)).customers.find((c) => c.code === String(customer.number) && c.name === 'Toinen Arvo AS'),
      30_000,
      'second value in Netvisor',
    );
    expect(card.name).toBe('Toinen Arvo AS');
    const s = await h.client.workflow.getHandle(`sync/${T}/rackbeat-netvisor/customers`).query(syncStateQuery);
    expect(s.counts.changes).toBeGreaterThanOrEqual(2);
  } finally {
    await control(h.urls.netvisor, 'faults', { rate: 0 });
  }
}, 90_000);
