import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { walkOnboarding, type OnboardIo } from '../../client/commands/onboard';
import { readChecklist, startOnboarding, updateRefusal, type OnboardingHandle } from '../../client/onboarding';
import type { ResolvedTenant } from '../../config/load';
import { LifecycleSettings } from '../../config/lifecycle-schema';
import { OrderExportSettings } from '../../config/schema';
import { PairSyncSettings } from '../../config/sync-schema';
import { credentialsAdvice, isCredentialsProblem, stepOf, type Checklist, type OnboardingPair } from '../../domain/onboarding';
import { startOrderExport } from '../../orchestration/temporal';
import { migrateRegister } from '../../workflows/register-migration';
import { statusQuery, type TransferState } from '../../workflows/transfer';
import { EncryptionCodec } from '../../worker/payload-codec';
import { installRuntime } from '../../worker/worker';
import {
  cancelGoLiveUpdate,
  checkCredentialsUpdate,
  checklistQuery,
  checkPermissionsUpdate,
  checkPrerequisitesUpdate,
  confirmRegistersUpdate,
  goLiveUpdate,
  runMigrationsUpdate,
} from '../../workflows/onboarding';
import { USERS } from '../../sandbox/twentyfourseven/state';
import { SiirtoEntity, SiirtoFlow, SiirtoStatus, SiirtoTenant } from '../../workflows/search-attributes';
import { workflowBundle } from '../support/order-export-harness';
import { startTestWorker, type TestWorker } from '../support/onboarding-worker';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * The onboarding workflow against the sandboxes on the shared dev server: real credentials checks, Netvisor's
 * permission denial, Rackbeat prerequisites created on agreement (and not twice), the 24SO company choice, the
 * migration plan before the migration, and go-live as Schedules or as a cancellable timer.
 */
const run = crypto.randomBytes(3).toString('hex');
const T = { good: `onb-${run}`, badSevera: `onb-${run}-sv`, badNetvisor: `onb-${run}-nv`, perms: `onb-${run}-pm`, range: `onb-${run}-nr`, check: `onb-${run}-ok`, later: `onb-${run}-gl`, walk: `onb-${run}-wk` };
const SEVERA_MESSAGE = 'Invalid Severa API key: connection cannot be established. Check the API key.';
const NETVISOR_MESSAGE = 'Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.';
const OY = '1d000000-0000-4000-8000-000000024002';

type Urls = Record<'netvisor' | 'rackbeat' | 'severa' | '24so' | 'woocommerce' | 'procountor' | 'shopify', string>;
let urls: Urls;
let client: Client;
let testWorker: TestWorker;
let stopSandboxes: () => Promise<void>;
const taskQueue = `onboarding-${run}`;
const schedules: string[] = [];
const codec = new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });

function tenant(id: string, u: Urls, over: { severaSecret?: string; netvisorKey?: string; numbering?: { offset: number; max: number } } = {}): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: {
        baseUrl: u.netvisor,
        customerId: 'SIIRTO-SANDBOX',
        customerKey: over.netvisorKey ?? 'sandbox-customer-key',
        partnerId: 'SIIRTO_SANDBOX',
        partnerKey: 'sandbox-partner-key',
        organisationId: '1234567-1',
        language: 'FI',
      },
      rackbeat: { baseUrl: u.rackbeat, apiToken: 'sandbox-rackbeat-token' },
      severa: { baseUrl: u.severa, clientId: 'sandbox-client', clientSecret: over.severaSecret ?? 'sandbox-secret' },
      twentyfourseven: { baseUrl: u['24so'], applicationId: '00000000-0000-0000-0000-000000000024', username: 'sandbox@siirto.test', password: 'sandbox' },
      procountor: { baseUrl: `${u.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' },
    },
    shops: [
      { id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing'], baseUrl: u.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: 'whs' },
      { id: 'shopify', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: u.shopify, accessToken: 'shpat_sandbox', appSecret: 'app-secret' },
    ],
    orderExport: OrderExportSettings.parse({ numbering: over.numbering ?? { offset: 900000, max: 999999 } }),
    sync: { pairs: [PairSyncSettings.parse({ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' }, products: { direction: 'netvisor-to-rackbeat' } } })], rackbeatWebhookTokens: [] },
    lifecycle: LifecycleSettings.parse({}),
  } as unknown as ResolvedTenant;
}

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'rackbeat', 'severa', '24so', 'woocommerce', 'procountor', 'shopify'], 5);
  stopSandboxes = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, v]) => [k, v.url])) as Urls;
  const tenants = new Map(
    [
      tenant(T.good, urls),
      tenant(T.badSevera, urls, { severaSecret: 'wrong-secret' }),
      tenant(T.badNetvisor, urls, { netvisorKey: 'wrong-key' }),
      tenant(T.perms, urls),
      tenant(T.check, urls),
      tenant(T.later, urls),
      tenant(T.walk, urls),
      tenant(T.range, urls, { numbering: { offset: 1000, max: 1999 } }),
    ].map((t) => [t.tenant, t]),
  );
  testWorker = await startTestWorker(tenants, taskQueue, codec);
  client = testWorker.client;
}, 120_000);

afterAll(async () => {
  for (const id of schedules) await client?.schedule.getHandle(id).delete().catch(() => undefined);
  await testWorker?.stop();
  await stopSandboxes?.();
});

const start = async (t: string, pair: OnboardingPair, historyBudget?: number): Promise<OnboardingHandle> => {
  const h = await startOnboarding(client, t, pair, taskQueue, { migrationTuning: { heartbeatTimeout: '10s', retryInterval: '1s' }, ...(historyBudget ? { historyBudget } : {}) });
  await readChecklist(h);
  return h;
};
const checklist = (h: OnboardingHandle): Promise<Checklist> => h.query(checklistQuery);
const refusal = (p: Promise<unknown>): Promise<string> => p.then(() => 'accepted', updateRefusal);

describe('credentials, one line per system', () => {
  test('a good tenant passes credentials for every system each pair uses', async () => {
    const lines: Record<string, Array<[string, boolean]>> = {};
    for (const pair of ['severa-netvisor', 'rackbeat-netvisor', 'rackbeat-24so', 'shop-netvisor', 'shop-procountor'] as const) {
      const h = await start(T.check, pair);
      const step = await h.executeUpdate(checkCredentialsUpdate);
      expect(step.status).toBe('ok');
      lines[pair] = step.lines.map((l) => [l.system, l.ok]);
    }
    expect(lines).toEqual({
      'severa-netvisor': [['severa', true], ['netvisor', true]],
      'rackbeat-netvisor': [['rackbeat', true], ['netvisor', true]],
      'rackbeat-24so': [['rackbeat', true], ['24so', true]],
      'shop-netvisor': [['shop:woo', true], ['netvisor', true]],
      'shop-procountor': [['shop:shopify', true], ['procountor', true]],
    });
    // Procountor's API user rights, each probed with a one-row read.
    const permissions = await (await start(T.check, 'shop-procountor')).executeUpdate(checkPermissionsUpdate);
    expect(permissions.lines.filter((l) => l.system === 'procountor').map((l) => [l.item, l.ok, l.message])).toEqual([
      ['Business partner register (GET businesspartners)', true, 'OK'],
      ['Product register (GET products)', true, 'OK'],
      ['Sales invoices (GET invoices)', true, 'OK'],
    ]);
  });

  test('a wrong Severa secret gives the Severa sentence; Netvisor stays OK', async () => {
    const h = await start(T.badSevera, 'severa-netvisor');
    const step = await h.executeUpdate(checkCredentialsUpdate);
    expect(step.status).toBe('failed');
    expect(step.lines).toEqual([
      // The English sentence, and the catalog key that reads it in the operator's language (i18n/).
      { system: 'severa', ok: false, message: SEVERA_MESSAGE, msg: { key: 'credentials.invalid.severa' } },
      { system: 'netvisor', ok: true, message: 'OK', msg: { key: 'credentials.ok' } },
    ]);
    // The next step is refused while credentials fail.
    expect(await refusal(h.executeUpdate(checkPermissionsUpdate))).toMatch(/Permissions comes after Credentials, which failed/);
  });

  test('a wrong Netvisor key gives the Netvisor sentence; Severa stays OK', async () => {
    const h = await start(T.badNetvisor, 'severa-netvisor');
    const step = await h.executeUpdate(checkCredentialsUpdate);
    expect(step.lines).toEqual([
      { system: 'severa', ok: true, message: 'OK', msg: { key: 'credentials.ok' } },
      { system: 'netvisor', ok: false, message: NETVISOR_MESSAGE, msg: { key: 'credentials.invalid.netvisor' } },
    ]);
    expect(stepOf(await checklist(h), 'credentials').status).toBe('failed');
    const d = await h.describe();
    expect(d.typedSearchAttributes.get(SiirtoStatus)).toBe('needs-attention');
    expect((d.memo as { problem: string }).problem).toBe(NETVISOR_MESSAGE);
  });
});

describe('permissions', () => {
  afterEach(() => control(urls.netvisor, 'netvisor/permissions', { denied: [] }));

  test('a Netvisor resource the API user is denied is named in Netvisor terms', async () => {
    const h = await start(T.perms, 'severa-netvisor');
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
    await control(urls.netvisor, 'netvisor/permissions', { denied: ['customerlist.nv'] });
    const step = await h.executeUpdate(checkPermissionsUpdate);
    expect(step.status).toBe('failed');
    const nv = step.lines.filter((l) => l.system === 'netvisor');
    expect(nv.map((l) => [l.item, l.ok])).toEqual([
      ['Asiakasrekisteri / customerlist.nv', false],
      ['Tuoterekisteri / productlist.nv', true],
      ['Laskentakohteet / dimensionlist.nv', true],
    ]);
    expect(nv[0].message).toMatch(/^Missing Netvisor right: Asiakasrekisteri \/ customerlist\.nv\. The Netvisor API user may not use customerlist\.nv/);
    expect(step.lines.filter((l) => l.system === 'severa').every((l) => l.ok)).toBe(true);
    // The right restored, the same step passes.
    await control(urls.netvisor, 'netvisor/permissions', { denied: [] });
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
  });
});

describe('Rackbeat ↔ 24SevenOffice: prerequisites, company choice, go-live', () => {
  let h: OnboardingHandle;
  beforeAll(async () => {
    await control(urls.rackbeat, 'seed', { seed: 5, counts: { customerGroups: 0, supplierGroups: 0, paymentTerms: 0 } });
    h = await start(T.good, 'rackbeat-24so');
  });

  test('out-of-order steps are refused with the reason', async () => {
    expect(await refusal(h.executeUpdate(goLiveUpdate, { args: [{}] }))).toBe(
      'Go-live comes after Credentials, which has not been done: run credentials first',
    );
    expect(await refusal(h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] }))).toMatch(/comes after Credentials/);
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
    expect(await refusal(h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] }))).toBe(
      'Prerequisites comes after Permissions, which has not been done: run permissions first',
    );
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
    expect(await refusal(h.executeUpdate(cancelGoLiveUpdate))).toMatch(/no go-live is scheduled/);
  });

  test('missing Rackbeat prerequisites are reported, the company choice is asked, nothing is created without agreement', async () => {
    const step = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] });
    expect(step.status).toBe('failed');
    const missing = step.lines.filter((l) => !l.ok).map((l) => l.item);
    expect(missing).toEqual([
      'payment term 1',
      'customer group 1',
      'supplier group 1',
      'user-defined field 24so-customer-id (customers)',
      'user-defined field 24so-product-id (products)',
      'user-defined field 24so-supplier-id (suppliers)',
      'company (identity)',
    ]);
    const c = await checklist(h);
    expect(c.identityChoices).toEqual([
      { id: '1d000000-0000-4000-8000-000000024001', company: 'Siirto Demo AS' },
      { id: OY, company: 'Siirto Demo Oy' },
    ]);
    const s = await control(urls.rackbeat, 'state');
    expect([s.paymentTerms.length, s.customerGroups.length, s.supplierGroups.length, s.fields.length]).toEqual([0, 0, 0, 0]);
  });

  test('on agreement they are created and the chosen company is used; a second run creates nothing', async () => {
    const step = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true, identityId: OY }] });
    expect(step.status).toBe('ok');
    expect(step.lines.filter((l) => l.message === 'created').map((l) => l.item)).toHaveLength(6);
    expect(step.lines.find((l) => l.system === '24so')!.message).toBe(
      `OK: Siirto Demo Oy (${OY}); set identityId: ${OY} under connections.twentyfourseven in config/${T.good}.yaml`,
    );
    expect((await checklist(h)).identityId).toBe(OY);
    const before = await control(urls.rackbeat, 'state');
    expect(before.customerGroups.map((g: { number: number }) => g.number)).toEqual([1]);
    expect(before.fields.map((f: { slug: string; available_for: string }) => `${f.available_for}:${f.slug}`).sort()).toEqual([
      'customer:24so-customer-id',
      'item:24so-product-id',
      'supplier:24so-supplier-id',
    ]);

    const again = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] });
    expect(again.status).toBe('ok');
    expect(again.lines.some((l) => l.message === 'created')).toBe(false);
    expect(again.notes).toEqual([]);
    const after = await control(urls.rackbeat, 'state');
    for (const k of ['paymentTerms', 'customerGroups', 'supplierGroups', 'fields', 'productGroups']) expect(after[k]).toHaveLength(before[k].length);
  });

  test('registers confirmed; go-live at a later time is a timer that can be cancelled; go-live now creates the Schedules', async () => {
    expect(await refusal(h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: ['customers'] }] }))).toBe(
      'choose a direction for customers: rackbeat-to-24so or 24so-to-rackbeat',
    );
    // No registers to migrate: the migrations step is skipped and go-live may follow.
    const registers = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] });
    expect(registers.status).toBe('ok');
    expect(stepOf(await checklist(h), 'migrations').status).toBe('skipped');

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const planned = await h.executeUpdate(goLiveUpdate, { args: [{ at: later }] });
    expect(planned).toEqual({ status: 'scheduled', at: later, schedules: [] });
    expect(stepOf(await checklist(h), 'go-live').status).toBe('waiting');
    const described = await h.describe();
    expect(described.raw.pendingActivities ?? []).toHaveLength(0);
    expect(await refusal(h.executeUpdate(goLiveUpdate, { args: [{ at: later }] }))).toMatch(/already scheduled/);

    const cancelled = await h.executeUpdate(cancelGoLiveUpdate);
    expect(cancelled.status).toBe('cancelled');
    expect(stepOf(await checklist(h), 'go-live').status).toBe('pending');
    await expect(client.schedule.getHandle(`lifecycle/${T.good}`).describe()).rejects.toThrow();

    const live = await h.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
    schedules.push(...live.schedules);
    expect(live.status).toBe('live');
    expect(live.schedules).toEqual([`lifecycle/${T.good}`]);
    const schedule = await client.schedule.getHandle(`lifecycle/${T.good}`).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'pollLifecycleOrders', taskQueue });
    const c = await checklist(h);
    expect(c.steps.map((s) => [s.name, s.status])).toEqual([
      ['credentials', 'ok'],
      ['permissions', 'ok'],
      ['prerequisites', 'ok'],
      ['registers', 'ok'],
      ['migrations', 'skipped'],
      ['go-live', 'ok'],
    ]);
    // In the Temporal UI: findable by tenant, flow and pair, done once live, with the checklist in the memo.
    const d = await h.describe();
    expect([SiirtoTenant, SiirtoFlow, SiirtoEntity, SiirtoStatus].map((k) => d.typedSearchAttributes.get(k))).toEqual([T.good, 'onboarding', 'rackbeat-24so', 'done']);
    // (a null memo field is removed: no problem left to show)
    expect(d.memo).toEqual({ summary: `onboarding rackbeat-24so for ${T.good}: credentials ok, permissions ok, prerequisites ok, registers ok, migrations skipped, go-live ok` });
    expect(await refusal(h.executeUpdate(goLiveUpdate, { args: [{}] }))).toMatch(/already live/);
    // Credentials may be checked again after go-live (how a fix is confirmed).
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
  });
});

describe('order export to Netvisor: number range, a timer that fires', () => {
  test('collisions in the numbering range are reported; a go-live timer fires and creates the reconciliation Schedule', async () => {
    await control(urls.netvisor, 'seed', { seed: 5 });
    const h = await start(T.good, 'shop-netvisor');
    await h.executeUpdate(checkCredentialsUpdate);
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
    const pre = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] });
    expect(pre.lines.find((l) => l.item === 'invoice number range 900000–999999')).toEqual({
      system: 'netvisor', ok: true, item: 'invoice number range 900000–999999', message: 'OK (no existing invoices in the range)',
      msg: { key: 'prerequisites.numbering.ok', params: { kind: 'invoice' } },
    });
    // The seeded invoices are numbered from 1001: a range over them is reported with the numbers in use.
    const clash = await start(T.range, 'shop-netvisor');
    await clash.executeUpdate(checkCredentialsUpdate);
    await clash.executeUpdate(checkPermissionsUpdate);
    const bad = await clash.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] });
    expect(bad.status).toBe('failed');
    const inUse = ((await control(urls.netvisor, 'state')).salesInvoices as Array<{ type: string; number: string }>)
      .filter((d) => d.type === 'invoice' && Number(d.number) >= 1000 && Number(d.number) <= 1999)
      .map((d) => d.number)
      .sort();
    expect(inUse.length).toBeGreaterThan(0);
    expect(bad.lines).toEqual([
      {
        system: 'netvisor', ok: false, item: 'invoice number range 1000–1999',
        message: `${inUse.length} existing Netvisor invoice(s) already use numbers in 1000–1999 (${inUse.join(', ')}): choose orderExport.numbering (offset, max) outside the numbers in use`,
        msg: { key: 'prerequisites.numbering.taken', params: { count: inUse.length, kind: 'invoice', offset: 1000, max: 1999, numbers: inUse.slice(0, 5).join(', ') + (inUse.length > 5 ? ', …' : '') } },
      },
    ]);
    expect(await refusal(h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: ['customers'] }] }))).toMatch(/order export: it has no registers/);
    await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] });
    const at = new Date(Date.now() + 2_000).toISOString();
    expect((await h.executeUpdate(goLiveUpdate, { args: [{ at }] })).status).toBe('scheduled');
    const deadline = Date.now() + 20_000;
    let c = await checklist(h);
    while (c.goLive?.status !== 'live' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      c = await checklist(h);
    }
    schedules.push(...(c.goLive?.schedules ?? []));
    expect(c.goLive).toMatchObject({ status: 'live', schedules: [`reconcile/${T.good}/woo`] });
    const schedule = await client.schedule.getHandle(`reconcile/${T.good}/woo`).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileShop' });
  });
});

describe('Rackbeat → Netvisor: the plan before the migration', () => {
  test('the real migration is refused until the dry-run plan was shown, then runs', async () => {
    await control(urls.rackbeat, 'seed', { seed: 6, counts: { customers: 3, suppliers: 0, orders: 0 } });
    await control(urls.netvisor, 'seed', { seed: 6, counts: { customers: 0, salesInvoices: 0 } });
    const h = await start(T.good, 'rackbeat-netvisor');
    await h.executeUpdate(checkCredentialsUpdate);
    await h.executeUpdate(checkPermissionsUpdate);
    expect((await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] })).status).toBe('ok');
    // The tenant file's direction is the default.
    const reg = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: ['customers'] }] });
    expect(reg.lines).toEqual([{ system: 'netvisor', ok: true, item: 'customers', message: 'rackbeat-to-netvisor' }]);
    expect(await refusal(h.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: false }] }))).toBe(
      'show the plan first: run the migrations as a dry run, then for real',
    );
    const plan = await h.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: true }] });
    expect(plan.status).toBe('pending');
    expect(plan.lines[0].message).toBe('3 read; to create 3, to update 0, unchanged 0, conflicts 0, skipped 0');
    const codes = async () => ((await control(urls.netvisor, 'state')).customers as Array<{ code: string }>).map((x) => x.code);
    expect(await codes()).toEqual(['TEMP']);
    const c = await checklist(h);
    expect(c.migrations[0]).toMatchObject({ register: 'customers', dryRun: true, status: 'done', workflowId: `migration/${T.good}/rackbeat-netvisor/customers/dry-run` });
    expect(c.migrations[0].entries!.map((e) => e.action)).toEqual(['create', 'create', 'create']);

    const real = await h.executeUpdate(runMigrationsUpdate, { args: [{ dryRun: false }] });
    expect(real.status).toBe('ok');
    expect(real.lines[0].message).toBe('3 read; create 3, update 0, unchanged 0, conflicts 0, skipped 0');
    expect(await codes()).toHaveLength(4);

    // Go-live: the change poll of the Netvisor-mastered register runs on a Schedule (Rackbeat's come by webhook).
    const live = await h.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
    schedules.push(...live.schedules);
    expect(live).toMatchObject({ status: 'live', schedules: [`sync/${T.good}/rackbeat-netvisor/products`] });
    const poll = await client.schedule.getHandle(`sync/${T.good}/rackbeat-netvisor/products`).describe();
    expect(poll.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchRegister', taskQueue });
  });
});

describe('credentials removed on the other side', () => {
  /** The tenant whose Netvisor key no longer works stands for "the API user was deleted" (the sandbox refuses it alike). */
  const waitParked = async (workflowId: string): Promise<TransferState> => {
    const h = client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await h.query(statusQuery).catch(() => undefined);
      if (s?.status === 'needs-attention' || Date.now() > deadline) return s!;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  test('each affected flow pauses in needs-attention as a credentials problem; the credentials check names the same fix', async () => {
    await control(urls.rackbeat, 'seed', { seed: 7, counts: { customers: 2, suppliers: 0, orders: 0 } });
    const orders = (await control(urls.woocommerce, 'state')).orders as Array<{ id: number; status: string }>;
    const paid = orders.find((o) => o.status === 'processing')!;
    const exported = await startOrderExport(client, { tenant: T.badNetvisor, shop: 'woo', orderId: String(paid.id), trigger: 'manual' }, taskQueue);
    const migration = await client.workflow.start(migrateRegister, {
      taskQueue,
      workflowId: `migration/${T.badNetvisor}/rackbeat-netvisor/customers`,
      args: [{ tenant: T.badNetvisor, pair: 'rackbeat-netvisor', register: 'customers', direction: 'rackbeat-to-netvisor' }],
    });
    for (const workflowId of [exported.workflowId, migration.workflowId]) {
      const parked = await waitParked(workflowId);
      expect(parked).toMatchObject({ status: 'needs-attention', error: { message: NETVISOR_MESSAGE, type: 'Siirto.credentials' } });
      expect(isCredentialsProblem(parked.error?.type)).toBe(true);
      // Paused, not failed: the workflow is still open, waiting for retry or skip.
      expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    }
    const onboardingCheck = await (await start(T.badNetvisor, 'shop-netvisor')).executeUpdate(checkCredentialsUpdate);
    expect(onboardingCheck.lines.find((l) => l.system === 'netvisor')).toEqual({ system: 'netvisor', ok: false, message: NETVISOR_MESSAGE, msg: { key: 'credentials.invalid.netvisor' } });
    expect(credentialsAdvice(T.badNetvisor, NETVISOR_MESSAGE)).toBe(
      `${NETVISOR_MESSAGE} The flow is paused: fix the credentials, confirm with "siirto onboard config/${T.badNetvisor}.yaml" (the credentials check), ` +
        `then retry the paused transfers ("siirto history --tenant ${T.badNetvisor} --status needs-attention", "siirto retry <transfer>").`,
    );
    for (const workflowId of [exported.workflowId, migration.workflowId]) await client.workflow.getHandle(workflowId).terminate('test over');
  });
});

describe('go-live at a set time checks the credentials again', () => {
  test('the 24SO password changed while the go-live timer waited: not live, and the credentials step names it', async () => {
    const h = await start(T.later, 'rackbeat-24so');
    await h.executeUpdate(checkCredentialsUpdate);
    await h.executeUpdate(checkPermissionsUpdate);
    expect((await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true, identityId: OY }] })).status).toBe('ok');
    await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] });
    const user = USERS.find((u) => u.username === 'sandbox@siirto.test')!;
    const password = user.password;
    try {
      expect((await h.executeUpdate(goLiveUpdate, { args: [{ at: new Date(Date.now() + 1_500).toISOString() }] })).status).toBe('scheduled');
      user.password = 'changed-by-the-customer';
      const deadline = Date.now() + 20_000;
      let c = await checklist(h);
      // The timer fires ('waiting'), then the re-check runs ('running'): wait through both.
      while (['waiting', 'running'].includes(stepOf(c, 'go-live').status) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        c = await checklist(h);
      }
      const message = 'Invalid 24SevenOffice credentials: connection cannot be established. Check the application id, username and password.';
      expect(stepOf(c, 'go-live')).toMatchObject({ status: 'failed', lines: [{ system: '24so', ok: false, message: `not live: ${message}` }] });
      expect(stepOf(c, 'credentials')).toMatchObject({ status: 'failed', lines: [{ system: 'rackbeat', ok: true }, { system: '24so', ok: false, message }] });
      expect(c.goLive).toBeUndefined();
      await expect(client.schedule.getHandle(`lifecycle/${T.later}`).describe()).rejects.toThrow();
      expect(await refusal(h.executeUpdate(goLiveUpdate, { args: [{}] }))).toMatch(/Go-live comes after Credentials, which failed/);
    } finally {
      user.password = password;
    }
    // The password restored, the check confirms it and go-live follows.
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
    const live = await h.executeUpdate(goLiveUpdate, { args: [{}] });
    schedules.push(...live.schedules);
    expect(live.schedules).toEqual([`lifecycle/${T.later}`]);

    // Live, and the password changes again: `siirto onboard` re-checks, names it, and says what happens to the flows.
    let printed = '';
    const io: OnboardIo = { print: (t) => (printed += t), ask: async () => null, colour: false, close() {} };
    user.password = 'changed-again';
    try {
      const { code } = await walkOnboarding(h, {}, io);
      expect(code).toBe(1);
    } finally {
      user.password = password;
    }
    const message = 'Invalid 24SevenOffice credentials: connection cannot be established. Check the application id, username and password.';
    expect(printed).toContain(`✖ 24so       ${message}\n`);
    expect(printed).toContain(`${message} The flow is paused: fix the credentials, confirm with "siirto onboard config/${T.later}.yaml"`);
    expect(printed).toContain('  ✖ Credentials\n');
    expect(printed).toContain('  ✔ Go-live (live ');
  });
});

describe('a long-lived onboarding continues as new', () => {
  test('past its history budget the checklist and a waiting go-live carry over into the new run', async () => {
    const h = await start(T.perms, 'shop-netvisor', 40);
    await h.executeUpdate(checkCredentialsUpdate);
    await h.executeUpdate(checkPermissionsUpdate);
    await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] });
    await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] });
    const at = new Date(Date.now() + 3_600_000).toISOString();
    await h.executeUpdate(goLiveUpdate, { args: [{ at }] });
    // Re-checking credentials while go-live waits grows the history past the budget.
    const runs = new Set<string>([(await h.describe()).runId]);
    for (let i = 0; i < 8 && runs.size < 2; i++) {
      await h.executeUpdate(checkCredentialsUpdate);
      runs.add((await h.describe()).runId);
    }
    expect(runs.size).toBeGreaterThan(1);
    // `siirto onboard` run again joins the new run (USE_EXISTING) and its updates reach it.
    const latest = await start(T.perms, 'shop-netvisor', 40);
    expect((await latest.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
    const c = await latest.query(checklistQuery);
    expect(c.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'skipped', 'waiting']);
    expect(c.goLive).toEqual({ status: 'scheduled', at, schedules: [] });
    expect((await latest.executeUpdate(cancelGoLiveUpdate)).status).toBe('cancelled');
  });
});

describe('siirto onboard, interactive', () => {
  test('asks for the 24SO company and for agreement, and stops when go-live is not wanted yet', async () => {
    await control(urls.rackbeat, 'seed', { seed: 8, counts: { customerGroups: 0, supplierGroups: 0, paymentTerms: 0 } });
    const answers = ['2', 'y', 'N'];
    const questions: string[] = [];
    let printed = '';
    const io: OnboardIo = {
      print: (t) => (printed += t),
      ask: async (q) => (questions.push(q), answers.shift() ?? null),
      colour: true,
      close() {},
    };
    const h = await start(T.walk, 'rackbeat-24so');
    const { code, checklist: c } = await walkOnboarding(h, {}, io);
    expect(code).toBe(3);
    expect(questions).toEqual([
      'The 24SevenOffice login sees several companies:\n  1. Siirto Demo AS (1d000000-0000-4000-8000-000000024001)\n  2. Siirto Demo Oy (1d000000-0000-4000-8000-000000024002)\nWhich one (number)? ',
      'Create in rackbeat: payment term 1, customer group 1, supplier group 1, user-defined field 24so-customer-id (customers), user-defined field 24so-product-id (products), user-defined field 24so-supplier-id (suppliers)? [y/N] ',
      'Go live now, or at a time? [now / ISO time / N=not yet] ',
    ]);
    expect(c.identityId).toBe(OY);
    expect(c.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'skipped', 'pending']);
    // In a terminal the marks are coloured.
    expect(printed).toContain('\u001b[32m✔\u001b[39m Prerequisites');
    expect(printed).toContain('Not live yet. Rerun with --go-live now');
    expect((await control(urls.rackbeat, 'state')).customerGroups).toHaveLength(1);
  });
});

describe('determinism', () => {
  test('the recorded histories replay without nondeterminism (updates, a cancelled timer, go-live, children)', async () => {
    for (const [t, pair] of [[T.good, 'rackbeat-24so'], [T.later, 'rackbeat-24so'], [T.good, 'rackbeat-netvisor'], [T.good, 'shop-netvisor']] as const) {
      const history = await client.workflow.getHandle(`onboarding/${t}/${pair}`).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: `${t}/${pair}`, dataConverter: { payloadCodecs: [codec] } }, history);
    }
  });
});
