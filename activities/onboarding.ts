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

const OK = 'OK';

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
  async function cheapestAuthenticatedCall(tenant: string, system: string): Promise<string> {
    if (system.startsWith('shop:')) {
      const shopId = system.slice('shop:'.length);
      const shop = connections.shop(tenant, shopId);
      if (shop.system === 'woocommerce') await connections.woocommerce(tenant, shopId).listOrders({ perPage: 1 });
      else await connections.shopify(tenant, shopId).listOrders({ limit: 1 });
      return OK;
    }
    switch (system) {
      case 'netvisor':
        await connections.netvisor(tenant).listCustomers({ keyword: 'siirto-credentials-check' });
        return OK;
      case 'procountor': {
        const info = await connections.procountor(tenant).checkConnection();
        const who = (info as { name?: string; userName?: string }).name ?? (info as { userName?: string }).userName;
        return who ? `OK (${who})` : OK;
      }
      case 'rackbeat': {
        const self = await connections.rackbeat(tenant).checkCredentials();
        return self.name ? `OK (${self.name})` : OK;
      }
      case 'severa':
        await connections.severa(tenant).checkConnection();
        return OK;
      case '24so': {
        const c = tenantOf(tenant).connections.twentyfourseven!;
        const identities = await listIdentitiesWithCredential(c);
        const usable = identities.filter((i) => !i.isDisabled);
        return usable.length > 1 && !c.identityId ? `OK (the login sees ${usable.length} companies: one is chosen under prerequisites)` : OK;
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
        return { ok: true, message: await cheapestAuthenticatedCall(tenant, system) };
      } catch (err) {
        if (isConnectorError(err)) {
          // A refused right still proves the credentials: the system knew who asked.
          if (err.errorClass === 'permission') return { ok: true, message: `OK (but: ${err.message})` };
          if (!err.retryable) return { ok: false, message: err.message };
          throw toActivityFailure(err);
        }
        // A configuration problem (no such connection, incomplete settings) is an answer too.
        if (err instanceof Error) return { ok: false, message: err.message };
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
            if (!p) return { system, ok: false, item: register, message: `no probe for ${register}` };
            return p.allowed
              ? { system, ok: true, item: p.name, message: OK }
              : { system, ok: false, item: p.name, message: `Missing Netvisor right: ${p.name}. ${p.message ?? ''}`.trim() };
          });
        }
        if (system === 'procountor') {
          // UNVERIFIED: the names of Procountor's user rights as the UI shows them; each is probed with a one-row read.
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
              lines.push({ system, ok: true, item: r.item, message: OK });
            } catch (err) {
              if (isConnectorError(err) && err.errorClass === 'permission') lines.push({ system, ok: false, item: r.item, message: `Missing Procountor API user right: ${r.item}. ${err.message}` });
              else if (isAnswer(err) && err.errorClass !== 'credentials') lines.push({ system, ok: true, item: r.item, message: `OK (${err.message})` });
              else throw err;
            }
          }
          return lines;
        }
        if (system === 'severa') {
          const { scopes } = await connections.severa(tenant).checkConnection();
          return SEVERA_SCOPES.map((s) =>
            scopes.includes(s)
              ? { system, ok: true, item: s, message: OK }
              : { system, ok: false, item: s, message: `Missing Severa API scope ${s}: add it under Settings → Integrations → REST API` },
          );
        }
        return [{ system, ok: true, message: 'OK (no per-resource rights to check)' }];
      } catch (err) {
        if (isAnswer(err)) return [{ system, ok: false, message: err.message }];
        if (!isConnectorError(err) && err instanceof Error) return [{ system, ok: false, message: err.message }];
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
    if (!lines.length) lines.push({ system: systems[systems.length - 1], ok: true, message: 'OK (nothing to prepare for this pair)' });
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
          { system: '24so', ok: false, item: 'company (identity)', message: `The 24SevenOffice login has no usable identity ${wanted}; choose one of: ${choices.map((x) => `${x.id} (${x.company})`).join(', ')}` },
          { identityChoices: choices },
        );
      }
      // Prove the session can work in it.
      await new TwentyFourSevenClient({ ...c, identityId: found.id }).connect();
      const note = c.identityId?.toLowerCase() === found.id.toLowerCase() ? '' : `; set identityId: ${found.id} under connections.twentyfourseven in config/${t.tenant}.yaml`;
      return push({ system: '24so', ok: true, item: 'company (identity)', message: `OK: ${found.clientName} (${found.id})${note}` }, { identityId: found.id });
    }
    if (usable.length === 1) return push({ system: '24so', ok: true, item: 'company (identity)', message: `OK: ${usable[0].clientName} (the only company)` }, { identityId: usable[0].id });
    return push(
      {
        system: '24so',
        ok: false,
        item: 'company (identity)',
        message: `The 24SevenOffice login sees ${usable.length} companies: choose one (${choices.map((x) => `${x.id} ${x.company}`).join(', ')})`,
      },
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
      if (found) return lines.push({ system: 'rackbeat', ok: true, item, message: OK });
      if (!create) return lines.push({ system: 'rackbeat', ok: false, item, creatable: true, message: `Missing in Rackbeat: ${item}` });
      await make();
      return lines.push({ system: 'rackbeat', ok: true, item, message: 'created' });
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
    if (!hits.length) return { system: 'netvisor', ok: true, item, message: `OK (no existing ${kind}s in the range)` };
    hits.sort((a, b) => Number(a) - Number(b));
    return {
      system: 'netvisor',
      ok: false,
      item,
      message: `${hits.length} existing Netvisor ${kind}(s) already use numbers in ${offset}–${max} (${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', …' : ''}): choose orderExport.numbering (offset, max) outside the numbers in use`,
    };
  }
}
