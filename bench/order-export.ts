/**
 * Order export throughput: signed webhooks → HTTP server → Temporal → Netvisor sandbox, beside a baseline measured
 * in the same run: the same kind of orders pushed by a plain sequential loop calling the connector directly.
 * Prints orders/s, the ratio, Netvisor calls per order and webhook-to-document latency p50/p95. Not a test:
 * nothing is asserted. Usage: node dist/bench/order-export.js [orders]   (default 100)
 */
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { buildHttpServer, listen } from '../client/http';
import { log } from '../client/log';
import { OrderExportSettings } from '../config/schema';
import type { ResolvedTenant } from '../config/load';
import { NetvisorClient, toNetvisorSalesDocument } from '../connectors/netvisor';
import { WooCommerceClient } from '../connectors/woocommerce';
import { wooOrderToSalesDocument } from '../domain/mapping/woocommerce';
import { startSandboxes } from '../sandbox/registry';
import { EncryptionCodec } from '../worker/payload-codec';
import { createWorker, installRuntime } from '../worker/worker';
import { exportOrderWorkflowId } from '../workflows/order-export';
import { benchTemporal, fmt, percentile, sandboxRequests } from './support';

const ORDERS = Number(process.argv[2] ?? 100);
const SECRET = 'sandbox-webhook-secret';
const NETVISOR = { customerId: 'SIIRTO-SANDBOX', customerKey: 'sandbox-customer-key', partnerId: 'SIIRTO_SANDBOX', partnerKey: 'sandbox-partner-key', organisationId: '1234567-1', language: 'FI' as const };

async function main(): Promise<void> {
  log.level = 'warn';
  installRuntime('ERROR');
  const temporal = await benchTemporal();
  const sandboxes = await startSandboxes(['netvisor', 'woocommerce']);
  const [netvisorUrl, wooUrl] = sandboxes.map((s) => s.url);
  const woo = new WooCommerceClient({ baseUrl: wooUrl, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' });
  await fetch(`${wooUrl}/__sandbox/seed`, { method: 'POST', body: JSON.stringify({ seed: 11, counts: { products: 60, orders: 0 } }) });
  const makeOrders = async (n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push(
        await woo.createOrder({
          status: 'processing',
          billing: { first_name: 'Asiakas', last_name: `Nro ${i}`, company: `Bench ${i % 20} Oy`, address_1: 'Katu 1', city: 'Helsinki', postcode: '00100', country: 'FI', email: `b${i}@example.fi` },
          line_items: [{ sku: `P${1008 + (i % 40)}`, quantity: 1 + (i % 3) }, { sku: `P${1010 + ((i * 7) % 40)}`, quantity: 1 }],
        }),
      );
    }
    return out;
  };

  // Baseline: a sequential loop straight against the connector, as a script without Temporal would do it.
  const baselineOrders = await makeOrders(ORDERS);
  const netvisor = new NetvisorClient({ baseUrl: netvisorUrl, ...NETVISOR });
  const callsBefore = await sandboxRequests(netvisorUrl);
  const t0 = performance.now();
  for (const order of baselineOrders) {
    const doc = wooOrderToSalesDocument(order, { kind: 'invoice' });
    const code = String(800000 + Number(order.number));
    if (!(await netvisor.findCustomerByCode(code))) await netvisor.addCustomer({ ...doc.customer, code });
    for (const code of new Set(doc.lines.map((l) => l.productCode))) {
      if (!(await netvisor.findProductByCode(code))) await netvisor.addProduct({ code, name: code, unitPrice: '1', vatRate: '25.5', active: true });
    }
    await netvisor.addSalesDocument(toNetvisorSalesDocument({ ...doc, number: code }, { customerCode: code, status: 'unsent' }));
  }
  const baselineSeconds = (performance.now() - t0) / 1000;
  const baselineCalls = (await sandboxRequests(netvisorUrl)) - callsBefore;

  // Siirto: signed webhooks into the HTTP server, a worker, the exportOrder workflow per order.
  const tenant: ResolvedTenant = {
    tenant: 'bench',
    name: 'Bench Oy',
    connections: { netvisor: { baseUrl: netvisorUrl, ...NETVISOR } },
    shops: [{ id: 'woo', system: 'woocommerce', exportTo: 'netvisor', exportStatuses: ['processing'], baseUrl: wooUrl, consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox', webhookSecret: SECRET }],
    orderExport: OrderExportSettings.parse({ numbering: { offset: 900000, max: 999999 } }),
  };
  const tenants = new Map([[tenant.tenant, tenant]]);
  const codec = new EncryptionCodec({ id: 'bench', key: crypto.randomBytes(32) });
  const taskQueue = 'bench-order-export';
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }), dataConverter: { payloadCodecs: [codec] } });
  const { worker, close } = await createWorker({ address: temporal.address, tenants, codec, taskQueue });
  const running = worker.run();
  const app = buildHttpServer({ tenants, temporal: client, codec, uiOrigins: [], taskQueue });
  const serverUrl = await listen(app, 0);
  const orders = await makeOrders(ORDERS);
  const bodies = await Promise.all(orders.map(async (o) => JSON.stringify(await woo.getOrder(o.id))));
  const calls2Before = await sandboxRequests(netvisorUrl);
  const posted = new Map<string, number>();
  const t1 = performance.now();
  await Promise.all(
    orders.map(async (o, i) => {
      const body = bodies[i];
      posted.set(String(o.id), Date.now());
      const res = await fetch(`${serverUrl}/webhooks/woocommerce/bench`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': 'created', 'x-wc-webhook-id': '1', 'x-wc-webhook-delivery-id': String(i), 'x-wc-webhook-signature': crypto.createHmac('sha256', SECRET).update(body).digest('base64') },
        body,
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    }),
  );
  const latencies: number[] = [];
  await Promise.all(
    orders.map(async (o) => {
      const handle = client.workflow.getHandle(exportOrderWorkflowId('bench', 'woo', String(o.id)));
      const r = await handle.result();
      if (r.status !== 'done') throw new Error(`order ${o.id} ended ${r.status}`);
      const d = await handle.describe();
      latencies.push((d.closeTime?.getTime() ?? Date.now()) - posted.get(String(o.id))!);
    }),
  );
  const siirtoSeconds = (performance.now() - t1) / 1000;
  const siirtoCalls = (await sandboxRequests(netvisorUrl)) - calls2Before;
  latencies.sort((a, b) => a - b);

  const baselineRate = ORDERS / baselineSeconds;
  const siirtoRate = ORDERS / siirtoSeconds;
  process.stdout.write(
    [
      `order export, ${ORDERS} WooCommerce orders → Netvisor sandbox (one Netvisor request in flight per environment, as Netvisor requires)`,
      `  baseline (sequential loop on the connector): ${fmt(baselineRate)} orders/s, ${fmt(baselineCalls / ORDERS)} Netvisor calls/order`,
      `  Siirto (signed webhooks → Temporal → Netvisor): ${fmt(siirtoRate)} orders/s, ${fmt(siirtoCalls / ORDERS)} Netvisor calls/order`,
      `  ratio Siirto/baseline: ${fmt(siirtoRate / baselineRate, 2)}× throughput, ${fmt(siirtoCalls / baselineCalls, 2)}× calls`,
      `  webhook → document latency: p50 ${latencies.length ? percentile(latencies, 50) : NaN} ms, p95 ${percentile(latencies, 95)} ms`,
      '',
    ].join('\n'),
  );

  await app.close();
  worker.shutdown();
  await running;
  await close();
  await client.connection.close();
  await Promise.all(sandboxes.map((s) => s.close()));
  await temporal.stop();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
