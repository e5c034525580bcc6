import { normalizeBusinessId } from '../business-id';
import { normalizeName } from '../matching';
import type { Party } from '../model';
import type { Pairing } from '../sync';

/**
 * The pairing rules of the integrations Siirto replaces, shared by every pair: customers and suppliers by customer
 * code, then business ID (a match overwrites the target card with the source's data), then name ("Nimi" = "Nimi"
 * is the same customer); products, groups and cost centres by code. Pure: the caller fetches the candidates.
 */
export interface PartyCandidate {
  targetKey: string;
  code?: string;
  name: string;
  businessId?: string;
}

export interface CodedCandidate {
  targetKey: string;
  code: string;
}

/** What the target accepts as a customer/supplier code, in the operator's words when it does not. */
export interface CodeRule {
  test(code: string): boolean;
  explain(code: string): string;
}

export const DIGITS_ONLY = (targetName: string): CodeRule => ({
  test: (code) => /^\d+$/.test(code),
  explain: (code) => `customer code "${code}" is not numeric: ${targetName} customer codes must be digits only`,
});

const sameBusinessId = (a?: string, b?: string) => {
  const x = a && normalizeBusinessId(a);
  const y = b && normalizeBusinessId(b);
  return !!x && x === y;
};
const bothDiffer = (a?: string, b?: string) => !!a && !!b && !sameBusinessId(a, b) && a.trim() !== b.trim();

const describe = (c: { name: string; code?: string; businessId?: string }) =>
  `"${c.name}"${c.code ? ` (code ${c.code})` : ''}${c.businessId ? ` [${c.businessId}]` : ''}`;

export function pairParty(source: Party, candidates: readonly PartyCandidate[], codeRule: CodeRule, targetName: string): Pairing {
  if (!source.code) return { action: 'skip', reason: `"${source.name}" has no customer code` };
  if (!codeRule.test(source.code)) return { action: 'skip', reason: codeRule.explain(source.code) };
  const businessId = source.businessId ?? source.organisationNumber;

  const byCode = candidates.filter((c) => c.code === source.code);
  if (byCode.length === 1) {
    const c = byCode[0];
    if (bothDiffer(businessId, c.businessId)) {
      return {
        action: 'conflict',
        targetKey: c.targetKey,
        reason: `customer code ${source.code} is ${describe({ ...source, businessId })} in the source but ${describe(c)} in ${targetName}: fix one side`,
      };
    }
    return { action: 'update', targetKey: c.targetKey, rule: 'customerNumber' };
  }

  if (businessId) {
    const byId = candidates.filter((c) => sameBusinessId(businessId, c.businessId) || (!!c.businessId && c.businessId.trim() === businessId.trim()));
    if (byId.length > 1) {
      return { action: 'conflict', reason: `business ID ${businessId} is on ${byId.length} ${targetName} cards (${byId.map(describe).join(', ')}): merge them first` };
    }
    if (byId.length === 1) return { action: 'update', targetKey: byId[0].targetKey, rule: 'businessId' };
  }

  const byName = candidates.filter((c) => normalizeName(c.name) === normalizeName(source.name));
  if (byName.length > 1) {
    return { action: 'conflict', reason: `${byName.length} ${targetName} cards are named "${source.name}": give them business IDs or merge them` };
  }
  if (byName.length === 1) {
    const c = byName[0];
    if (bothDiffer(businessId, c.businessId)) {
      return { action: 'conflict', targetKey: c.targetKey, reason: `"${source.name}" has business ID ${businessId} in the source but ${c.businessId} in ${targetName}: not the same company?` };
    }
    return { action: 'update', targetKey: c.targetKey, rule: 'name' };
  }
  return { action: 'create' };
}

export function pairByCode(code: string, candidates: readonly CodedCandidate[], what: string, targetName: string): Pairing {
  const hits = candidates.filter((c) => c.code === code);
  if (hits.length > 1) return { action: 'conflict', reason: `${targetName} has ${hits.length} ${what}s with code "${code}": keep one` };
  if (hits.length === 1) return { action: 'update', targetKey: hits[0].targetKey, rule: 'code' };
  return { action: 'create' };
}

/** Country names some systems send instead of ISO codes. */
const COUNTRY_NAMES: Record<string, string> = {
  finland: 'FI', suomi: 'FI', norway: 'NO', norge: 'NO', sweden: 'SE', sverige: 'SE', ruotsi: 'SE', denmark: 'DK', danmark: 'DK', estonia: 'EE', germany: 'DE',
};

export function countryCode(value: string | null | undefined, fallback = 'FI'): string {
  const v = (value ?? '').trim();
  if (/^[A-Za-z]{2}$/.test(v)) return v.toUpperCase();
  return COUNTRY_NAMES[v.toLowerCase()] ?? fallback;
}

/**
 * A registration number as the canonical model holds it: a valid Finnish business ID goes to `businessId`;
 * something that claims to be Finnish (FI country or Y-tunnus shape) but fails the check digit is a problem;
 * anything else (a Norwegian organisation number) is kept verbatim.
 */
export function registrationNumber(value: string | null | undefined, country: string): { businessId?: string; organisationNumber?: string } | { problem: string } {
  const v = (value ?? '').trim();
  if (!v) return {};
  const normalized = normalizeBusinessId(v);
  if (normalized) return { businessId: normalized };
  if (country === 'FI' || /^\d{6,7}-\d$/.test(v) || /^FI\d{8}$/i.test(v)) return { problem: `business ID "${v}" is not a valid Finnish business ID (check digit does not match)` };
  return { organisationNumber: v };
}

/** Keeps only the listed keys: what a target register stores, so that comparisons ignore what it cannot hold. */
export function project<T extends object>(record: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (record[k] !== undefined) out[k] = record[k];
  return out;
}
