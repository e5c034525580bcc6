import { Connections } from '../../activities/connections';
import { createCustomerActivities } from '../../activities/customers';
import { createProductActivities } from '../../activities/products';
import { identityCustomerCode } from '../../domain/customer-code';
import type { Party } from '../../domain/model';
import type { CustomerRecord, ProductRecord } from '../../sandbox/netvisor/types';
import type { StartedSandbox } from '../../sandbox/kit/server';
import { demoLikeTenant } from '../support/order-export-harness';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * Someone else (another worker, another system, a person in Netvisor) creates the very record we were about to
 * create, after our look and before our write. Netvisor refuses ours as "already in use"; that is no problem for an
 * operator: the activity looks again and goes on with that record, when it is the same customer.
 *
 * Made to happen for certain: the sandbox stalls our write (a "timeout" fault on POST), and while it is stalled the
 * test puts the record into the sandbox's store directly, as another party would have.
 */
let nv: StartedSandbox;
let stop: () => Promise<void>;
let activities: ReturnType<typeof createCustomerActivities> & ReturnType<typeof createProductActivities>;

beforeAll(async () => {
  ({ sandboxes: { netvisor: nv }, stop } = await startTestSandboxes(['netvisor']));
  const tenant = demoLikeTenant('meanwhile', { netvisor: nv.url, woocommerce: 'http://127.0.0.1:9' });
  const connections = new Connections(new Map([[tenant.tenant, tenant]]));
  activities = { ...createCustomerActivities(connections), ...createProductActivities(connections) };
});

afterAll(async () => {
  await control(nv.url, 'faults', { rate: 0 });
  await stop?.();
});

const consumer = (name: string, email: string): Party => ({ kind: 'customer', name, email, address: { street: 'Rantatie 2', postalCode: '33100', city: 'Tampere', country: 'FI' } });

/** Stalls the next write to `path`, runs `meanwhile` once the sandbox holds it, then lets it through. */
async function whileOurWriteIsStalled<T>(path: string, run: () => Promise<T>, meanwhile: () => void): Promise<T> {
  await control(nv.url, 'faults', { rate: 1, kinds: ['timeout'], paths: [path], methods: ['POST'], timeoutMs: 3000 });
  const result = run();
  result.catch(() => undefined);
  for (;;) {
    const { injected } = await control(nv.url, 'faults');
    if (injected.timeout >= 1) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await control(nv.url, 'faults', { rate: 0 });
  meanwhile();
  return result;
}

function insertCustomer(code: string, name: string): number {
  const template = nv.ctx.store.list<CustomerRecord>('customers')[0];
  const netvisorKey = nv.ctx.store.nextId('customer');
  nv.ctx.store.insert<CustomerRecord>('customers', { ...template, netvisorKey, code, name, businessId: '' });
  return netvisorKey;
}

const customersWithCode = (code: string) => nv.ctx.store.list<CustomerRecord>('customers').filter((c) => c.code === code);

describe('a record created by someone else while we were about to create it', () => {
  it('customer: refused as already in use, looked up again, and used (one card)', async () => {
    const party = consumer('Sanna Saari', 'sanna.saari@example.fi');
    const code = identityCustomerCode(party);
    let theirs = 0;
    const resolved = await whileOurWriteIsStalled(
      '/customer.nv',
      () => activities.resolveCustomer({ tenant: 'meanwhile', shop: 'woo', customer: party }),
      () => (theirs = insertCustomer(code, 'Sanna Saari')),
    );
    expect(resolved).toEqual({ code, how: 'existing' });
    expect(customersWithCode(code).map((c) => c.netvisorKey)).toEqual([theirs]);
  });

  it('customer: a different customer under that number parks the transfer as a conflict, naming both', async () => {
    const party = consumer('Tuomas Tammi', 'tuomas.tammi@example.fi');
    const code = identityCustomerCode(party);
    const attempt = whileOurWriteIsStalled(
      '/customer.nv',
      () => activities.resolveCustomer({ tenant: 'meanwhile', shop: 'woo', customer: party }),
      () => insertCustomer(code, 'Joku Muu'),
    );
    await expect(attempt).rejects.toMatchObject({
      type: 'Siirto.conflict',
      nonRetryable: true,
      message: `customer number ${code} is already used in Netvisor by "Joku Muu" (code ${code}), not "Tuomas Tammi": give that card another number or correct it, then retry`,
    });
    expect(customersWithCode(code)).toHaveLength(1);
  });

  it('product: refused as "product code already in use", looked up again, and the order goes on', async () => {
    const line = { productCode: 'MEANWHILE-1', name: 'Villapipo', quantity: '1', unitPrice: '12.40', priceIncludesVat: true, vatRate: '25.5', kind: 'product' as const };
    const result = await whileOurWriteIsStalled(
      '/product.nv',
      () => activities.ensureProducts({ tenant: 'meanwhile', shop: 'woo', lines: [line] }),
      () => {
        const template = nv.ctx.store.list<ProductRecord>('products')[0];
        nv.ctx.store.insert<ProductRecord>('products', { ...template, netvisorKey: nv.ctx.store.nextId('product'), code: 'MEANWHILE-1', name: 'Villapipo' });
      },
    );
    expect(result).toEqual({ created: [] });
    expect(nv.ctx.store.list<ProductRecord>('products').filter((p) => p.code === 'MEANWHILE-1')).toHaveLength(1);
  });
});
