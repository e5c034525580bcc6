import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { LINK_FIELDS } from '../../domain/mapping/rackbeat-twentyfourseven';
import { migrateRegister, type RegisterMigrationInput } from '../../workflows/register-migration';
import { syncStateQuery, watchRegister } from '../../workflows/register-watch';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

let h: RegisterHarness;

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant('t-24', urls, [{ pair: 'rackbeat-24so', registers: { products: { direction: '24so-to-rackbeat' } }, currency: 'DKK', language: 'da' }])]);
  await control(h.urls.rackbeat, 'seed', { seed: 2, counts: { customers: 0, suppliers: 0, orders: 0 } });
  await h.rackbeat.fields.create({ name: '24SO product id', slug: LINK_FIELDS.products, type: 'text', available_for: 'item' });
  await h.rackbeat.fields.create({ name: '24SO customer id', slug: LINK_FIELDS.customers, type: 'text', available_for: 'customer' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const migrate = async (input: Omit<RegisterMigrationInput, 'tenant' | 'pair'>) =>
  (
    await h.client.workflow.start(migrateRegister, {
      taskQueue: h.taskQueue,
      workflowId: `migration/t-24/rackbeat-24so/${input.register}/${Date.now()}`,
      args: [{ tenant: 't-24', pair: 'rackbeat-24so', ...input }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    })
  ).result();

const fieldValue = (rb: Record<string, any>, owner: string, key: string, slug: string) => {
  const field = rb.fields.find((f: any) => f.slug === slug);
  return rb.fieldValues.find((v: any) => v.owner === owner && v.key === key && v.field_id === field.id)?.value;
};

describe('Rackbeat ↔ 24SevenOffice', () => {
  it('24SO products → Rackbeat: by number, 24SO id kept in the Rackbeat field, a number over 25 characters reported and skipped', async () => {
    const long = await h.so.saveProduct({ name: 'Alt for langt nummer', no: 'NO-1234567890-1234567890-X', price: '10', categoryId: (await h.so.getProductCategories())[0].id });
    const result = await migrate({ register: 'products', direction: '24so-to-rackbeat', batchSize: 5 });
    const soProducts = await h.so.getProductsChangedSince('2000-01-01T00:00:00');
    expect(result.counts.read).toBe(soProducts.length);
    const skipped = result.entries.find((e) => e.sourceId === String(long.id));
    expect(skipped).toMatchObject({ action: 'skip', reason: 'product number "NO-1234567890-1234567890-X" is 26 characters: Rackbeat allows at most 25' });
    // P1000 is in both seeds: matched by number; the others are new in Rackbeat.
    expect(result.entries.filter((e) => e.action !== 'skip')).toEqual([]);
    expect(result.counts.matchedBy.code).toBeGreaterThanOrEqual(1);

    const rb = await state(h.urls.rackbeat);
    for (const p of soProducts.filter((x) => x.no!.length <= 25)) {
      const copies = rb.products.filter((r) => r.number === p.no);
      expect(copies).toHaveLength(1);
      expect(fieldValue(rb, 'item', p.no!, LINK_FIELDS.products)).toBe(String(p.id));
    }
    const again = await migrate({ register: 'products', direction: '24so-to-rackbeat', batchSize: 5 });
    expect(again.counts).toMatchObject({ create: 0, update: 0, skip: 1 });
  });

  it('24SO customers → Rackbeat: created with the configured currency and language, linked by field, idempotent', async () => {
    const result = await migrate({ register: 'customers', direction: '24so-to-rackbeat' });
    const soCustomers = (await h.so.getCompaniesChangedSince('2000-01-01T00:00:00')).filter((c) => c.type !== 'Supplier');
    expect(result.counts).toMatchObject({ read: soCustomers.length, create: soCustomers.length });
    const rb = await state(h.urls.rackbeat);
    expect(rb.customers).toHaveLength(soCustomers.length);
    for (const c of rb.customers) {
      expect(c).toMatchObject({ currency: 'DKK', locale: 'da' });
      expect(soCustomers.map((s) => String(s.id))).toContain(fieldValue(rb, 'customer', String(c.number), LINK_FIELDS.customers));
    }
    const again = await migrate({ register: 'customers', direction: '24so-to-rackbeat' });
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: soCustomers.length, matchedBy: { externalId: soCustomers.length } });
  });

  it('Rackbeat customers → 24SO: paired by organisation number or name, stamped with the Rackbeat number as ExternalId', async () => {
    const before = await h.so.getCompaniesChangedSince('2000-01-01T00:00:00');
    const result = await migrate({ register: 'customers', direction: 'rackbeat-to-24so' });
    expect(result.counts.create).toBe(0);
    expect((result.counts.matchedBy.businessId ?? 0) + (result.counts.matchedBy.name ?? 0)).toBe(result.counts.read);
    const after = await h.so.getCompaniesChangedSince('2000-01-01T00:00:00');
    expect(after).toHaveLength(before.length);
    const rbNumbers = (await state(h.urls.rackbeat)).customers.map((c) => String(c.number)).sort();
    expect(after.filter((c) => c.externalId).map((c) => c.externalId).sort()).toEqual(rbNumbers);
  });

  it('Rackbeat product groups → 24SO categories', async () => {
    const result = await migrate({ register: 'product-groups', direction: 'rackbeat-to-24so' });
    const groups = (await state(h.urls.rackbeat)).productGroups.map((g) => g.name);
    const categories = (await h.so.getProductCategories()).map((c) => c.name);
    for (const g of groups) expect(categories.filter((c) => c === g)).toHaveLength(1);
    expect(result.counts.read).toBe(groups.length);
  });

  it('ongoing: a 24SO product change is polled (changed-since) into Rackbeat; the Rackbeat webhook for our own write is an echo', async () => {
    const tokens = h.tenants.get('t-24')!.sync!.rackbeatWebhookTokens as unknown as string[];
    tokens.push((await h.rackbeat.webhooks.ensure('product.updated', `${h.serverUrl}/webhooks/rackbeat/t-24`)).token!);
    const entity = () => h.client.workflow.getHandle('sync/t-24/rackbeat-24so/products').query(syncStateQuery);
    const poll = async () => {
      const before = (await entity().catch(() => null))?.counts.polls ?? 0;
      await h.client.workflow.execute(watchRegister, { taskQueue: h.taskQueue, workflowId: `watch-24-${Date.now()}`, args: [{ tenant: 't-24', pair: 'rackbeat-24so', register: 'products' }] });
      return eventually(async () => {
        const s = await entity();
        return s.counts.polls > before && s.idle && s;
      }, 20_000, 'poll');
    };
    await poll();
    const [p] = await h.so.getProducts({ no: 'P1003' });
    await h.so.saveProduct({ id: p.id, price: '99.9' });
    await poll();
    const rb = await eventually(async () => {
      const x = await h.rackbeat.products.findByNumber('P1003');
      return x?.sales_price === '99.9' && x;
    }, 20_000, 'Rackbeat price updated');
    expect(rb.name).toBe(p.name);
    const s = await eventually(async () => {
      const x = await entity();
      return x.counts.echoes >= 1 && x.idle && x;
    }, 20_000, 'echo recognised');
    expect(s.reports.filter((r) => r.kind === 'not-master')).toHaveLength(0);
  });
});
