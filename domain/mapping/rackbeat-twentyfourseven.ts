import { normalizeBusinessId } from '../business-id';
import { normalizeName } from '../matching';
import type { Party, PartyKind, Product, ProductGroup } from '../model';
import { toDecimalString } from '../money';
import type { Pairing } from '../sync';
import { countryCode, registrationNumber } from './pairing';
import type { Mapped } from './rackbeat-netvisor';

/**
 * Rackbeat ↔ 24SevenOffice register mappings (pure). The 24SO ids are kept on the Rackbeat side in user-defined
 * fields (24SO customer id, supplier id, product id), and Rackbeat's number is stamped on a 24SO company as its
 * ExternalId, so either side finds its partner by reference before anything is matched by content. A product
 * number over 25 characters cannot exist in Rackbeat and is reported and skipped.
 */
export const LINK_FIELDS = { customers: '24so-customer-id', suppliers: '24so-supplier-id', products: '24so-product-id', rows: '24so-row-id' } as const;

export interface SoAddressIn {
  street?: string;
  postalCode?: string;
  postalArea?: string;
  city?: string;
  country?: string;
}

export interface SoCompanyIn {
  id?: number;
  externalId?: string;
  organizationNumber?: string;
  name?: string;
  addresses?: Partial<Record<'post' | 'invoice' | 'delivery' | 'visit', SoAddressIn>>;
  emailAddresses?: Partial<Record<'invoice' | 'primary' | 'work', { value?: string }>>;
  phoneNumbers?: Partial<Record<'primary' | 'work' | 'mobile', { value?: string }>>;
  country?: string;
  currencyId?: string;
  type?: string;
}

export function soCompanyToCanonical(kind: PartyKind, c: SoCompanyIn): Mapped<Party> {
  if (!c.name?.trim()) return { problem: `24SO company ${c.id ?? '?'} has no name` };
  const a = c.addresses?.invoice ?? c.addresses?.post ?? {};
  const country = countryCode(a.country ?? c.country, 'NO');
  const reg = registrationNumber(c.organizationNumber, country);
  if ('problem' in reg) return { problem: `24SO company ${c.id} "${c.name}": ${reg.problem}` };
  const email = c.emailAddresses?.invoice?.value ?? c.emailAddresses?.primary?.value ?? c.emailAddresses?.work?.value;
  const phone = c.phoneNumbers?.work?.value ?? c.phoneNumbers?.primary?.value ?? c.phoneNumbers?.mobile?.value;
  return {
    record: {
      kind,
      name: c.name.trim(),
      ...reg,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      address: { street: a.street ?? '', postalCode: a.postalCode ?? '', city: a.city ?? a.postalArea ?? '', country },
      ...(c.currencyId && c.currencyId !== 'LOCAL' ? { currency: c.currencyId } : {}),
    },
  };
}

export interface SoCompanyOut {
  externalId?: string;
  organizationNumber?: string;
  name: string;
  type: 'Business' | 'Supplier';
  country: string;
  addresses: { post: { street: string; postalCode: string; city: string; country: string }; invoice: { street: string; postalCode: string; city: string; country: string } };
  emailAddresses?: { invoice: { value: string } };
  phoneNumbers?: { work: { value: string } };
}

/** A Rackbeat customer/supplier as a 24SO company; its Rackbeat number is our reference (ExternalId). */
export function canonicalPartyToSo(p: Party): SoCompanyOut {
  const address = { street: p.address.street, postalCode: p.address.postalCode, city: p.address.city, country: p.address.country };
  return {
    ...(p.code ? { externalId: p.code } : {}),
    ...(p.businessId ?? p.organisationNumber ? { organizationNumber: (p.businessId ?? p.organisationNumber)! } : {}),
    name: p.name,
    type: p.kind === 'supplier' ? 'Supplier' : 'Business',
    country: p.address.country,
    addresses: { post: address, invoice: address },
    ...(p.email ? { emailAddresses: { invoice: { value: p.email } } } : {}),
    ...(p.phone ? { phoneNumbers: { work: { value: p.phone } } } : {}),
  };
}

export interface SoProductIn {
  id?: number;
  no?: string;
  name?: string;
  price?: string;
  inPrice?: string;
  ean1?: string;
  statusId?: number;
  categoryId?: number;
}

export function soProductToCanonical(p: SoProductIn, categoryName?: string): Mapped<Product> {
  if (!p.no?.trim()) return { problem: `24SO product ${p.id ?? '?'} "${p.name ?? ''}" has no product number` };
  return {
    record: {
      code: p.no.trim(),
      name: (p.name ?? '').trim() || p.no.trim(),
      unitPrice: toDecimalString(p.price ?? '0'),
      ...(p.inPrice !== undefined ? { costPrice: toDecimalString(p.inPrice) } : {}),
      ...(p.ean1 ? { ean: p.ean1 } : {}),
      ...(categoryName ? { groupCode: categoryName } : {}),
      active: p.statusId !== 0,
    },
  };
}

export function canonicalProductToSo(p: Product, categoryId: number): { no: string; name: string; price: string; inPrice?: string; ean1?: string; statusId: number; categoryId: number } {
  return {
    no: p.code,
    // 24SO product names are at most 125 characters.
    name: p.name.slice(0, 125),
    price: p.unitPrice,
    ...(p.costPrice !== undefined ? { inPrice: p.costPrice } : {}),
    ...(p.ean ? { ean1: p.ean } : {}),
    statusId: p.active ? 1 : 0,
    categoryId,
  };
}

export const soCategoryToCanonical = (c: { id?: number; name?: string; no?: string }): Mapped<ProductGroup> =>
  c.name?.trim() ? { record: { code: c.name.trim(), name: c.name.trim() } } : { problem: `24SO product category ${c.id ?? '?'} has no name` };

export interface LinkedCandidate {
  targetKey: string;
  /** The partner id stored on the target record (Rackbeat field / 24SO ExternalId), when any. */
  link?: string;
  name: string;
  businessId?: string;
}

/**
 * Pairs by reference first (the partner id stored on the record), then business ID, then name. A candidate that
 * already points at another partner record is not taken by content: that would merge two records.
 */
export function pairByReference(ref: string, record: { name: string; businessId?: string; organisationNumber?: string }, candidates: readonly LinkedCandidate[], targetName: string): Pairing {
  const linked = candidates.filter((c) => c.link === ref);
  if (linked.length > 1) return { action: 'conflict', reason: `${linked.length} ${targetName} records point at the same partner ${ref}: keep one` };
  if (linked.length === 1) return { action: 'update', targetKey: linked[0].targetKey, rule: 'externalId' };
  const free = candidates.filter((c) => !c.link);
  const reg = record.businessId ?? record.organisationNumber;
  const sameReg = (c: LinkedCandidate) => !!reg && !!c.businessId && (normalizeBusinessId(reg) ?? reg.trim()) === (normalizeBusinessId(c.businessId) ?? c.businessId.trim());
  const byReg = reg ? free.filter(sameReg) : [];
  if (byReg.length > 1) return { action: 'conflict', reason: `organisation number ${reg} is on ${byReg.length} ${targetName} records: merge them first` };
  if (byReg.length === 1) return { action: 'update', targetKey: byReg[0].targetKey, rule: 'businessId' };
  const byName = free.filter((c) => normalizeName(c.name) === normalizeName(record.name) && (!reg || !c.businessId));
  if (byName.length > 1) return { action: 'conflict', reason: `${byName.length} ${targetName} records are named "${record.name}": give them organisation numbers` };
  if (byName.length === 1) return { action: 'update', targetKey: byName[0].targetKey, rule: 'name' };
  return { action: 'create' };
}

export const SO_PARTY_KEYS = ['name', 'businessId', 'organisationNumber', 'email', 'phone', 'address'] as const;
export const SO_PRODUCT_KEYS = ['code', 'name', 'unitPrice', 'costPrice', 'ean', 'active'] as const;
export const RACKBEAT_LINKED_PARTY_KEYS = ['name', 'businessId', 'organisationNumber', 'email', 'phone', 'address'] as const;
export const GROUP_KEYS = ['name'] as const;
