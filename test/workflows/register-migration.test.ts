import crypto from 'node:crypto';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { buildProgram } from '../../client/cli';
import { businessIdCheckDigit } from '../../domain/business-id';
import { migrateRegister, migrationWorkflowId, progressQuery, type RegisterMigrationInput } from '../../workflows/register-migration';
import { SiirtoProgress, SiirtoStatus } from '../../workflows/search-attributes';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

let h: RegisterHarness;

/** A valid Finnish business ID from a seven-digit body (bodies whose check digit would be 1 do not exist). */
function validId(body: number): string {
  for (let b = body; ; b++) {
    const digits = String(b).padStart(7, '0');
    const check = businessIdCheckDigit(digits);
    if (check !== null) return `${digits}-${check}`;
  }
}
const ID = { kuusi: validId(2_000_001), manty: validId(2_000_101), koivu: validId(2_000_201), uusi: validId(2_000_301), other: validId(2_000_401), clash: validId(2_000_501) };
const invalidId = (() => {
  const good = validId(2_000_601);
  return `${good.slice(0, 8)}${(Number(good.slice(8)) + 1) % 10}`;
})();

beforeAll(async () => {
  process.env.SIIRTO_PAYLOAD_KEY = `test:${crypto.randomBytes(32).toString('base64')}`;
  h = await startRegisterHarness((urls) => [registerTenant('t-reg', urls)]);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const run = async (input: Omit<RegisterMigrationInput, 'tenant'>, id = migrationWorkflowId('t-reg', input.pair, input.register, input.dryRun)) =>
  h.client.workflow.start(migrateRegister, {
    taskQueue: h.taskQueue,
    workflowId: `${id}/${Date.now()}`,
    args: [{ tenant: 't-reg', ...input }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });

describe('Rackbeat → Netvisor customers: pairing rules, dry run, real run', () => {
  beforeAll(async () => {
    await control(h.urls.rackbeat, 'seed', { seed: 3, counts: { customers: 0, suppliers: 0, orders: 0 } });
    await control(h.urls.netvisor, 'seed', { seed: 3, counts: { customers: 0, salesInvoices: 0 } });
    const rb = h.rackbeat.customers;
    const party = (number: number, company_name: string, company_vat?: string) =>
      rb.create({ number, company_name, ...(company_vat ? { company_vat } : {}), address_street: 'Puistokatu 1', address_city: 'Oulu', address_zipcode: '90100', address_country: 'FI', contact_email: `info${number}@example.fi`, payment_terms_id: 1 });
    await party(2001, 'Kuusi Oy', ID.kuusi);
    await party(2002, 'Mänty Oy', ID.manty);
    await party(2003, 'Koivu Oy');
    await party(2004, 'Uusi Asiakas Oy', ID.uusi);
    await party(2005, 'Virheellinen Oy', invalidId);
    await party(2006, 'Törmäys Oy', ID.clash);

    const nv = h.netvisor;
    const card = (code: string, name: string, businessId?: string) =>
      nv.addCustomer({ kind: 'customer', code, name, ...(businessId ? { businessId } : {}), address: { street: '', postalCode: '', city: '', country: 'FI' } });
    await card('2001', 'Kuusi Oy (vanha nimi)', ID.kuusi);
    await card('9002', 'Mänty Oy', ID.manty);
    await card('9003', 'koivu  OY');
    await card('2006', 'Joku Muu Oy', ID.other);
  });

  it('dry run: shows what would be created, updated (and by which rule), conflicts and skips, and writes nothing', async () => {
    const before = await state(h.urls.netvisor);
    const handle = await run({ pair: 'rackbeat-netvisor', register: 'customers', direction: 'rackbeat-to-netvisor', dryRun: true });
    const result = await handle.result();
    expect(result.dryRun).toBe(true);
    const byId = Object.fromEntries(result.entries.map((e) => [e.sourceId, e]));
    expect(byId['2001']).toMatchObject({ action: 'update', rule: 'customerNumber' });
    expect(byId['2002']).toMatchObject({ action: 'update', rule: 'businessId' });
    expect(byId['2003']).toMatchObject({ action: 'update', rule: 'name' });
    expect(byId['2004']).toMatchObject({ action: 'create' });
    expect(byId['2005'].action).toBe('skip');
    expect(byId['2005'].reason).toMatch(/not a valid Finnish business ID/);
    expect(byId['2006'].action).toBe('conflict');
    expect(byId['2006'].reason).toMatch(/customer code 2006/);
    expect(result.counts).toMatchObject({ read: 6, create: 1, update: 3, conflict: 1, skip: 1, matchedBy: { customerNumber: 1, businessId: 1, name: 1 } });
    const after = await state(h.urls.netvisor);
    expect(after.customers).toEqual(before.customers);
  });

  it('real run: overwrites matched cards with Rackbeat data, creates the new one, reports the rest; a second run writes nothing', async () => {
    const handle = await run({ pair: 'rackbeat-netvisor', register: 'customers', direction: 'rackbeat-to-netvisor' });
    const result = await handle.result();
    expect(result.counts).toMatchObject({ read: 6, create: 1, update: 3, conflict: 1, skip: 1 });
    // The memo names the problems too, for the Temporal UI.
    const memo = (await handle.describe()).memo as { problems: number; recentProblems: string[] };
    expect(memo.problems).toBe(2);
    expect(memo.recentProblems[0]).toMatch(/^skip 2005: customer 2005 "Virheellinen Oy": business ID .* is not a valid Finnish business ID/);
    expect(memo.recentProblems[1]).toMatch(/^conflict 2006: customer code 2006/);
    expect(result.entries.map((e) => [e.sourceId, e.action])).toEqual([
      ['2005', 'skip'],
      ['2006', 'conflict'],
    ]);
    const customers = (await state(h.urls.netvisor)).customers;
    const byCode = (code: string) => customers.filter((c) => c.code === code);
    expect(byCode('2001')[0]).toMatchObject({ name: 'Kuusi Oy', email: 'info2001@example.fi' });
    // Business-ID and name matches overwrite the card, customer code included.
    expect(byCode('2002')[0]).toMatchObject({ name: 'Mänty Oy', businessId: ID.manty });
    expect(byCode('9002')).toHaveLength(0);
    expect(byCode('2003')[0]).toMatchObject({ name: 'Koivu Oy' });
    expect(byCode('2004')[0]).toMatchObject({ name: 'Uusi Asiakas Oy', businessId: ID.uusi, city: 'Oulu' });
    expect(byCode('2005')).toHaveLength(0);
    expect(byCode('2006')[0]).toMatchObject({ name: 'Joku Muu Oy', businessId: ID.other });

    const again = await (await run({ pair: 'rackbeat-netvisor', register: 'customers', direction: 'rackbeat-to-netvisor' })).result();
    expect(again.counts).toMatchObject({ read: 6, create: 0, update: 0, unchanged: 4, conflict: 1, skip: 1 });
    expect((await state(h.urls.netvisor)).customers).toHaveLength(customers.length);
  });

  it('suppliers likewise: same code with another business ID is a conflict, a new one becomes a Netvisor vendor', async () => {
    await control(h.urls.rackbeat, 'seed', { seed: 4, counts: { suppliers: 4, customers: 0, orders: 0 } });
    await control(h.urls.netvisor, 'seed', { seed: 4, counts: { vendors: 3, salesInvoices: 0 } });
    const result = await (await run({ pair: 'rackbeat-netvisor', register: 'suppliers', direction: 'rackbeat-to-netvisor' })).result();
    expect(result.counts).toMatchObject({ read: 4, create: 1, conflict: 3 });
    expect(result.entries.map((e) => e.sourceId)).toEqual(['5001', '5002', '5003']);
    const vendors = (await state(h.urls.netvisor)).vendors;
    const rb5004 = (await state(h.urls.rackbeat)).suppliers.find((x) => x.number === 5004)!;
    expect(vendors.filter((v) => v.code === '5004')).toEqual([expect.objectContaining({ name: rb5004.company_name, city: rb5004.address_city })]);
  });

  it('moves products by product code; progress in percent when the source knows its total', async () => {
    await control(h.urls.netvisor, 'seed', { seed: 3, counts: { products: 0, salesInvoices: 0 } });
    const handle = await run({ pair: 'rackbeat-netvisor', register: 'products', direction: 'rackbeat-to-netvisor', batchSize: 5 });
    const result = await handle.result();
    const rbTotal = (await state(h.urls.rackbeat)).products.length;
    expect(await handle.query(progressQuery)).toMatchObject({ total: rbTotal, done: rbTotal, percent: 100, finished: true });
    expect((await handle.describe()).typedSearchAttributes.get(SiirtoProgress)).toBe(100);
    const rbProducts = (await state(h.urls.rackbeat)).products;
    expect(result.counts.read).toBe(rbProducts.length);
    expect(result.counts.create).toBe(rbProducts.length);
    const nvCodes = (await state(h.urls.netvisor)).products.map((p) => p.code).sort();
    expect(nvCodes).toEqual(rbProducts.map((p) => p.number).sort());
  });
});

describe('Severa → Netvisor: resumable, exactly once', () => {
  it('survives a worker kill and commit-then-fail faults: every Severa product exists exactly once in Netvisor', async () => {
    await control(h.urls.severa, 'seed', { seed: 5, counts: { products: 60 } });
    await control(h.urls.netvisor, 'seed', { seed: 5, counts: { products: 0, salesInvoices: 0 } });
    await control(h.urls.netvisor, 'faults', { rate: 0.1, kinds: ['commit-then-fail'], paths: ['/product.nv'], seed: 7 });
    try {
      const handle = await run({
        pair: 'severa-netvisor',
        register: 'products',
        direction: 'severa-to-netvisor',
        batchSize: 5,
        batchesPerRun: 3,
        tuning: { heartbeatTimeout: '3s', retryInterval: '500ms' },
      });
      // Kill the worker once a few batches are saved, then start a new one on the same task queue.
      // (The progress is read before the kill: a query needs a worker to answer it.)
      const atKill = await eventually(async () => {
        const p = await handle.query(progressQuery);
        return p.done >= 15 && p.done;
      }, 30_000, 'progress past 15 records');
      await h.stopWorker();
      await new Promise((r) => setTimeout(r, 500));
      await h.startWorker();
      const result = await handle.result();

      const injected = (await control(h.urls.netvisor, 'faults')).injected['commit-then-fail'];
      expect(injected).toBeGreaterThanOrEqual(1);
      expect(result.status).toBe('done');
      expect(result.counts.read).toBe(60);
      expect(result.counts.skip + result.counts.conflict).toBe(0);
      // A write whose reply was lost is found again on the retry: counted unchanged, never created twice.
      expect(result.counts.create + result.counts.unchanged).toBe(60);
      expect(result.runs).toBeGreaterThan(1);
      expect(atKill).toBeLessThan(60);

      const severaCodes = (await state(h.urls.severa)).products.map((p) => p.code).sort();
      const nvCodes = (await state(h.urls.netvisor)).products.map((p) => p.code).sort();
      expect(nvCodes).toEqual(severaCodes);
      expect(new Set(nvCodes).size).toBe(60);

      const progress = await handle.query(progressQuery);
      expect(progress).toMatchObject({ finished: true, done: 60 });
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(SiirtoStatus)).toBe('done');
      expect(description.typedSearchAttributes.get(SiirtoProgress)).toBe(60);
    } finally {
      await control(h.urls.netvisor, 'faults', { rate: 0 });
    }
  });

  it('customers: Severa customer numbers become Netvisor customer codes', async () => {
    await control(h.urls.severa, 'seed', { seed: 6, counts: { customers: 12 } });
    await control(h.urls.netvisor, 'seed', { seed: 6, counts: { customers: 0, salesInvoices: 0 } });
    const result = await (await run({ pair: 'severa-netvisor', register: 'customers', direction: 'severa-to-netvisor', batchSize: 4 })).result();
    expect(result.counts).toMatchObject({ read: 12, create: 12 });
    const codes = (await state(h.urls.netvisor)).customers.map((c) => c.code).filter((c) => c !== 'TEMP').sort();
    expect(codes).toEqual(Array.from({ length: 12 }, (_, i) => String(1001 + i)));
  });

  it('cost centres: a dry run pairs them with the Netvisor dimension items by code', async () => {
    await control(h.urls.severa, 'seed', { seed: 1, counts: {} });
    await control(h.urls.netvisor, 'seed', { seed: 1, counts: {} });
    const result = await (await run({ pair: 'severa-netvisor', register: 'cost-centres', direction: 'severa-to-netvisor', dryRun: true })).result();
    const byKey = Object.fromEntries(result.entries.map((e) => [e.key, e]));
    expect(byKey['100']).toMatchObject({ action: 'update', rule: 'code', targetKey: 'Hallinto' });
    expect(byKey['500']).toMatchObject({ action: 'create', name: 'Huolto' });
  });
});

describe('Severa → Netvisor cost centres, real run', () => {
  it('renames and creates dimension items by code; a rename onto a name another item holds is reported, never applied to the wrong item', async () => {
    await control(h.urls.severa, 'seed', { seed: 1, counts: {} });
    await control(h.urls.netvisor, 'seed', { seed: 1, counts: {} });
    // Netvisor: 100 Hallinto, 200 Myynti, 300 Tuotanto, 400 Verkkokauppa. Severa: 100 Myynti, 200 Tuotanto,
    // 300 Hallinto, 400 Asennus, 500 Huolto — the first three only swap names.
    const result = await (await run({ pair: 'severa-netvisor', register: 'cost-centres', direction: 'severa-to-netvisor' })).result();
    expect(result.counts).toMatchObject({ read: 5, create: 1, update: 1, conflict: 3 });
    expect(result.entries.map((e) => e.key)).toEqual(['100', '200', '300']);
    expect(result.entries[0].reason).toMatch(/cannot be renamed from "Hallinto" to "Myynti".*item 200 already has that name/);
    const items = (await state(h.urls.netvisor)).dimensions.find((d) => d.name === 'Kustannuspaikka')!.items as Array<{ code: string; name: string }>;
    expect(items.map((i) => [i.code, i.name]).sort()).toEqual([['100', 'Hallinto'], ['200', 'Myynti'], ['300', 'Tuotanto'], ['400', 'Asennus'], ['500', 'Huolto']]);
  });
});

describe('siirto migrate', () => {
  async function cli(args: string[]): Promise<string> {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'siirto', 'migrate', 't-reg', ...args, '--address', process.env.SIIRTO_TEST_TEMPORAL_ADDRESS!, '--task-queue', h.taskQueue]);
    } finally {
      spy.mockRestore();
    }
    return out;
  }

  it('--dry-run --json prints the plan; without --json a table; a wrong direction is refused before anything starts', async () => {
    await control(h.urls.severa, 'seed', { seed: 1, counts: {} });
    await control(h.urls.netvisor, 'seed', { seed: 1, counts: {} });
    const json = JSON.parse(await cli(['severa-netvisor', 'cost-centres', '--direction', 'severa-to-netvisor', '--dry-run', '--json']));
    expect(json).toMatchObject({ register: 'cost-centres', workflowId: 'migration/t-reg/severa-netvisor/cost-centres/dry-run', dryRun: true, counts: { read: 5, create: 1, update: 4 } });
    const text = await cli(['severa-netvisor', 'cost-centres', '--direction', 'severa-to-netvisor', '--dry-run']);
    expect(text).toMatch(/cost-centres \(dry run: nothing written\)/);
    expect(text).toMatch(/create\s+\S+\s+500\s+Huolto/);
    await expect(cli(['severa-netvisor', 'products', '--direction', 'netvisor-to-severa'])).rejects.toThrow(/goes severa-to-netvisor/);
  });
});
