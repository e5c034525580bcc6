import { emptyChecklist, isCredentialsProblem, nextStep, parseGoLiveAt, refuseStep, stepOf } from '../../domain/onboarding';

describe('onboarding step order', () => {
  test('each step needs the ones before it; credentials may always be checked again', () => {
    const c = emptyChecklist('acme', 'rackbeat-netvisor');
    expect(refuseStep(c, 'credentials')).toBeNull();
    expect(refuseStep(c, 'permissions')).toBe('Permissions comes after Credentials, which has not been done: run credentials first');
    stepOf(c, 'credentials').status = 'failed';
    expect(refuseStep(c, 'go-live')).toBe('Go-live comes after Credentials, which failed: run credentials first');
    stepOf(c, 'credentials').status = 'ok';
    stepOf(c, 'permissions').status = 'running';
    expect(refuseStep(c, 'permissions')).toMatch(/already running/);
    expect(refuseStep(c, 'prerequisites')).toBe('Prerequisites comes after Permissions, which is still running: run permissions first');
    for (const s of c.steps.slice(1, 4)) s.status = 'ok';
    stepOf(c, 'migrations').status = 'skipped';
    expect(nextStep(c)).toBe('go-live');
    expect(refuseStep(c, 'go-live')).toBeNull();
    c.goLive = { status: 'live', at: '2026-01-01T00:00:00.000Z', schedules: [] };
    expect(nextStep(c)).toBeNull();
    expect(refuseStep(c, 'go-live')).toMatch(/already live/);
    expect(refuseStep(c, 'credentials')).toBeNull();
  });

  test('a configuration problem refuses every step with the reason', () => {
    const c = { ...emptyChecklist('acme', 'shop-procountor'), problem: 'no shop of tenant "acme" exports to procountor' };
    expect(refuseStep(c, 'credentials')).toBe('onboarding of shop-procountor for acme cannot go on: no shop of tenant "acme" exports to procountor');
  });

  test('go-live time: now, a later instant, or a clear refusal', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(parseGoLiveAt(undefined, now)).toEqual({ ok: true, at: now });
    expect(parseGoLiveAt('now', now)).toEqual({ ok: true, at: now });
    expect(parseGoLiveAt('2026-12-01T06:00:00Z', now)).toEqual({ ok: true, at: Date.parse('2026-12-01T06:00:00Z') });
    expect(parseGoLiveAt('2020-01-01T00:00:00+02:00', now)).toEqual({ ok: true, at: now });
    expect(parseGoLiveAt('tomorrow', now)).toEqual({ ok: false, message: 'go-live time "tomorrow" is not an ISO time with a zone, such as 2026-12-01T06:00:00Z' });
    expect(parseGoLiveAt('2026-12-01T06:00', now)).toMatchObject({ ok: false });
  });

  test('credentials problems are recognised by the failure type the activities give them', () => {
    expect(isCredentialsProblem('Siirto.credentials')).toBe(true);
    expect(isCredentialsProblem('Siirto.permission')).toBe(false);
    expect(isCredentialsProblem(undefined)).toBe(false);
  });
});

describe('the transfers a pair offers (activities/onboarding.ts)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pairSystems, pairTransfers } = require('../../activities/onboarding') as typeof import('../../activities/onboarding');
  const { StockSettings } = require('../../config/stock-schema') as typeof import('../../config/stock-schema');
  const { InvoiceTransferSettings } = require('../../config/invoice-schema') as typeof import('../../config/invoice-schema');
  const tenant = (over: Record<string, unknown>) =>
    ({
      tenant: 'acme',
      connections: { netvisor: {}, procountor: {}, rackbeat: {}, twentyfourseven: {} },
      shops: [{ id: 'shop', system: 'shopify', exportTo: 'procountor' }],
      orderExport: {},
      ...over,
    }) as unknown as Parameters<typeof pairSystems>[0];

  test('stock goes with shop-netvisor, also for a shop that exports elsewhere; invoices with the pair of their target', () => {
    const t = tenant({ stock: StockSettings.parse({ shops: [{ shop: 'shop', warehouses: ['Päävarasto', 'Lahti'], mode: 'sum', quantity: 'available' }] }), invoices: InvoiceTransferSettings.parse({ to: '24so', creditNotes: false }) });
    expect(pairSystems(t, 'shop-netvisor')).toEqual(['shop:shop', 'netvisor']);
    expect(pairSystems(t, 'shop-procountor')).toEqual(['shop:shop', 'procountor']);
    expect(pairTransfers(t, 'shop-netvisor').map((o) => [o.id, o.system, o.schedule, o.on])).toEqual([
      ['stock:shop', 'shop:shop', 'stock/acme/shop', 'stock levels Netvisor → shop from the sum of warehouses Päävarasto + Lahti (available quantity), polled every 5m'],
    ]);
    expect(pairTransfers(t, 'shop-procountor')).toEqual([]);
    expect(pairTransfers(t, 'rackbeat-netvisor')).toEqual([]);
    expect(pairTransfers(t, 'rackbeat-24so').map((o) => [o.id, o.system, o.schedule, o.off])).toEqual([
      ['invoices', '24so', 'invoices/acme', 'not chosen (stays off): invoices booked in Rackbeat → 24SevenOffice, no credit notes; unpaired customers and products synced first; reconciled every 15m'],
    ]);
  });

  test('shop-netvisor without a shop exporting to Netvisor or taking its stock from it is refused in the operator\'s words', () => {
    expect(() => pairSystems(tenant({}), 'shop-netvisor')).toThrow('no shop of tenant "acme" exports to netvisor (shops[].exportTo in config/acme.yaml) or takes its stock from Netvisor (stock.shops)');
  });
});
