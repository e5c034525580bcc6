import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { choosePair, parseTransfers, walkOnboarding, type OnboardIo } from '../../client/commands/onboard';
import { readChecklist, startOnboarding, updateRefusal, type OnboardingHandle } from '../../client/onboarding';
import type { ResolvedTenant } from '../../config/load';
import { InvoiceTransferSettings } from '../../config/invoice-schema';
import { OrderExportSettings } from '../../config/schema';
import { StockSettings } from '../../config/stock-schema';
import { PairSyncSettings } from '../../config/sync-schema';
import { emptyChecklist, stepOf, type CheckLine, type OnboardingPair } from '../../domain/onboarding';
import { t } from '../../i18n';
import { localizeText } from '../../i18n/reasons';
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
  addTransfersUpdate,
  type OnboardingChecklist,
} from '../../workflows/onboarding';
import { workflowBundle } from '../support/order-export-harness';
import { startTestWorker, type TestWorker } from '../support/onboarding-worker';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * Onboarding with the transfers besides the register sync (issue #17): the stock levels Netvisor → shops go live
 * with shop-netvisor, the invoices Rackbeat → Netvisor / 24SevenOffice with the invoice target's pair. The
 * permissions step names and checks their rights (a refused one included), the registers step offers them from the
 * tenant file, go-live creates their Schedules (and a cancelled go-live none). On the shared dev server with the
 * sandboxes; `siirto onboard`'s walk (client/commands/onboard.ts) is driven in-process with a scripted terminal.
 */
const run = crypto.randomBytes(3).toString('hex');
const T = { location: `onbt-${run}-loc`, legacy: `onbt-${run}-lg`, stock: `onbt-${run}`, readOnly: `onbt-${run}-ro`, invoices: `onbt-${run}-nv`, off: `onbt-${run}-off`, twentyFour: `onbt-${run}-24`, walk: `onbt-${run}-wk` };
const OY = '1d000000-0000-4000-8000-000000024002';

type Urls = Record<'netvisor' | 'rackbeat' | '24so' | 'woocommerce' | 'procountor' | 'shopify', string>;
let urls: Urls;
let client: Client;
let testWorker: TestWorker;
let stopSandboxes: () => Promise<void>;
const taskQueue = `onboarding-transfers-${run}`;
const schedules = new Set<string>();
const codec = new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });

function tenant(id: string, u: Urls, over: { readOnly?: boolean; invoicesTo?: '24so' | 'netvisor'; identityId?: string; location?: string } = {}): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: {
        baseUrl: u.netvisor,
        customerId: 'SIIRTO-SANDBOX',
        customerKey: 'sandbox-customer-key',
        partnerId: 'SIIRTO_SANDBOX',
        partnerKey: 'sandbox-partner-key',
        organisationId: '1234567-1',
        language: 'FI',
      },
      rackbeat: { baseUrl: u.rackbeat, apiToken: 'sandbox-rackbeat-token' },
      twentyfourseven: {
        baseUrl: u['24so'],
        applicationId: '00000000-0000-0000-0000-000000000024',
        username: 'sandbox@siirto.test',
        password: 'sandbox',
        ...(over.identityId ? { identityId: over.identityId } : {}),
      },
      procountor: { baseUrl: `${u.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' },
    },
    shops: [
      {
        id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing'], baseUrl: u.woocommerce,
        consumerKey: over.readOnly ? 'ck_readonly' : 'ck_sandbox', consumerSecret: over.readOnly ? 'cs_readonly' : 'cs_sandbox', webhookSecret: 'whs',
      },
      // Exports to Procountor, but its stock comes from Netvisor: it is onboarded with shop-netvisor for that.
      { id: 'shopify', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: u.shopify, accessToken: over.readOnly ? 'shpat_readonly' : 'shpat_sandbox', appSecret: 'app-secret' },
    ],
    orderExport: OrderExportSettings.parse({ numbering: { offset: 900000, max: 999999 } }),
    sync: { pairs: [PairSyncSettings.parse({ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' } } })], rackbeatWebhookTokens: [] },
    stock: StockSettings.parse({
      shops: [
        { shop: 'woo', warehouses: ['Päävarasto'] },
        { shop: 'shopify', warehouses: ['Päävarasto'], location: over.location ?? 'Helsinki', pollEvery: '10m' },
      ],
    }),
    invoices: InvoiceTransferSettings.parse({ to: over.invoicesTo ?? 'netvisor' }),
  } as unknown as ResolvedTenant;
}

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'rackbeat', '24so', 'woocommerce', 'procountor', 'shopify'], 11);
  stopSandboxes = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, v]) => [k, v.url])) as Urls;
  const tenants = new Map(
    [
      tenant(T.stock, urls),
      tenant(T.readOnly, urls, { readOnly: true }),
      tenant(T.invoices, urls),
      tenant(T.off, urls),
      tenant(T.twentyFour, urls, { invoicesTo: '24so', identityId: OY }),
      tenant(`${T.twentyFour}-x`, urls, { invoicesTo: '24so' }),
      tenant(T.walk, urls),
      tenant(T.legacy, urls),
      tenant(T.location, urls, { location: 'Turku' }),
    ].map((x) => [x.tenant, x]),
  );
  testWorker = await startTestWorker(tenants, taskQueue, codec);
  client = testWorker.client;
}, 120_000);

afterAll(async () => {
  for (const id of schedules) await client?.schedule.getHandle(id).delete().catch(() => undefined);
  await testWorker?.stop();
  await stopSandboxes?.();
});

afterEach(() => control(urls.netvisor, 'netvisor/permissions', { denied: [] }));

const start = async (id: string, pair: OnboardingPair, extra: Parameters<typeof startOnboarding>[4] = {}): Promise<OnboardingHandle> => {
  const h = await startOnboarding(client, id, pair, taskQueue, extra);
  await readChecklist(h);
  return h;
};
const checklist = (h: OnboardingHandle): Promise<OnboardingChecklist> => h.query(checklistQuery);
const refusal = (p: Promise<unknown>): Promise<string> => p.then(() => 'accepted', updateRefusal);
const brief = (lines: CheckLine[]) => lines.map((l) => [l.system, l.item, l.ok, l.msg?.key]);
const scheduleExists = (id: string) => client.schedule.getHandle(id).describe().then(() => true, () => false);

describe('stock levels Netvisor → shops, with shop-netvisor', () => {
  test('permissions name Varasto and each shop’s stock right; the registers step offers both shops; a cancelled go-live creates nothing, go-live the chosen stock Schedule', async () => {
    await control(urls.netvisor, 'seed', { seed: 11 });
    const h = await start(T.stock, 'shop-netvisor');
    expect((await checklist(h)).systems).toEqual(['shop:woo', 'shop:shopify', 'netvisor']);
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');

    const permissions = await h.executeUpdate(checkPermissionsUpdate);
    expect(permissions.status).toBe('ok');
    expect(brief(permissions.lines)).toEqual([
      ['shop:woo', 'products (REST API key read/write)', true, 'permissions.woocommerce.stockWrite'],
      ['shop:shopify', 'read_products', true, 'permissions.shopify.granted'],
      ['shop:shopify', 'read_locations', true, 'permissions.shopify.granted'],
      ['shop:shopify', 'read_inventory', true, 'permissions.shopify.granted'],
      ['shop:shopify', 'write_inventory', true, 'permissions.shopify.granted'],
      ['netvisor', 'Asiakasrekisteri / customerlist.nv', true, 'permissions.ok'],
      ['netvisor', 'Tuoterekisteri / productlist.nv', true, 'permissions.ok'],
      ['netvisor', 'Myyntilaskut / salesinvoicelist.nv', true, 'permissions.ok'],
      ['netvisor', 'Varasto / inventorybywarehouse.nv', true, 'permissions.netvisor.stock'],
    ]);
    expect(permissions.lines.find((l) => l.item === 'Varasto / inventorybywarehouse.nv')!.message).toBe('OK (stock levels to woo, shopify)');
    expect(permissions.lines.find((l) => l.item === 'write_inventory')!.message).toBe('OK (granted to the app)');
    // When Shopify does not list the app's scopes, the read scopes are probed by reading, and what only a write could
    // show is said, not claimed.
    await control(urls.shopify, 'faults', { rate: 1, kinds: ['500'], paths: ['/admin/oauth/access_scopes.json'] });
    try {
      const probed = await h.executeUpdate(checkPermissionsUpdate);
      expect(brief(probed.lines.filter((l) => l.system === 'shop:shopify'))).toEqual([
        ['shop:shopify', 'read_products', true, 'permissions.ok'],
        ['shop:shopify', 'read_locations', true, 'permissions.ok'],
        ['shop:shopify', 'read_inventory', true, 'permissions.ok'],
        ['shop:shopify', 'write_inventory', true, 'permissions.shopify.writeInventory'],
      ]);
      expect(probed.lines.find((l) => l.item === 'write_inventory')!.message).toMatch(
        /^Not checked: Shopify did not list the access scopes of the app \(.+\), and reading does not show write_inventory\. Make sure the Siirto app has write_inventory/,
      );
    } finally {
      await control(urls.shopify, 'faults', { rate: 0 });
    }

    const prerequisites = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] });
    expect(prerequisites.status).toBe('ok');
    // The Shopify location the stock is set at, as the stock transfer will pick it.
    expect(prerequisites.lines.find((l) => l.system === 'shop:shopify')).toMatchObject({ ok: true, item: 'stock location', message: 'OK: stock levels are set at location Helsinki' });
    const offered = (await checklist(h)).transfersAvailable!;
    expect(offered.map((o) => [o.id, o.system, o.schedule])).toEqual([
      ['stock:woo', 'shop:woo', `stock/${T.stock}/woo`],
      ['stock:shopify', 'shop:shopify', `stock/${T.stock}/shopify`],
    ]);
    // Only transfers the tenant file configures for this pair can be chosen (invoices go with rackbeat-netvisor).
    expect(await refusal(h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: ['invoices'] }] }))).toBe(
      `pair shop-netvisor has no transfer "invoices" in the tenant file: use stock:woo, stock:shopify`,
    );
    const registers = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: ['stock:woo'] }] });
    expect(registers.status).toBe('ok');
    expect(registers.lines).toEqual([
      {
        system: 'shop:woo', ok: true, item: 'stock',
        message: 'stock levels Netvisor → woo from warehouse Päävarasto (stock balance), polled every 5m',
        msg: { key: 'onboarding.transfer.stock', params: { shop: 'woo', mode: 'one', warehouses: 'Päävarasto', quantity: 'inventory', every: '5m', chosen: 'yes' } },
      },
      {
        system: 'shop:shopify', ok: true, item: 'stock',
        message: 'not chosen (stays off): stock levels Netvisor → shopify from warehouse Päävarasto (stock balance), polled every 10m',
        msg: { key: 'onboarding.transfer.stock', params: { shop: 'shopify', mode: 'one', warehouses: 'Päävarasto', quantity: 'inventory', every: '10m', chosen: 'no' } },
      },
    ]);
    expect((await checklist(h)).transfers).toEqual(['stock:woo']);
    // The same line in Finnish.
    expect(t('fi', registers.lines[0].msg!.key, registers.lines[0].msg!.params)).toBe('varastosaldot Netvisor → woo varastosta Päävarasto (varastosaldo), haku 5m välein');

    // Go-live later, cancelled: no Schedule.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await h.executeUpdate(goLiveUpdate, { args: [{ at: later }] })).status).toBe('scheduled');
    expect((await h.executeUpdate(cancelGoLiveUpdate)).status).toBe('cancelled');
    expect(await scheduleExists(`stock/${T.stock}/woo`)).toBe(false);

    // A go-live timer that fires: the reconciliation of the exporting shop and the chosen shop's stock poll.
    expect((await h.executeUpdate(goLiveUpdate, { args: [{ at: new Date(Date.now() + 2_000).toISOString() }] })).status).toBe('scheduled');
    const deadline = Date.now() + 30_000;
    let c = await checklist(h);
    // Live first, then the step's lines once the webhooks are done.
    while ((c.goLive?.status !== 'live' || stepOf(c, 'go-live').status !== 'ok') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      c = await checklist(h);
    }
    for (const id of c.goLive?.schedules ?? []) schedules.add(id);
    expect(c.goLive).toMatchObject({ status: 'live', schedules: [`reconcile/${T.stock}/woo`, `stock/${T.stock}/woo`] });
    const stock = await client.schedule.getHandle(`stock/${T.stock}/woo`).describe();
    expect(stock.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchStock', taskQueue, workflowId: `stock/${T.stock}/woo/poll` });
    expect(stock.action.type === 'startWorkflow' && stock.action.args).toEqual([{ tenant: T.stock, shop: 'woo', taskQueue }]);
    // Left out in the registers step: not started.
    expect(await scheduleExists(`stock/${T.stock}/shopify`)).toBe(false);
    expect(stepOf(c, 'go-live').lines[0].message).toBe(`live: reconcile/${T.stock}/woo, stock/${T.stock}/woo`);
  });

  test('a read-only WooCommerce key, a Shopify token without the product scopes and a Netvisor user without Varasto: each named, the step failed', async () => {
    const h = await start(T.readOnly, 'shop-netvisor');
    // Reading orders works with both: the credentials are fine.
    expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
    await control(urls.netvisor, 'netvisor/permissions', { denied: ['inventorybywarehouse.nv'] });
    const step = await h.executeUpdate(checkPermissionsUpdate);
    expect(step.status).toBe('failed');
    expect(brief(step.lines.filter((l) => !l.ok))).toEqual([
      ['shop:woo', 'products (REST API key read/write)', false, 'permissions.woocommerce.readOnly'],
      ['shop:shopify', 'read_products', false, 'permissions.shopify.notGranted'],
      ['shop:shopify', 'read_locations', false, 'permissions.shopify.notGranted'],
      ['shop:shopify', 'read_inventory', false, 'permissions.shopify.notGranted'],
      ['shop:shopify', 'write_inventory', false, 'permissions.shopify.notGranted'],
      ['netvisor', 'Varasto / inventorybywarehouse.nv', false, 'permissions.netvisor.missing'],
    ]);
    const woo = step.lines.find((l) => l.system === 'shop:woo')!;
    expect(woo.message).toBe(
      'The WooCommerce REST API key may only read, so stock levels cannot be written: give the key Read/Write permission in WooCommerce → Settings → Advanced → REST API',
    );
    expect(step.lines.find((l) => l.item === 'write_inventory')!.message).toBe(
      'Missing Shopify access scope write_inventory: grant it to the Siirto app (Shopify admin → Apps → Develop apps → Configuration) and reinstall the app',
    );
    expect(step.lines.find((l) => l.item === 'Varasto / inventorybywarehouse.nv')!.message).toMatch(/^Missing Netvisor right: Varasto \/ inventorybywarehouse\.nv\./);
    // In Finnish, the WooCommerce line reads as the operator's own sentence.
    expect(t('fi', woo.msg!.key)).toMatch(/^WooCommercen REST API -avain saa vain lukea/);
    expect(await refusal(h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] }))).toBe(
      'Prerequisites comes after Permissions, which failed: run permissions first',
    );
    // Nothing was written to the shop by the write check.
    const writes = (await control(urls.woocommerce, 'state')).stockWrites ?? [];
    expect(writes).toEqual([]);
  });
});

describe('a Shopify location the shop does not have', () => {
  test('is a failed prerequisite naming the shop’s locations and the setting to fix', async () => {
    const h = await start(T.location, 'shop-netvisor');
    await h.executeUpdate(checkCredentialsUpdate);
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
    const step = await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] });
    expect(step.status).toBe('failed');
    // Not live: transfers are chosen in the registers step, not added.
    expect(await refusal(h.executeUpdate(addTransfersUpdate, { args: [{ transfers: ['stock:woo'] }] }))).toBe(
      `shop-netvisor for ${T.location} is not live: choose the transfers in the registers step, then go live`,
    );
    expect(step.lines.filter((l) => !l.ok)).toEqual([
      {
        system: 'shop:shopify', ok: false, item: 'stock location',
        message: `The shop has no active location "Turku" (its locations: "Helsinki", "Tampere"): fix stock.shops[].location in config/${T.location}.yaml`,
        msg: { key: 'prerequisites.shopify.noLocation', params: { location: 'Turku', names: '"Helsinki", "Tampere"', tenant: T.location } },
      },
    ]);
  });
});

describe('invoices Rackbeat → Netvisor, with rackbeat-netvisor', () => {
  test('Myyntilaskut named with what cannot be probed, Rackbeat customer invoices and webhooks checked; left out, go-live creates no invoice Schedule', async () => {
    await control(urls.rackbeat, 'seed', { seed: 11, counts: { customers: 1, suppliers: 0, orders: 0 } });
    const h = await start(T.off, 'rackbeat-netvisor');
    await h.executeUpdate(checkCredentialsUpdate);
    const permissions = await h.executeUpdate(checkPermissionsUpdate);
    expect(permissions.status).toBe('ok');
    expect(brief(permissions.lines)).toEqual([
      ['rackbeat', 'customer invoices (GET customer-invoices)', true, 'permissions.rackbeat.invoices'],
      ['rackbeat', 'webhooks (GET webhooks)', true, 'permissions.rackbeat.noInvoiceWebhook'],
      ['netvisor', 'Asiakasrekisteri / customerlist.nv', true, 'permissions.ok'],
      ['netvisor', 'Tuoterekisteri / productlist.nv', true, 'permissions.ok'],
      ['netvisor', 'Toimittajarekisteri / getvendor.nv', true, 'permissions.ok'],
      ['netvisor', 'Myyntilaskut / salesinvoicelist.nv', true, 'permissions.netvisor.invoices'],
    ]);
    expect(permissions.lines.find((l) => l.item?.startsWith('Myyntilaskut'))!.message).toBe(
      'OK to read. Adding sales invoices (salesinvoice.nv, and matchcreditnote.nv for credit notes) cannot be checked without writing one: make sure the API user may also add sales invoices in Netvisor',
    );
    expect(permissions.lines.find((l) => l.item === 'webhooks (GET webhooks)')!.message).toBe(
      `OK to read, but no customer_invoice.booked webhook yet: register it in Rackbeat to <server.publicUrl>/webhooks/rackbeat/${T.off} and put its token in sync.rackbeatWebhookTokens (the reconciliation poll finds booked invoices meanwhile)`,
    );
    expect((await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] })).status).toBe('ok');
    const registers = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: [] }] });
    expect(registers.lines).toEqual([
      {
        system: 'netvisor', ok: true, item: 'invoices',
        message: 'not chosen (stays off): invoices booked in Rackbeat → Netvisor, credit notes linked to their invoice, left unsent for Netvisor to send; unpaired customers and products synced first; reconciled every 15m',
        msg: { key: 'onboarding.transfer.invoices', params: { to: 'Netvisor', creditNotes: 'yes', status: 'unsent', unpaired: 'sync', every: '15m', chosen: 'no' } },
      },
    ]);
    const live = await h.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
    for (const id of live.schedules) schedules.add(id);
    expect(live.status).toBe('live');
    expect(live.schedules).toEqual([]);
    expect(await scheduleExists(`invoices/${T.off}`)).toBe(false);

    // Live, and the operator starts the invoices after all: only a transfer of this pair's tenant file is taken.
    expect(await refusal(h.executeUpdate(addTransfersUpdate, { args: [{ transfers: ['stock:woo'] }] }))).toBe(
      'pair rackbeat-netvisor has no transfer "stock:woo" in the tenant file: use invoices',
    );
    const added = await h.executeUpdate(addTransfersUpdate, { args: [{ transfers: ['invoices'] }] });
    for (const id of added.schedules) schedules.add(id);
    expect(added).toMatchObject({ status: 'live', at: live.at, schedules: [`invoices/${T.off}`] });
    expect(await scheduleExists(`invoices/${T.off}`)).toBe(true);
    const c = await checklist(h);
    expect(c.transfers).toEqual(['invoices']);
    expect(stepOf(c, 'registers').lines.map((l) => [l.item, l.msg?.params?.chosen])).toEqual([['invoices', 'yes']]);
    expect(stepOf(c, 'go-live').lines[0].message).toBe(`live: invoices/${T.off}`);
  });

  test('a registered customer_invoice webhook is named; a Netvisor user without Myyntilaskut is refused', async () => {
    await control(urls.rackbeat, 'seed', { seed: 12, counts: { customers: 1, suppliers: 0, orders: 0 } });
    const created = await fetch(`${urls.rackbeat}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-rackbeat-token', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ event: 'customer_invoice.booked', url: `https://siirto.example/webhooks/rackbeat/${T.invoices}` }),
    });
    expect(created.status).toBeLessThan(300);
    const h = await start(T.invoices, 'rackbeat-netvisor');
    await h.executeUpdate(checkCredentialsUpdate);
    await control(urls.netvisor, 'netvisor/permissions', { denied: ['salesinvoicelist.nv'] });
    const step = await h.executeUpdate(checkPermissionsUpdate);
    expect(step.status).toBe('failed');
    expect(step.lines.find((l) => l.item === 'webhooks (GET webhooks)')).toMatchObject({ ok: true, message: 'OK: registered for customer_invoice.booked' });
    expect(step.lines.filter((l) => !l.ok).map((l) => [l.item, l.msg?.key])).toEqual([['Myyntilaskut / salesinvoicelist.nv', 'permissions.netvisor.missing']]);

    // The right restored: on to go-live with the invoices (the tenant file's choice when none is named), whose reconciliation gets its Schedule.
    await control(urls.netvisor, 'netvisor/permissions', { denied: [] });
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
    expect((await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: true }] })).status).toBe('ok');
    const registers = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] });
    expect(registers.lines.map((l) => [l.system, l.item, l.msg?.params?.chosen])).toEqual([['netvisor', 'invoices', 'yes']]);
    const live = await h.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
    for (const id of live.schedules) schedules.add(id);
    expect(live).toMatchObject({ status: 'live', schedules: [`invoices/${T.invoices}`] });
    const reconcile = await client.schedule.getHandle(`invoices/${T.invoices}`).describe();
    expect(reconcile.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileInvoices', taskQueue });
  });
});

describe('invoices Rackbeat → 24SevenOffice, with rackbeat-24so', () => {
  test('InvoiceService checked in the configured company; without one chosen, the line says when it will be', async () => {
    const h = await start(T.twentyFour, 'rackbeat-24so');
    await h.executeUpdate(checkCredentialsUpdate);
    const step = await h.executeUpdate(checkPermissionsUpdate);
    expect(step.status).toBe('ok');
    expect(brief(step.lines)).toEqual([
      ['rackbeat', 'customer invoices (GET customer-invoices)', true, 'permissions.rackbeat.invoices'],
      ['rackbeat', 'webhooks (GET webhooks)', true, expect.stringMatching(/^permissions\.rackbeat\.(noInvoiceWebhook|invoiceWebhook)$/)],
      ['24so', 'InvoiceService (GetInvoices, SaveInvoices)', true, 'permissions.24so.invoices'],
    ]);
    expect(step.lines[2].message).toMatch(/^OK to read invoices\. Saving them \(SaveInvoices\) cannot be checked without writing one/);
    expect((await checklist(h)).transfersAvailable!.map((o) => [o.id, o.system, o.schedule])).toEqual([['invoices', '24so', `invoices/${T.twentyFour}`]]);

    const unchosen = await start(`${T.twentyFour}-x`, 'rackbeat-24so');
    await unchosen.executeUpdate(checkCredentialsUpdate);
    const later = await unchosen.executeUpdate(checkPermissionsUpdate);
    expect(later.lines.find((l) => l.system === '24so')).toMatchObject({ ok: true, msg: { key: 'permissions.24so.afterIdentity' } });
  });
});

describe('an onboarding that read its tenant file before the transfers were offered', () => {
  test('the registers step reads the tenant file again and offers them', async () => {
    // As a run carried over continue-as-new from before: described, without transfersAvailable.
    const old = { ...emptyChecklist(T.legacy, 'shop-netvisor'), systems: ['shop:woo', 'shop:shopify', 'netvisor'], registersAvailable: {}, registersConfigured: {} };
    const h = await start(T.legacy, 'shop-netvisor', { checklist: old });
    expect((await checklist(h)).transfersAvailable).toBeUndefined();
    await h.executeUpdate(checkCredentialsUpdate);
    expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
    await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] });
    const registers = await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: ['stock:shopify'] }] });
    expect(registers.status).toBe('ok');
    expect(registers.lines.map((l) => [l.system, l.msg?.params?.chosen])).toEqual([['shop:woo', 'no'], ['shop:shopify', 'yes']]);
    const c = await checklist(h);
    expect(c.transfersAvailable!.map((o) => o.id)).toEqual(['stock:woo', 'stock:shopify']);
    expect(c.transfers).toEqual(['stock:shopify']);
    // A name the file does not have is refused once the step has read it.
    expect(await refusal(h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: ['stock:nope'] }] }))).toBe(
      'pair shop-netvisor has no transfer "stock:nope" in the tenant file: use stock:woo, stock:shopify',
    );
  });
});

describe('siirto onboard with transfers', () => {
  test('the tenant file’s pair, --transfers, and the walk to go-live printing the transfer lines in Finnish', async () => {
    const only = (over: Partial<ResolvedTenant>) => ({ ...tenant('x', urls), sync: undefined, shops: [], orderExport: undefined, stock: undefined, invoices: undefined, ...over }) as unknown as ResolvedTenant;
    // Stock alone means shop-netvisor; invoices alone the invoice target's pair.
    expect(choosePair(only({ stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] }) } as Partial<ResolvedTenant>))).toBe('shop-netvisor');
    expect(choosePair(only({ invoices: InvoiceTransferSettings.parse({ to: '24so' }) } as Partial<ResolvedTenant>))).toBe('rackbeat-24so');
    expect(() => choosePair(tenant('y', urls))).toThrow(/several pairs \(rackbeat-netvisor, shop-netvisor, shop-procountor\)/);
    expect(parseTransfers(undefined)).toBeUndefined();
    expect(parseTransfers('none')).toEqual([]);
    expect(parseTransfers('stock:woo, invoices')).toEqual(['stock:woo', 'invoices']);

    let printed = '';
    const io: OnboardIo = { print: (x) => (printed += x), ask: async () => null, colour: false, lang: 'fi', close() {} };
    const h = await start(T.walk, 'shop-netvisor');
    const { code, checklist: c } = await walkOnboarding(h, { yes: true, goLive: 'now', transfers: 'stock:shopify' }, io);
    expect(code).toBe(0);
    for (const id of c.goLive?.schedules ?? []) schedules.add(id);
    expect(c.goLive?.schedules).toEqual([`reconcile/${T.walk}/woo`, `stock/${T.walk}/shopify`]);
    expect(printed).toContain('    ✔ shop:woo   stock: ei valittu (jää pois): varastosaldot Netvisor → woo varastosta Päävarasto (varastosaldo), haku 5m välein\n');
    expect(printed).toContain('    ✔ shop:shopify stock: varastosaldot Netvisor → shopify varastosta Päävarasto (varastosaldo), haku 10m välein\n');
    expect(printed).toContain(`    ✔ netvisor   Varasto / inventorybywarehouse.nv: OK (varastosaldot kauppaan woo, shopify)\n`);
    expect(printed).toContain(`stock/${T.walk}/shopify`);

    // Run again on the live pair with --transfers: the one not live yet starts, the credentials are checked again.
    printed = '';
    const again = await walkOnboarding(h, { transfers: 'stock:woo' }, io);
    expect(again.code).toBe(0);
    for (const id of again.checklist.goLive?.schedules ?? []) schedules.add(id);
    expect(again.checklist.goLive?.schedules).toEqual([`reconcile/${T.walk}/woo`, `stock/${T.walk}/woo`, `stock/${T.walk}/shopify`]);
    expect(printed).toContain(`✔ Käyttöönotto: käytössä; ajastukset reconcile/${T.walk}/woo, stock/${T.walk}/woo, stock/${T.walk}/shopify\n`);
    expect(printed).toContain('    ✔ shop:woo   stock: varastosaldot Netvisor → woo varastosta Päävarasto (varastosaldo), haku 5m välein\n');
    // A transfer the file does not configure is refused in the operator's language.
    expect(localizeText('fi', 'pair shop-netvisor has no transfer "invoices" in the tenant file: use stock:woo')).toBe(
      'parilla shop-netvisor ei ole asiakastiedostossa siirtoa "invoices": käytä stock:woo',
    );
  });
});

describe('determinism', () => {
  test('the onboardings above replay without nondeterminism', async () => {
    for (const [id, pair] of [[T.stock, 'shop-netvisor'], [T.off, 'rackbeat-netvisor'], [T.invoices, 'rackbeat-netvisor'], [T.walk, 'shop-netvisor'], [T.legacy, 'shop-netvisor']] as const) {
      const history = await client.workflow.getHandle(`onboarding/${id}/${pair}`).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: `${id}/${pair}`, dataConverter: { payloadCodecs: [codec] } }, history);
    }
  });
});
