import { RackbeatClient } from '../../../connectors/rackbeat';
import { control } from '../../support/sandboxes';
import { collect, failure, startRackbeat } from './harness';

let env: Awaited<ReturnType<typeof startRackbeat>>;
let rb: RackbeatClient;

beforeAll(async () => {
  env = await startRackbeat(11);
  rb = env.client();
});
afterAll(() => env.stop());

describe('Rackbeat user-defined fields and the idempotency lookups', () => {
  test('field definitions: create, get by slug, list per kind, update, delete', async () => {
    const f = await rb.fields.create({ name: 'Notat', type: 'textarea', available_for: 'customer' });
    expect(f).toMatchObject({ slug: 'notat', type: 'textarea', available_for: 'customer' });
    expect((await rb.fields.get('notat')).id).toBe(f.id);
    expect((await rb.fields.listFor('customer')).items.map((x) => x.slug)).toEqual(['notat']);
    expect((await rb.fields.listFor('item')).total).toBe(0);
    expect((await rb.fields.update('notat', { name: 'Intern notat' })).name).toBe('Intern notat');
    expect((await collect(rb.fields.iterate())).length).toBe(1);
    await rb.fields.delete('notat');
    expect(await rb.fields.find('notat')).toBeNull();
    const dup = await rb.fields.create({ name: 'X', type: 'text', available_for: 'item', slug: 'x' });
    const err = await failure(rb.fields.create({ name: 'X', type: 'text', available_for: 'item', slug: 'x' }));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'slug' });
    await rb.fields.delete(dup.slug);
  });

  test('values on products, customers and suppliers; find by the stamped 24SO id', async () => {
    const item = await rb.fields.create({ name: '24SO id', slug: '24so-id-item', type: 'text', available_for: 'item' });
    const cust = await rb.fields.create({ name: '24SO id', slug: '24so-id-customer', type: 'text', available_for: 'customer' });
    const supp = await rb.fields.create({ name: '24SO id', slug: '24so-id-supplier', type: 'text', available_for: 'supplier' });

    const [product] = (await rb.products.list({ limit: 2, page: 1 })).items.filter((p) => p.number.includes('/'))
      .concat((await collect(rb.products.iterate())).filter((p) => p.number.includes('/')));
    const written = await rb.products.fieldValues.write(product.number, [{ id: item.id, value: '4711' }]);
    expect(written).toEqual([expect.objectContaining({ field: expect.objectContaining({ id: item.id }), value: '4711' })]);
    expect((await rb.products.fieldValues.read(product.number))[0].value).toBe('4711');
    expect((await rb.products.findByField(item.id, '4711'))?.number).toBe(product.number);
    expect(await rb.products.findByField(item.id, '9999')).toBeNull();

    await rb.customers.fieldValues.write(1002, [{ id: cust.id, value: 'C-88' }]);
    expect((await rb.customers.fieldValues.read(1002))[0].value).toBe('C-88');
    expect((await rb.customers.findByField(cust.id, 'C-88'))?.number).toBe(1002);

    await rb.suppliers.fieldValues.write(5002, [{ id: supp.id, value: 'S-5' }]);
    expect((await rb.suppliers.fieldValues.read(5002))).toEqual([expect.objectContaining({ value: 'S-5' })]);
    expect((await rb.suppliers.findByField(supp.id, 'S-5'))?.number).toBe(5002);

    // A field meant for items cannot be written on a customer.
    const err = await failure(rb.customers.fieldValues.write(1002, [{ id: item.id, value: 'x' }]));
    expect(err).toMatchObject({ errorClass: 'validation', field: 'custom_fields.0.id' });

    // The same 24SO id on two customers is a conflict for the operator, not a silent pick.
    await rb.customers.fieldValues.write(1003, [{ id: cust.id, value: 'C-88' }]);
    expect(await failure(rb.customers.findByField(cust.id, 'C-88'))).toMatchObject({ errorClass: 'conflict', code: 'DUPLICATE_REFERENCE' });

    const state = await control(env.url, 'state');
    expect(state.fieldValues).toEqual(expect.arrayContaining([{ field_id: item.id, owner: 'item', key: product.number, value: '4711' }]));
  });

  test('values survive a product renumbering', async () => {
    const f = await rb.fields.create({ name: 'Ext', slug: 'ext', type: 'text', available_for: 'item' });
    await rb.products.create({ number: 'R/1', name: 'Renamed', group: 1 });
    await rb.products.fieldValues.write('R/1', [{ id: f.id, value: 'e-1' }]);
    await rb.products.update('R/1', { number: 'R/2' });
    expect((await rb.products.findByField(f.id, 'e-1'))?.number).toBe('R/2');
  });
});
