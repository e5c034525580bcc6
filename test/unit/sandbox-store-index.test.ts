import { SandboxStore } from '../../sandbox/kit/store';

/** sandbox/kit/store.ts findBy: the same answer as a scan, whatever changed the collection. */
describe('SandboxStore.findBy', () => {
  const scan = (store: SandboxStore, value: unknown) => store.list('products').find((r) => r.number === value);

  it('finds by key as find() does, after inserts, removals, resets and restores', () => {
    const store = new SandboxStore(['products', 'other']);
    for (let i = 0; i < 1000; i++) store.insert('products', { number: `P${i}`, i });
    expect(store.findBy('products', 'number', 'P500')).toBe(scan(store, 'P500'));
    store.insert('products', { number: 'NEW' });
    expect(store.findBy('products', 'number', 'NEW')?.number).toBe('NEW');
    // A second record with a number already taken: the first one still answers, as find() would.
    store.insert('products', { number: 'P1', second: true });
    expect(store.findBy('products', 'number', 'P1')).toBe(scan(store, 'P1'));
    store.remove('products', (r) => r.number === 'P500');
    expect(store.findBy('products', 'number', 'P500')).toBeUndefined();
    const dump = store.dump();
    store.reset();
    expect(store.findBy('products', 'number', 'P7')).toBeUndefined();
    store.restore(dump);
    expect(store.findBy('products', 'number', 'P7')).toEqual({ number: 'P7', i: 7 });
    expect(store.findBy('other', 'number', 'P7')).toBeUndefined();
  });

  it('lists every record with a value, in order, as filter() does', () => {
    const store = new SandboxStore(['inventory']);
    for (let i = 0; i < 300; i++) store.insert('inventory', { product: i % 100, warehouse: Math.floor(i / 100) });
    expect(store.allBy('inventory', 'product', 42)).toEqual(store.list('inventory').filter((r) => r.product === 42));
    expect(store.allBy('inventory', 'product', 42)).toHaveLength(3);
    store.remove('inventory', (r) => r.product === 42 && r.warehouse === 1);
    expect(store.allBy('inventory', 'product', 42).map((r) => r.warehouse)).toEqual([0, 2]);
    expect(store.allBy('inventory', 'product', 1000)).toEqual([]);
  });

  it('compares exactly: the number 5 is not the text "5"', () => {
    const store = new SandboxStore(['products']);
    store.insert('products', { number: 5 });
    expect(store.findBy('products', 'number', 5)).toEqual({ number: 5 });
    expect(store.findBy('products', 'number', '5')).toBeUndefined();
  });

  it('follows records pushed behind its back and keys changed in place', () => {
    const store = new SandboxStore(['products']);
    store.insert('products', { number: 'A' });
    expect(store.findBy('products', 'number', 'A')).toBeDefined();
    store.list('products').push({ number: 'B' });
    expect(store.findBy('products', 'number', 'B')).toEqual({ number: 'B' });
    const a = store.findBy('products', 'number', 'A')!;
    a.number = 'A2';
    // Not told: the stale entry is noticed on a hit and answered by a scan.
    expect(store.findBy('products', 'number', 'A')).toBeUndefined();
    store.touched('products');
    expect(store.findBy('products', 'number', 'A2')).toBe(a);
  });

  it('answers as find() and filter() through a long random mix of inserts, removals, pushes and renames', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const store = new SandboxStore(['products']);
    for (let step = 0; step < 5000; step++) {
      const op = rnd(10);
      const key = `P${rnd(200)}`;
      if (op < 5) store.insert('products', { number: key, step });
      else if (op === 5) store.remove('products', (r) => r.number === key);
      else if (op === 6) store.list('products').push({ number: key, step });
      else if (op === 7) {
        const r = store.list('products')[rnd(Math.max(1, store.list('products').length))];
        if (r) {
          r.number = `P${rnd(200)}`;
          store.touched('products');
        }
      }
      const probe = `P${rnd(200)}`;
      expect(store.findBy('products', 'number', probe)).toBe(store.list('products').find((r) => r.number === probe));
      expect(store.allBy('products', 'number', probe)).toEqual(store.list('products').filter((r) => r.number === probe));
    }
  });
});
