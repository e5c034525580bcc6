import crypto from 'node:crypto';
import type { ResolvedTenant } from '../../config/load';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { exportOrderWorkflowId, type ExportOrderResult } from '../../workflows/order-export';
import { demoLikeTenant, startHarness, WEBHOOK_SECRET, type Harness, type SandboxUrls } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * Two shops of one tenant export to one ERP, and both have an order with the same number (here: two shop entries
 * reading the same WooCommerce sandbox, so the order number is literally the same). Each order must get its own
 * document, numbered in its own shop's range and stamped `<shop>:<order number>`; before, the second was taken for
 * the first's earlier write and marked done with no document of its own.
 */
const taskQueue = `order-export-two-shops-${crypto.randomUUID()}`;
let h: Harness;

const wooShop = (id: string, exportTo: 'netvisor' | 'procountor', urls: SandboxUrls, offset: number) => ({
  id,
  system: 'woocommerce' as const,
  exportTo,
  exportStatuses: ['processing', 'completed'],
  numbering: { offset, max: offset + 99_999 },
  baseUrl: urls.woocommerce,
  consumerKey: 'ck_sandbox',
  consumerSecret: 'cs_sandbox',
  webhookSecret: WEBHOOK_SECRET,
});

const twoShops = (id: string, exportTo: 'netvisor' | 'procountor', urls: SandboxUrls, offsets: [number, number]): ResolvedTenant => ({
  ...demoLikeTenant(id, urls),
  shops: [wooShop('shop-a', exportTo, urls, offsets[0]), wooShop('shop-b', exportTo, urls, offsets[1])],
});

const order: WooOrderInput = {
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { first_name: 'Kaisa', last_name: 'Kaksoinen', address_1: 'Kauppakatu 1', city: 'Oulu', postcode: '90100', country: 'FI', email: 'kaisa@example.fi' },
  line_items: [{ sku: 'P1021', quantity: 1, total: '15.00' }],
  shipping_lines: [],
};

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [twoShops('two-nv', 'netvisor', urls, [100000, 200000]), twoShops('two-pc', 'procountor', urls, [300000, 400000])]);
  await control(h.wooUrl, 'seed', { seed: 1, counts: { products: 30 } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function exportFromBothShops(tenant: string) {
  const created = await h.woo.createOrder(order);
  const run = (shop: string) =>
    h.client.workflow.execute('exportOrder', {
      taskQueue,
      workflowId: exportOrderWorkflowId(tenant, shop, String(created.id)),
      args: [{ tenant, shop, orderId: String(created.id), trigger: 'manual' }],
    }) as Promise<ExportOrderResult>;
  // One after the other, so that the second one's look-before-write sees the first one's document.
  const a = await run('shop-a');
  const b = await run('shop-b');
  return { created, a, b };
}

describe('two shops of one tenant, one ERP, the same order number', () => {
  it('give two Netvisor invoices, each in its own shop range and with its own stamp', async () => {
    const { created, a, b } = await exportFromBothShops('two-nv');
    expect(a).toMatchObject({ status: 'done', number: String(100000 + Number(created.number)) });
    expect(b).toMatchObject({ status: 'done', number: String(200000 + Number(created.number)) });
    expect(b.documentId).not.toBe(a.documentId);
    const invoices = ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<{ number: string; ourReference?: string }>).filter((i) =>
      [a.number, b.number].includes(i.number),
    );
    expect(invoices.map((i) => [i.number, i.ourReference]).sort()).toEqual([
      [a.number, `shop-a:${created.number}`],
      [b.number, `shop-b:${created.number}`],
    ]);
  }, 120_000);

  it('give two Procountor invoices, each in its own shop range and with its own stamp', async () => {
    const { created, a, b } = await exportFromBothShops('two-pc');
    expect(a).toMatchObject({ status: 'done', number: String(300000 + Number(created.number)) });
    expect(b).toMatchObject({ status: 'done', number: String(400000 + Number(created.number)) });
    expect(b.documentId).not.toBe(a.documentId);
    const invoices = ((await control(h.urls.procountor, 'state')).invoices as Array<{ originalInvoiceNumber: string; orderReference?: string; status: string }>).filter((i) =>
      [a.number, b.number].includes(i.originalInvoiceNumber),
    );
    expect(invoices.map((i) => [i.originalInvoiceNumber, i.orderReference]).sort()).toEqual([
      [a.number, `shop-a:${created.number}`],
      [b.number, `shop-b:${created.number}`],
    ]);
  }, 120_000);
});
