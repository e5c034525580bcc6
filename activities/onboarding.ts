import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ensureLifecycleSchedules } from '../client/lifecycle-schedules';
import { ensureReconcileSchedules } from '../orchestration/schedules';
import { ensureSyncSchedules } from '../orchestration/sync-schedules';
import { ensureStockSchedules, stockScheduleId } from '../orchestration/stock-schedules';
import { ensureInvoiceSchedule, invoiceScheduleId } from '../orchestration/invoice-schedules';
import type { ResolvedTenant } from '../config/load';
import { pairSettings } from '../config/sync-schema';
import { INVOICE_PAIR, type InvoiceTransferSettings } from '../config/invoice-schema';
import type { ShopStockSettings } from '../config/stock-schema';
import { isConnectorError } from '../connectors/kit/errors';
import type { PermissionProbe } from '../connectors/netvisor';
import { listLocations } from '../connectors/shopify/stock';
import { TwentyFourSevenClient } from '../connectors/twentyfourseven';
import { listIdentitiesWithCredential } from '../connectors/twentyfourseven/identities';
import { LINK_FIELDS } from '../domain/mapping/rackbeat-twentyfourseven';
import { isOrderExportPair, type CheckLine, type IdentityChoice, type OnboardingPair } from '../domain/onboarding';
import { PAIRS, type PairName } from '../domain/sync';
import { rangeForShop } from '../domain/numbering';
import type { Connections } from './connections';
import { toActivityFailure } from './failures';
import { t, type Localized, type MessageKey } from '../i18n';

/** A sentence by key: its English text (the `message` every older reader shows) and the key for the others. */
function say(key: MessageKey, params: Record<string, string | number> = {}): { message: string; msg: Localized } {
  return { message: t('en', key, params), msg: Object.keys(params).length ? { key, params } : { key } };
}

/** A check line whose sentence is a catalog key. */
const line = (system: string, ok: boolean, key: MessageKey, params: Record<string, string | number> = {}, extra: Partial<CheckLine> = {}): CheckLine => ({
  system,
  ok,
  ...extra,
  ...say(key, params),
});

/**
 * The catalog sentence for a refused login: the seed sentence of the system when the connector gave its standard
 * "Invalid … : connection cannot be established" answer, else the connector's own words (still keyed, so a reader
 * sees at least that it is the credentials).
 */
export function credentialsSentence(system: string, err: { message: string; errorClass?: string }): { message: string; msg: Localized } {
  const standard = /: connection cannot be established\. Check the /.test(err.message);
  const base = system.startsWith('shop:') ? (/WooCommerce/.test(err.message) ? 'woocommerce' : /Shopify/.test(err.message) ? 'shopify' : '') : system;
  if (standard && ['netvisor', 'procountor', 'rackbeat', '24so', 'severa', 'shopify'].includes(base)) {
    const keyed = say(`credentials.invalid.${base}` as MessageKey);
    if (keyed.message === err.message) return keyed;
  }
  if (standard && base === 'woocommerce') {
    const what = /consumer secret:/.test(err.message) ? 'secret' : /consumer key:/.test(err.message) ? 'key' : 'api';
    const keyed = say('credentials.invalid.woocommerce', { what });
    if (keyed.message === err.message) return keyed;
  }
  return { message: err.message, msg: { key: 'credentials.refused', params: { detail: err.message } } };
}

/**
 * What onboarding asks of the systems (workflows/onboarding.ts): credentials, rights, prerequisites, and at go-live
 * the flows' Schedules. The checks answer in operator sentences instead of throwing — a wrong key is an answer,
 * not a failure — and only passing troubles (5xx, timeouts, rate limits) are thrown, so Temporal retries them.
 * Creating prerequisites looks before it creates, so repeating it creates nothing twice.
 */
export interface OnboardingPlan {
  systems: string[];
  /** Register → directions the pair allows; empty for order export. */
  registers: Record<string, string[]>;
  /** Register → direction the tenant file configures (sync.pairs[].registers), the default for confirmation. */
  configured: Record<string, string>;
  /** Whether a 24SevenOffice identity is already configured. */
  identityConfigured: boolean;
  /** The transfers the tenant file configures that go live with this pair (stock levels, invoices); absent in older results. */
  transfers?: TransferOffer[];
}

/**
 * A transfer the tenant file configures besides the register sync, offered in the registers-and-directions step
 * and started at go-live when the operator keeps it chosen: the stock levels Netvisor → one shop (`stock:<shop>`,
 * with the shop-netvisor pair) and the invoices Rackbeat → 24SevenOffice or Netvisor (`invoices`, with the
 * rackbeat-24so or rackbeat-netvisor pair: the pair whose pairing the invoices use, config/invoice-schema.ts).
 */
export interface TransferOffer {
  /** `stock:<shop>` or `invoices`. */
  id: string;
  kind: 'stock' | 'invoices';
  /** The system that receives: `shop:<id>` for stock, `netvisor` or `24so` for invoices. */
  system: string;
  /** What it does, in English when chosen (`on`) and when left out (`off`), and as a catalog key whose `chosen` parameter says which. */
  on: string;
  off: string;
  msg: Localized;
  /** The Schedule go-live creates for it. */
  schedule: string;
}

export interface CredentialsResult {
  ok: boolean;
  message: string;
  /** `message` as a catalog key and parameters (i18n/). */
  msg?: Localized;
}

export interface PrerequisitesResult {
  lines: CheckLine[];
  /** 24SevenOffice: the login sees several companies and none is chosen. */
  identityChoices?: IdentityChoice[];
  /** The identity that will be used (configured, chosen, or the only one). */
  identityId?: string;
}

export interface PrerequisitesInput {
  tenant: string;
  pair: OnboardingPair;
  identityId?: string;
}

/**
 * The Rackbeat user-defined fields the rackbeat-24so pair keeps 24SO ids in: the register sync's LINK_FIELDS, and the
 * order lifecycle's `lifecycle.links` when a tenant names other ones.
 */
export function twentyFourSevenIdFields(tenant: ResolvedTenant): Array<{ owner: 'customer' | 'item' | 'supplier'; slug: string; name: string }> {
  const fields: Array<{ owner: 'customer' | 'item' | 'supplier'; slug: string; name: string }> = [
    { owner: 'customer', slug: LINK_FIELDS.customers, name: '24SO customer id' },
    { owner: 'item', slug: LINK_FIELDS.products, name: '24SO product id' },
    { owner: 'supplier', slug: LINK_FIELDS.suppliers, name: '24SO supplier id' },
  ];
  const links = tenant.lifecycle?.links;
  if (links && links.customerField !== LINK_FIELDS.customers) fields.push({ owner: 'customer', slug: links.customerField, name: `24SO customer id (${links.customerField})` });
  if (links && links.productField !== LINK_FIELDS.products) fields.push({ owner: 'item', slug: links.productField, name: `24SO product id (${links.productField})` });
  return fields;
}

/** The tenant's stock entries (config/stock-schema.ts), as the schema gives them. */
const stockShops = (tenant: ResolvedTenant): ShopStockSettings[] => ((tenant as { stock?: { shops?: unknown[] } }).stock?.shops ?? []) as ShopStockSettings[];
const invoiceSettings = (tenant: ResolvedTenant): InvoiceTransferSettings | undefined => (tenant as { invoices?: InvoiceTransferSettings }).invoices;

/**
 * The systems a pair uses in this tenant; a missing connection is the operator's to fix in the file. The shops of
 * shop-netvisor are the ones exporting to Netvisor and the ones whose stock comes from Netvisor (`stock.shops`).
 */
export function pairSystems(tenant: ResolvedTenant, pair: OnboardingPair): string[] {
  if (isOrderExportPair(pair)) {
    const target = pair === 'shop-netvisor' ? 'netvisor' : 'procountor';
    const exporting = tenant.shops.filter((s) => s.exportTo === target);
    const stocked = pair === 'shop-netvisor' ? stockShops(tenant).map((s) => s.shop).filter((id) => !exporting.some((x) => x.id === id)) : [];
    if (!exporting.length && !stocked.length) {
      throw new Error(`no shop of tenant "${tenant.tenant}" exports to ${target} (shops[].exportTo in config/${tenant.tenant}.yaml)${pair === 'shop-netvisor' ? ' or takes its stock from Netvisor (stock.shops)' : ''}`);
    }
    if (exporting.length && !tenant.orderExport) throw new Error(`tenant "${tenant.tenant}" has no orderExport settings`);
    if (!tenant.connections[target]) throw new Error(`tenant "${tenant.tenant}" has no connections.${target}`);
    return [...exporting.map((s) => `shop:${s.id}`), ...stocked.map((id) => `shop:${id}`), target];
  }
  const systems = [...PAIRS[pair].systems] as string[];
  for (const s of systems) {
    const key = s === '24so' ? 'twentyfourseven' : s;
    if (!tenant.connections[key as keyof ResolvedTenant['connections']]) {
      throw new Error(`tenant "${tenant.tenant}" has no connections.${key}, which pair ${pair} needs`);
    }
  }
  return systems;
}

/** The stock and invoice transfers of the tenant file that go live with this pair. */
export function pairTransfers(tenant: ResolvedTenant, pair: OnboardingPair): TransferOffer[] {
  const offers: TransferOffer[] = [];
  if (pair === 'shop-netvisor') {
    for (const s of stockShops(tenant)) {
      const params = { shop: s.shop, mode: s.mode, warehouses: s.warehouses.join(s.mode === 'sum' ? ' + ' : ', '), quantity: s.quantity, every: s.pollEvery };
      offers.push({
        id: `stock:${s.shop}`,
        kind: 'stock',
        system: `shop:${s.shop}`,
        on: t('en', 'onboarding.transfer.stock', { ...params, chosen: 'yes' }),
        off: t('en', 'onboarding.transfer.stock', { ...params, chosen: 'no' }),
        msg: { key: 'onboarding.transfer.stock', params },
        schedule: stockScheduleId(tenant.tenant, s.shop),
      });
    }
  }
  const inv = invoiceSettings(tenant);
  if (inv && INVOICE_PAIR[inv.to] === pair) {
    const params = {
      to: inv.to === '24so' ? '24SevenOffice' : 'Netvisor',
      creditNotes: inv.creditNotes ? 'yes' : 'no',
      status: inv.to === 'netvisor' ? inv.netvisorStatus : 'none',
      unpaired: inv.unpaired,
      every: inv.reconcileEvery,
    };
    offers.push({
      id: 'invoices',
      kind: 'invoices',
      system: inv.to,
      on: t('en', 'onboarding.transfer.invoices', { ...params, chosen: 'yes' }),
      off: t('en', 'onboarding.transfer.invoices', { ...params, chosen: 'no' }),
      msg: { key: 'onboarding.transfer.invoices', params },
      schedule: invoiceScheduleId(tenant.tenant),
    });
  }
  return offers;
}

/** A line whose sentence ends in an empty detail. */
const trimmed = (l: CheckLine): CheckLine => ({ ...l, message: l.message.trim() });

/** A connector error that is an answer (wrong key, no right, bad data) rather than a passing trouble. */
const isAnswer = (err: unknown): err is Error & { errorClass: string; message: string } => isConnectorError(err) && !err.retryable;

/** Netvisor rights each pair needs, in Netvisor's register names (connectors/netvisor/permissions.ts). */
function netvisorNeeds(tenant: ResolvedTenant, pair: OnboardingPair): string[] {
  if (pair === 'shop-netvisor') {
    const doc = tenant.orderExport?.document;
    const exporting = tenant.shops.some((s) => s.exportTo === 'netvisor') && tenant.orderExport;
    const exportNeeds = exporting ? ['Asiakasrekisteri', 'Tuoterekisteri', doc?.type === 'order' ? 'Myyntitilaukset' : 'Myyntilaskut', ...(doc?.registerPayment ? ['Myyntisuoritukset'] : [])] : [];
    return [...exportNeeds, ...(stockShops(tenant).length ? ['Varasto'] : [])];
  }
  if (pair === 'severa-netvisor') return ['Asiakasrekisteri', 'Tuoterekisteri', 'Laskentakohteet'];
  if (pair === 'rackbeat-netvisor') return ['Asiakasrekisteri', 'Tuoterekisteri', 'Toimittajarekisteri', ...(invoiceSettings(tenant)?.to === 'netvisor' ? ['Myyntilaskut'] : [])];
  return [];
}

/**
 * The catalog sentence of a granted Netvisor right that a transfer needs: what it is for, and (invoices) that the
 * write itself cannot be probed without writing. Null for the register sync's and order export's own rights.
 */
function netvisorTransferSentence(tenant: ResolvedTenant, pair: OnboardingPair, register: string): [MessageKey, Record<string, string>] | null {
  if (register === 'Varasto' && pair === 'shop-netvisor') return ['permissions.netvisor.stock', { shops: stockShops(tenant).map((s) => s.shop).join(', ') }];
  if (register === 'Myyntilaskut' && pair === 'rackbeat-netvisor') return ['permissions.netvisor.invoices', { creditNotes: invoiceSettings(tenant)?.creditNotes ? 'yes' : 'no' }];
  return null;
}

/** Severa scopes by register (connectors/severa: customers → customers:read, products and cost centres → settings:read). */
const SEVERA_SCOPES = ['customers:read', 'settings:read'];

export function createOnboardingActivities(connections: Connections, temporal: () => Client) {
  /** The tenant, or a config problem as an answer. */
  const tenantOf = (id: string) => connections.tenant(id);

  /** One call that needs valid credentials and as little else as possible, per system. */
  async function cheapestAuthenticatedCall(tenant: string, system: string): Promise<{ message: string; msg: Localized }> {
    if (system.startsWith('shop:')) {
      const shopId = system.slice('shop:'.length);
      const shop = connections.shop(tenant, shopId);
      if (shop.system === 'woocommerce') await connections.woocommerce(tenant, shopId).listOrders({ perPage: 1 });
      else await connections.shopify(tenant, shopId).listOrders({ limit: 1 });
      return say('credentials.ok');
    }
    switch (system) {
      case 'netvisor':
        await connections.netvisor(tenant).listCustomers({ keyword: 'siirto-credentials-check' });
        return say('credentials.ok');
      case 'procountor': {
        const info = await connections.procountor(tenant).checkConnection();
        const who = (info as { name?: string; userName?: string }).name ?? (info as { userName?: string }).userName;
        return who ? say('credentials.ok.who', { who }) : say('credentials.ok');
      }
      case 'rackbeat': {
        const self = await connections.rackbeat(tenant).checkCredentials();
        return self.name ? say('credentials.ok.who', { who: self.name }) : say('credentials.ok');
      }
      case 'severa':
        await connections.severa(tenant).checkConnection();
        return say('credentials.ok');
      case '24so': {
        const c = tenantOf(tenant).connections.twentyfourseven!;
        const identities = await listIdentitiesWithCredential(c);
        const usable = identities.filter((i) => !i.isDisabled);
        return usable.length > 1 && !c.identityId ? say('credentials.ok.companies', { count: usable.length }) : say('credentials.ok');
      }
      default:
        throw new Error(`unknown system "${system}"`);
    }
  }

  async function netvisorProbes(tenant: string): Promise<PermissionProbe[]> {
    return connections.netvisor(tenant).probePermissions();
  }

  /**
   * The rights the stock and invoice transfers of this pair need in one system (Netvisor's are among netvisorNeeds).
   * Checked where the API can tell without changing anything; where it cannot, the line says so and what to check.
   */
  async function transferPermissions(t: ResolvedTenant, pair: OnboardingPair, system: string): Promise<CheckLine[]> {
    const offers = pairTransfers(t, pair);
    const lines: CheckLine[] = [];
    const refused = (err: unknown, classes: string[]): err is Error & { errorClass: string } => isConnectorError(err) && classes.includes(err.errorClass);
    if (system.startsWith('shop:') && offers.some((o) => o.kind === 'stock' && o.system === system)) {
      const shopId = system.slice('shop:'.length);
      const shop = connections.shop(t.tenant, shopId);
      if (shop.system === 'woocommerce') {
        // An empty batch: WooCommerce checks the key's write permission before the batch, and an empty one changes nothing.
        const item = 'products (REST API key read/write)';
        try {
          await connections.woocommerce(t.tenant, shopId).request({ method: 'POST', path: 'products/batch', resource: 'products (stock levels)', body: { update: [] } }, z.unknown());
          lines.push(line(system, true, 'permissions.woocommerce.stockWrite', {}, { item }));
        } catch (err) {
          if (!refused(err, ['permission'])) throw err;
          lines.push(line(system, false, 'permissions.woocommerce.readOnly', {}, { item }));
        }
      } else {
        const api = connections.shopify(t.tenant, shopId);
        // The app's granted scopes, as Shopify lists them for the token (AccessScope, GET /admin/oauth/access_scopes.json,
        // https://shopify.dev/docs/api/admin-rest/latest/resources/accessscope).
        const wanted = ['read_products', 'read_locations', 'read_inventory', 'write_inventory'];
        let granted: string[] | undefined;
        let unlisted = '';
        try {
          const url = `${shop.baseUrl.replace(/\/+$/, '')}/admin/oauth/access_scopes.json`;
          const { data } = await api.request({ method: 'GET', path: url, resource: 'access scopes' }, z.object({ access_scopes: z.array(z.object({ handle: z.string() }).loose()) }).loose());
          granted = data.access_scopes.map((x) => x.handle);
        } catch (err) {
          // Credentials are the credentials step's; anything else (not listed here, an odd reply) falls back to reading.
          if (isConnectorError(err) && err.errorClass === 'credentials') throw err;
          unlisted = (err as Error).message.replace(/; will retry$/, '');
        }
        if (granted) {
          for (const scope of wanted) {
            lines.push(granted.includes(scope) ? line(system, true, 'permissions.shopify.granted', {}, { item: scope }) : line(system, false, 'permissions.shopify.notGranted', { scope }, { item: scope }));
          }
        } else {
          const probe = async (scope: string, path: string, query: Record<string, string | number>): Promise<unknown> => {
            try {
              const { data } = await api.request({ method: 'GET', path, resource: scope, query }, z.unknown());
              lines.push(line(system, true, 'permissions.ok', {}, { item: scope }));
              return data;
            } catch (err) {
              if (!refused(err, ['permission'])) throw err;
              lines.push(line(system, false, 'permissions.shopify.missing', { scope, detail: err.message }, { item: scope }));
              return undefined;
            }
          };
          await probe('read_products', 'products.json', { limit: 1, fields: 'id' });
          const locations = (await probe('read_locations', 'locations.json', {})) as { locations?: Array<{ id: number }> } | undefined;
          const first = locations?.locations?.[0]?.id;
          if (first !== undefined) await probe('read_inventory', 'inventory_levels.json', { location_ids: String(first), limit: 1 });
          // A write scope shows only in the scope list or in a write: said as such, not claimed.
          lines.push(line(system, true, 'permissions.shopify.writeInventory', { detail: unlisted }, { item: 'write_inventory' }));
        }
      }
    }
    const invoices = offers.find((o) => o.kind === 'invoices');
    if (invoices && system === 'rackbeat') {
      const rb = connections.rackbeat(t.tenant);
      const item = 'customer invoices (GET customer-invoices)';
      try {
        await rb.invoices.list({ limit: 1 });
        lines.push(line(system, true, 'permissions.rackbeat.invoices', {}, { item }));
      } catch (err) {
        if (!refused(err, ['permission', 'business'])) throw err;
        lines.push(line(system, false, 'permissions.rackbeat.refused', { what: 'customer invoices', detail: err.message }, { item }));
      }
      const hooks = 'webhooks (GET webhooks)';
      const url = `${t.server?.publicUrl ?? '<server.publicUrl>'}/webhooks/rackbeat/${t.tenant}`;
      try {
        const events: string[] = [];
        for await (const hook of rb.webhooks.iterate({})) if (hook.event.startsWith('customer_invoice') && hook.is_active !== false) events.push(hook.event);
        lines.push(
          events.length
            ? line(system, true, 'permissions.rackbeat.invoiceWebhook', { events: [...new Set(events)].join(', ') }, { item: hooks })
            : line(system, true, 'permissions.rackbeat.noInvoiceWebhook', { url }, { item: hooks }),
        );
      } catch (err) {
        if (!refused(err, ['permission', 'business'])) throw err;
        lines.push(line(system, false, 'permissions.rackbeat.refused', { what: 'webhooks', detail: err.message }, { item: hooks }));
      }
    }
    if (invoices && system === '24so') {
      const item = 'InvoiceService (GetInvoices, SaveInvoices)';
      try {
        await connections.twentyfourseven(t.tenant).getInvoices({ orderIds: [0] });
        lines.push(line(system, true, 'permissions.24so.invoices', {}, { item }));
      } catch (err) {
        if (isConnectorError(err) && err.code === 'IDENTITY_REQUIRED') lines.push(line(system, true, 'permissions.24so.afterIdentity', {}, { item }));
        else if (refused(err, ['permission'])) lines.push(line(system, false, 'permissions.24so.missing', { detail: err.message }, { item }));
        else throw err;
      }
    }
    return lines;
  }

  return {
    /** The systems, registers and configured directions of a pair in this tenant (no calls to the systems). */
    async describeOnboarding(tenant: string, pair: OnboardingPair): Promise<OnboardingPlan | { problem: string }> {
      let t: ResolvedTenant;
      try {
        t = tenantOf(tenant);
        const systems = pairSystems(t, pair);
        const transfers = pairTransfers(t, pair);
        if (isOrderExportPair(pair)) return { systems, registers: {}, configured: {}, identityConfigured: false, transfers };
        const registers = Object.fromEntries(Object.entries(PAIRS[pair].registers).map(([r, d]) => [r, [...(d as readonly string[])]]));
        const settings = pairSettings(t.sync, pair);
        const configured = Object.fromEntries(Object.entries(settings.registers).flatMap(([r, s]) => (s ? [[r, s.direction]] : [])));
        return { systems, registers, configured, identityConfigured: Boolean(t.connections.twentyfourseven?.identityId), transfers };
      } catch (err) {
        return { problem: (err as Error).message };
      }
    },

    /**
     * The credentials of one system: `{ ok: true }` or the connector's own sentence, e.g. "Invalid Severa API key:
     * connection cannot be established. Check the API key." This is also how an operator confirms a fix after the
     * other side revoked the credentials (the affected flows are paused in needs-attention meanwhile).
     */
    async checkCredentials(tenant: string, system: string): Promise<CredentialsResult> {
      try {
        return { ok: true, ...(await cheapestAuthenticatedCall(tenant, system)) };
      } catch (err) {
        if (isConnectorError(err)) {
          // A refused right still proves the credentials: the system knew who asked.
          if (err.errorClass === 'permission') return { ok: true, ...say('credentials.ok.butPermission', { detail: err.message }) };
          if (!err.retryable) return { ok: false, ...credentialsSentence(system, err) };
          throw toActivityFailure(err);
        }
        // A configuration problem (no such connection, incomplete settings) is an answer too.
        if (err instanceof Error) return { ok: false, ...say('credentials.refused', { detail: err.message }) };
        throw err;
      }
    },

    /** The rights the pair's flows need in one system, each named in the system's own terms. */
    async checkPermissions(tenant: string, pair: OnboardingPair, system: string): Promise<CheckLine[]> {
      try {
        const t = tenantOf(tenant);
        if (system === 'netvisor') {
          const needs = netvisorNeeds(t, pair);
          const probes = await netvisorProbes(tenant);
          return needs.map((register) => {
            const p = probes.find((x) => x.name.startsWith(`${register} /`));
            if (!p) return line(system, false, 'permissions.netvisor.noProbe', { register }, { item: register });
            const forTransfer = netvisorTransferSentence(t, pair, register);
            if (p.allowed) return forTransfer ? line(system, true, forTransfer[0], forTransfer[1], { item: p.name }) : line(system, true, 'permissions.ok', {}, { item: p.name });
            return trimmed(line(system, false, 'permissions.netvisor.missing', { right: p.name, detail: p.message ?? '' }, { item: p.name }));
          });
        }
        if (system === 'procountor') {
          // The rights are named by the resource each one-row read probes; the UI's own wording is an open point (docs/wire/open-points.md, Procountor).
          const api = connections.procountor(tenant);
          const rights: Array<{ item: string; path: string; resource: string }> = [
            { item: 'Business partner register (GET businesspartners)', path: 'businesspartners', resource: 'the business partner register' },
            { item: 'Product register (GET products)', path: 'products', resource: 'the product register' },
            { item: 'Sales invoices (GET invoices)', path: 'invoices', resource: 'the sales invoices' },
          ];
          const lines: CheckLine[] = [];
          for (const r of rights) {
            try {
              await api.call({ method: 'GET', path: r.path, resource: r.resource, schema: z.unknown(), query: { size: 1 } });
              lines.push(line(system, true, 'permissions.ok', {}, { item: r.item }));
            } catch (err) {
              if (isConnectorError(err) && err.errorClass === 'permission') lines.push(line(system, false, 'permissions.procountor.missing', { right: r.item, detail: err.message }, { item: r.item }));
              else if (isAnswer(err) && err.errorClass !== 'credentials') lines.push(line(system, true, 'permissions.procountor.okWith', { detail: err.message }, { item: r.item }));
              else throw err;
            }
          }
          return lines;
        }
        if (system === 'severa') {
          const { scopes } = await connections.severa(tenant).checkConnection();
          return SEVERA_SCOPES.map((s) =>
            scopes.includes(s)
              ? line(system, true, 'permissions.ok', {}, { item: s })
              : line(system, false, 'permissions.severa.missing', { scope: s }, { item: s }),
          );
        }
        const forTransfers = await transferPermissions(t, pair, system);
        return forTransfers.length ? forTransfers : [line(system, true, 'permissions.none')];
      } catch (err) {
        if (isAnswer(err)) return [err.errorClass === 'credentials' ? { system, ok: false, ...credentialsSentence(system, err) } : line(system, false, 'permissions.failed', { detail: err.message })];
        if (!isConnectorError(err) && err instanceof Error) return [line(system, false, 'permissions.failed', { detail: err.message })];
        throw toActivityFailure(err);
      }
    },

    /** What the pair needs to exist before it runs, looked at without changing anything. */
    async checkPrerequisites(input: PrerequisitesInput): Promise<PrerequisitesResult> {
      try {
        return await prerequisites(input, false);
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    /** Creates what checkPrerequisites found missing and can create; looks first, so a second run creates nothing. */
    async createPrerequisites(input: PrerequisitesInput): Promise<PrerequisitesResult> {
      try {
        return await prerequisites(input, true);
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    /**
     * Go-live: the Schedules of the pair's ongoing flows, created or brought in line with the configuration
     * (orchestration/schedules.ts for shop reconciliation, orchestration/sync-schedules.ts for the register change polls,
     * client/lifecycle-schedules.ts for the 24SO → Rackbeat pick-up), and of the transfers the operator kept chosen
     * (`transfers`: ids of pairTransfers; orchestration/stock-schedules.ts, orchestration/invoice-schedules.ts).
     * Without `transfers` (an onboarding from before the transfers were offered) none of them is started.
     */
    async ensureFlowSchedules(tenant: string, pair: OnboardingPair, taskQueue: string, transfers?: string[]): Promise<string[]> {
      try {
        const t = tenantOf(tenant);
        const client = temporal();
        const ids: string[] = [];
        if (isOrderExportPair(pair)) {
          const target = pair === 'shop-netvisor' ? 'netvisor' : 'procountor';
          const only = { ...t, shops: t.shops.filter((s) => s.exportTo === target) };
          ids.push(...(only.shops.length ? await ensureReconcileSchedules(client, new Map([[tenant, only]]), taskQueue) : []));
        } else {
          // The register polls of this pair as the tenant file configures them; Rackbeat-mastered registers run on webhooks.
          const only = { ...t, sync: t.sync ? { ...t.sync, pairs: t.sync.pairs.filter((p) => p.pair === pair) } : t.sync };
          ids.push(...(await ensureSyncSchedules(client, new Map([[tenant, only as ResolvedTenant]]), taskQueue)));
          if (pair === 'rackbeat-24so') ids.push(...(await ensureLifecycleSchedules(client, new Map([[tenant, t]]), taskQueue)));
        }
        const chosen = new Set(transfers ?? []);
        const offers = pairTransfers(t, pair).filter((o) => chosen.has(o.id));
        const stock = stockShops(t).filter((s) => offers.some((o) => o.id === `stock:${s.shop}`));
        if (stock.length) ids.push(...(await ensureStockSchedules(client, new Map([[tenant, { ...t, stock: { shops: stock } } as ResolvedTenant]]), taskQueue)));
        if (offers.some((o) => o.kind === 'invoices')) {
          const id = await ensureInvoiceSchedule(client, t, taskQueue);
          if (id) ids.push(id);
        }
        return ids;
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };

  async function prerequisites(input: PrerequisitesInput, create: boolean): Promise<PrerequisitesResult> {
    const t = tenantOf(input.tenant);
    const lines: CheckLine[] = [];
    const result: PrerequisitesResult = { lines };
    const systems = pairSystems(t, input.pair);
    if (systems.includes('rackbeat')) lines.push(...(await rackbeatPrerequisites(t, input.pair as PairName, create)));
    if (systems.includes('24so')) {
      const chosen = await identity(t, input.identityId);
      lines.push(chosen.line);
      if (chosen.identityId) result.identityId = chosen.identityId;
      if (chosen.identityChoices) result.identityChoices = chosen.identityChoices;
    }
    if (input.pair === 'shop-netvisor' && t.orderExport && t.shops.some((s) => s.exportTo === 'netvisor')) lines.push(await netvisorNumbering(t));
    if (input.pair === 'shop-netvisor') lines.push(...(await shopifyStockLocations(t)));
    if (!lines.length) lines.push(line(systems[systems.length - 1], true, 'prerequisites.nothing'));
    return result;
  }

  async function identity(t: ResolvedTenant, chosen: string | undefined): Promise<Omit<PrerequisitesResult, 'lines'> & { line: CheckLine }> {
    const c = t.connections.twentyfourseven!;
    const all = await listIdentitiesWithCredential(c);
    const usable = all.filter((i) => !i.isDisabled);
    const choices = usable.map((i) => ({ id: i.id, company: i.clientName }));
    const wanted = (chosen ?? c.identityId)?.toLowerCase();
    const push = (line: CheckLine, extra: Omit<PrerequisitesResult, 'lines'> = {}) => ({ ...extra, line });
    if (wanted) {
      const found = usable.find((i) => i.id.toLowerCase() === wanted);
      if (!found) {
        return push(
          line('24so', false, 'prerequisites.identity.unknown', { id: wanted, choices: choices.map((x) => `${x.id} (${x.company})`).join(', ') }, { item: 'company (identity)' }),
          { identityChoices: choices },
        );
      }
      // Prove the session can work in it.
      await new TwentyFourSevenClient({ ...c, identityId: found.id }).connect();
      const configured = c.identityId?.toLowerCase() === found.id.toLowerCase();
      const said = configured
        ? line('24so', true, 'prerequisites.identity.chosen', { company: found.clientName, id: found.id }, { item: 'company (identity)' })
        : line('24so', true, 'prerequisites.identity.chosenSet', { company: found.clientName, id: found.id, tenant: t.tenant }, { item: 'company (identity)' });
      return push(said, { identityId: found.id });
    }
    if (usable.length === 1) return push(line('24so', true, 'prerequisites.identity.only', { company: usable[0].clientName }, { item: 'company (identity)' }), { identityId: usable[0].id });
    return push(
      line('24so', false, 'prerequisites.identity.choose', { count: usable.length, choices: choices.map((x) => `${x.id} ${x.company}`).join(', ') }, { item: 'company (identity)' }),
      { identityChoices: choices },
    );
  }

  async function rackbeatPrerequisites(t: ResolvedTenant, pair: PairName, create: boolean): Promise<CheckLine[]> {
    const rb = connections.rackbeat(t.tenant);
    const settings = pairSettings(t.sync, pair);
    const lines: CheckLine[] = [];
    const ensure = async (item: string, find: () => Promise<unknown>, make: () => Promise<unknown>) => {
      heartbeat({ checking: item });
      const found = await find();
      if (found) return lines.push(line('rackbeat', true, 'prerequisites.ok', {}, { item }));
      if (!create) return lines.push(line('rackbeat', false, 'prerequisites.rackbeat.missing', { item }, { item, creatable: true }));
      await make();
      return lines.push(line('rackbeat', true, 'prerequisites.created', {}, { item }));
    };
    const term = settings.rackbeatPaymentTerm;
    await ensure(`payment term ${term}`, () => rb.paymentTerms.find(term), () => rb.paymentTerms.create({ number: term, name: 'Netto 14', maturity_days: 14, type: 'net', description: 'Created by Siirto onboarding' }));
    await ensure('customer group 1', () => rb.customerGroups.find(1), () => rb.customerGroups.create({ number: 1, name: 'Standard' }));
    await ensure('supplier group 1', () => rb.supplierGroups.find(1), () => rb.supplierGroups.create({ number: 1, name: 'Standard' }));
    const group = settings.rackbeatProductGroup;
    await ensure(`product group ${group}`, () => rb.productGroups.find(group), () => rb.productGroups.create({ number: group, name: 'Tuotteet' }));
    if (pair === 'rackbeat-24so') {
      for (const f of twentyFourSevenIdFields(t)) {
        const forOwner = () => rb.fields.listFor(f.owner, { limit: 1000 });
        await ensure(
          `user-defined field ${f.slug} (${f.owner === 'item' ? 'products' : `${f.owner}s`})`,
          async () => (await forOwner()).items.find((x) => x.slug === f.slug) ?? (await rb.fields.find(f.slug)),
          () => rb.fields.create({ name: f.name, slug: f.slug, type: 'text', available_for: f.owner }),
        );
      }
    }
    return lines;
  }

  /**
   * The Shopify location each stock entry sets (stock.shops[].location, or the shop's only active location), as the
   * stock transfer will choose it (activities/stock.ts); a misspelt name or an unnamed one among several is the
   * operator's to fix in the tenant file.
   */
  async function shopifyStockLocations(t: ResolvedTenant): Promise<CheckLine[]> {
    const lines: CheckLine[] = [];
    for (const s of stockShops(t)) {
      if (connections.shop(t.tenant, s.shop).system !== 'shopify') continue;
      const system = `shop:${s.shop}`;
      const item = 'stock location';
      const locations = (await listLocations(connections.shopify(t.tenant, s.shop))).filter((l) => l.active);
      const names = locations.map((l) => `"${l.name}"`).join(', ') || 'none';
      const found = s.location ? locations.find((l) => l.name.trim().toLowerCase() === s.location!.trim().toLowerCase()) : locations.length === 1 ? locations[0] : undefined;
      if (found) lines.push(line(system, true, 'prerequisites.shopify.location', { location: found.name }, { item }));
      else if (s.location) lines.push(line(system, false, 'prerequisites.shopify.noLocation', { location: s.location, names, tenant: t.tenant }, { item }));
      else lines.push(line(system, false, 'prerequisites.shopify.chooseLocation', { count: locations.length, names, tenant: t.tenant }, { item }));
    }
    return lines;
  }

  /** Existing Netvisor documents whose number falls in the shops' numbering range would collide with exports. */
  async function netvisorNumbering(t: ResolvedTenant): Promise<CheckLine> {
    const settings = t.orderExport!;
    const ranges = t.shops.filter((s) => s.exportTo === 'netvisor').map((s) => rangeForShop(s, settings.numbering));
    const offset = Math.min(...ranges.map((r) => r.offset));
    const max = Math.max(...ranges.map((r) => r.max));
    const kind = settings.document.type;
    const nv = connections.netvisor(t.tenant);
    const hits: string[] = [];
    let above: string | undefined;
    for (;;) {
      const page = await nv.listSalesDocuments({ kind, ...(above ? { aboveNetvisorKey: above } : {}) });
      if (!page.length) break;
      for (const d of page) {
        if (/^\d+$/.test(d.number)) {
          const n = Number(d.number);
          if (ranges.some((r) => n >= r.offset && n <= r.max)) hits.push(d.number);
        }
      }
      heartbeat({ pages: 'scanning', hits: hits.length });
      const last = page.reduce((m, d) => (Number(d.netvisorKey) > Number(m) ? d.netvisorKey : m), page[0].netvisorKey);
      if (above !== undefined && Number(last) <= Number(above)) break;
      above = last;
    }
    const item = `${kind} number range ${offset}–${max}`;
    if (!hits.length) return line('netvisor', true, 'prerequisites.numbering.ok', { kind }, { item });
    hits.sort((a, b) => Number(a) - Number(b));
    const numbers = `${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', …' : ''}`;
    return line('netvisor', false, 'prerequisites.numbering.taken', { count: hits.length, kind, offset, max, numbers }, { item });
  }
}
