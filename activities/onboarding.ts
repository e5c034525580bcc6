import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ensureLifecycleSchedules } from '../client/lifecycle-schedules';
import { ensureReconcileSchedules } from '../orchestration/schedules';
import { ensureSyncSchedules } from '../orchestration/sync-schedules';
import type { ResolvedTenant } from '../config/load';
import { pairSettings } from '../config/sync-schema';
import { isConnectorError } from '../connectors/kit/errors';
import type { PermissionProbe } from '../connectors/netvisor';
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

/** The systems a pair uses in this tenant; a missing connection is the operator's to fix in the file. */
export function pairSystems(tenant: ResolvedTenant, pair: OnboardingPair): string[] {
  if (isOrderExportPair(pair)) {
    const target = pair === 'shop-netvisor' ? 'netvisor' : 'procountor';
    const shops = tenant.shops.filter((s) => s.exportTo === target);
    if (!shops.length) throw new Error(`no shop of tenant "${tenant.tenant}" exports to ${target} (shops[].exportTo in config/${tenant.tenant}.yaml)`);
    if (!tenant.orderExport) throw new Error(`tenant "${tenant.tenant}" has no orderExport settings`);
    if (!tenant.connections[target]) throw new Error(`tenant "${tenant.tenant}" has no connections.${target}`);
    return [...shops.map((s) => `shop:${s.id}`), target];
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

/** A line whose sentence ends in an empty detail. */
const trimmed = (l: CheckLine): CheckLine => ({ ...l, message: l.message.trim() });

/** A connector error that is an answer (wrong key, no right, bad data) rather than a passing trouble. */
const isAnswer = (err: unknown): err is Error & { errorClass: string; message: string } => isConnectorError(err) && !err.retryable;

/** Netvisor rights each pair needs, in Netvisor's register names (connectors/netvisor/permissions.ts). */
function netvisorNeeds(tenant: ResolvedTenant, pair: OnboardingPair): string[] {
  if (pair === 'shop-netvisor') {
    const doc = tenant.orderExport?.document;
    return ['Asiakasrekisteri', 'Tuoterekisteri', doc?.type === 'order' ? 'Myyntitilaukset' : 'Myyntilaskut', ...(doc?.registerPayment ? ['Myyntisuoritukset'] : [])];
  }
  if (pair === 'severa-netvisor') return ['Asiakasrekisteri', 'Tuoterekisteri', 'Laskentakohteet'];
  if (pair === 'rackbeat-netvisor') return ['Asiakasrekisteri', 'Tuoterekisteri', 'Toimittajarekisteri'];
  return [];
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

  return {
    /** The systems, registers and configured directions of a pair in this tenant (no calls to the systems). */
    async describeOnboarding(tenant: string, pair: OnboardingPair): Promise<OnboardingPlan | { problem: string }> {
      let t: ResolvedTenant;
      try {
        t = tenantOf(tenant);
        const systems = pairSystems(t, pair);
        if (isOrderExportPair(pair)) return { systems, registers: {}, configured: {}, identityConfigured: false };
        const registers = Object.fromEntries(Object.entries(PAIRS[pair].registers).map(([r, d]) => [r, [...(d as readonly string[])]]));
        const settings = pairSettings(t.sync, pair);
        const configured = Object.fromEntries(Object.entries(settings.registers).flatMap(([r, s]) => (s ? [[r, s.direction]] : [])));
        return { systems, registers, configured, identityConfigured: Boolean(t.connections.twentyfourseven?.identityId) };
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
            return p.allowed
              ? line(system, true, 'permissions.ok', {}, { item: p.name })
              : trimmed(line(system, false, 'permissions.netvisor.missing', { right: p.name, detail: p.message ?? '' }, { item: p.name }));
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
        return [line(system, true, 'permissions.none')];
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
     * client/lifecycle-schedules.ts for the 24SO → Rackbeat pick-up).
     */
    async ensureFlowSchedules(tenant: string, pair: OnboardingPair, taskQueue: string): Promise<string[]> {
      try {
        const t = tenantOf(tenant);
        const client = temporal();
        if (isOrderExportPair(pair)) {
          const target = pair === 'shop-netvisor' ? 'netvisor' : 'procountor';
          const only = { ...t, shops: t.shops.filter((s) => s.exportTo === target) };
          return await ensureReconcileSchedules(client, new Map([[tenant, only]]), taskQueue);
        }
        // The register polls of this pair as the tenant file configures them; Rackbeat-mastered registers run on webhooks.
        const only = { ...t, sync: t.sync ? { ...t.sync, pairs: t.sync.pairs.filter((p) => p.pair === pair) } : t.sync };
        const ids = await ensureSyncSchedules(client, new Map([[tenant, only as ResolvedTenant]]), taskQueue);
        if (pair === 'rackbeat-24so') ids.push(...(await ensureLifecycleSchedules(client, new Map([[tenant, t]]), taskQueue)));
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
    if (input.pair === 'shop-netvisor') lines.push(await netvisorNumbering(t));
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
