import crypto from 'node:crypto';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { WooOrderInput } from '../../connectors/woocommerce/schemas';
import { exportOrderWorkflowId, type ExportOrderResult } from '../../workflows/order-export';
import { createWorker } from '../../worker/worker';
import { demoLikeTenant, startHarness, temporalAddress, WEBHOOK_SECRET, type Harness } from '../support/order-export-harness';
import { control } from '../support/sandboxes';

/**
 * An attempt that outlives its timeout must not write twice. The sandbox stalls the document write (a "timeout"
 * fault) for 7 s and then stores it anyway, as a slow server does; the write activity's start-to-close is 4 s
 * (test/support/short-document-timeout.ts), so Temporal starts attempt 2 while attempt 1's write is still on the
 * wire. Exactly one document must come out, in Netvisor and in Procountor.
 */
const taskQueue = `order-export-timeouts-${crypto.randomUUID()}`;
const STALL_MS = 7000;
let h: Harness;
let worker: { worker: Worker; running: Promise<void>; close(): Promise<void> } | undefined;

const order = (sku: string): WooOrderInput => ({
  status: 'processing',
  payment_method: 'bacs',
  payment_method_title: 'Verkkopankki',
  billing: { first_name: 'Eero', last_name: 'Hidas', address_1: 'Satamakatu 3', city: 'Turku', postcode: '20100', country: 'FI', email: 'eero@example.fi' },
  line_items: [{ sku, quantity: 1, total: '12.00' }],
  shipping_lines: [],
});

beforeAll(async () => {
  h = await startHarness(taskQueue, (urls) => [
    demoLikeTenant('slow-nv', urls),
    {
      ...demoLikeTenant('slow-pc', urls, { numbering: { offset: 500000, max: 599999 }, procountor: { finish: 'approve', customerData: 'order' } }),
      shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'procountor', exportStatuses: ['processing', 'completed'], baseUrl: urls.woocommerce, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: WEBHOOK_SECRET }],
    },
  ]);
  await control(h.wooUrl, 'seed', { seed: 1, counts: { products: 30 } });
  // The harness's worker runs the production bundle; this file's worker runs one with the short write timeout.
  await h.stopWorker();
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: [require.resolve('../support/short-document-timeout')],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  const created = await createWorker({ address: temporalAddress(), tenants: h.tenants, codec: h.codec, taskQueue, options: { workflowBundle } });
  worker = { worker: created.worker, running: created.worker.run(), close: created.close };
}, 180_000);

afterAll(async () => {
  if (worker) {
    worker.worker.shutdown();
    await worker.running;
    await worker.close();
  }
  await h?.stop();
});

async function exportWithStalledWrite(tenant: string, sandboxUrl: string, fault: { paths: string[] }) {
  const created = await h.woo.createOrder(order('P1020'));
  await control(sandboxUrl, 'faults', { rate: 1, kinds: ['timeout'], paths: fault.paths, methods: ['POST'], timeoutMs: STALL_MS });
  const workflowId = exportOrderWorkflowId(tenant, 'woo', String(created.id));
  try {
    const handle = await h.client.workflow.start('exportOrder', { taskQueue, workflowId, args: [{ tenant, shop: 'woo', orderId: String(created.id), trigger: 'manual' }] });
    const result = (await handle.result()) as ExportOrderResult;
    const faults = await control(sandboxUrl, 'faults');
    // The write really was stalled past the timeout, and a second attempt of the write activity ran.
    expect(faults.injected.timeout).toBeGreaterThanOrEqual(1);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : []));
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
    return { created, result };
  } finally {
    await control(sandboxUrl, 'faults', { rate: 0 });
  }
}

/** Until the sandbox has answered every stalled request (nothing it still holds can land later). */
const settle = () => new Promise((r) => setTimeout(r, STALL_MS + 1000));

describe('a document write whose reply comes after the activity timeout', () => {
  it('gives exactly one Netvisor invoice', async () => {
    const { created, result } = await exportWithStalledWrite('slow-nv', h.netvisorUrl, { paths: ['salesinvoice.nv'] });
    expect(result.status).toBe('done');
    await settle();
    const invoices = ((await control(h.netvisorUrl, 'state')).salesInvoices as Array<{ number: string; ourReference?: string }>).filter(
      (i) => i.number === result.number || i.ourReference === `woo:${created.number}`,
    );
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ number: String(900000 + Number(created.number)), ourReference: `woo:${created.number}` });
  }, 120_000);

  it('gives exactly one Procountor invoice, approved', async () => {
    const { created, result } = await exportWithStalledWrite('slow-pc', h.urls.procountor, { paths: ['/api/invoices'] });
    expect(result.status).toBe('done');
    await settle();
    const invoices = ((await control(h.urls.procountor, 'state')).invoices as Array<{ id: number; originalInvoiceNumber: string; orderReference?: string; status: string }>).filter(
      (i) => i.originalInvoiceNumber === result.number,
    );
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ id: Number(result.documentId), orderReference: `woo:${created.number}`, status: 'NOT_SENT' });
  }, 120_000);
});
