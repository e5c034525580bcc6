import { MockActivityEnvironment } from '@temporalio/testing';
import { currentCall } from '../../connectors/kit/call-context';
import { matchCustomer } from '../../domain/matching';
import { RegisterCache, registerCacheSettings, type RegisterSource } from '../../activities/register-cache';
import type { TargetCustomer } from '../../activities/targets';

/**
 * The register cache on its own, over an in-memory register that records what it was asked: one full read, then
 * changed-since reads no more often than the interval, each from the previous read's start less the overlap; cards
 * found by number, business ID (in any of its written forms) and name, as the matcher compares them.
 */
class MemoryRegister implements RegisterSource {
  customers: Array<TargetCustomer & { changedAt: number }> = [];
  products: Array<{ code: string; changedAt: number }> = [];
  asked: string[] = [];
  failNext = false;
  async allCustomers() {
    this.asked.push('customers');
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Netvisor had a technical error');
    }
    return this.customers.map(({ changedAt: _, ...c }) => c);
  }
  async customersChangedSince(since: Date) {
    this.asked.push(`customers since ${since.getTime()}`);
    return this.customers.filter((c) => c.changedAt >= since.getTime()).map(({ changedAt: _, ...c }) => c);
  }
  async allProducts() {
    this.asked.push('products');
    return this.products.map((p) => p.code);
  }
  async productsChangedSince(since: Date) {
    this.asked.push(`products since ${since.getTime()}`);
    return this.products.filter((p) => p.changedAt >= since.getTime()).map((p) => p.code);
  }
}

const settings = { refreshMs: 60_000, overlapMs: 5_000, enabled: true };

describe('RegisterCache', () => {
  it('reads both registers once, then only what changed, at most once per interval', async () => {
    let now = 1_000_000;
    const source = new MemoryRegister();
    source.customers.push({ id: '1', code: '100', name: 'Kivi Oy', businessId: '1234567-1', changedAt: now - 10 });
    source.products.push({ code: 'P1', changedAt: now - 10 });
    const cache = new RegisterCache(source, settings, () => now);

    expect(await cache.ready()).toBe(true);
    expect(await cache.ready()).toBe(true);
    expect(source.asked).toEqual(['customers', 'products']);
    expect(cache.hasProduct('P1')).toBe(true);

    // Someone renumbers the card and adds a product; the cache sees it at the next read after the interval.
    now += 30_000;
    source.customers[0] = { ...source.customers[0], code: '200', changedAt: now };
    source.products.push({ code: 'P2', changedAt: now });
    await cache.ready();
    expect(cache.customerByCode('200')).toBeNull();
    now += 30_000;
    await cache.ready();
    expect(source.asked.slice(2)).toEqual([`customers since ${1_000_000 - 5_000}`, `products since ${1_000_000 - 5_000}`]);
    expect(cache.customerByCode('100')).toBeNull();
    expect(cache.customerByCode('200')).toMatchObject({ id: '1', name: 'Kivi Oy' });
    expect(cache.hasProduct('P2')).toBe(true);
  });

  it('finds cards by number, business ID in any written form, and name without case or extra spaces', async () => {
    const source = new MemoryRegister();
    source.customers.push(
      { id: '1', code: '100', name: 'Kivi  Oy', businessId: '1234567-1', changedAt: 0 },
      { id: '2', code: '101', name: 'Kivi Oy', businessId: 'FI12345671', changedAt: 0 },
      { id: '3', code: '102', name: 'Muu Oy', changedAt: 0 },
    );
    const cache = new RegisterCache(source, settings, () => 0);
    await cache.ready();
    const query = { code: '12345671', name: 'kivi oy', businessId: '1234567-1' };
    const candidates = cache.customerCandidates(query);
    expect(candidates.map((c) => c.id).sort()).toEqual(['1', '2']);
    // Two cards of one business ID: the matcher sees both and calls it ambiguous, as it would with Netvisor's answer.
    expect(matchCustomer(query, candidates, ['customerNumber', 'businessId', 'name']).kind).toBe('ambiguous');
    expect(cache.customerCandidates({ code: '102', name: 'x' }).map((c) => c.id)).toEqual(['3']);
  });

  it('remembers our own writes by number until a read brings their key, and forgets what the ERP no longer has', async () => {
    const source = new MemoryRegister();
    const cache = new RegisterCache(source, settings, () => 0);
    await cache.ready();
    cache.observeCustomers([{ id: '', code: '300', name: 'Uusi Oy', businessId: '7654321-7' }]);
    expect(cache.customerByCode('300')).toMatchObject({ name: 'Uusi Oy' });
    cache.observeCustomers([{ id: '9', code: '300', name: 'Uusi Oy', businessId: '7654321-7' }]);
    expect(cache.customerCandidates({ code: '300', name: 'Uusi Oy' }).map((c) => c.id)).toEqual(['9']);
    cache.forgetCustomerCode('300');
    expect(cache.customerCandidates({ code: '300', name: 'Uusi Oy', businessId: '7654321-7' })).toEqual([]);
    cache.observeProducts(['P9']);
    cache.forgetProduct('P9');
    expect(cache.hasProduct('P9')).toBe(false);
  });

  it('checks a miss with a customer read that began after it; concurrent misses share one read', async () => {
    let now = 5_000_000;
    const source = new MemoryRegister();
    const cache = new RegisterCache(source, settings, () => now);
    await cache.ready();
    now += 1000;
    source.customers.push({ id: '7', code: '700', name: 'Tuore Oy', changedAt: now });
    const noticed = cache.clock();
    const [a, b] = await Promise.all([cache.customersSeenAfter(noticed), cache.customersSeenAfter(noticed)]);
    expect([a, b]).toEqual([true, true]);
    expect(source.asked).toEqual(['customers', 'products', `customers since ${5_000_000 - 5_000}`]);
    expect(cache.customerByCode('700')).toMatchObject({ name: 'Tuore Oy' });
    // A later miss needs a later read.
    now += 1000;
    expect(await cache.customersSeenAfter(cache.clock())).toBe(true);
    expect(source.asked).toHaveLength(4);
  });

  it("lets a miss's customer read stand in for the next refresh of the customer register", async () => {
    let now = 7_000_000;
    const source = new MemoryRegister();
    const cache = new RegisterCache(source, settings, () => now);
    await cache.ready();
    // A new customer's miss at 50 s is checked with a customer read then.
    now += 50_000;
    expect(await cache.customersSeenAfter(cache.clock())).toBe(true);
    // The interval is up at 60 s: only the products are read; the customers were read 10 s ago.
    now += 10_000;
    await cache.ready();
    expect(source.asked).toEqual(['customers', 'products', `customers since ${7_000_000 - 5_000}`, `products since ${7_000_000 - 5_000}`]);
    // At 120 s the customers are due again, read from the miss's read on (less the overlap).
    now += 60_000;
    await cache.ready();
    expect(source.asked.slice(4)).toEqual([`customers since ${7_050_000 - 5_000}`, `products since ${7_060_000 - 5_000}`]);
  });

  it('is not usable while its first read fails, and is switched off by SIIRTO_REGISTER_CACHE=off', async () => {
    const source = new MemoryRegister();
    source.failNext = true;
    const cache = new RegisterCache(source, settings, () => 0);
    expect(await cache.ready()).toBe(false);
    expect(await cache.ready()).toBe(true);

    const off = new RegisterCache(new MemoryRegister(), registerCacheSettings({ SIIRTO_REGISTER_CACHE: 'off' }), () => 0);
    expect(await off.ready()).toBe(false);
    expect(registerCacheSettings({ SIIRTO_REGISTER_CACHE_REFRESH_S: '5' }).refreshMs).toBe(5000);
    expect(() => registerCacheSettings({ SIIRTO_REGISTER_CACHE_REFRESH_S: 'soon' })).toThrow(/positive number of seconds/);
  });

  it("prefetch starts the read without waiting, outside the calling activity, and the next ready() shares it", async () => {
    const source = new MemoryRegister();
    source.products.push({ code: 'P1', changedAt: 0 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const contexts: Array<AbortSignal | undefined> = [];
    const read = source.allCustomers.bind(source);
    source.allCustomers = async () => {
      // What a connector would see: the activity's signal if the read ran inside it.
      contexts.push(currentCall().signal);
      await held;
      return read();
    };
    const cache = new RegisterCache(source, settings);
    const env = new MockActivityEnvironment();
    // The activity (a shop read) ends, cancelled even, while the read it started goes on.
    await env.run(async () => cache.prefetch());
    env.cancel();
    expect(source.asked).toEqual([]);
    expect(contexts).toEqual([undefined]);
    const ready = cache.ready();
    release();
    expect(await ready).toBe(true);
    expect(source.asked).toEqual(['customers', 'products']);
    expect(cache.hasProduct('P1')).toBe(true);
    // Off: nothing is read.
    const offSource = new MemoryRegister();
    new RegisterCache(offSource, { ...settings, enabled: false }).prefetch();
    await new Promise((r) => setImmediate(r));
    expect(offSource.asked).toEqual([]);
  });
});
