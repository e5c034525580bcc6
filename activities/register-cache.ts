import { AsyncResource } from 'node:async_hooks';
import { z } from 'zod';
import { normalizeBusinessId } from '../domain/business-id';
import { normalizeName } from '../domain/matching';
import type { TargetCustomer } from './targets/target';

/**
 * What a worker already knows of one ERP environment's customer and product registers, so that a steady stream of
 * orders from returning customers with known products costs the document write and nothing else.
 *
 * - Filled once per worker and environment by listing both registers (one call each; Netvisor's lists have no
 *   paging), on the first order that needs them.
 * - Kept fresh by our own writes (a card or product this worker created is remembered at once), by a changed-since
 *   read of both registers at most every `refreshMs` while orders flow (never while idle), and by anything else that
 *   reads the registers and reports what it saw (`observeCustomers`, `observeProducts`: the register sync's polls).
 * - Only ever an answer to "is it there?". A miss is asked of the ERP (activities/customers.ts, products.ts), and a
 *   document write the ERP refuses makes the document step check the customer and products it used in the ERP and
 *   forget what is gone (activities/sales-documents.ts). Every worker has its own cache; none of them decides alone
 *   that something is missing, so a stale or empty cache can cost calls but never creates a duplicate.
 *
 * Deletions are not in a changed-since read; a deleted card or product is found out when the ERP refuses a
 * document that names it.
 */
export interface RegisterSource {
  /** The whole customer register: key, code, name, business ID. */
  allCustomers(): Promise<TargetCustomer[]>;
  customersChangedSince(since: Date): Promise<TargetCustomer[]>;
  /** The codes of the whole product register. */
  allProducts(): Promise<string[]>;
  productsChangedSince(since: Date): Promise<string[]>;
}

export const RegisterCacheSettings = z.object({
  /** At most this often a changed-since read of both registers while orders use the cache. */
  refreshMs: z.number().int().positive(),
  /** The changed-since read asks from this much before the previous read began, for clocks that disagree. */
  overlapMs: z.number().int().nonnegative(),
  /** Off: every look-up goes to the ERP, as before the cache. */
  enabled: z.boolean(),
});
export type RegisterCacheSettings = z.infer<typeof RegisterCacheSettings>;

/** SIIRTO_REGISTER_CACHE=off turns the cache off; SIIRTO_REGISTER_CACHE_REFRESH_S sets the changed-since interval (default 60 s). */
export function registerCacheSettings(env: NodeJS.ProcessEnv = process.env): RegisterCacheSettings {
  const refresh = env.SIIRTO_REGISTER_CACHE_REFRESH_S;
  const seconds = refresh === undefined || refresh === '' ? 60 : Number(refresh);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`SIIRTO_REGISTER_CACHE_REFRESH_S must be a positive number of seconds, not "${refresh}"`);
  return RegisterCacheSettings.parse({ refreshMs: Math.round(seconds * 1000), overlapMs: 60_000, enabled: env.SIIRTO_REGISTER_CACHE !== 'off' });
}

/** A business ID compared as the matcher compares it (domain/matching.ts): a Finnish one in its one form, else without spaces and case. */
const registrationKey = (value?: string): string | undefined => {
  const v = value?.trim();
  if (!v) return undefined;
  return normalizeBusinessId(v) ?? v.replace(/\s+/g, '').toUpperCase();
};

class Index {
  private readonly map = new Map<string, Set<string>>();
  add(key: string | undefined, id: string): void {
    if (!key) return;
    let ids = this.map.get(key);
    if (!ids) this.map.set(key, (ids = new Set()));
    ids.add(id);
  }
  remove(key: string | undefined, id: string): void {
    if (!key) return;
    const ids = this.map.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.map.delete(key);
  }
  get(key: string | undefined): Iterable<string> {
    return (key && this.map.get(key)) || [];
  }
}

export class RegisterCache {
  private readonly customers = new Map<string, TargetCustomer>();
  private readonly byCode = new Index();
  private readonly byBusinessId = new Index();
  private readonly byName = new Index();
  private readonly products = new Set<string>();
  /** When the latest full or changed-since read began (worker clock); null until the first full read. */
  private readAt: number | null = null;
  private reading: Promise<void> | null = null;
  /** When the latest read of the customer register began, and the one in flight, if any. */
  private customersReadAt: number | null = null;
  private customerRead: { began: number; done: Promise<void> } | null = null;

  constructor(
    private readonly source: RegisterSource,
    private readonly settings: RegisterCacheSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Makes sure the registers have been read, and read again since `refreshMs`. False when they could not be (the
   * caller then asks the ERP as if there were no cache); the failure is not the order's.
   */
  async ready(): Promise<boolean> {
    if (!this.settings.enabled) return false;
    const due = this.readAt === null || this.now() - this.readAt >= this.settings.refreshMs;
    if (due) {
      this.reading ??= this.read().finally(() => (this.reading = null));
      try {
        await this.reading;
      } catch {
        // A failed changed-since read leaves what we had; a failed first read leaves the cache unusable for now.
      }
    }
    return this.readAt !== null;
  }

  /**
   * Starts `ready()` and does not wait for it: for a step that knows the next one will ask (an order's shop read,
   * before its customer and products), so that the read runs beside the shop's instead of after it. It runs outside
   * the calling activity, so that activity's end or cancellation does not cut the read the next step shares; a failed
   * read is the next `ready()`'s to retry.
   */
  prefetch(): void {
    if (!this.settings.enabled) return;
    outsideActivities.runInAsyncScope(() => void this.ready().catch(() => undefined));
  }

  private async read(): Promise<void> {
    const began = this.now();
    if (this.readAt === null) {
      const [customers, products] = [await this.source.allCustomers(), await this.source.allProducts()];
      this.customers.clear();
      this.products.clear();
      this.observeCustomers(customers);
      this.observeProducts(products);
    } else {
      // A miss's check (customersSeenAfter) is a changed-since read of the customers too: when one began within the
      // interval, the customer register is fresh enough and only the products are read, so a new customer's check
      // stands in for the refresh that would have come anyway.
      const customersSince = this.customersReadAt ?? this.readAt;
      if (began - customersSince >= this.settings.refreshMs) {
        this.observeCustomers(await this.source.customersChangedSince(new Date(customersSince - this.settings.overlapMs)));
        this.customersReadAt = Math.max(this.customersReadAt ?? began, began);
      }
      this.observeProducts(await this.source.productsChangedSince(new Date(this.readAt - this.settings.overlapMs)));
      this.readAt = began;
      return;
    }
    this.readAt = began;
    this.customersReadAt = Math.max(this.customersReadAt ?? began, began);
  }

  /** The worker clock the cache reads by. */
  clock(): number {
    return this.now();
  }

  /**
   * Brings in every customer card made or changed in the ERP up to at least `noticedAt`: a changed-since read of
   * the customer register that began after that moment (one already under way that began after it is shared, so
   * concurrent misses cost one call). This is how a miss is checked against the ERP: a card a person or another
   * worker made since our last read arrives here. False when the read failed (ask the ERP another way).
   */
  async customersSeenAfter(noticedAt: number): Promise<boolean> {
    for (;;) {
      if (this.customersReadAt !== null && this.customersReadAt >= noticedAt && this.readAt !== null) return true;
      const inFlight = this.customerRead;
      if (inFlight) {
        try {
          await inFlight.done;
        } catch {
          if (inFlight.began >= noticedAt) return false;
        }
        continue;
      }
      if (this.readAt === null || this.customersReadAt === null) return false;
      const began = this.now();
      const since = new Date(this.customersReadAt - this.settings.overlapMs);
      const done = this.source.customersChangedSince(since).then((cards) => {
        this.observeCustomers(cards);
        this.customersReadAt = Math.max(this.customersReadAt ?? began, began);
      });
      this.customerRead = { began, done: done.finally(() => (this.customerRead = null)) };
    }
  }

  /** Cards the cache holds for a query: the same number, business ID or name. Call `ready()` first. */
  customerCandidates(query: { code?: string; businessId?: string; name: string }): TargetCustomer[] {
    const ids = new Set<string>([...this.byCode.get(query.code), ...this.byBusinessId.get(registrationKey(query.businessId)), ...this.byName.get(normalizeName(query.name))]);
    return [...ids].map((id) => this.customers.get(id)!).filter(Boolean);
  }

  customerByCode(code: string): TargetCustomer | null {
    for (const id of this.byCode.get(code)) return this.customers.get(id) ?? null;
    return null;
  }

  hasProduct(code: string): boolean {
    return this.products.has(code);
  }

  /** Cards seen in the ERP (a look-up, a list, a poll) or just written by us: added, or replacing what we had. */
  observeCustomers(cards: readonly TargetCustomer[]): void {
    for (const card of cards) {
      const id = card.id || `code:${card.code}`;
      this.dropCustomer(id);
      // A card we wrote ourselves is known by its code until a read brings its key.
      if (card.id && card.code) this.dropCustomer(`code:${card.code}`);
      this.customers.set(id, card);
      this.byCode.add(card.code, id);
      this.byBusinessId.add(registrationKey(card.businessId), id);
      this.byName.add(normalizeName(card.name), id);
    }
  }

  observeProducts(codes: readonly string[]): void {
    for (const code of codes) this.products.add(code);
  }

  /** The ERP has no card with this number (any more): every card we hold under it goes. */
  forgetCustomerCode(code: string): void {
    for (const id of [...this.byCode.get(code)]) this.dropCustomer(id);
  }

  forgetProduct(code: string): void {
    this.products.delete(code);
  }

  private dropCustomer(id: string): void {
    const old = this.customers.get(id);
    if (!old) return;
    this.customers.delete(id);
    this.byCode.remove(old.code, id);
    this.byBusinessId.remove(registrationKey(old.businessId), id);
    this.byName.remove(normalizeName(old.name), id);
  }
}

/** The async context this module was loaded in: no activity's (connectors/kit/call-context.ts reads it). */
const outsideActivities = new AsyncResource('siirto.register-cache');

/** One cache per worker (its Connections), tenant and ERP environment. */
const caches = new WeakMap<object, Map<string, RegisterCache>>();

export function registerCacheFor(owner: object, environment: string, source: () => RegisterSource, settings: () => RegisterCacheSettings): RegisterCache {
  let byEnvironment = caches.get(owner);
  if (!byEnvironment) caches.set(owner, (byEnvironment = new Map()));
  let cache = byEnvironment.get(environment);
  if (!cache) byEnvironment.set(environment, (cache = new RegisterCache(source(), settings())));
  return cache;
}
