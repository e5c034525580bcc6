import fs from 'node:fs';
import { startDevServer, temporalCliPath, type DevServer } from '../client/dev-server';
import { NetvisorClient, toNetvisorSalesDocument } from '../connectors/netvisor';
import type { WooCommerceClient } from '../connectors/woocommerce';
import { identityCustomerCode } from '../domain/customer-code';
import { wooOrderToSalesDocument } from '../connectors/woocommerce/mapping';
import { matchCustomer } from '../domain/matching';
import { documentNumber, type NumberRange } from '../domain/numbering';
import type { LatencyConfig } from '../sandbox/kit/latency';
import type { SandboxSystem } from '../sandbox/kit/server';
import { describeLatency } from './latency-profiles';
import { SANDBOX_CREDENTIALS } from '../sandbox/netvisor';

/** Benchmarks start their own in-memory dev server, so they never touch the stack's data. */
export async function benchTemporal(dynamicConfig?: Record<string, unknown>): Promise<DevServer> {
  return startDevServer(temporalCliPath(), { dynamicConfig });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function sandboxRequests(url: string): Promise<number> {
  return ((await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: number }).requests;
}

/** Requests to the API of all these sandboxes together (GET /__sandbox/stats). */
export async function totalRequests(urls: readonly string[]): Promise<number> {
  let n = 0;
  for (const url of urls) n += await sandboxRequests(url);
  return n;
}

/** GET /__sandbox/stats as the benches read it: requests by method and path, and the latency drawn for them (ms, summed). */
export interface SandboxStats {
  requests: number;
  byPath: Record<string, number>;
  latencyMsByPath: Record<string, number>;
}

export async function sandboxStats(url: string): Promise<SandboxStats> {
  const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: number; byPath: Record<string, number>; latencyMsByPath?: Record<string, number> };
  return { ...stats, latencyMsByPath: stats.latencyMsByPath ?? {} };
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/** POSTs a control request (/__sandbox/<path>) and fails loudly when the sandbox refuses it. */
export async function control(url: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${url}/__sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${url} refused ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Sets a sandbox's latency and returns the line saying so (what the sandbox reports back, not what was asked). */
export async function setLatency(url: string, system: SandboxSystem, latency: LatencyConfig): Promise<string> {
  await control(url, 'latency', latency);
  const inForce = (await (await fetch(`${url}/__sandbox/latency`)).json()) as LatencyConfig;
  return describeLatency(system, inForce);
}

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

export function numberOption(name: string, fallback: number): number {
  const raw = option(name, String(fallback));
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} needs a number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

/** `--full`: the full-size run instead of the CI-sized default. */
export const fullSize = (): boolean => process.argv.includes('--full');

/** CPU seconds (user + system) of one process so far, from /proc/<pid>/stat; 0 when it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export const NETVISOR_CREDENTIALS = SANDBOX_CREDENTIALS;

export const WOO_CREDENTIALS = { consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' };
export const BENCH_NUMBERING: NumberRange = { offset: 900000, max: 999999 };

export interface BenchOrder {
  id: number;
  number: string;
  /** The order as the shop's webhook carries it. */
  body: string;
}

/**
 * Orders from a fixed set of returning customers (`customers` companies, each always with the same name, address and
 * email) buying products of the WooCommerce sandbox's seeded catalogue (SKUs P1008–P1047). Made with the shop's
 * latency off: making them is not what is measured.
 */
export async function makeReturningOrders(woo: WooCommerceClient, n: number, customers = 20, first = 0): Promise<BenchOrder[]> {
  const out: BenchOrder[] = [];
  for (let i = first; i < first + n; i++) {
    const k = i % customers;
    const created = await woo.createOrder({
      status: 'processing',
      billing: { first_name: 'Ostaja', last_name: `Asiakas ${k}`, company: `Bench ${k} Oy`, address_1: `Katu ${k + 1}`, city: 'Helsinki', postcode: '00100', country: 'FI', email: `bench${k}@example.fi` },
      line_items: [{ sku: `P${1008 + (i % 40)}`, quantity: 1 + (i % 3) }, { sku: `P${1010 + ((i * 7) % 38)}`, quantity: 1 }],
    });
    const order = await woo.getOrder(created.id);
    out.push({ id: created.id, number: String(order.number), body: JSON.stringify(order) });
  }
  return out;
}

/**
 * First orders of customers Netvisor does not know yet ("Uusi <k> Oy"), each with one product Netvisor does not have
 * either (SKUs P1048–P1059, which makeReturningOrders never uses) and one it has (P1008).
 */
export async function makeNewCustomerOrders(woo: WooCommerceClient, n: number, first = 0): Promise<BenchOrder[]> {
  const out: BenchOrder[] = [];
  for (let i = first; i < first + n; i++) {
    const created = await woo.createOrder({
      status: 'processing',
      billing: { first_name: 'Uusi', last_name: `Asiakas ${i}`, company: `Uusi ${i} Oy`, address_1: `Tie ${i + 1}`, city: 'Tampere', postcode: '33100', country: 'FI', email: `uusi${i}@example.fi` },
      line_items: [{ sku: `P${1048 + (i % 12)}`, quantity: 1 }, { sku: 'P1008', quantity: 2 }],
    });
    const order = await woo.getOrder(created.id);
    out.push({ id: created.id, number: String(order.number), body: JSON.stringify(order) });
  }
  return out;
}

/**
 * A fresh Netvisor sandbox state holding the orders' customers and products, as a returning customer's earlier order
 * left them: the customer card under the number Siirto derives from who they are, each product under its code.
 * Every side of a comparison starts from this same state. The sandbox's latency is off while seeding (reset clears it).
 */
export async function freshNetvisorWithRegisters(url: string, orders: readonly BenchOrder[]): Promise<{ customers: number; products: number }> {
  await control(url, 'reset', {});
  const netvisor = new NetvisorClient({ baseUrl: url, ...NETVISOR_CREDENTIALS });
  const customers = new Map<string, ReturnType<typeof wooOrderToSalesDocument>['customer']>();
  const products = new Map<string, ReturnType<typeof wooOrderToSalesDocument>['lines'][number]>();
  for (const o of orders) {
    const doc = wooOrderToSalesDocument(JSON.parse(o.body), { kind: 'invoice' });
    customers.set(identityCustomerCode(doc.customer), doc.customer);
    for (const line of doc.lines) if (line.kind !== 'discount') products.set(line.productCode, line);
  }
  for (const [code, party] of customers) await netvisor.addCustomer({ ...party, code });
  for (const [code, line] of products) await netvisor.addProduct({ code, name: line.name, unitPrice: line.unitPrice, vatRate: line.vatRate, active: true });
  return { customers: customers.size, products: products.size };
}

/**
 * The baseline: what a careful engineer writes without Temporal. A plain loop, one order after another (Netvisor
 * takes one request at a time per environment), on the same connector and with the same look-before-write as Siirto:
 * the customer looked up by each key held (number, business ID, name) and matched by the same rules, created when
 * none matches; each product looked up by code, created when missing; the document looked up by its number (an
 * earlier run may have written it before crashing) and written when absent. The order comes from the webhook body.
 */
export async function baselineExport(url: string, orders: readonly BenchOrder[]): Promise<{ seconds: number; written: number }> {
  const netvisor = new NetvisorClient({ baseUrl: url, ...NETVISOR_CREDENTIALS });
  let written = 0;
  const t0 = performance.now();
  for (const o of orders) {
    const doc = wooOrderToSalesDocument(JSON.parse(o.body), { kind: 'invoice' });
    const numbered = documentNumber(doc.source.number, BENCH_NUMBERING);
    if (!numbered.ok) throw new Error(numbered.reason);
    const party = doc.customer;
    const code = identityCustomerCode(party);
    const businessId = party.businessId ?? party.organisationNumber;
    const query = { code: party.code ?? code, name: party.name, businessId };
    const candidates = [];
    for (const keyword of new Set([query.code, businessId, party.name].filter((k): k is string => !!k))) {
      for (const c of await netvisor.listCustomers({ keyword })) candidates.push({ id: c.netvisorKey, code: c.code, name: c.name, businessId: c.businessId || undefined });
    }
    const found = matchCustomer(query, candidates, ['customerNumber', 'businessId', 'name'], { keyOf: (c) => c.id });
    let customerCode = code;
    if (found.kind === 'match') customerCode = found.candidate.code;
    else if (found.kind === 'none') await netvisor.addCustomer({ ...party, code });
    else throw new Error(`baseline: customer ${party.name} is ${found.kind}`);
    const lines = new Map(doc.lines.filter((l) => l.kind !== 'discount').map((l) => [l.productCode, l]));
    for (const line of lines.values()) {
      if (!(await netvisor.findProductByCode(line.productCode))) {
        await netvisor.addProduct({ code: line.productCode, name: line.name, unitPrice: line.unitPrice, vatRate: line.vatRate, active: true });
      }
    }
    if (await netvisor.findSalesDocumentByNumber('invoice', numbered.number)) continue;
    await netvisor.addSalesDocument({ ...toNetvisorSalesDocument({ ...doc, number: numbered.number }, { customerCode, status: 'unsent' }), ourReference: `woo:${doc.source.number}` });
    written++;
  }
  return { seconds: (performance.now() - t0) / 1000, written };
}
