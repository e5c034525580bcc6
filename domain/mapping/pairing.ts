import { normalizeBusinessId } from '../business-id';
import { describeCandidate, matchCustomer } from '../matching';
import type { Party } from '../model';
import type { Pairing } from '../sync';

/**
 * The pairing rules of the integrations Siirto replaces, shared by every pair: customers and suppliers by customer
 * code, then business ID (a match overwrites the target card with the source's data), then name ("Nimi" = "Nimi"
 * is the same customer), through the same matcher as order export; products, groups and cost centres by code.
 * Pure: the caller fetches the candidates.
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

/**
 * A source party against the target's cards, through the one matcher (domain/matching.ts): code, business ID, name.
 * An ambiguous rule or a contradicted match is a conflict the plan reports with the cards it found; never the first.
 */
export function pairParty(source: Party, candidates: readonly PartyCandidate[], codeRule: CodeRule, targetName: string): Pairing {
  if (!source.code) return { action: 'skip', reason: `"${source.name}" has no customer code` };
  if (!codeRule.test(source.code)) return { action: 'skip', reason: codeRule.explain(source.code) };
  const businessId = source.businessId ?? source.organisationNumber;
  const found = matchCustomer({ code: source.code, name: source.name, businessId }, candidates, ['customerNumber', 'businessId', 'name'], {
    nameWithoutBusinessId: true,
    keyOf: (c) => c.targetKey,
  });
  switch (found.kind) {
    case 'none':
      return { action: 'create' };
    case 'match':
      return { action: 'update', targetKey: found.candidate.targetKey, rule: found.rule };
    case 'contradicted': {
      const c = found.candidate;
      const reason =
        found.rule === 'customerNumber'
          ? `customer code ${source.code} is ${describeCandidate({ ...source, businessId })} in the source but ${describeCandidate(c)} in ${targetName}: fix one side`
          : `"${source.name}" has business ID ${businessId} in the source but ${c.businessId} in ${targetName}: not the same company?`;
      return { action: 'conflict', targetKey: c.targetKey, reason };
    }
    case 'ambiguous': {
      const cards = found.candidates.map(describeCandidate).join(', ');
      const reason =
        found.rule === 'customerNumber'
          ? `customer code ${source.code} is on ${found.candidates.length} ${targetName} cards (${cards}): keep one`
          : found.rule === 'businessId'
            ? `business ID ${businessId} is on ${found.candidates.length} ${targetName} cards (${cards}): merge them first`
            : `${found.candidates.length} ${targetName} cards are named "${source.name}" (${cards}): give them business IDs or merge them`;
      return { action: 'conflict', reason };
    }
  }
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
