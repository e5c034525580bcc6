import { listTransfers, sendDecision } from '../../client/history';
import { startInvoiceTransfer } from '../../client/rackbeat-invoice-events';
import { InvoiceTransferSettings } from '../../config/invoice-schema';
import type { CustomerInvoiceInput } from '../../connectors/rackbeat/invoices';
import { ensureInvoiceSchedule, invoiceScheduleId } from '../../orchestration/invoice-schedules';
import { invoiceTransferWorkflowId, reconcileInvoices, type InvoiceTransferResult } from '../../workflows/invoice-transfer';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoStatus, SiirtoTargetId, SiirtoTenant } from '../../workflows/search-attributes';
import { skipUpdate, statusQuery, type TransferState } from '../../workflows/transfer';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

/**
 * Rackbeat invoices → Netvisor on the dev server and the sandboxes, with faults on. Rackbeat's seed has customers
 * 1001–1008 and products P1000, P1003, P1004, P1006, P1010, P1011 (among others); Netvisor's has customers
 * 1001–1005 and products P1000–P1007, so customer 1007 and products P1010/P1011 are not paired yet.
 */
let h: RegisterHarness;
/** Invoices come by webhook; unpaired records are synced first (Rackbeat is the master of both registers). */
const T = 'inv-nv';
/** No webhook: started as the reconciliation would; unpaired records wait; invoices arrive unsent. */
const T_WAIT = 'inv-nv-wait';
/** Products mastered in Netvisor: an unpaired product is not Rackbeat's to sync. Started directly. */
const T_NV_MASTER = 'inv-nv-master';
/** Rackbeat webhooks configured, but no invoices: section. */
const T_NONE = 'inv-none';

const PAIRS = [{ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' }, products: { direction: 'rackbeat-to-netvisor' } } }];

const savedRefresh = process.env.SIIRTO_REGISTER_CACHE_REFRESH_S;

beforeAll(async () => {
  // The worker's register cache is not read again during the file: call counts are exact.
  process.env.SIIRTO_REGISTER_CACHE_REFRESH_S = String(24 * 3600);
  h = await startRegisterHarness((urls) => [
    { ...registerTenant(T, urls, PAIRS), invoices: InvoiceTransferSettings.parse({ to: 'netvisor', netvisorStatus: 'open', firstLookback: '1h' }) },
    { ...registerTenant(T_WAIT, urls, PAIRS), invoices: InvoiceTransferSettings.parse({ to: 'netvisor', unpaired: 'wait', matchCheckEvery: '1s' }) },
    registerTenant(T_NONE, urls, PAIRS, ['none-token']),
    {
      ...registerTenant(T_NV_MASTER, urls, [{ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' }, products: { direction: 'netvisor-to-rackbeat' } } }]),
      invoices: InvoiceTransferSettings.parse({ to: 'netvisor' }),
    },
  ]);
  const tokens = h.tenants.get(T)!.sync!.rackbeatWebhookTokens as unknown as string[];
  tokens.push((await h.rackbeat.webhooks.ensure('customer_invoice.booked', `${h.serverUrl}/webhooks/rackbeat/${T}`)).token!);
}, 120_000);

afterAll(async () => {
  await h?.stop();
  if (savedRefresh === undefined) delete process.env.SIIRTO_REGISTER_CACHE_REFRESH_S;
  else process.env.SIIRTO_REGISTER_CACHE_REFRESH_S = savedRefresh;
});

type Counts = Record<string, number>;
const stats = async (): Promise<Counts> => (await control(h.urls.netvisor, 'stats')).byPath as Counts;
const delta = (before: Counts, after: Counts): Counts =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) > 0 ? [[k, v - (before[k] ?? 0)]] : [])));

const lines = (...l: Array<[string, number, string, string?]>): CustomerInvoiceInput['lines'] =>
  l.map(([item_id, quantity, line_price, discount]) => ({ item_id, quantity, line_price, vat_percentage: '25.5', ...(discount ? { discount_percentage: discount } : {}) }));

/** A booked Rackbeat invoice (booking fires customer_invoice.booked to the hooks registered). */
const bookInvoice = async (customer: number, l: CustomerInvoiceInput['lines'], extra: Partial<CustomerInvoiceInput> = {}) =>
  (await h.rackbeat.invoices.create({ customer_id: customer, currency: 'EUR', payment_terms_id: 1, heading: 'Siirto test', your_reference: 'PO-77', lines: l, ...extra })).number;

/**
 * A booked invoice that fires no webhook (the sandbox's suppress_webhooks): only T_WAIT's explicit start or the
 * reconciliation brings it, so T's webhook-driven transfers never see it.
 */
async function bookQuietly(customer: number, l: CustomerInvoiceInput['lines']): Promise<number> {
  const { number } = await h.rackbeat.invoices.createDraft({ customer_id: customer, currency: 'EUR', payment_terms_id: 1, lines: l });
  await h.rackbeat.api.call('POST', `customer-invoices/${number}/book`, { resource: `invoice ${number}`, body: { suppress_webhooks: true } });
  return number;
}
async function creditQuietly(number: number): Promise<number> {
  const { data } = await h.rackbeat.api.call('POST', `customer-invoices/${number}/create-creditnote`, { resource: `credit note for ${number}` });
  const credit = (data as { customer_invoice: { number: number } }).customer_invoice.number;
  await h.rackbeat.api.call('POST', `customer-invoices/${credit}/book`, { resource: `credit note ${credit}`, body: { suppress_webhooks: true } });
  return credit;
}

const netvisorInvoices = async (number: number) => ((await state(h.urls.netvisor)).salesInvoices ?? []).filter((d) => d.number === String(number));
const handle = (tenant: string, number: number) => h.client.workflow.getHandle(invoiceTransferWorkflowId(tenant, number));
/** The transfer's result, once the webhook (or whoever starts it) has started it. */
async function result(tenant: string, number: number): Promise<InvoiceTransferResult> {
  await eventually(() => handle(tenant, number).describe(), 30_000, `${invoiceTransferWorkflowId(tenant, number)} to start`);
  return handle(tenant, number).result();
}
const status = (tenant: string, number: number) =>
  eventually(async () => handle(tenant, number).query(statusQuery), 30_000, `status of ${invoiceTransferWorkflowId(tenant, number)}`) as Promise<TransferState>;
async function waitForStatus(tenant: string, number: number, wanted: string): Promise<TransferState> {
  return eventually(async () => {
    const s = await handle(tenant, number).query(statusQuery);
    return s.status === wanted && s;
  }, 60_000, `${invoiceTransferWorkflowId(tenant, number)} to be ${wanted}`);
}

/** A Rackbeat delivery as Rackbeat sends it: the hook's token in a header, `{key_name, key}` as the body. */
async function deliver(tenant: string, number: number, token: string, event = 'customer_invoice.booked') {
  const res = await fetch(`${h.serverUrl}/webhooks/rackbeat/${tenant}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'rackbeat-webhook-token': token, 'rackbeat-webhook-event': event, 'rackbeat-account-id': '1' },
    body: JSON.stringify({ key_name: 'number', key: String(number) }),
  });
  return { status: res.status, json: await res.json() };
}
const token = () => (h.tenants.get(T)!.sync!.rackbeatWebhookTokens as unknown as string[])[0];

describe('invoiceTransfer: Rackbeat → Netvisor', () => {
  it('turns a booked invoice into one Netvisor sales invoice from the webhook, rows, dates and terms as booked; duplicate deliveries change nothing', async () => {
    const number = await bookInvoice(1001, lines(['P1000', 2, '10.00', '10'], ['P1003', 1, '24.90']));
    const done = await result(T, number);
    expect(done).toMatchObject({ status: 'done', kind: 'invoice', target: 'netvisor', found: false });
    const [doc, ...more] = await netvisorInvoices(number);
    expect(more).toHaveLength(0);
    const rb = (await h.rackbeat.invoices.view(number))!;
    expect(doc).toMatchObject({ type: 'invoice', customerCode: '1001', ourReference: `rackbeat:${number}`, yourReference: 'PO-77', status: 'open', date: rb.invoiceDate, dueDate: rb.dueDate, currency: 'EUR' });
    expect(Number(String(doc.amount).replace(',', '.'))).toBeCloseTo(Number(rb.totals.gross), 2);
    // Billed to the Rackbeat customer's name and address.
    const customer = (await h.rackbeat.customers.get(1001))!;
    expect(doc.billing).toMatchObject({ name: customer.company_name, street: customer.address_street, postalCode: customer.address_zipcode, city: customer.address_city });
    expect(doc.lines.filter((l: any) => l.type !== 'comment').map((l: any) => [l.productCode, Number(l.quantity), Number(l.unitPrice), Number(l.discountPercent ?? 0), Number(l.vatPercent)])).toEqual([
      ['P1000', 2, 10, 10, 25.5],
      ['P1003', 1, 24.9, 0, 25.5],
    ]);

    // Rackbeat delivers again (twice): the same workflow id, already finished; nothing new in Netvisor.
    for (let i = 0; i < 2; i++) expect(await deliver(T, number, token())).toEqual({ status: 202, json: { workflowId: invoiceTransferWorkflowId(T, number), alreadyFinished: true } });
    expect(await netvisorInvoices(number)).toHaveLength(1);

    // Transfer history: the search attributes and the one-line memo `siirto history` and the console show.
    const d = await handle(T, number).describe();
    expect([SiirtoTenant, SiirtoFlow, SiirtoEntity, SiirtoSourceId, SiirtoStatus, SiirtoTargetId].map((k) => d.typedSearchAttributes.get(k))).toEqual([T, 'invoice', 'invoice', `rackbeat/${number}`, 'done', String(number)]);
    expect(d.memo?.summary).toBe(`Rackbeat invoice ${number} → Netvisor sales invoice ${number} for customer 1001, ${rb.totals.gross} EUR`);
  });

  it("costs one Netvisor call, the document, for a returning customer's invoice with known products (the worker's register cache)", async () => {
    // The invoice before read both registers into this worker's cache (one call each); customer 1001, P1000 and P1003 are in it.
    const before = await stats();
    const number = await bookQuietly(1001, lines(['P1000', 1, '10.00'], ['P1003', 2, '24.90']));
    await startInvoiceTransfer(h.client, { tenant: T, number, trigger: 'reconcile' }, h.taskQueue);
    expect(await result(T, number)).toMatchObject({ status: 'done', found: false });
    expect(delta(before, await stats())).toEqual({ 'POST /salesinvoice.nv': 1 });
  });

  it('gives one invoice when the same delivery arrives three times at once and the reconciliation starts it too', async () => {
    const number = await bookQuietly(1003, lines(['P1003', 2, '24.90']));
    const [a, b, c, polled] = await Promise.all([
      deliver(T, number, token()),
      deliver(T, number, token()),
      deliver(T, number, token()),
      startInvoiceTransfer(h.client, { tenant: T, number, trigger: 'reconcile' }, h.taskQueue),
    ]);
    for (const r of [a, b, c]) expect(r).toMatchObject({ status: 202, json: { workflowId: invoiceTransferWorkflowId(T, number) } });
    expect(polled.workflowId).toBe(invoiceTransferWorkflowId(T, number));
    expect(await result(T, number)).toMatchObject({ status: 'done' });
    expect(await netvisorInvoices(number)).toHaveLength(1);
  });

  it('refuses a delivery without the hook\'s token (401) and starts nothing', async () => {
    const number = await h.rackbeat.invoices.createDraft({ customer_id: 1002, currency: 'EUR', lines: lines(['P1000', 1, '5.00']) }).then((i) => i.number);
    expect((await deliver(T, number, 'not-the-token')).status).toBe(401);
    await expect(handle(T, number).describe()).rejects.toThrow(/not found/i);
    // A tenant without invoices: hears that its invoices are not transferred.
    expect(await deliver(T_NONE, number, 'none-token')).toEqual({ status: 200, json: { ignored: `customer_invoice.booked: tenant ${T_NONE} has no invoices: section` } });
    // A draft's other events are not a reason to transfer anything.
    expect(await deliver(T, number, token(), 'customer_invoice.created')).toMatchObject({ status: 200, json: { ignored: expect.stringMatching(/only a booked invoice/) } });
  });

  it('writes one invoice when Netvisor stores it but the reply is lost (commit-then-fail)', async () => {
    await control(h.urls.netvisor, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/salesinvoice.nv?method=add'] });
    try {
      const number = await bookInvoice(1002, lines(['P1004', 3, '7.00']));
      const done = await result(T, number);
      expect((await control(h.urls.netvisor, 'faults')).injected['commit-then-fail']).toBeGreaterThanOrEqual(1);
      expect(done).toMatchObject({ status: 'done', found: true });
      expect(await netvisorInvoices(number)).toHaveLength(1);
    } finally {
      await control(h.urls.netvisor, 'faults', { rate: 0 });
    }
  });

  it('writes one invoice when the worker stops right after Netvisor stored it (reply lost) and a new worker takes over', async () => {
    await control(h.urls.netvisor, 'faults', { rate: 1, kinds: ['commit-then-fail'], paths: ['/salesinvoice.nv?method=add'] });
    let number = 0;
    try {
      number = await bookInvoice(1003, lines(['P1006', 1, '99.00']));
      await eventually(async () => (await control(h.urls.netvisor, 'faults')).injected['commit-then-fail'] >= 1, 30_000, 'the first write to land');
      await h.stopWorker();
      // Stopped mid-transfer: the write landed, its reply was lost, and the workflow has not finished.
      expect((await handle(T, number).describe()).status.name).toBe('RUNNING');
    } finally {
      await control(h.urls.netvisor, 'faults', { rate: 0 });
    }
    expect(await netvisorInvoices(number)).toHaveLength(1);
    await h.startWorker();
    expect(await result(T, number)).toMatchObject({ status: 'done', found: true });
    expect(await netvisorInvoices(number)).toHaveLength(1);
  }, 90_000);

  it('syncs an unpaired customer and product first (the register sync\'s syncChange), then writes the invoice', async () => {
    const before = await state(h.urls.netvisor);
    expect(before.customers.some((c) => c.code === '1007')).toBe(false);
    expect(before.products.some((p) => p.code === 'P1010')).toBe(false);
    const number = await bookInvoice(1007, lines(['P1010', 4, '3.50'], ['P1000', 1, '10.00']));
    expect(await result(T, number)).toMatchObject({ status: 'done' });
    const after = await state(h.urls.netvisor);
    expect(after.customers.filter((c) => c.code === '1007')).toHaveLength(1);
    expect(after.products.filter((p) => p.code === 'P1010')).toHaveLength(1);
    expect((await netvisorInvoices(number))[0]).toMatchObject({ customerCode: '1007' });
  });

  it('waits as needs-attention naming an unpaired product (unpaired: wait), and goes on after it exists and the operator retries', async () => {
    const number = await bookQuietly(1001, lines(['P1011', 1, '12.00']));
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number, trigger: 'reconcile' }, h.taskQueue);
    const parked = await waitForStatus(T_WAIT, number, 'needs-attention');
    expect(parked.step).toBe('customer and products');
    expect(parked.error?.message).toBe(
      `Rackbeat invoice ${number}: not paired with Netvisor yet: product P1011. Sync it (register sync rackbeat-netvisor) or create it in Netvisor, then retry; or skip this invoice`,
    );
    expect((await handle(T_WAIT, number).describe()).typedSearchAttributes.get(SiirtoStatus)).toBe('needs-attention');
    expect(await netvisorInvoices(number)).toHaveLength(0);
    // Transfer history (what `siirto history` lists) shows it, with the sentence, under flow invoice.
    const [row] = await eventually(async () => {
      const rows = await listTransfers(h.client, { tenant: T_WAIT, flow: 'invoice', status: 'needs-attention' });
      return rows.length > 0 && rows;
    }, 20_000, 'the parked invoice in transfer history');
    expect(row).toMatchObject({ workflowId: invoiceTransferWorkflowId(T_WAIT, number), entity: 'invoice', sourceId: `rackbeat/${number}`, error: parked.error?.message });
    await h.netvisor.addProduct({ code: 'P1011', name: 'Added by the operator', unitPrice: '12.00', vatRate: '25.5', active: true });
    // What `siirto retry` sends.
    const decision = await sendDecision(h.client, row.workflowId, 'retry', 'product created', 'test');
    expect(decision).toMatchObject({ action: 'retry', step: 'customer and products' });
    expect(await result(T_WAIT, number)).toMatchObject({ status: 'done' });
    expect(await netvisorInvoices(number)).toHaveLength(1);
    // Skip is refused once it went through: the operator hears why.
    await expect(sendDecision(h.client, row.workflowId, 'skip', 'too late', 'test')).rejects.toThrow(`${row.workflowId} is done, not waiting for an operator: nothing to skip`);
  });

  it('lets an operator skip an invoice parked on an unpaired customer: nothing is written, the transfer is recorded as skipped', async () => {
    const number = await bookQuietly(1008, lines(['P1000', 1, '10.00']));
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number, trigger: 'reconcile' }, h.taskQueue);
    const parked = await waitForStatus(T_WAIT, number, 'needs-attention');
    expect(parked.error?.message).toMatch(new RegExp(`^Rackbeat invoice ${number}: not paired with Netvisor yet: customer 1008\\. Sync it`));
    // The sentence sits in history unencrypted (failures are not payloads): it names the customer by number only,
    // and the payloads (invoice, customer) are encrypted.
    const name = (await h.rackbeat.customers.get(1008))!.company_name;
    const raw = JSON.stringify(await handle(T_WAIT, number).fetchHistory(), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(raw.includes(name)).toBe(false);
    await handle(T_WAIT, number).executeUpdate(skipUpdate, { args: [{ by: 'test', reason: 'invoiced by hand' }] });
    expect(await result(T_WAIT, number)).toMatchObject({ status: 'skipped' });
    expect((await handle(T_WAIT, number).describe()).typedSearchAttributes.get(SiirtoStatus)).toBe('skipped');
    expect(await netvisorInvoices(number)).toHaveLength(0);

    // Its credit note has no document to credit: a retry could not change that, so the sentence does not offer one.
    const credit = await creditQuietly(number);
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number: credit, trigger: 'reconcile' }, h.taskQueue);
    const creditParked = await waitForStatus(T_WAIT, credit, 'needs-attention');
    expect(creditParked.error?.message).toBe(
      `the invoice it credits, Rackbeat invoice ${number}, was skipped, so Siirto has no document to credit: a credit note is never sent without its invoice; ` +
        'credit that invoice by hand in the accounting system where it was entered, then skip this one',
    );
    await handle(T_WAIT, credit).executeUpdate(skipUpdate, { args: [{ by: 'test', reason: 'credited by hand' }] });
    expect(await netvisorInvoices(credit)).toHaveLength(0);
  });

  it('parks naming why syncing did not copy: a product Netvisor is the master of, a customer Netvisor refused; a retry after the fix goes through', async () => {
    const number = await bookQuietly(1006, lines(['P1009/B', 1, '8.00']));
    await control(h.urls.netvisor, 'netvisor/permissions', { denied: ['customer.nv'] });
    try {
      await startInvoiceTransfer(h.client, { tenant: T_NV_MASTER, number, trigger: 'reconcile' }, h.taskQueue);
      const parked = await waitForStatus(T_NV_MASTER, number, 'needs-attention');
      expect(parked.step).toBe('customer and products');
      expect(parked.error?.message).toMatch(new RegExp(`^Rackbeat invoice ${number}: not paired with Netvisor yet: customer 1006 \\(.*customer\\.nv.*\\), product P1009/B \\(.*netvisor is the master of products.*\\)\\.`));
    } finally {
      await control(h.urls.netvisor, 'netvisor/permissions', { denied: [] });
    }
    expect((await state(h.urls.netvisor)).customers.some((c) => c.code === '1006')).toBe(false);
    // The operator creates the product in Netvisor (its master) and retries: the customer is synced now, then the invoice.
    await h.netvisor.addProduct({ code: 'P1009/B', name: 'Added in Netvisor', unitPrice: '8.00', vatRate: '25.5', active: true });
    await sendDecision(h.client, invoiceTransferWorkflowId(T_NV_MASTER, number), 'retry', 'product created, permission back', 'test');
    expect(await result(T_NV_MASTER, number)).toMatchObject({ status: 'done' });
    expect((await netvisorInvoices(number))[0]).toMatchObject({ customerCode: '1006' });
  });

  it('makes a credited invoice a Netvisor credit note (negative quantities) matched to the original, from the webhook', async () => {
    const number = await bookInvoice(1004, lines(['P1003', 2, '24.90']));
    await result(T, number);
    const { number: credit } = await h.rackbeat.invoices.createCreditNote(number, { book: true });
    const done = await result(T, credit);
    expect(done).toMatchObject({ status: 'done', kind: 'credit-note', credits: number, matched: true });
    const [note] = await netvisorInvoices(credit);
    const [original] = await netvisorInvoices(number);
    expect(note.lines.filter((l: any) => l.type !== 'comment').map((l: any) => [l.productCode, Number(l.quantity), Number(l.unitPrice)])).toEqual([['P1003', -2, 24.9]]);
    expect(Number(String(note.amount).replace(',', '.'))).toBeLessThan(0);
    expect(note.creditedInvoiceNetvisorKey).toBe(original.netvisorKey);
    expect(note.ourReference).toBe(`rackbeat:${credit}`);
  });

  it('transfers the original first when the credit note comes before it, and matches once Netvisor has sent both', async () => {
    const number = await bookQuietly(1005, lines(['P1004', 5, '7.00']));
    const credit = await creditQuietly(number);
    // Only the credit note's transfer is started (T_WAIT has no webhook): it starts the original's.
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number: credit, trigger: 'reconcile' }, h.taskQueue);
    expect(await result(T_WAIT, number)).toMatchObject({ status: 'done', kind: 'invoice' });
    // T_WAIT sends invoices unsent: Netvisor matches only after both are sent, so the credit note waits for that.
    const waiting = await eventually(async () => {
      const s = await handle(T_WAIT, credit).query(statusQuery);
      return /waiting/.test(s.step) && s;
    }, 30_000, 'the credit note to wait for Netvisor to send');
    expect(waiting.status).toBe('running');
    const [note] = await netvisorInvoices(credit);
    const [original] = await netvisorInvoices(number);
    expect(note.creditedInvoiceNetvisorKey).toBeUndefined();
    await h.netvisor.updateSalesInvoiceStatus([String(original.netvisorKey), String(note.netvisorKey)], 'open');
    expect(await result(T_WAIT, credit)).toMatchObject({ status: 'done', matched: true, credits: number });
    expect((await netvisorInvoices(credit))[0].creditedInvoiceNetvisorKey).toBe(original.netvisorKey);
    expect(await netvisorInvoices(number)).toHaveLength(1);
  });

  it('a credit note waiting for Netvisor to send both continues as new instead of growing its history, and is written and matched once', async () => {
    const number = await bookQuietly(1005, lines(['P1004', 2, '7.00']));
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number, trigger: 'reconcile' }, h.taskQueue);
    expect(await result(T_WAIT, number)).toMatchObject({ status: 'done', kind: 'invoice' });
    const credit = await creditQuietly(number);
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number: credit, trigger: 'reconcile', historyBudget: 40 }, h.taskQueue);
    const firstRun = (await handle(T_WAIT, credit).describe()).runId;
    // matchCheckEvery is 1 s for T_WAIT: a few looks pass the budget, and the transfer goes on in a new run.
    await eventually(async () => (await h.client.workflow.getHandle(invoiceTransferWorkflowId(T_WAIT, credit)).describe()).runId !== firstRun, 60_000, 'the waiting credit note to continue as new');
    await eventually(async () => /waiting/.test((await handle(T_WAIT, credit).query(statusQuery)).step), 30_000, 'the new run to wait again');
    const [original] = await netvisorInvoices(number);
    const notes = await netvisorInvoices(credit);
    expect(notes).toHaveLength(1);
    await h.netvisor.updateSalesInvoiceStatus([String(original.netvisorKey), String(notes[0].netvisorKey)], 'open');
    expect(await h.client.workflow.getHandle(invoiceTransferWorkflowId(T_WAIT, credit)).result()).toMatchObject({ status: 'done', matched: true, credits: number, found: true });
    expect(await netvisorInvoices(credit)).toHaveLength(1);
    expect((await netvisorInvoices(credit))[0].creditedInvoiceNetvisorKey).toBe(original.netvisorKey);
  });

  it('the reconciliation Schedule starts what no webhook brought, and continues from its cursor', async () => {
    const number = await bookQuietly(1002, lines(['P1000', 1, '10.00']));
    const scheduleId = (await ensureInvoiceSchedule(h.client, h.tenants.get(T)!, h.taskQueue))!;
    expect(scheduleId).toBe(invoiceScheduleId(T));
    const schedule = h.client.schedule.getHandle(scheduleId);
    try {
      const runs = async () => {
        const d = await schedule.describe();
        return Promise.all(d.info.recentActions.map((a) => h.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result()));
      };
      await schedule.trigger();
      const [first] = (await eventually(async () => (await runs()).length === 1 && runs(), 30_000, 'the first reconciliation')) as Array<Awaited<ReturnType<typeof reconcileInvoices>>>;
      expect(first.started).toBeGreaterThanOrEqual(1);
      expect(await result(T, number)).toMatchObject({ status: 'done' });
      expect(await netvisorInvoices(number)).toHaveLength(1);
      await eventually(async () => {
        for await (const w of h.client.workflow.list({ query: `WorkflowType = 'invoiceTransfer' AND ExecutionStatus = 'Running' AND SiirtoTenant = '${T}'` })) return !w;
        return true;
      }, 60_000, 'the started transfers to finish');
      await schedule.trigger();
      const all = (await eventually(async () => (await runs()).length === 2 && runs(), 30_000, 'the second reconciliation')) as Array<Awaited<ReturnType<typeof reconcileInvoices>>>;
      expect(all[1].since).toBe(first.cursor);
      expect(all[1]).toMatchObject({ started: 0, alreadyTransferred: all[1].seen });
      expect(all[1].seen).toBeGreaterThanOrEqual(1);
      expect(await netvisorInvoices(number)).toHaveLength(1);

      // The Schedule deleted and created again (or ten failed runs in a row) remembers no completed run: the poll
      // continues from the newest completed run the Schedule started, not from firstLookback.
      await schedule.delete();
      await ensureInvoiceSchedule(h.client, h.tenants.get(T)!, h.taskQueue);
      await schedule.trigger();
      const [again] = (await eventually(async () => (await runs()).length === 1 && runs(), 30_000, 'the reconciliation after the Schedule was created again')) as Array<Awaited<ReturnType<typeof reconcileInvoices>>>;
      expect(again.since).toBe(all[1].cursor);
      expect(again.started).toBe(0);
    } finally {
      await schedule.delete();
    }
  });
  it("parks on a Netvisor invoice under the Rackbeat number that Siirto did not write, naming it without its our-reference (a person's name)", async () => {
    const number = await bookQuietly(1001, lines(['P1000', 1, '10.00']));
    // Netvisor's own numbering reached Rackbeat's range: a salesperson's invoice already has this number.
    await h.netvisor.addSalesDocument({
      kind: 'invoice', number: String(number), date: '2026-11-30', dueDate: '2026-12-14', status: 'open', currency: 'EUR', customerCode: '1001',
      billing: { name: 'Someone', street: '', postalCode: '', city: '', country: 'FI' }, ourReference: 'Maija Myyjä',
      lines: [{ type: 'product', productCode: 'P1000', name: 'P1000', unitPrice: '1.00', priceType: 'net', vatPercent: '25.5', vatCode: 'KOMY', quantity: '1' }],
    });
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number, trigger: 'reconcile' }, h.taskQueue);
    const parked = await waitForStatus(T_WAIT, number, 'needs-attention');
    expect(parked.step).toBe('document');
    expect(parked.error?.message).toMatch(new RegExp(`^Netvisor already has sales invoice ${number} \\(dated 2026-11-30, customer 1001, not stamped "rackbeat:${number}"\\) that Siirto did not write: .*move Netvisor's own invoice numbering out of Rackbeat's range`));
    // Failure messages are not encrypted in history: the other invoice's our-reference (a person) is not in it.
    const raw = JSON.stringify(await handle(T_WAIT, number).fetchHistory(), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(raw).not.toMatch(/Maija/);
    expect(await netvisorInvoices(number)).toHaveLength(1);
    await handle(T_WAIT, number).executeUpdate(skipUpdate, { args: [{ by: 'test', reason: 'number taken in Netvisor' }] });
    expect(await result(T_WAIT, number)).toMatchObject({ status: 'skipped' });
  });

  it('reconciles an invoice Rackbeat stamped a little before the previous run\'s cursor but listed only after it (the overlap at the boundary)', async () => {
    const number = await bookQuietly(1003, lines(['P1003', 1, '24.90']));
    const bookedAt = (await h.rackbeat.invoices.view(number))!.bookedAt!;
    // The previous run's cursor is already 2 s past this invoice's booked_at (it was not listed yet when that run read).
    const since = new Date(Date.parse(bookedAt) + 2000).toISOString();
    const run = await h.client.workflow.execute(reconcileInvoices, {
      taskQueue: h.taskQueue,
      workflowId: `invoices-reconcile/${T}/boundary-${number}`,
      args: [{ tenant: T, taskQueue: h.taskQueue, since }],
    });
    expect(run.since).toBe(since);
    expect(run.seen).toBeGreaterThanOrEqual(1);
    expect(await result(T, number)).toMatchObject({ status: 'done', found: false });
    expect(await netvisorInvoices(number)).toHaveLength(1);
  });
  it("tells an operator to delete the reconciliation Schedule of a tenant whose invoices: section is gone", async () => {
    await expect(
      h.client.workflow.execute(reconcileInvoices, {
        taskQueue: h.taskQueue,
        workflowId: `invoices-reconcile/${T_NONE}/gone`,
        args: [{ tenant: T_NONE, taskQueue: h.taskQueue, scheduleId: `invoices/${T_NONE}` }],
      }),
    ).rejects.toMatchObject({
      cause: { cause: { message: `tenant "${T_NONE}" has no invoices: section in config/${T_NONE}.yaml any more, but its invoice reconciliation still runs: delete the Schedule invoices/${T_NONE} (temporal schedule delete --schedule-id invoices/${T_NONE}), or add the section back` } },
    });
    const d = await h.client.workflow.getHandle(`invoices-reconcile/${T_NONE}/gone`).describe();
    expect(d.memo?.summary).toMatch(/^invoice reconciliation for inv-none failed: tenant "inv-none" has no invoices: section .* delete the Schedule invoices\/inv-none/);
  });
  it('names a transfer that ended without a document (terminated) instead of counting it as already transferred', async () => {
    const { number } = await h.rackbeat.invoices.createDraft({ customer_id: 1001, currency: 'EUR', payment_terms_id: 1, lines: lines(['P1000', 1, '10.00']) });
    // Started while still a draft (it parks), then terminated by someone in the Temporal UI.
    await startInvoiceTransfer(h.client, { tenant: T_WAIT, number, trigger: 'manual' }, h.taskQueue);
    expect((await waitForStatus(T_WAIT, number, 'needs-attention')).error?.message).toMatch(/is a draft in Rackbeat/);
    await handle(T_WAIT, number).terminate('test');
    await h.rackbeat.api.call('POST', `customer-invoices/${number}/book`, { resource: `invoice ${number}`, body: { suppress_webhooks: true } });
    const bookedAt = (await h.rackbeat.invoices.view(number))!.bookedAt!;
    const workflowId = `invoices-reconcile/${T_WAIT}/ended-${number}`;
    const run = await h.client.workflow.execute(reconcileInvoices, { taskQueue: h.taskQueue, workflowId, args: [{ tenant: T_WAIT, taskQueue: h.taskQueue, since: bookedAt }] });
    expect((run as { ended?: unknown }).ended).toEqual([{ number, how: 'terminated' }]);
    expect(run.alreadyTransferred + run.started).toBe(run.seen - 1);
    expect((await h.client.workflow.getHandle(workflowId).describe()).memo?.summary).toMatch(new RegExp(`1 ended without a document and not started again \\(Rackbeat ${number}: terminated\\): transfer them by hand$`));
    expect(await netvisorInvoices(number)).toHaveLength(0);
  });
  it('works off a backlog over several runs: a run that stops early moves its cursor only past what it started', async () => {
    const a = await bookQuietly(1002, lines(['P1000', 1, '10.00']));
    const aAt = (await h.rackbeat.invoices.view(a))!.bookedAt!;
    await new Promise((r) => setTimeout(r, 1100));
    const b = await bookQuietly(1002, lines(['P1000', 2, '10.00']));
    const bAt = (await h.rackbeat.invoices.view(b))!.bookedAt!;
    expect(Date.parse(bAt)).toBeGreaterThan(Date.parse(aAt));
    const run = (args: Parameters<typeof reconcileInvoices>[0], id: string) => h.client.workflow.execute(reconcileInvoices, { taskQueue: h.taskQueue, workflowId: `invoices-reconcile/${T}/${id}`, args: [args] });
    // One start only (a run near its time budget): the oldest in the window is started, b is left for the next run.
    const first = await run({ tenant: T, taskQueue: h.taskQueue, since: aAt, maxStarts: 1 }, `backlog-${a}-1`);
    expect(first).toMatchObject({ seen: 1 });
    expect((first as { left?: number }).left).toBeGreaterThanOrEqual(1);
    expect(Date.parse(first.cursor)).toBeLessThan(Date.parse(bAt));
    const second = await run({ tenant: T, taskQueue: h.taskQueue, since: first.cursor }, `backlog-${a}-2`);
    expect((second as { left?: number }).left).toBe(0);
    expect(second.cursor).toBe(bAt);
    expect(await result(T, b)).toMatchObject({ status: 'done' });
    expect(await netvisorInvoices(b)).toHaveLength(1);
  });
});
