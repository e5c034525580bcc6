import crypto from 'node:crypto';
import type { ShopifyOrderInput } from '../../connectors/shopify/schemas';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { ShopifyClient } from '../../connectors/shopify';
import { toNetvisorSalesDocument } from '../../connectors/netvisor';
import { ProcountorClient } from '../../connectors/procountor';
import { ensureReconcileSchedules } from '../../orchestration/schedules';
import { reconcileShop } from '../../workflows/reconcile-shop';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { retrySignal, statusQuery, type TransferState } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

const taskQueue = `order-settings-${crypto.randomUUID()}`;
const SHOPIFY_SECRET = 'sandbox-shopify-secret';
let h: Harness;
let shopify: ShopifyClient;
let procountor: ProcountorClient;

const wooOrder = (skus: string[], extra: Partial<WooOrderInput> = {}): WooOrderInput => ({
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { first_name: 'Eero', last_name: 'Laine', company: 'Koskikahvila Oy', address_1: 'Kauppakatu 5', city: 'Kuopio', postcode: '70100', country: 'FI', email: 'eero@koskikahvila.fi' },
  meta_data: [{ key: '_billing_business_id', value: '1234567-1' }],
  line_items: skus.map((sku) => ({ sku, quantity: 1, total: '10.00' })),
  ...extra,
});

async function waitForStatus(workflowId: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await h.client.workflow.getHandle(workflowId).query(statusQuery);
      if ((last as TransferState).status === status) return last as TransferState;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${workflowId} did not reach ${status}; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const netvisorInvoices = async () => (await control(h.netvisorUrl, 'state')).salesInvoices as Array<Record<string, any>>;

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant('s-pay', urls, { document: { type: 'invoice', status: 'open', registerPayment: true } }),
    demoLikeTenant('s-temp', urls, { customers: { mode: 'temp' } }),
    demoLikeTenant('s-print', urls, { channel: { default: 'print', forced: true }, numbering: { offset: 300000, max: 399999 } }),
    demoLikeTenant('s-order', urls, { document: { type: 'order', status: 'undelivered' }, numbering: { offset: 500000, max: 599999 } }),
    { ...demoLikeTenant('s-badkey', urls), connections: { netvisor: { ...demoLikeTenant('x', urls).connections.netvisor!, partnerKey: 'revoked-key' } } },
    {
      ...demoLikeTenant('s-register', urls, { procountor: { finish: 'unfinished', customerData: 'register' }, customers: { matchBy: ['name'], matchConsumersByName: true }, numbering: { offset: 710000, max: 719999 } }),
      shops: [{ id: 'shop', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: urls.shopify, accessToken: 'shpat_sandbox', appSecret: SHOPIFY_SECRET }],
    },
    {
      ...demoLikeTenant('s-update', urls, { procountor: { finish: 'unfinished', customerData: 'order' }, customers: { matchBy: ['name'], matchConsumersByName: true, updateRegister: true }, numbering: { offset: 720000, max: 729999 } }),
      shops: [{ id: 'shop', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: urls.shopify, accessToken: 'shpat_sandbox', appSecret: SHOPIFY_SECRET }],
    },
    {
      ...demoLikeTenant('s-shopify', urls, { procountor: { finish: 'approve-and-send', customerData: 'order' }, numbering: { offset: 700000, max: 799999 } }),
      shops: [{ id: 'shop', system: 'shopify', exportTo: 'procountor', exportStatuses: ['paid'], baseUrl: urls.shopify, accessToken: 'shpat_sandbox', appSecret: SHOPIFY_SECRET }],
    },
  ]);
  await control(h.wooUrl, 'seed', { seed: 3, counts: { products: 40 } });
  shopify = new ShopifyClient({ baseUrl: h.urls.shopify, accessToken: 'shpat_sandbox' });
  procountor = new ProcountorClient({ baseUrl: `${h.urls.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function placeWooOrder(tenant: string, input: WooOrderInput) {
  const created = await h.woo.createOrder(input);
  const body = JSON.stringify(await h.woo.getOrder(created.id));
  const res = await postWooWebhook(h.serverUrl, tenant, body);
  return { created, res, workflowId: exportOrderWorkflowId(tenant, 'woo', String(created.id)) };
}

describe('order export settings and failure handling', () => {
  it('exports a paid Shopify order to Procountor once, approved and sent by email, through duplicate deliveries and a lost reply', async () => {
    const { webhook } = await shopify.ensureWebhook({ topic: 'orders/paid', address: `${h.serverUrl}/webhooks/shopify/s-shopify` });
    await control(h.urls.shopify, 'webhooks', { duplicateRate: 1, retryDelaysMs: [100, 200] });
    await control(h.urls.procountor, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/api/invoices'], methods: ['POST'] });
    try {
      const input: ShopifyOrderInput = {
        email: 'maija@example.fi',
        financial_status: 'paid',
        taxes_included: true,
        currency: 'EUR',
        gateway: 'shopify_payments',
        billing_address: { first_name: 'Maija', last_name: 'Mäkinen', address1: 'Koulukatu 3', city: 'Oulu', zip: '90100', country_code: 'FI' },
        line_items: [{ title: 'Villasukat', sku: 'SHOP-SUKKA', price: '19.90', quantity: 2, taxable: true }],
        shipping_lines: [{ title: 'Posti', price: '5.90', code: 'POSTI' }],
      };
      const order = await shopify.createOrder(input);
      const workflowId = exportOrderWorkflowId('s-shopify', 'shop', String(order.id));
      await waitForStatus(workflowId, 'done', 40_000);
      const result = await h.client.workflow.getHandle(workflowId).result();
      expect(result.number).toBe(String(700000 + Number(order.order_number)));
      const faults = await control(h.urls.procountor, 'faults');
      expect(faults.injected['commit-then-fail']).toBeGreaterThanOrEqual(1);
      await control(h.urls.procountor, 'faults', { rate: 0 });
      const invoice = await procountor.findInvoiceByOriginalNumber(result.number!);
      expect(invoice).toMatchObject({ status: 'SENT', invoiceChannel: 'EMAIL' });
      const state = await control(h.urls.procountor, 'state');
      expect(state.invoices.filter((i: { originalInvoiceNumber?: string }) => i.originalInvoiceNumber === result.number)).toHaveLength(1);
    } finally {
      await control(h.urls.procountor, 'faults', { rate: 0 });
      await shopify.deleteWebhook(webhook.id);
    }
  });

  it('puts the register’s customer data on a Procountor invoice, or updates the register from the order, as configured', async () => {
    const partner = (name: string) => ({ kind: 'customer' as const, name, code: String(4000 + Math.floor(Math.random() * 999)), address: { street: 'Rekisterikatu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } });
    const registerName = `Rekisteri Asiakas ${crypto.randomBytes(2).toString('hex')}`;
    const updateName = `Päivitettävä Asiakas ${crypto.randomBytes(2).toString('hex')}`;
    await procountor.createBusinessPartner(partner(registerName));
    await procountor.createBusinessPartner(partner(updateName));
    const exportFor = async (tenant: string, name: string) => {
      const [first, ...rest] = name.split(' ');
      const order = await shopify.createOrder({
        financial_status: 'paid', taxes_included: true, currency: 'EUR', email: 'asiakas@example.fi',
        billing_address: { first_name: first, last_name: rest.join(' '), address1: 'Tilauskatu 7', city: 'Turku', zip: '20100', country_code: 'FI' },
        line_items: [{ title: 'Kynttilä', sku: 'SHOP-KYNTTILA', price: '9.90', quantity: 1, taxable: true }],
      });
      // No webhook subscription here: the order comes in through the reconciliation, as after a lost webhook.
      await h.client.workflow.execute(reconcileShop, { taskQueue, workflowId: `reconcile-test-${crypto.randomUUID()}`, args: [{ tenant, shop: 'shop', lookback: '1h' }] });
      return h.client.workflow.getHandle(exportOrderWorkflowId(tenant, 'shop', String(order.id))).result();
    };

    const fromRegister = await exportFor('s-register', registerName);
    const registerInvoice = await procountor.getInvoice(Number(fromRegister.documentId));
    expect(registerInvoice.counterParty?.counterPartyAddress).toMatchObject({ street: 'Rekisterikatu 1', city: 'Helsinki' });

    const updated = await exportFor('s-update', updateName);
    const updateInvoice = await procountor.getInvoice(Number(updated.documentId));
    expect(updateInvoice.counterParty?.counterPartyAddress).toMatchObject({ street: 'Tilauskatu 7', city: 'Turku' });
    const card = await procountor.findBusinessPartner({ name: updateName });
    expect(card?.address).toMatchObject({ street: 'Tilauskatu 7', city: 'Turku' });
  });

  it('finds an order whose webhook was lost, through the reconciliation workflow, and not twice', async () => {
    const created = await h.woo.createOrder(wooOrder(['P1030']));
    const first = await h.client.workflow.execute(reconcileShop, { taskQueue, workflowId: `reconcile-test-${crypto.randomUUID()}`, args: [{ tenant: 's-temp', shop: 'woo', lookback: '1h' }] });
    expect(first.started).toBeGreaterThanOrEqual(1);
    const workflowId = exportOrderWorkflowId('s-temp', 'woo', String(created.id));
    await waitForStatus(workflowId, 'done');
    const second = await h.client.workflow.execute(reconcileShop, { taskQueue, workflowId: `reconcile-test-${crypto.randomUUID()}`, args: [{ tenant: 's-temp', shop: 'woo', lookback: '1h' }] });
    expect(second.alreadyExported).toBeGreaterThanOrEqual(1);
    const number = String(900000 + Number(created.number));
    expect((await netvisorInvoices()).filter((i) => i.number === number)).toHaveLength(1);
  });

  it('forces one invoice channel when configured: a printed invoice even for an order with an email', async () => {
    const { created, workflowId } = await placeWooOrder('s-print', wooOrder(['P1038'], { billing: { first_name: 'Pia', last_name: 'Paperi', company: `Paperi ${Date.now()} Oy`, address_1: 'Satamakatu 1', city: 'Turku', postcode: '20100', country: 'FI', email: 'pia@paperi.fi' }, meta_data: [] }));
    await waitForStatus(workflowId, 'done');
    const state = await control(h.netvisorUrl, 'state');
    const invoice = state.salesInvoices.find((i: { number: string }) => i.number === String(300000 + Number(created.number)));
    const card = state.customers.find((c: { code: string }) => c.code === invoice.customerCode);
    expect(card).toMatchObject({ email: 'pia@paperi.fi', emailInvoicingAddress: '' });
  });

  it('books every order to the TEMP customer when configured', async () => {
    const { created, workflowId } = await placeWooOrder('s-temp', wooOrder(['P1031']));
    await waitForStatus(workflowId, 'done');
    const invoice = (await netvisorInvoices()).find((i) => i.number === String(900000 + Number(created.number)));
    expect(invoice?.customerCode).toBe('TEMP');
  });

  it('writes a Netvisor sales order from its own range when configured', async () => {
    const { created, workflowId } = await placeWooOrder('s-order', wooOrder(['P1032']));
    await waitForStatus(workflowId, 'done');
    const doc = (await netvisorInvoices()).find((i) => i.number === String(500000 + Number(created.number)));
    expect(doc).toMatchObject({ type: 'order', status: 'undelivered' });
  });

  it('books the shop payment on an open invoice once', async () => {
    const { created, workflowId } = await placeWooOrder('s-pay', wooOrder(['P1033'], { set_paid: true }));
    await waitForStatus(workflowId, 'done');
    const state = await control(h.netvisorUrl, 'state');
    const invoice = state.salesInvoices.find((i: { number: string }) => i.number === String(900000 + Number(created.number)));
    expect(invoice.payments).toHaveLength(1);
    expect(Number(String(invoice.openSum).replace(',', '.'))).toBe(0);
  });

  it('parks a number collision with an invoice made by hand, never overwriting it', async () => {
    const created = await h.woo.createOrder(wooOrder(['P1034']));
    const number = String(900000 + Number(created.number));
    // Someone typed an invoice with that number in Netvisor by hand.
    await h.netvisor.addSalesDocument({
      ...toNetvisorSalesDocument(
        {
          kind: 'invoice', number, source: { system: 'manual', id: 'x', number: 'HAND-1' }, date: '2026-11-01', currency: 'EUR',
          customer: { kind: 'customer', code: 'TEMP', name: 'Temporary customer', address: { street: '', postalCode: '', city: '', country: 'FI' } },
          lines: [{ productCode: 'P1000', name: 'Hand made', quantity: '1', unitPrice: '5.00', priceIncludesVat: false, vatRate: '25.5', kind: 'product' }],
          payments: [], totals: { net: '5.00', vat: '1.28', gross: '6.28' },
        },
        { customerCode: 'TEMP', status: 'open' },
      ),
    });
    const body = JSON.stringify(await h.woo.getOrder(created.id));
    await postWooWebhook(h.serverUrl, 's-pay', body);
    const parked = await waitForStatus(exportOrderWorkflowId('s-pay', 'woo', String(created.id)), 'needs-attention');
    expect(parked.error?.message).toMatch(new RegExp(`invoice number ${number} is already used in Netvisor .*reference "HAND-1".*move orderExport.numbering`));
    expect((await netvisorInvoices()).filter((i) => i.number === number)).toHaveLength(1);
  });

  it('parks an order in a locked period with Netvisor’s reason, and finishes it after the period opens', async () => {
    await control(h.netvisorUrl, 'netvisor/period-lock', { lockedUntil: '2099-12-31' });
    try {
      const { workflowId } = await placeWooOrder('s-temp', wooOrder(['P1035']));
      const parked = await waitForStatus(workflowId, 'needs-attention');
      expect(parked.error?.message).toMatch(/PERIOD_LOCK|period/i);
      await control(h.netvisorUrl, 'netvisor/period-lock', { lockedUntil: null });
      await h.client.workflow.getHandle(workflowId).signal(retrySignal);
      await waitForStatus(workflowId, 'done');
    } finally {
      await control(h.netvisorUrl, 'netvisor/period-lock', { lockedUntil: null });
    }
  });

  it('parks an order of a tenant whose Netvisor credentials were revoked with the operator sentence, and pauses its polling', async () => {
    const [scheduleId] = await ensureReconcileSchedules(h.client, new Map([['s-badkey', h.tenants.get('s-badkey')!]]), taskQueue);
    try {
      const { workflowId } = await placeWooOrder('s-badkey', wooOrder(['P1036']));
      const parked = await waitForStatus(workflowId, 'needs-attention');
      expect(parked.error?.message).toBe('Invalid Netvisor credentials: connection cannot be established. Check the integration credentials.');
      // The shop's reconciliation would only fail record by record: it is paused, with the reason.
      let state = (await h.client.schedule.getHandle(scheduleId).describe()).state;
      for (let i = 0; i < 50 && !state.paused; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (await h.client.schedule.getHandle(scheduleId).describe()).state;
      }
      expect(state).toMatchObject({ paused: true, note: expect.stringContaining('paused: credentials (netvisor): Invalid Netvisor credentials') });
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('parks an order with an invalid business ID, naming the order and the value', async () => {
    const { created, workflowId } = await placeWooOrder('s-temp', wooOrder(['P1037'], { meta_data: [{ key: '_billing_business_id', value: '1234567-2' }] }));
    const parked = await waitForStatus(workflowId, 'needs-attention');
    expect(parked.error?.message).toContain(`order ${created.id} cannot be exported`);
    expect(parked.error?.message).toContain('1234567-2');
  });
});
