import Decimal from 'decimal.js';
import type { CostCentre, Party, Product } from '../model';
import { toDecimalString } from '../money';
import type { Mapped } from './rackbeat-netvisor';
import { countryCode, registrationNumber } from './pairing';

/**
 * Severa → Netvisor register mappings (pure): customers (Severa's customer number becomes the Netvisor customer
 * code, as Severa's own Netvisor integration pairs them), products, and cost centres as items of a Netvisor
 * dimension whose code equals the Severa identifier.
 */
export interface SeveraCustomerIn {
  guid: string;
  name: string;
  number?: number | null;
  email?: string | null;
  vatNumber?: string | null;
  language?: { code?: string | null } | null;
  currency?: { code?: string | null } | null;
  headquarterAddress?: { addressline?: string | null; postalCode?: string | null; city?: string | null; country?: string | null } | null;
  eInvoiceAddress?: string | null;
  eInvoiceOperator?: string | null;
}

export interface SeveraProductIn {
  guid: string;
  name: string;
  code?: string | null;
  unitPrice?: { amount?: number | null } | null;
  unitCost?: { amount?: number | null } | null;
  vatRate?: number | null;
  measurementUnit?: string | null;
  isActive?: boolean | null;
}

export interface SeveraCostCenterIn {
  guid: string;
  name: string;
  identifier: string;
  isActive?: boolean | null;
}

const opt = (v: string | null | undefined) => (v && v.trim() ? v.trim() : undefined);
// Severa sends JSON numbers; going through their shortest decimal text keeps 12.3 as "12.3", never 12.29999.
const decimal = (n: number) => toDecimalString(new Decimal(String(n)));

export function severaCustomerToCanonical(c: SeveraCustomerIn): Mapped<Party> {
  if (c.number == null) return { problem: `customer "${c.name}" has no customer number in Severa` };
  const address = c.headquarterAddress;
  const country = countryCode(address?.country, 'FI');
  const reg = registrationNumber(c.vatNumber, country);
  if ('problem' in reg) return { problem: `customer ${c.number} "${c.name}": ${reg.problem}` };
  return {
    record: {
      kind: 'customer',
      code: String(c.number),
      name: c.name.trim(),
      ...reg,
      ...(opt(c.email) ? { email: opt(c.email)! } : {}),
      address: { street: opt(address?.addressline) ?? '', postalCode: opt(address?.postalCode) ?? '', city: opt(address?.city) ?? '', country },
      ...(opt(c.language?.code) ? { language: c.language!.code!.trim().toUpperCase() } : {}),
      ...(opt(c.currency?.code) ? { currency: c.currency!.code!.trim().toUpperCase() } : {}),
      ...(opt(c.eInvoiceAddress) ? { einvoiceAddress: opt(c.eInvoiceAddress)! } : {}),
      ...(opt(c.eInvoiceOperator) ? { einvoiceOperator: opt(c.eInvoiceOperator)! } : {}),
    },
  };
}

export function severaProductToCanonical(p: SeveraProductIn): Mapped<Product> {
  if (!opt(p.code)) return { problem: `product "${p.name}" has no product code in Severa` };
  if (p.code!.trim().length > 50) return { problem: `product code "${p.code}" is longer than Netvisor's 50 characters` };
  return {
    record: {
      code: p.code!.trim(),
      name: p.name.trim(),
      unitPrice: p.unitPrice?.amount != null ? decimal(p.unitPrice.amount) : '0',
      ...(p.vatRate != null ? { vatRate: decimal(p.vatRate) } : {}),
      ...(opt(p.measurementUnit) ? { unit: opt(p.measurementUnit)! } : {}),
      ...(p.unitCost?.amount != null ? { costPrice: decimal(p.unitCost.amount) } : {}),
      active: p.isActive !== false,
    },
  };
}

export function severaCostCenterToCanonical(c: SeveraCostCenterIn): Mapped<CostCentre> {
  if (!opt(c.identifier)) return { problem: `cost centre "${c.name}" has no identifier in Severa` };
  return { record: { code: c.identifier.trim(), name: c.name.trim(), active: c.isActive !== false } };
}

export const NETVISOR_SEVERA_PRODUCT_KEYS = ['code', 'name', 'unitPrice', 'vatRate', 'unit', 'costPrice', 'active'] as const;
export const NETVISOR_SEVERA_CUSTOMER_KEYS = ['code', 'name', 'businessId', 'organisationNumber', 'email', 'address'] as const;
export const NETVISOR_DIMENSION_KEYS = ['code', 'name', 'active'] as const;
