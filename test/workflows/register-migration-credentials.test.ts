import { migrateRegister } from '../../workflows/register-migration';
import { retryUpdate, statusQuery, type TransferState } from '../../workflows/transfer';
import { control } from '../support/sandboxes';
import { eventually, registerTenant, startRegisterHarness, state, type RegisterHarness } from '../support/register-harness';

/**
 * A migration whose write permission (or credentials) is revoked stops with the system's sentence as
 * needs-attention, instead of "finishing" with every record skipped; after the fix a retry writes everything once.
 */
const TENANT = 't-reg-revoked';
let h: RegisterHarness;

beforeAll(async () => {
  h = await startRegisterHarness((urls) => [registerTenant(TENANT, urls)]);
  await control(h.urls.rackbeat, 'seed', { seed: 6, counts: { customers: 0, suppliers: 0, orders: 0 } });
  await control(h.urls.netvisor, 'seed', { seed: 6, counts: { products: 0, salesInvoices: 0 } });
}, 120_000);
afterAll(async () => {
  await control(h.urls.netvisor, 'netvisor/permissions', { denied: [] }).catch(() => undefined);
  await h?.stop();
});

describe('Rackbeat → Netvisor products with the write permission revoked', () => {
  it('parks as needs-attention with Netvisor’s sentence, writes nothing, and after the right is granted a retry moves every product once', async () => {
    // The integration user may still read the product register (look-ups work) but no longer write it.
    await control(h.urls.netvisor, 'netvisor/permissions', { denied: ['product.nv'] });
    const handle = await h.client.workflow.start(migrateRegister, {
      taskQueue: h.taskQueue,
      workflowId: `migration/${TENANT}/rackbeat-netvisor/products/${Date.now()}`,
      args: [{ tenant: TENANT, pair: 'rackbeat-netvisor', register: 'products', direction: 'rackbeat-to-netvisor', batchSize: 5 }],
    });
    const parked = await eventually(async () => {
      const s: TransferState = await handle.query(statusQuery);
      return s.status === 'needs-attention' ? s : undefined;
    }, 30_000, 'migration needs attention');
    expect(parked.error).toEqual({
      type: 'Siirto.permission',
      message: expect.stringMatching(/^The Netvisor API user may not use product\.nv: .* Grant the integration user the right to this resource in Netvisor\.$/),
    });
    expect(parked.step).toBe('batch 1');
    expect((await state(h.urls.netvisor)).products).toHaveLength(0);

    await control(h.urls.netvisor, 'netvisor/permissions', { denied: [] });
    await handle.executeUpdate(retryUpdate, { args: [{ note: 'right granted' }] });
    const result = await handle.result();
    const rbProducts = (await state(h.urls.rackbeat)).products;
    expect(result).toMatchObject({ status: 'done' });
    expect(result.counts).toMatchObject({ read: rbProducts.length, create: rbProducts.length, skip: 0 });
    const nvCodes = (await state(h.urls.netvisor)).products.map((p) => p.code).sort();
    expect(nvCodes).toEqual(rbProducts.map((p) => p.number).sort());
  });
});
