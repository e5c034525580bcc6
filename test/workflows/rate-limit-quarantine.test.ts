import type { Client } from '@temporalio/client';
import { listTransfers } from '../../client/history';
import { LINK_FIELDS } from '../../domain/mapping/rackbeat-twentyfourseven';
import { migrateRegister } from '../../workflows/register-migration';
import { statusQuery, type TransferState } from '../../workflows/transfer';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

/**
 * 24SevenOffice closes a caller out until the end of the hour once it passes the limit; every call during the
 * quarantine counts against it. The transfer waits that out with a durable timer to the time the API names: no
 * needs-attention ticket, no calls during the wait.
 */
const TENANT = 't-quarantine';
let h: RegisterHarness;

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant(TENANT, urls, [{ pair: 'rackbeat-24so', registers: { products: { direction: '24so-to-rackbeat' } }, currency: 'DKK', language: 'da' }])]);
  await control(h.urls.rackbeat, 'seed', { seed: 4, counts: { customers: 0, suppliers: 0, orders: 0 } });
  await h.rackbeat.fields.create({ name: '24SO product id', slug: LINK_FIELDS.products, type: 'text', available_for: 'item' });
}, 120_000);
afterAll(() => h?.stop());

const start = (id: string, batchSize = 5) =>
  h.client.workflow.start(migrateRegister, {
    taskQueue: h.taskQueue,
    workflowId: `migration/${TENANT}/rackbeat-24so/products/${id}-${Date.now()}`,
    args: [{ tenant: TENANT, pair: 'rackbeat-24so', register: 'products', direction: '24so-to-rackbeat', batchSize }],
  });

const waiting = (workflowId: string) =>
  eventually(async () => {
    const s: TransferState = await h.client.workflow.getHandle(workflowId).query(statusQuery);
    return s.waiting ? s : undefined;
  }, 30_000, `${workflowId} waiting for the rate limit`);

/** Every SiirtoStatus the workflow ever published, read from its history (search attributes are not encrypted). */
async function statusesAndTimers(client: Client, workflowId: string): Promise<{ statuses: string[]; timersMs: number[]; failedAttempts: number[] }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const statuses: string[] = [];
  const timersMs: number[] = [];
  const failedAttempts: number[] = [];
  const started = new Map<string, number>();
  for (const e of history.events ?? []) {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    const status = fields?.SiirtoStatus?.data;
    if (status) statuses.push(JSON.parse(Buffer.from(status).toString('utf8')));
    const timer = e.timerStartedEventAttributes?.startToFireTimeout;
    if (timer) timersMs.push(Number(timer.seconds ?? 0) * 1000 + Math.round((timer.nanos ?? 0) / 1e6));
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), e.activityTaskStartedEventAttributes.attempt ?? 0);
    if (e.activityTaskFailedEventAttributes) failedAttempts.push(started.get(String(e.activityTaskFailedEventAttributes.scheduledEventId)) ?? -1);
  }
  return { statuses, timersMs, failedAttempts };
}

const counter = async () => ((await state(h.urls.so)).requestCounter ?? []) as Array<{ requests: number; blocked: number; quarantineEndsAt?: string }>;

describe('24SevenOffice quarantine', () => {
  it('a short quarantine: waits with a timer to the time 24SO named, without calling meanwhile, then finishes the migration', async () => {
    // Every ProductService call is refused with the quarantine text, ending a few seconds from the refusal.
    await control(h.urls.so, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 4, paths: ['ProductService'] });
    const handle = await start('short');
    try {
      const w = await waiting(handle.workflowId);
      const named = (await counter()).find((c) => c.quarantineEndsAt)?.quarantineEndsAt;
      expect(named).toBeDefined();
      expect(w.status).toBe('running');
      expect(w.waiting).toMatchObject({ for: 'rate-limit', system: '24so', message: expect.stringMatching(/Quarantine ends at/) });
      // The time the API named, to the second (it names whole seconds).
      expect(Math.abs(Date.parse(w.waiting!.until) - Date.parse(named!))).toBeLessThan(1000);
      expect((await h.client.workflow.getHandle(handle.workflowId).describe()).memo).toMatchObject({
        waitingUntil: w.waiting!.until,
        summary: expect.stringContaining(`waiting for the 24SevenOffice rate limit until ${w.waiting!.until}`),
      });
      // What `siirto history` reads.
      const row = await eventually(async () => (await listTransfers(h.client, { tenant: TENANT, flow: 'migration' })).find((r) => r.workflowId === handle.workflowId && r.waitingUntil), 10_000, 'history row');
      expect(row).toMatchObject({ status: 'running', waitingUntil: w.waiting!.until });
    } finally {
      await control(h.urls.so, 'faults', { rate: 0 });
    }
    const result = await handle.result();
    expect(result.status).toBe('done');
    const products = await h.so.getProductsChangedSince('2000-01-01T00:00:00');
    expect(result.counts.read).toBe(products.length);

    // One refused call: nothing was sent to 24SO while the quarantine lasted.
    expect((await counter()).reduce((n, c) => n + c.blocked, 0)).toBe(1);
    const { statuses, timersMs, failedAttempts } = await statusesAndTimers(h.client, handle.workflowId);
    expect(statuses).not.toContain('needs-attention');
    expect(statuses[statuses.length - 1]).toBe('done');
    // The failed batch failed once, on its first attempt (no activity retries against the closed API) ...
    expect(failedAttempts).toEqual([1]);
    // ... and the workflow slept one durable timer, about the 4 seconds 24SO named (plus a second of margin).
    expect(timersMs).toHaveLength(1);
    expect(timersMs[0]).toBeGreaterThan(2000);
    expect(timersMs[0]).toBeLessThanOrEqual(6000);
  });

  // Last in the file: the quarantine lasts until the end of the hour, for this process's 24SO client too.
  it('the hourly limit set low: the quarantine until the end of the hour is one durable timer, no ticket, no hammering', async () => {
    await control(h.urls.so, 'reset', {});
    await control(h.urls.so, 'limits', { perHour: 2 });
    const handle = await start('hourly', 2);
    try {
      const w = await waiting(handle.workflowId);
      const [c] = await counter();
      expect(c.quarantineEndsAt).toMatch(/T\d{2}:00:00Z$/);
      // The end the API names, to its second (the connector reads it as a delay, so a millisecond may creep in).
      expect(Math.abs(Date.parse(w.waiting!.until) - Date.parse(c.quarantineEndsAt!))).toBeLessThan(1000);

      // The timer is in the history (it survives worker and server restarts); a new worker keeps waiting.
      const timer = await eventually(async () => (await statusesAndTimers(h.client, handle.workflowId)).timersMs[0], 10_000, 'timer started');
      expect(Math.abs(timer - (Date.parse(w.waiting!.until) - Date.now()))).toBeLessThan(15_000);
      await h.stopWorker();
      await h.startWorker();
      await new Promise((r) => setTimeout(r, 3000));
      const later = await h.client.workflow.getHandle(handle.workflowId).query(statusQuery);
      expect(later).toMatchObject({ status: 'running', waiting: { until: w.waiting!.until } });
      // Refused once; nothing knocked again during the wait.
      expect((await counter())[0]).toMatchObject({ blocked: 1 });
      const { statuses, failedAttempts } = await statusesAndTimers(h.client, handle.workflowId);
      expect(statuses).not.toContain('needs-attention');
      expect(failedAttempts).toEqual([1]);
    } finally {
      await h.client.workflow.getHandle(handle.workflowId).terminate('test over: the quarantine lasts until the end of the hour');
    }
  });
});
