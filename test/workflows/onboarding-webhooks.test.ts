import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { Connections } from '../../activities/connections';
import { createShopWebhookActivities, noPublicUrlLine, RACKBEAT_WEBHOOKS_LINE } from '../../activities/shop-webhooks';
import { walkOnboarding, type OnboardIo } from '../../client/commands/onboard';
import { buildHttpServer, listen } from '../../client/http';
import { readChecklist, startOnboarding, updateRefusal, type OnboardingHandle } from '../../client/onboarding';
import { parseTenantFile, type ResolvedTenant } from '../../config/load';
import { OrderExportSettings } from '../../config/schema';
import { ShopifyClient } from '../../connectors/shopify';
import { WooCommerceClient } from '../../connectors/woocommerce';
import { WooWebhook } from '../../connectors/woocommerce/schemas';
import { stepOf, type Checklist, type CheckLine } from '../../domain/onboarding';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import {
  checkCredentialsUpdate,
  checklistQuery,
  checkPermissionsUpdate,
  checkPrerequisitesUpdate,
  confirmRegistersUpdate,
  goLiveUpdate,
} from '../../workflows/onboarding';
import { SiirtoStatus } from '../../workflows/search-attributes';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/**
 * Go-live registers the shops' order webhooks at the tenant's `server.publicUrl`, against the WooCommerce and
 * Shopify sandboxes and a real HTTP server (client/http.ts) started here: once, looked for before created (a lost
 * reply and a second go-live create nothing), a disabled WooCommerce hook switched back on, a shop that is down a
 * failed line that a second go-live clears; and a WooCommerce order then reaches the server, signed, and is taken
 * (202). Without publicUrl the step says so and go-live still succeeds; an invalid publicUrl is refused by name.
 */
const run = crypto.randomBytes(3).toString('hex');
const T = { hooks: `hooks-${run}`, plain: `hooks-${run}-nourl` };
const taskQueue = `onboarding-webhooks-${run}`;
const WEBHOOK_SECRET = `whs-${run}`;
/** The Shopify sandbox signs every delivery with its app's secret. */
const SHOPIFY_APP_SECRET = 'sandbox-shopify-secret';

let urls: Record<'netvisor' | 'procountor' | 'woocommerce' | 'shopify', string>;
let serverUrl: string;
let app: FastifyInstance;
let client: Client;
let connection: Connection;
let worker: Worker;
let running: Promise<void>;
let closeWorker: () => Promise<void>;
let stopSandboxes: () => Promise<void>;
const tenants = new Map<string, ResolvedTenant>();
const codec = new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) });
const schedules: string[] = [];
let woo: WooCommerceClient;
let shopify: ShopifyClient;

function tenant(id: string, publicUrl?: string): ResolvedTenant {
  return {
    tenant: id,
    name: `${id} Oy`,
    connections: {
      netvisor: {
        baseUrl: urls.netvisor, customerId: 'SIIRTO-SANDBOX', customerKey: 'sandbox-customer-key', partnerId: 'SIIRTO_SANDBOX',
        partnerKey: 'sandbox-partner-key', organisationId: '1234567-1', language: 'FI',
      },
      procountor: { baseUrl: `${urls.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' },
    },
    shops: [
      { id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: WEBHOOK_SECRET },
      { id: 'shop', system: 'shopify', exportTo: 'netvisor', exportStatuses: ['paid'], baseUrl: urls.shopify, accessToken: 'shpat_sandbox', appSecret: SHOPIFY_APP_SECRET },
      // Same WooCommerce store, exported elsewhere: not this pair's shop, so no hooks for it at shop-netvisor's go-live.
      { id: 'woo-b', system: 'woocommerce', exportTo: 'procountor', exportStatuses: ['processing'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: 'other' },
    ],
    orderExport: OrderExportSettings.parse({ numbering: { offset: 900000, max: 999999 } }),
    ...(publicUrl ? { server: { publicUrl } } : {}),
  } as unknown as ResolvedTenant;
}

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'procountor', 'woocommerce', 'shopify'], 11);
  stopSandboxes = started.stop;
  urls = Object.fromEntries(Object.entries(started.sandboxes).map(([k, v]) => [k, v.url])) as typeof urls;
  const address = temporalAddress();
  connection = await Connection.connect({ interceptors: connectionInterceptors(), address });
  client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
  // The server first: its address is the tenant's publicUrl. The route reads the tenants map on each delivery.
  app = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
  serverUrl = await listen(app, 0);
  for (const t of [tenant(T.hooks, serverUrl), tenant(T.plain)]) tenants.set(t.tenant, t);
  const w = await createWorker({ address, tenants, codec, taskQueue, options: { workflowBundle: await workflowBundle(), shutdownGraceTime: '100ms' } });
  worker = w.worker;
  closeWorker = w.close;
  running = worker.run();
  woo = new WooCommerceClient({ baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
  shopify = new ShopifyClient({ baseUrl: urls.shopify, accessToken: 'shpat_sandbox' });
}, 120_000);

afterAll(async () => {
  for (const id of schedules) await client?.schedule.getHandle(id).delete().catch(() => undefined);
  await app?.close();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await closeWorker?.();
  await connection?.close();
  await stopSandboxes?.();
});

const hookUrl = (system: string, t: string, shop: string) => `${serverUrl}/webhooks/${system}/${t}?shop=${shop}`;
const checklist = (h: OnboardingHandle): Promise<Checklist> => h.query(checklistQuery);
const wooHooks = async () => ((await control(urls.woocommerce, 'state')).webhooks as Array<{ id: number; topic: string; delivery_url: string; status: string }>);
const shopifyHooks = async () => ((await control(urls.shopify, 'state')).webhooks as Array<{ id: number; topic: string; address: string }>);
const webhookLines = (lines: CheckLine[]) => lines.filter((l) => l.item === 'webhooks');

/** A fresh onboarding of shop-netvisor walked up to go-live (nothing to migrate for order export). */
async function walkToGoLive(t: string): Promise<OnboardingHandle> {
  const h = await startOnboarding(client, t, 'shop-netvisor', taskQueue);
  await readChecklist(h);
  expect((await h.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');
  expect((await h.executeUpdate(checkPermissionsUpdate)).status).toBe('ok');
  expect((await h.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] })).status).toBe('ok');
  expect((await h.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [] }] })).status).toBe('ok');
  return h;
}

async function goLive(h: OnboardingHandle) {
  const live = await h.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
  schedules.push(...live.schedules);
  return { live, step: stepOf(await checklist(h), 'go-live') };
}

describe('go-live with server.publicUrl', () => {
  let first: OnboardingHandle;

  test('a shop that is down is a failed line, the flows are live anyway; going live again registers its hooks and none twice', async () => {
    await control(urls.shopify, 'faults', { rate: 1, kinds: ['500'], paths: ['webhooks.json'], methods: ['POST'] });
    first = await walkToGoLive(T.hooks);
    const down = await goLive(first);
    await control(urls.shopify, 'faults', { rate: 0 });
    expect(down.live.status).toBe('live');
    expect([...down.live.schedules].sort()).toEqual([`reconcile/${T.hooks}/shop`, `reconcile/${T.hooks}/woo`]);
    expect(down.step.status).toBe('failed');
    expect(webhookLines(down.step.lines)).toEqual([
      { system: 'shop:woo', ok: false, item: 'webhooks', message: expect.stringMatching(/^webhooks not registered: .*\(the reconciliation poll covers the shops meanwhile; run go-live again to retry\)$/) },
    ]);
    expect((await first.describe()).typedSearchAttributes.get(SiirtoStatus)).toBe('needs-attention');
    expect(await shopifyHooks()).toEqual([]);

    const again = await goLive(first);
    expect(again.live.status).toBe('live');
    expect(again.step.status).toBe('ok');
    expect(webhookLines(again.step.lines)).toEqual([
      // The WooCommerce hooks were created by the attempts before Shopify answered 500: found, not created again.
      { system: 'shop:woo', ok: true, item: 'webhooks', message: `webhooks to ${hookUrl('woocommerce', T.hooks, 'woo')}: already there order.created, order.updated` },
      { system: 'shop:shop', ok: true, item: 'webhooks', message: `webhooks to ${hookUrl('shopify', T.hooks, 'shop')}: created orders/create, orders/paid` },
    ]);
    expect((await first.describe()).typedSearchAttributes.get(SiirtoStatus)).toBe('done');
    const wooNow = await wooHooks();
    expect(wooNow.filter((w) => w.delivery_url === hookUrl('woocommerce', T.hooks, 'woo')).map((w) => [w.topic, w.status]).sort()).toEqual([
      ['order.created', 'active'],
      ['order.updated', 'active'],
    ]);
    // woo-b exports to Procountor: not this pair's shop.
    expect(wooNow.filter((w) => w.delivery_url.includes('shop=woo-b'))).toEqual([]);
    expect((await shopifyHooks()).map((w) => [w.topic, w.address]).sort()).toEqual([
      ['orders/create', hookUrl('shopify', T.hooks, 'shop')],
      ['orders/paid', hookUrl('shopify', T.hooks, 'shop')],
    ]);
    // Live and ok: no third go-live.
    expect(await first.executeUpdate(goLiveUpdate, { args: [{}] }).then(() => 'accepted', updateRefusal)).toMatch(/already live/);
  }, 60_000);

  test('a second go-live (the onboarding run again) creates nothing, switches a disabled hook back on, and survives a lost reply', async () => {
    const updated = (await wooHooks()).find((w) => w.topic === 'order.updated' && w.delivery_url === hookUrl('woocommerce', T.hooks, 'woo'))!;
    await woo.request({ method: 'PUT', path: `webhooks/${updated.id}`, resource: 'webhook', body: { status: 'disabled' } }, WooWebhook);
    await first.terminate('onboarding run again');
    const second = await walkToGoLive(T.hooks);
    const { live, step } = await goLive(second);
    expect(live.status).toBe('live');
    expect(webhookLines(step.lines)).toEqual([
      { system: 'shop:woo', ok: true, item: 'webhooks', message: `webhooks to ${hookUrl('woocommerce', T.hooks, 'woo')}: re-activated order.updated; already there order.created` },
      { system: 'shop:shop', ok: true, item: 'webhooks', message: `webhooks to ${hookUrl('shopify', T.hooks, 'shop')}: already there orders/create, orders/paid` },
    ]);
    expect((await wooHooks()).filter((w) => w.delivery_url === hookUrl('woocommerce', T.hooks, 'woo')).map((w) => w.status)).toEqual(['active', 'active']);
    expect(await shopifyHooks()).toHaveLength(2);

    // Shopify takes the hook but the reply is lost: the retry finds it instead of creating it again.
    const paid = (await shopify.listWebhooks({ topic: 'orders/paid' }))[0];
    await shopify.deleteWebhook(paid.id);
    await control(urls.shopify, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['webhooks.json'], methods: ['POST'] });
    await second.terminate('onboarding run again');
    const third = await walkToGoLive(T.hooks);
    try {
      const r = await goLive(third);
      expect(r.step.status).toBe('ok');
      expect(webhookLines(r.step.lines)[1]).toEqual({ system: 'shop:shop', ok: true, item: 'webhooks', message: `webhooks to ${hookUrl('shopify', T.hooks, 'shop')}: already there orders/create, orders/paid` });
    } finally {
      await control(urls.shopify, 'faults', { rate: 0 });
    }
    expect((await shopifyHooks()).map((w) => w.topic).sort()).toEqual(['orders/create', 'orders/paid']);
    await third.terminate('test over');
  }, 60_000);
});

describe('go-live without server.publicUrl', () => {
  test('the step says to register the webhooks by hand, in one line, and go-live succeeds (siirto onboard prints it)', async () => {
    const before = (await wooHooks()).length;
    const h = await startOnboarding(client, T.plain, 'shop-netvisor', taskQueue);
    let printed = '';
    const io: OnboardIo = { print: (t) => (printed += t), ask: async () => null, colour: false, close() {} };
    const { code, checklist: c } = await walkOnboarding(h, { goLive: 'now', yes: true }, io);
    schedules.push(...(c.goLive?.schedules ?? []));
    expect(code).toBe(0);
    expect(c.goLive?.status).toBe('live');
    const step = stepOf(c, 'go-live');
    expect(step.status).toBe('ok');
    expect(printed).toContain(`✔ shop:woo, shop:shop: ${noPublicUrlLine(T.plain)}\n`);
    expect(webhookLines(step.lines)).toEqual([{ system: 'shop:woo, shop:shop', ok: true, item: 'webhooks', message: noPublicUrlLine(T.plain) }]);
    expect(noPublicUrlLine(T.plain)).toBe(
      `no server.publicUrl in config/${T.plain}.yaml: register the shops' webhooks by hand, the reconciliation poll covers them meanwhile`,
    );
    expect(await wooHooks()).toHaveLength(before);
    await h.terminate('test over');
  }, 30_000);

  test('Rackbeat pairs get the by-hand line; severa-netvisor none', async () => {
    const activities = createShopWebhookActivities(new Connections(tenants));
    expect(await activities.ensureShopWebhooks(T.hooks, 'rackbeat-netvisor')).toEqual([{ system: 'rackbeat', ok: true, item: 'webhooks', message: RACKBEAT_WEBHOOKS_LINE }]);
    expect(RACKBEAT_WEBHOOKS_LINE).toBe('Rackbeat webhooks: register them by hand and put their tokens in sync.rackbeatWebhookTokens');
    expect(await activities.ensureShopWebhooks(T.hooks, 'severa-netvisor')).toEqual([]);
  });
});

describe('server.publicUrl in the tenant file', () => {
  const write = (server: string | undefined) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-server-'));
    const file = path.join(dir, 'acme.yaml');
    fs.writeFileSync(file, `tenant: acme\nname: Acme Oy\nconnections: {}\n${server === undefined ? '' : `server:\n  publicUrl: ${JSON.stringify(server)}\n`}`);
    return file;
  };

  test.each([
    ['ftp://siirto.example.fi', 'must be an http(s) URL'],
    ['siirto.example.fi', 'must be an http(s) URL'],
    ['https://siirto.example.fi/', 'must not end with a slash'],
  ])('%s is refused, naming server.publicUrl', (value, message) => {
    const file = write(value);
    expect(() => parseTenantFile(file, {})).toThrow(`${file}: server.publicUrl: ${message}`);
  });

  test('an http(s) URL, with or without a path, is taken; the block is optional', () => {
    expect(parseTenantFile(write('https://siirto.example.fi'), {}).server).toEqual({ publicUrl: 'https://siirto.example.fi' });
    expect(parseTenantFile(write('http://127.0.0.1:8080/siirto'), {}).server).toEqual({ publicUrl: 'http://127.0.0.1:8080/siirto' });
    expect(parseTenantFile(write(undefined), {}).server).toBeUndefined();
  });
});

// Last: the export it starts books an invoice in the numbering range, which the prerequisites check above would report.
describe('deliveries through the registered hooks', () => {
  test('an order created in WooCommerce reaches the server through the registered hook, signed, and is taken (202)', async () => {
    const product = ((await control(urls.woocommerce, 'state')).products as Array<{ id: number }>)[0];
    const order = await woo.createOrder({
      status: 'processing',
      billing: { first_name: 'Aino', last_name: 'Virtanen', email: 'aino@example.fi', country: 'FI' },
      line_items: [{ product_id: product.id, quantity: 1 }],
    });
    const url = hookUrl('woocommerce', T.hooks, 'woo');
    const deadline = Date.now() + 15_000;
    let deliveries: Array<{ url: string; topic: string; status: number | string }> = [];
    while (Date.now() < deadline) {
      deliveries = ((await control(urls.woocommerce, 'state')).webhookDeliveries as typeof deliveries).filter((d) => d.url === url && d.topic === 'order.created');
      if (deliveries.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // 202 only after the signature was verified with the shop's webhookSecret (a bad one gets 401).
    expect(deliveries.map((d) => d.status)).toContain(202);
    expect(deliveries.every((d) => d.status === 202)).toBe(true);
    const started = client.workflow.getHandle(exportOrderWorkflowId(T.hooks, 'woo', String(order.id)));
    expect((await started.describe()).type).toBe('exportOrder');
    await started.terminate('test over').catch(() => undefined);
  }, 30_000);
});
