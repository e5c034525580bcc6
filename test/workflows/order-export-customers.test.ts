import crypto from 'node:crypto';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { ProcountorClient } from '../../connectors/procountor';
import { businessIdCheckDigit } from '../../domain/business-id';
import { exportOrderWorkflowId, type ExportOrderResult } from '../../workflows/order-export';
import { retrySignal, statusQuery, type TransferState } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, WEBHOOK_SECRET, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * Customers in order export, on the real dev server and the sandboxes: one card per customer however many of their
 * orders arrive at once; a rule that finds several cards parks the transfer naming them; private persons are not
 * matched by name unless the tenant asks for it; two orders that both need a missing product both go through.
 */
const taskQueue = `order-customers-${crypto.randomUUID()}`;
let h: Harness;
let procountor: ProcountorClient;

const businessId = (body: string) => {
  const check = businessIdCheckDigit(body);
  if (check === null) throw new Error(`${body} has no valid check digit: pick another body`);
  return `${body}-${check}`;
};

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant('c-nv', urls),
    demoLikeTenant('c-names', urls, { customers: { matchConsumersByName: true }, numbering: { offset: 300000, max: 399999 } }),
    {
      ...demoLikeTenant('c-pc', urls, { procountor: { finish: 'unfinished', customerData: 'order' }, numbering: { offset: 400000, max: 499999 } }),
      shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'procountor', exportStatuses: ['processing', 'completed'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: WEBHOOK_SECRET }],
    },
  ]);
  await control(h.wooUrl, 'seed', { seed: 1, counts: { products: 30 } });
  procountor = new ProcountorClient({ baseUrl: `${h.urls.procountor}/api`, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** Netvisor has P1000…P1007; the shop has P1000…P1029. */
const wooOrder = (billing: WooOrderInput['billing'], skus: string[] = ['P1001'], bid?: string): WooOrderInput => ({
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { address_1: 'Puistokatu 4', city: 'Jyväskylä', postcode: '40100', country: 'FI', ...billing },
  meta_data: bid ? [{ key: '_billing_business_id', value: bid }] : [],
  line_items: skus.map((sku) => ({ sku, quantity: 1, total: '10.00' })),
});

/** Creates the orders in the shop first, then delivers all their webhooks at once. */
async function placeAtOnce(tenant: string, inputs: WooOrderInput[]): Promise<string[]> {
  const bodies = await Promise.all(inputs.map(async (input) => JSON.stringify(await h.woo.getOrder((await h.woo.createOrder(input)).id))));
  const replies = await Promise.all(bodies.map((body) => postWooWebhook(h.serverUrl, tenant, body)));
  for (const r of replies) expect(r.status).toBe(202);
  return bodies.map((b) => exportOrderWorkflowId(tenant, 'woo', String(JSON.parse(b).id)));
}

async function waitForStatus(workflowId: string, status: string, timeoutMs = 60_000): Promise<TransferState> {
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

const result = (workflowId: string): Promise<ExportOrderResult> => h.client.workflow.getHandle(workflowId).result();
const netvisorCustomers = async () => (await control(h.netvisorUrl, 'state')).customers as Array<{ code: string; name: string; email: string; businessId: string }>;

describe('order export customers', () => {
  it('five orders of one new private customer, started at once, make one Netvisor card', async () => {
    const email = `ville.${crypto.randomBytes(3).toString('hex')}@example.fi`;
    const ids = await placeAtOnce('c-nv', Array.from({ length: 5 }, () => wooOrder({ first_name: 'Ville', last_name: 'Vaara', email })));
    await Promise.all(ids.map((id) => waitForStatus(id, 'done')));
    const cards = (await netvisorCustomers()).filter((c) => c.email === email);
    expect(cards).toHaveLength(1);
    const codes = await Promise.all(ids.map(async (id) => (await result(id)).customerCode));
    expect(codes).toEqual(Array(5).fill(cards[0].code));
    expect(cards[0].code).toMatch(/^9\d{11}$/);
  });

  it('five orders of one new business customer, started at once, make one Procountor business partner', async () => {
    const bid = businessId('4100001');
    const ids = await placeAtOnce('c-pc', Array.from({ length: 5 }, () => wooOrder({ company: 'Kuusikko Oy', first_name: 'Kaisa', last_name: 'Kuusi', email: 'kaisa@kuusikko.fi' }, ['P1001'], bid)));
    await Promise.all(ids.map((id) => waitForStatus(id, 'done')));
    const partners = ((await control(h.urls.procountor, 'state')).businessPartners as Array<{ name: string; invoicingInfo: { identifier?: string; customerNumber?: string } }>).filter(
      (p) => p.invoicingInfo.identifier === bid,
    );
    expect(partners).toHaveLength(1);
    expect(partners[0].invoicingInfo.customerNumber).toBe(bid.replace('-', ''));
    const codes = await Promise.all(ids.map(async (id) => (await result(id)).customerCode));
    expect(codes).toEqual(Array(5).fill(bid.replace('-', '')));
  });

  it('two orders that both need a missing product both go through, and the product is created once', async () => {
    const ids = await placeAtOnce('c-nv', [
      wooOrder({ first_name: 'Aaro', last_name: 'Ahde', email: 'aaro@example.fi' }, ['P1025']),
      wooOrder({ first_name: 'Bea', last_name: 'Berg', email: 'bea@example.fi' }, ['P1025']),
    ]);
    await Promise.all(ids.map((id) => waitForStatus(id, 'done')));
    const products = (await control(h.netvisorUrl, 'state')).products as Array<{ code: string }>;
    expect(products.filter((p) => p.code === 'P1025')).toHaveLength(1);

    // Procountor does not refuse a second product with the same code: only not creating it twice keeps it single.
    const toProcountor = await placeAtOnce('c-pc', [
      wooOrder({ first_name: 'Aaro', last_name: 'Ahde', email: 'aaro@example.fi' }, ['P1026']),
      wooOrder({ first_name: 'Bea', last_name: 'Berg', email: 'bea@example.fi' }, ['P1026']),
    ]);
    await Promise.all(toProcountor.map((id) => waitForStatus(id, 'done')));
    const pcProducts = (await control(h.urls.procountor, 'state')).products as Array<{ code?: string }>;
    expect(pcProducts.filter((p) => p.code === 'P1026')).toHaveLength(1);
  });

  it('parks an order whose business ID is on two Netvisor cards, naming both, and books it after the operator fixes one', async () => {
    const bid = businessId('4200003');
    const other = businessId('4200001');
    await h.netvisor.addCustomer({ kind: 'customer', code: '7001', name: 'Kaksoset Oy', businessId: bid, address: { street: '', postalCode: '', city: '', country: 'FI' } });
    const secondKey = await h.netvisor.addCustomer({ kind: 'customer', code: '7002', name: 'Kaksoset Oy (vanha)', businessId: bid, address: { street: '', postalCode: '', city: '', country: 'FI' } });
    const [id] = await placeAtOnce('c-nv', [wooOrder({ company: 'Kaksoset Oy', first_name: 'Kim', last_name: 'Kaksonen', email: 'kim@kaksoset.fi' }, ['P1002'], bid)]);
    const parked = await waitForStatus(id, 'needs-attention');
    expect(parked.error?.type).toBe('Siirto.conflict');
    expect(parked.error?.message).toBe(
      `the order's customer "Kaksoset Oy" [${bid}] matches 2 Netvisor customer cards by business ID ${bid}: "Kaksoset Oy" (code 7001) [${bid}], "Kaksoset Oy (vanha)" (code 7002) [${bid}]. ` +
        'Siirto does not pick one: merge them or correct all but one in Netvisor, then retry',
    );

    // The operator corrects the old card's business ID and presses retry.
    await h.netvisor.editCustomer(secondKey, { kind: 'customer', name: 'Kaksoset Oy (vanha)', businessId: other, address: { street: '', postalCode: '', city: '', country: 'FI' } });
    await h.client.workflow.getHandle(id).signal(retrySignal);
    await waitForStatus(id, 'done');
    expect((await result(id)).customerCode).toBe('7001');
  });

  it('parks an order whose customer number is on two Procountor partners, naming both', async () => {
    const bid = businessId('4300007');
    const card = (name: string) => ({ kind: 'customer' as const, code: bid.replace('-', ''), name, address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } });
    await procountor.createBusinessPartner(card('Numero Oy'));
    await procountor.createBusinessPartner(card('Numero Oy kopio'));
    const [id] = await placeAtOnce('c-pc', [wooOrder({ company: 'Numero Oy', first_name: 'Nea', last_name: 'Numero', email: 'nea@numero.fi' }, ['P1001'], bid)]);
    const parked = await waitForStatus(id, 'needs-attention');
    expect(parked.error?.message).toContain(`matches 2 Procountor customer cards by customer number ${bid.replace('-', '')}: "Numero Oy" (code ${bid.replace('-', '')}), "Numero Oy kopio"`);
    expect(parked.error?.message).toContain('Siirto does not pick one');
  });

  it('does not book a private customer on a namesake’s card unless the tenant matches consumers by name', async () => {
    const name = `Liisa Laine ${crypto.randomBytes(2).toString('hex')}`;
    const [first, last] = [name.split(' ')[0], name.split(' ').slice(1).join(' ')];
    await h.netvisor.addCustomer({ kind: 'customer', code: '7100', name, address: { street: '', postalCode: '', city: '', country: 'FI' } });

    // A tenant that asks for it books her on the card of that name.
    const [byName] = await placeAtOnce('c-names', [wooOrder({ first_name: first, last_name: last, email: 'liisa.kolmas@example.fi' })]);
    await waitForStatus(byName, 'done');
    expect((await result(byName)).customerCode).toBe('7100');

    // By default she is another person who happens to share the name: a card of her own.
    const [byDefault] = await placeAtOnce('c-nv', [wooOrder({ first_name: first, last_name: last, email: 'liisa.toinen@example.fi' })]);
    await waitForStatus(byDefault, 'done');
    const own = (await result(byDefault)).customerCode;
    expect(own).not.toBe('7100');
    expect((await netvisorCustomers()).filter((c) => c.name === name).map((c) => c.code).sort()).toEqual(['7100', own].sort());
  });
});
