import type { Party, PartyKind, Product } from '../model';
import { toDecimalString } from '../money';
import { countryCode, registrationNumber } from './pairing';

/**
 * Rackbeat ↔ Netvisor register mappings (pure). Netvisor's connector already speaks the canonical Party/Product,
 * so the work is Rackbeat's JSON to and from the canonical model, and the checks the pairing rules need:
 * Netvisor customer codes are digits only, Finnish business IDs must pass their check digit, a Rackbeat product
 * number is at most 25 characters.
 */
export const RACKBEAT_PRODUCT_NUMBER_MAX = 25;

/** The Rackbeat customer/supplier keys this mapping reads (the connector's parsed shape). */
export interface RackbeatPartyIn {
  number: number;
  company_name: string;
  company_vat?: string | null;
  address_street?: string | null;
  address_city?: string | null;
  address_zipcode?: string | null;
  address_country?: string | null;
  contact_email?: string | null;
  contact_phone?: string | null;
  locale?: string | null;
  currency?: string | null;
  is_barred?: boolean;
}

export interface RackbeatProductIn {
  number: string;
  name: string;
  sales_price: string;
  recommended_cost_price?: string | null;
  barcode?: string | null;
  is_barred?: boolean;
  group?: { number: number; name: string } | null;
}

export type Mapped<T> = { record: T } | { problem: string };

const opt = (v: string | null | undefined) => (v && v.trim() ? v.trim() : undefined);

export function rackbeatPartyToCanonical(kind: PartyKind, p: RackbeatPartyIn): Mapped<Party> {
  const country = countryCode(p.address_country, 'FI');
  const reg = registrationNumber(p.company_vat, country);
  if ('problem' in reg) return { problem: `${kind} ${p.number} "${p.company_name.trim()}": ${reg.problem}` };
  const record: Party = {
    kind,
    code: String(p.number),
    name: p.company_name.trim(),
    ...reg,
    ...(opt(p.contact_email) ? { email: opt(p.contact_email)! } : {}),
    ...(opt(p.contact_phone) ? { phone: opt(p.contact_phone)! } : {}),
    address: { street: opt(p.address_street) ?? '', postalCode: opt(p.address_zipcode) ?? '', city: opt(p.address_city) ?? '', country },
    ...(opt(p.currency) ? { currency: p.currency!.trim().toUpperCase() } : {}),
  };
  return { record };
}

export interface RackbeatPartyOut {
  number?: number;
  company_name: string;
  company_vat?: string;
  address_street?: string;
  address_city?: string;
  address_zipcode?: string;
  address_country?: string;
  contact_email?: string;
  contact_phone?: string;
  currency?: string;
  locale?: string;
  payment_terms_id: number;
}

/** Netvisor customer → Rackbeat customer body; `defaults` are the tenant's payment term, currency and language. */
export function canonicalPartyToRackbeat(p: Party, defaults: { paymentTermsId: number; currency?: string; locale?: string }): RackbeatPartyOut {
  return {
    ...(p.code && /^\d+$/.test(p.code) ? { number: Number(p.code) } : {}),
    company_name: p.name,
    ...(p.businessId ?? p.organisationNumber ? { company_vat: p.businessId ?? p.organisationNumber } : {}),
    address_street: p.address.street,
    address_city: p.address.city,
    address_zipcode: p.address.postalCode,
    address_country: p.address.country,
    ...(p.email ? { contact_email: p.email } : {}),
    ...(p.phone ? { contact_phone: p.phone } : {}),
    ...(p.currency ?? defaults.currency ? { currency: p.currency ?? defaults.currency } : {}),
    ...(defaults.locale ? { locale: defaults.locale } : {}),
    payment_terms_id: defaults.paymentTermsId,
  };
}

/**
 * Rackbeat product → canonical. VAT is left out on purpose: a Rackbeat group's rate is the Norwegian/Danish one,
 * and Netvisor applies its own default rate to a product that gives none. The Rackbeat group name becomes the
 * Netvisor product group (Netvisor creates a missing group).
 */
export function rackbeatProductToCanonical(p: RackbeatProductIn): Mapped<Product> {
  if (!p.number.trim()) return { problem: `a product named "${p.name}" has no product number` };
  const record: Product = {
    code: p.number,
    name: p.name.trim() || p.number,
    unitPrice: toDecimalString(p.sales_price),
    ...(p.recommended_cost_price != null ? { costPrice: toDecimalString(p.recommended_cost_price) } : {}),
    ...(opt(p.barcode) ? { ean: opt(p.barcode)! } : {}),
    ...(p.group?.name ? { groupCode: p.group.name } : {}),
    active: !p.is_barred,
  };
  return { record };
}

export interface RackbeatProductOut {
  number: string;
  name: string;
  group: number;
  sales_price: string;
  recommended_cost_price?: string;
  barcode?: string;
  is_barred: boolean;
}

/** Canonical product → Rackbeat body; a number over 25 characters cannot exist in Rackbeat and is reported. */
export function canonicalProductToRackbeat(p: Product, groupNumber: number): Mapped<RackbeatProductOut> {
  if ([...p.code].length > RACKBEAT_PRODUCT_NUMBER_MAX) {
    return { problem: `product number "${p.code}" is ${[...p.code].length} characters: Rackbeat allows at most ${RACKBEAT_PRODUCT_NUMBER_MAX}` };
  }
  return {
    record: {
      number: p.code,
      name: p.name,
      group: groupNumber,
      sales_price: p.unitPrice,
      ...(p.costPrice !== undefined ? { recommended_cost_price: p.costPrice } : {}),
      ...(p.ean ? { barcode: p.ean } : {}),
      is_barred: !p.active,
    },
  };
}

/** The Party keys Netvisor's customer and vendor cards hold: what "unchanged" and echo checks compare. */
export const NETVISOR_PARTY_KEYS = ['code', 'name', 'businessId', 'organisationNumber', 'email', 'phone', 'address'] as const;
export const NETVISOR_PRODUCT_KEYS = ['code', 'name', 'unitPrice', 'costPrice', 'groupCode', 'active'] as const;
export const RACKBEAT_PARTY_KEYS = ['code', 'name', 'businessId', 'organisationNumber', 'email', 'phone', 'address'] as const;
export const RACKBEAT_PRODUCT_KEYS = ['code', 'name', 'unitPrice', 'costPrice', 'ean', 'active'] as const;
