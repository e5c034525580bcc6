import { normalizeBusinessId } from './business-id';

/**
 * Customer matching for order export and register sync: by customer number, then business ID, then name,
 * in the order the tenant configures. Pure: the caller fetches the candidates.
 */
export type MatchRule = 'customerNumber' | 'businessId' | 'name';

export interface CustomerCandidate {
  code: string;
  name: string;
  businessId?: string;
}

export interface CustomerQuery {
  code?: string;
  name: string;
  businessId?: string;
}

export interface CustomerMatch<C extends CustomerCandidate> {
  candidate: C;
  rule: MatchRule;
}

/** Names compare without case, surrounding space or repeated inner spaces ("Nimi Oy" = " nimi  oy"). */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');

export function matchCustomer<C extends CustomerCandidate>(query: CustomerQuery, candidates: readonly C[], rules: readonly MatchRule[]): CustomerMatch<C> | null {
  for (const rule of rules) {
    const hit = candidates.find((c) => matches(rule, query, c));
    if (hit) return { candidate: hit, rule };
  }
  return null;
}

function matches(rule: MatchRule, q: CustomerQuery, c: CustomerCandidate): boolean {
  switch (rule) {
    case 'customerNumber':
      return !!q.code && q.code === c.code;
    case 'businessId': {
      const a = q.businessId && normalizeBusinessId(q.businessId);
      return !!a && a === (c.businessId && normalizeBusinessId(c.businessId));
    }
    case 'name':
      return normalizeName(q.name) === normalizeName(c.name);
  }
}
