import { normalizeBusinessId } from './business-id';

/**
 * The one customer matcher, for order export and register migration: by customer number, then business ID, then
 * name, in the order the caller gives. Pure: the caller fetches the candidates.
 *
 * A rule that finds more than one card is **ambiguous**: the matcher never takes the first, it returns them all so
 * that the caller can name them to an operator. A rule that finds exactly one card whose business ID contradicts the
 * query's (both have one, and they differ) is **contradicted**: the same number or name, another company.
 */
export type MatchRule = 'customerNumber' | 'businessId' | 'name';

/** What the matcher reads of a card. */
export interface MatchCandidate {
  code?: string;
  name: string;
  businessId?: string;
}

/** A card in the system an order goes to: it always has a customer number (possibly empty). */
export interface CustomerCandidate extends MatchCandidate {
  code: string;
}

export interface CustomerQuery {
  code?: string;
  name: string;
  /** A Finnish business ID, or a foreign organisation number (compared verbatim, without spaces and case). */
  businessId?: string;
}

export type MatchResult<C> =
  | { kind: 'match'; rule: MatchRule; candidate: C }
  | { kind: 'ambiguous'; rule: MatchRule; candidates: C[] }
  | { kind: 'contradicted'; rule: MatchRule; candidate: C }
  | { kind: 'none' };

export interface MatchOptions<C> {
  /**
   * The `name` rule for a query without a business ID (a private person). Off unless asked for: two people with
   * the same name are not the same customer. Business customers (a query with a business ID) always may use it.
   */
  nameWithoutBusinessId?: boolean;
  /** The card's own key (Netvisor key, Procountor id), so that one card found by several look-ups counts once. */
  keyOf?: (candidate: C) => string;
}

/** Names compare without case, surrounding space or repeated inner spaces ("Nimi Oy" = " nimi  oy"). */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');

/** A Finnish business ID in its one form; anything else (a Norwegian organisation number) without spaces and case. */
const normalizeRegistration = (value?: string): string | undefined => {
  const v = value?.trim();
  if (!v) return undefined;
  return normalizeBusinessId(v) ?? v.replace(/\s+/g, '').toUpperCase();
};

export const sameBusinessId = (a?: string, b?: string): boolean => {
  const x = normalizeRegistration(a);
  return !!x && x === normalizeRegistration(b);
};

/** Both sides carry a business ID and they are not the same: another company. */
export const businessIdsDiffer = (a?: string, b?: string): boolean => !!normalizeRegistration(a) && !!normalizeRegistration(b) && !sameBusinessId(a, b);

/** `"Kivi Oy" (code 100) [1234567-1]`: how a card is named to an operator. */
export const describeCandidate = (c: MatchCandidate): string => `"${c.name}"${c.code ? ` (code ${c.code})` : ''}${c.businessId ? ` [${c.businessId}]` : ''}`;

export function matchCustomer<C extends MatchCandidate>(query: CustomerQuery, candidates: readonly C[], rules: readonly MatchRule[], options: MatchOptions<C> = {}): MatchResult<C> {
  const unique = dedupe(candidates, options.keyOf);
  for (const rule of rules) {
    if (rule === 'name' && !normalizeRegistration(query.businessId) && !options.nameWithoutBusinessId) continue;
    const hits = unique.filter((c) => matches(rule, query, c));
    if (hits.length === 0) continue;
    if (rule === 'businessId') return hits.length === 1 ? { kind: 'match', rule, candidate: hits[0] } : { kind: 'ambiguous', rule, candidates: hits };
    // A number or a name is shared by accident; a card with another business ID is another company.
    const compatible = hits.filter((c) => !businessIdsDiffer(query.businessId, c.businessId));
    if (compatible.length > 1 || (rule === 'customerNumber' && hits.length > 1)) return { kind: 'ambiguous', rule, candidates: rule === 'customerNumber' ? hits : compatible };
    if (compatible.length === 1) return { kind: 'match', rule, candidate: compatible[0] };
    return { kind: 'contradicted', rule, candidate: hits[0] };
  }
  return { kind: 'none' };
}

function matches(rule: MatchRule, q: CustomerQuery, c: MatchCandidate): boolean {
  switch (rule) {
    case 'customerNumber':
      return !!q.code && q.code === c.code;
    case 'businessId':
      return sameBusinessId(q.businessId, c.businessId);
    case 'name':
      return normalizeName(q.name) === normalizeName(c.name);
  }
}

function dedupe<C extends MatchCandidate>(candidates: readonly C[], keyOf?: (c: C) => string): C[] {
  const key = keyOf ?? ((c: C) => JSON.stringify([c.code ?? '', c.name, c.businessId ?? '']));
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const k = key(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
