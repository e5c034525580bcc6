import { z } from 'zod';
import { normalizeBusinessId } from '../../domain/business-id';
import type { Party } from '../../domain/model';
import type { ProcountorApi } from './client';
import { toProcountorCountry, toProcountorLanguage } from './codes';
import { BusinessPartner, BusinessPartnerSearchResult, oneOrList, type BusinessPartnerBasic } from './schemas';

export type PartyInput = Party;

export type ProcountorInvoiceChannel = 'EMAIL' | 'MAIL' | 'ELECTRONIC_INVOICE' | 'NO_SENDING';

export interface PartnerOptions {
  /** Default channel stored on the partner card; EMAIL when the party has an email, else MAIL. */
  invoiceChannel?: ProcountorInvoiceChannel;
  paymentMethod?: string;
  paymentTermDays?: number;
}

export interface PartnerCriteria {
  customerNumber?: string;
  businessId?: string;
  name?: string;
}

/** The body Procountor takes for POST /businesspartners, and the updatable subset of it for PATCH. */
export function toProcountorPartner(party: Party, options: PartnerOptions = {}) {
  const businessId = party.businessId ? normalizeBusinessId(party.businessId) : null;
  const a = party.address;
  return {
    name: party.name,
    type: party.kind === 'supplier' ? 'SUPPLIER' : 'CUSTOMER',
    address: { name: party.name, street: a.street, zip: a.postalCode, city: a.city, country: toProcountorCountry(a.country) },
    invoicingInfo: {
      customerNumber: party.code,
      identifier: businessId ?? party.organisationNumber,
      // brnType "FI" is the Finnish business ID in Procountor's identifier enum.
      identifierType: businessId ? 'FI' : undefined,
      invoiceChannel: options.invoiceChannel ?? (party.email ? 'EMAIL' : 'MAIL'),
      language: toProcountorLanguage(party.language),
      email: party.email,
      einvoiceAddress: party.einvoiceAddress,
      einvoiceOperator: party.einvoiceOperator,
    },
    paymentInfo: {
      paymentMethod: options.paymentMethod ?? 'BANK_TRANSFER',
      paymentTermDays: options.paymentTermDays ?? 14,
      currency: party.currency ?? 'EUR',
    },
    registryInfo: { active: true, phone: party.phone },
  };
}

export function getBusinessPartner(api: ProcountorApi, id: number): Promise<BusinessPartner> {
  return api.call({ method: 'GET', path: `businesspartners/${id}`, resource: `business partner ${id}`, schema: oneOrList(BusinessPartner) });
}

async function search(api: ProcountorApi, query: Record<string, string>, headers: Record<string, string>) {
  const page = await api.call({
    method: 'GET',
    path: 'businesspartners',
    resource: 'the business partner search',
    schema: BusinessPartnerSearchResult,
    query: { ...query, size: 200 },
    headers,
  });
  return page.results;
}

/**
 * Looks a partner up the way Siirto pairs customers: customer number first, then business ID, then exact name.
 * Procountor's search matches loosely, so every hit is checked exactly here. Returns the full partner or null.
 */
export async function findBusinessPartner(api: ProcountorApi, criteria: PartnerCriteria): Promise<BusinessPartner | null> {
  if (criteria.customerNumber) {
    const hits = await search(api, { customerNumber: criteria.customerNumber }, {});
    const hit = hits.find((p) => p.invoicingInfo?.customerNumber === criteria.customerNumber);
    if (hit) return getBusinessPartner(api, hit.id);
  }
  const businessId = criteria.businessId ? normalizeBusinessId(criteria.businessId) : null;
  if (businessId) {
    // Procountor takes the business ID (and the name) as headers so that they stay out of URLs and logs.
    const hits = await search(api, {}, { identifier: businessId });
    const hit = hits.find((p) => p.invoicingInfo?.identifier && normalizeBusinessId(p.invoicingInfo.identifier) === businessId);
    if (hit) return getBusinessPartner(api, hit.id);
  }
  if (criteria.name) {
    const wanted = criteria.name.trim().toLowerCase();
    const hits = await search(api, {}, { name: headerSafe(criteria.name.trim()) });
    const hit = hits.find((p) => p.name.trim().toLowerCase() === wanted);
    if (hit) return getBusinessPartner(api, hit.id);
  }
  return null;
}

/**
 * Every partner that matches each given criterion exactly (customer number, business ID, name), as list rows,
 * each partner once: what the customer matcher needs to see that a number, an ID or a name is on several cards.
 */
export async function findBusinessPartners(api: ProcountorApi, criteria: PartnerCriteria): Promise<BusinessPartnerBasic[]> {
  const found: BusinessPartnerBasic[] = [];
  if (criteria.customerNumber) {
    const hits = await search(api, { customerNumber: criteria.customerNumber }, {});
    found.push(...hits.filter((p) => p.invoicingInfo?.customerNumber === criteria.customerNumber));
  }
  const businessId = criteria.businessId ? normalizeBusinessId(criteria.businessId) : null;
  if (businessId) {
    const hits = await search(api, {}, { identifier: businessId });
    found.push(...hits.filter((p) => p.invoicingInfo?.identifier && normalizeBusinessId(p.invoicingInfo.identifier) === businessId));
  }
  if (criteria.name) {
    const wanted = criteria.name.trim().toLowerCase();
    const hits = await search(api, {}, { name: headerSafe(criteria.name.trim()) });
    found.push(...hits.filter((p) => p.name.trim().toLowerCase() === wanted));
  }
  return found.filter((p, i) => found.findIndex((q) => q.id === p.id) === i);
}

/**
 * HTTP header values carry Latin-1 only; Procountor's name search matches substrings, so a name with other
 * characters (Œ, €, …) is searched by its longest Latin-1 run and compared exactly afterwards.
 */
function headerSafe(value: string): string {
  const runs = value.split(/[^\x20-\x7e\xa0-\xff]+/);
  return runs.reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function createBusinessPartner(api: ProcountorApi, party: Party, options?: PartnerOptions): Promise<BusinessPartner> {
  return api.call({
    method: 'POST',
    path: 'businesspartners',
    resource: `business partner "${party.name}"`,
    schema: BusinessPartner,
    body: toProcountorPartner(party, options),
  });
}

/** PATCH with the partner's current version (Procountor's optimistic lock), then returns the stored partner. */
export async function updateBusinessPartner(api: ProcountorApi, id: number, party: Party, options?: PartnerOptions): Promise<BusinessPartner> {
  const current = await getBusinessPartner(api, id);
  const { registryInfo: _notPatchable, ...body } = toProcountorPartner(party, options);
  await api.call({
    method: 'PATCH',
    path: `businesspartners/${id}`,
    resource: `business partner ${id}`,
    schema: z.unknown(),
    body: { ...body, id, version: current.version },
  });
  return getBusinessPartner(api, id);
}
