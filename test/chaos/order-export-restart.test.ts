import crypto from 'node:crypto';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { statusQuery } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * The worker dies after Netvisor stored the invoice but before the reply arrived; a new worker picks the
 * workflow up from its history and the retry finds the first write. One invoice, not two.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness(`chaos-${crypto.randomUUID()}`, (urls) => [demoLikeTenant('chaos', urls)]);
  await control(h.wooUrl, 'seed', { seed: 9, counts: { products: 30 } });
}, 120_000);
afterAll(() => h?.stop());

it('exports exactly once across a worker restart in the middle of the invoice write', async () => {
  await control(h.netvisorUrl, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/salesinvoice.nv'], methods: ['POST'] });
  const created = await h.woo.createOrder({
    status: 'processing',
    billing: { first_name: 'Ville', last_name: 'Nieminen', company: 'Lumileipomo Oy', address_1: 'Koulukatu 9', city: 'Oulu', postcode: '90100', country: 'FI' },
    line_items: [{ sku: 'P1027', quantity: 3 }],
  });
  await postWooWebhook(h.serverUrl, 'chaos', JSON.stringify(await h.woo.getOrder(created.id)));
  const number = String(900000 + Number(created.number));
  const invoices = async () => ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<{ number: string }>).filter((i) => i.number === number);

  // Wait until Netvisor has stored the invoice (and answered with an error), then kill the worker.
  for (let i = 0; i < 100 && (await invoices()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await invoices()).toHaveLength(1);
  await h.stopWorker();
  await control(h.netvisorUrl, 'faults', { rate: 0 });

  await h.startWorker();
  const workflowId = exportOrderWorkflowId('chaos', 'woo', String(created.id));
  const result = await h.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ status: 'done', number });
  expect((await h.client.workflow.getHandle(workflowId).query(statusQuery)).status).toBe('done');
  expect(await invoices()).toHaveLength(1);
});
