import type { Client } from '@temporalio/client';
import type { ResolvedTenant } from '../config/load';
import { RackbeatClient } from '../connectors/rackbeat';
import { WooCommerceClient } from '../connectors/woocommerce';
import { WooOrder } from '../connectors/woocommerce/schemas';
import { exportOrderWorkflowId } from '../workflows/order-export';
import { statusQuery } from '../workflows/transfer';
import { startInvoiceTransfer } from './rackbeat-invoice-events';
import { startMigration } from './migrations';
import { startOnboarding } from './onboarding';

/** Sandbox default credentials the demo tenant's `{ env }` references resolve to (README, "Sandboxes"). */
export const DEMO_SECRETS: Record<string, string> = {
  SIIRTO_DEMO_NETVISOR_CUSTOMER_KEY: 'sandbox-customer-key',
  SIIRTO_DEMO_NETVISOR_PARTNER_KEY: 'sandbox-partner-key',
  SIIRTO_DEMO_WOO_CONSUMER_KEY: 'ck_sandbox',
  SIIRTO_DEMO_WOO_CONSUMER_SECRET: 'cs_sandbox',
  SIIRTO_DEMO_WOO_WEBHOOK_SECRET: 'sandbox-webhook-secret',
  SIIRTO_DEMO_PROCOUNTOR_CLIENT_SECRET: 'sandbox-secret',
  SIIRTO_DEMO_PROCOUNTOR_API_KEY: 'sandbox-api-key',
  SIIRTO_DEMO_RACKBEAT_TOKEN: 'sandbox-rackbeat-token',
  SIIRTO_DEMO_24SO_APPLICATION_ID: '00000000-0000-0000-0000-000000000024',
  SIIRTO_DEMO_24SO_PASSWORD: 'sandbox',
  SIIRTO_DEMO_SEVERA_CLIENT_SECRET: 'sandbox-secret',
  SIIRTO_DEMO_SHOPIFY_ACCESS_TOKEN: 'shpat_sandbox',
  SIIRTO_DEMO_SHOPIFY_APP_SECRET: 'sandbox-shopify-secret',
};

export interface DemoResult {
  orderId: string;
  workflowId: string;
  documentNumber?: string;
  status: string;
  /** What else the demo put in the console's pages (each `{ error }` when that part could not be set up). */
  console?: DemoConsoleScenes;
}

/** The demo's business ID that fails its check digit: the needs-attention order carries it until corrected. */
export const DEMO_BAD_BUSINESS_ID = '3456780-7';
/** The same company's correct business ID, what the operator puts on the order before retrying. */
export const DEMO_GOOD_BUSINESS_ID = '3456780-6';

export interface DemoConsoleScenes {
  /** 24SevenOffice customers and products linked in Rackbeat by this run (0 when linked before). */
  linked: { customers: number; products: number } | { error: string };
  /** A transfer parked on bad order data: correct the business ID in the shop (correctDemoOrder), then retry. */
  needsAttention: { orderId: string; workflowId: string; status: string; fix: string } | { error: string };
  /** A register migration (Rackbeat customers → Netvisor), with its progress. */
  migration: { workflowId: string } | { error: string };
  /** An onboarding (Rackbeat ↔ 24SevenOffice) waiting at its checklist for the operator. */
  onboarding: { workflowId: string } | { error: string };
  /** A customer invoice booked in Rackbeat, on its way to the tenant's `invoices.to` system. */
  invoice: { number: number; workflowId: string } | { error: string };
}

/**
 * The demo scenario: the demo shop's webhook points at Siirto (looked up before it is created), a customer places
 * an order in the WooCommerce sandbox, the sandbox delivers the signed webhook, and the order becomes a sales
 * invoice in the Netvisor sandbox.
 */
export async function runDemo(tenant: ResolvedTenant, serverUrl: string, temporal: Client): Promise<DemoResult> {
  const shop = tenant.shops.find((s) => s.system === 'woocommerce');
  if (!shop || shop.system !== 'woocommerce') throw new Error(`tenant "${tenant.tenant}" has no WooCommerce shop for the demo`);
  const woo = new WooCommerceClient({ baseUrl: shop.baseUrl, consumerKey: shop.consumerKey, consumerSecret: shop.consumerSecret });
  await skipPastEarlierRuns(temporal, tenant.tenant, shop.id, shop.baseUrl);
  await woo.ensureWebhook({
    name: 'Siirto order export',
    topic: 'order.created',
    deliveryUrl: `${serverUrl}/webhooks/woocommerce/${tenant.tenant}`,
    secret: shop.webhookSecret,
  });
  const order = await woo.createOrder({
    status: 'processing',
    set_paid: true,
    payment_method: 'bacs',
    payment_method_title: 'Verkkopankki',
    billing: {
      first_name: 'Aino',
      last_name: 'Virtanen',
      company: 'Revontuli Design Oy',
      address_1: 'Hämeenkatu 12',
      city: 'Tampere',
      postcode: '33100',
      country: 'FI',
      email: 'aino.virtanen@revontulidesign.fi',
      phone: '+358 40 1234567',
    },
    shipping: { first_name: 'Aino', last_name: 'Virtanen', company: 'Revontuli Design Oy', address_1: 'Satamakatu 3', city: 'Tampere', postcode: '33200', country: 'FI' },
    meta_data: [{ key: '_billing_business_id', value: '2345678-0' }],
    line_items: [
      // Products of the sandbox shop's seed (the Netvisor sandbox has the same codes, so they are matched by code).
      { sku: 'P1001', quantity: 3 },
      { sku: 'P1004', quantity: 1 },
    ],
    shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: '5.90' }],
  });
  const workflowId = exportOrderWorkflowId(tenant.tenant, shop.id, String(order.id));
  // The webhook starts the workflow; wait until it exists, then for its result.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await temporal.workflow.getHandle(workflowId).describe();
      break;
    } catch {
      if (Date.now() > deadline) return { orderId: String(order.id), workflowId, status: 'webhook not received within 60 s' };
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const result = await temporal.workflow.getHandle(workflowId).result();
  const scenes = await demoConsoleScenes(tenant, woo, temporal, shop.id);
  return { orderId: String(order.id), workflowId, documentNumber: result.number, status: result.status, console: scenes };
}

const sceneError = (err: unknown) => ({ error: (err as Error).message });

/**
 * Something for every page of the console: a second order that parks (its business ID fails the check digit, as a
 * typo would), a finished migration with its counts, and an onboarding waiting for the operator. Each part is
 * independent: one that fails is reported and the others still run. Run again on a restart, each is idempotent
 * (the same order is not placed twice, the migration and onboarding reattach to their workflow ids).
 */
async function demoConsoleScenes(tenant: ResolvedTenant, woo: WooCommerceClient, temporal: Client, shopId: string): Promise<DemoConsoleScenes> {
  const linked = await linkRackbeatTo24so(tenant).catch(sceneError);
  const needsAttention = await parkedOrder(tenant, woo, temporal, shopId).catch(sceneError);
  const migration = await startMigration(temporal, { tenant: tenant.tenant, pair: 'rackbeat-netvisor', register: 'customers', direction: 'rackbeat-to-netvisor' })
    .then((h) => ({ workflowId: h.workflowId }))
    .catch(sceneError);
  const onboarding = await startOnboarding(temporal, tenant.tenant, 'rackbeat-24so')
    .then((h) => ({ workflowId: h.workflowId }))
    .catch(sceneError);
  const invoice = await demoInvoice(tenant, temporal).catch(sceneError);
  return { linked, needsAttention, migration, onboarding, invoice };
}

const DEMO_INVOICE_HEADING = 'Siirto demo: invoice booked in Rackbeat';

/**
 * An invoice booked in the Rackbeat sandbox for one of its customers, with a product the target knows by the same
 * code, handed to its transfer (`invoice/<tenant>/rackbeat/<number>`) the way an operator's manual start does: the
 * demo's Rackbeat has no webhook token configured. One per Rackbeat sandbox: a restarted stack finds the one it
 * booked before (by its heading), and the transfer's workflow id keeps it one document.
 */
async function demoInvoice(tenant: ResolvedTenant, temporal: Client): Promise<{ number: number; workflowId: string }> {
  const rb = tenant.connections.rackbeat;
  if (!rb || !tenant.invoices) throw new Error(`tenant "${tenant.tenant}" has no Rackbeat connection or invoices: section`);
  const rackbeat = new RackbeatClient({ baseUrl: rb.baseUrl, apiToken: rb.apiToken });
  let number: number | undefined;
  for await (const i of rackbeat.invoices.iterate({})) {
    if ((i as { heading?: string | null }).heading === DEMO_INVOICE_HEADING) number = Number((i as { number: number }).number);
  }
  if (number === undefined) {
    const customer = (await rackbeat.customers.list({ limit: 1 })).items[0];
    // The seed's plain product numbers are Netvisor's product codes too (others carry "/", "+" or spaces).
    const product = (await rackbeat.products.list({ limit: 20 })).items.find((p) => /^[A-Z0-9-]+$/i.test(String(p.number)));
    if (!customer || !product) throw new Error("the Rackbeat sandbox has no customer or plain-numbered product for the demo's invoice");
    const booked = await rackbeat.invoices.create({
      customer_id: Number(customer.number),
      heading: DEMO_INVOICE_HEADING,
      // The demo's Netvisor keeps Finnish books.
      currency: 'EUR',
      lines: [{ item_id: String(product.number), quantity: 2 }],
    });
    number = Number(booked.number);
  }
  const { workflowId } = await startInvoiceTransfer(temporal, { tenant: tenant.tenant, number, trigger: 'manual' });
  return { number, workflowId };
}

/** The demo's 24SevenOffice company (the tenant's identity works in it). */
const DEMO_24SO_CLIENT_ID = 24001;

/**
 * The demo's Rackbeat knows the demo's 24SevenOffice customers and products, linked as the register sync links them:
 * the 24SO id in the Rackbeat record's user-defined field (lifecycle.links), so an order fetched from 24SO (by the
 * lifecycle's poll or a manual GET) finds its customer and products instead of parking. The 24SO records are read
 * from the 24SO sandbox's state; whatever is already linked is left alone (a restarted stack links nothing twice).
 */
export async function linkRackbeatTo24so(tenant: ResolvedTenant): Promise<{ customers: number; products: number }> {
  const rb = tenant.connections.rackbeat;
  const so = tenant.connections.twentyfourseven;
  const links = tenant.lifecycle?.links;
  if (!rb || !so || !links) throw new Error(`tenant "${tenant.tenant}" has no Rackbeat, 24SevenOffice or lifecycle.links to link`);
  const state = await fetch(`${so.baseUrl.replace(/\/+$/, '')}/__sandbox/state`);
  if (!state.ok) throw new Error(`could not read the 24SevenOffice sandbox's state: ${state.status}`);
  const { companies = [], products = [] } = (await state.json()) as {
    companies?: Array<{ clientId: number; Id: number; Name: string; OrganizationNumber?: string; Type: string; Addresses?: { Post?: { Street?: string; PostalCode?: string; City?: string } } }>;
    products?: Array<{ clientId: number; Id: number; No: string; Name: string; Price: string }>;
  };
  const rackbeat = new RackbeatClient({ baseUrl: rb.baseUrl, apiToken: rb.apiToken });
  const field = async (owner: 'customer' | 'item', slug: string, name: string) => {
    const found = (await rackbeat.fields.listFor(owner, { limit: 1000 })).items.find((f) => f.slug === slug);
    return found ? found.id : (await rackbeat.fields.create({ name, slug, type: 'text', available_for: owner })).id;
  };
  const customerField = await field('customer', links.customerField, '24SO customer id');
  const productField = await field('item', links.productField, '24SO product id');
  let linkedCustomers = 0;
  let linkedProducts = 0;
  for (const c of companies.filter((co) => co.clientId === DEMO_24SO_CLIENT_ID && co.Type !== 'Supplier')) {
    if (await rackbeat.customers.findByField(customerField, String(c.Id))) continue;
    // The number a register sync would give a customer it brings over: 24SO's id in a range of its own.
    const number = 20_000 + c.Id;
    if (!(await rackbeat.customers.findByNumber(number))) {
      const post = c.Addresses?.Post;
      await rackbeat.customers.create({
        number,
        company_name: c.Name,
        payment_terms_id: 1,
        customer_group_id: 1,
        address_country: 'NO',
        currency: 'NOK',
        locale: 'nb',
        ...(c.OrganizationNumber ? { company_vat: c.OrganizationNumber } : {}),
        ...(post?.Street ? { address_street: post.Street } : {}),
        ...(post?.City ? { address_city: post.City } : {}),
        ...(post?.PostalCode ? { address_zipcode: post.PostalCode } : {}),
      });
    }
    await rackbeat.customers.fieldValues.write(number, [{ id: customerField, value: String(c.Id) }]);
    linkedCustomers++;
  }
  for (const p of products.filter((pr) => pr.clientId === DEMO_24SO_CLIENT_ID)) {
    if (await rackbeat.products.findByField(productField, String(p.Id))) continue;
    if (!(await rackbeat.products.findByNumber(p.No))) {
      await rackbeat.products.create({ number: p.No, name: p.Name, group: 1, sales_price: Number(p.Price) } as Parameters<RackbeatClient['products']['create']>[0]);
    }
    await rackbeat.products.fieldValues.write(p.No, [{ id: productField, value: String(p.Id) }]);
    linkedProducts++;
  }
  return { customers: linkedCustomers, products: linkedProducts };
}

const PARKED_ORDER_NOTE = 'siirto-demo: needs attention';

async function parkedOrder(tenant: ResolvedTenant, woo: WooCommerceClient, temporal: Client, shopId: string) {
  // One per shop: a restarted stack finds the one it placed before (kept in the sandbox's state).
  const existing = (await woo.listOrders({ perPage: 100 })).orders.find((o) => o.customer_note === PARKED_ORDER_NOTE);
  const order =
    existing ??
    (await woo.createOrder({
      status: 'processing',
      set_paid: true,
      payment_method: 'bacs',
      payment_method_title: 'Verkkopankki',
      customer_note: PARKED_ORDER_NOTE,
      billing: {
        first_name: 'Mikko',
        last_name: 'Korhonen',
        company: 'Pohjoistuuli Oy',
        address_1: 'Aleksanterinkatu 5',
        city: 'Helsinki',
        postcode: '00100',
        country: 'FI',
        email: 'mikko.korhonen@pohjoistuuli.fi',
      },
      meta_data: [{ key: '_billing_business_id', value: DEMO_BAD_BUSINESS_ID }],
      line_items: [{ sku: 'P1002', quantity: 2 }],
      shipping_lines: [{ method_id: 'flat_rate', method_title: 'Posti', total: '5.90' }],
    } as Parameters<WooCommerceClient['createOrder']>[0]));
  const workflowId = exportOrderWorkflowId(tenant.tenant, shopId, String(order.id));
  const deadline = Date.now() + 60_000;
  let status = 'not started';
  while (Date.now() < deadline) {
    try {
      status = (await temporal.workflow.getHandle(workflowId).query(statusQuery)).status;
      if (status !== 'running') break;
    } catch {
      // Not started yet (the webhook is on its way) or no worker answered the query yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    orderId: String(order.id),
    workflowId,
    status,
    fix: `correct the business ID on WooCommerce order ${order.id} (${DEMO_BAD_BUSINESS_ID} → ${DEMO_GOOD_BUSINESS_ID}), then retry the transfer`,
  };
}

/** The operator's fix for the parked demo order: its business ID corrected in the shop. */
export async function correctDemoOrder(tenant: ResolvedTenant, orderId: string): Promise<void> {
  const shop = tenant.shops.find((s) => s.system === 'woocommerce');
  if (!shop || shop.system !== 'woocommerce') throw new Error(`tenant "${tenant.tenant}" has no WooCommerce shop`);
  const woo = new WooCommerceClient({ baseUrl: shop.baseUrl, consumerKey: shop.consumerKey, consumerSecret: shop.consumerSecret });
  await woo.request(
    { method: 'PUT', path: `orders/${orderId}`, resource: 'order', body: { meta_data: [{ key: '_billing_business_id', value: DEMO_GOOD_BUSINESS_ID }] } },
    WooOrder,
  );
}

/**
 * Temporal keeps its history in .data between runs, and so does a sandbox `siirto stack` starts (its records and
 * id sequences in .data/sandboxes/). A shop sandbox that does not remember (one started elsewhere, or a data dir
 * from before sandboxes kept their state) would give the demo's order an id an earlier run already exported (and
 * the export would rightly not run again): such a sandbox, and only such, is seeded with as many orders as earlier
 * runs used, so the demo's order gets a fresh id.
 */
async function skipPastEarlierRuns(temporal: Client, tenant: string, shopId: string, shopUrl: string): Promise<void> {
  let highest = 0;
  for await (const info of temporal.workflow.list({ query: `SiirtoTenant = '${tenant}' AND SiirtoFlow = 'order-export'` })) {
    const id = Number(info.workflowId.split('/').pop());
    if (info.workflowId.startsWith(`order-export/${tenant}/${shopId}/`) && Number.isInteger(id)) highest = Math.max(highest, id);
  }
  const state = await fetch(`${shopUrl}/__sandbox/state`);
  if (!state.ok) throw new Error(`could not read the WooCommerce sandbox's state for the demo: ${state.status}`);
  const orders = ((await state.json()) as { orders?: Array<{ id?: unknown }> }).orders ?? [];
  const known = Math.max(0, ...orders.map((o) => Number(o.id)).filter(Number.isInteger));
  if (highest <= known) return;
  // The sandbox numbers orders from 1001.
  const res = await fetch(`${shopUrl}/__sandbox/seed`, { method: 'POST', body: JSON.stringify({ seed: 1, counts: { orders: Math.max(6, highest - 1000) } }) });
  if (!res.ok) throw new Error(`could not prepare the WooCommerce sandbox for the demo: ${res.status} ${await res.text()}`);
}
