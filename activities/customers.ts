import { isConnectorError } from '../connectors/kit/errors';
import { identityCustomerCode } from '../domain/customer-code';
import { businessIdsDiffer, describeCandidate, matchCustomer, normalizeName, type MatchResult, type MatchRule } from '../domain/matching';
import type { InvoiceChannel, Party } from '../domain/model';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { KeyedLock } from './keyed-lock';
import { orderTargetFor, type OrderTarget, type TargetCustomer } from './targets';

export interface ResolvedCustomer {
  code: string;
  /** The rule that matched; `created` for a card this transfer made; `existing` for one already under the new code. */
  how: MatchRule | 'temp' | 'created' | 'existing';
}

/**
 * Finds the customer an order is booked to: the TEMP customer, or a match by the configured rules (domain/matching.ts),
 * or a new customer when creation is on.
 *
 * A rule that finds several cards parks the transfer naming them; it never takes the first. A new customer's number
 * is derived from who they are (domain/customer-code.ts), so every order of one new customer arrives at the same
 * number: creation looks first by that number, and when the target refuses it as already in use (another order of
 * the same customer created it meanwhile, or our own earlier attempt whose reply was lost), it looks again and goes
 * on with that card, as long as it is the same customer.
 *
 * Calls: a returning customer is matched in the register data this worker already has (activities/register-cache.ts)
 * and costs nothing; only a match is taken from there. No card is checked with one changed-since read of the
 * target's customer register before creating; several cards or a contradiction are searched in the target, as is
 * everything when the document step found a cached card gone (`verify`).
 */
export function createCustomerActivities(connections: Connections) {
  const creating = new KeyedLock();
  return {
    async resolveCustomer(input: {
      tenant: string;
      shop: string;
      customer: Party;
      /** Ignored: new customers get a number derived from their identity. Kept so that older workflows still call it. */
      fallbackCode?: string;
      channel?: InvoiceChannel;
      /** Ask the target, not the register cache: the document step found a cached card gone. */
      verify?: boolean;
    }): Promise<ResolvedCustomer> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).customers;
        const target = orderTargetFor(connections, input.tenant, input.shop);
        // What this worker already knows of the register answers a returning customer without a call.
        const cache = !input.verify && target.registers && (await target.registers.ready()) ? target.registers : undefined;
        if (settings.mode === 'temp') {
          if (cache?.customerByCode(settings.tempCustomerCode)) return { code: settings.tempCustomerCode, how: 'temp' };
          const temp = await target.customerByCode(settings.tempCustomerCode);
          if (!temp) {
            throw needsOperator(`the TEMP customer "${settings.tempCustomerCode}" does not exist in ${target.displayName}: create it or change orderExport.customers.tempCustomerCode`);
          }
          target.registers?.observeCustomers([temp]);
          return { code: settings.tempCustomerCode, how: 'temp' };
        }

        // The invoice channel lives on the customer card in Netvisor: an email invoicing address means email.
        const customer: Party = input.channel === 'email' && input.customer.email ? { ...input.customer, invoicingEmail: input.customer.email } : input.customer;
        const businessId = customer.businessId ?? customer.organisationNumber;
        const newCode = identityCustomerCode(customer);
        // Without a number of its own, the customer is looked for under the number a new card of theirs gets.
        const query = { code: customer.code ?? newCode, name: customer.name, businessId };
        const rules = { nameWithoutBusinessId: settings.matchConsumersByName, keyOf: (c: TargetCustomer) => c.id };
        const matched = async (found: Extract<MatchResult<TargetCustomer>, { kind: 'match' }>): Promise<ResolvedCustomer> => {
          if (settings.updateRegister) await target.updateCustomer(found.candidate, customer);
          return { code: found.candidate.code, how: found.rule };
        };

        if (cache) {
          // Only a match is taken from the cache as it is. A miss is checked in the target first: a changed-since
          // read that began after the miss brings any card made meanwhile (by a person, another worker, another
          // order), so a new customer costs that one read and its write. Several cards or a contradiction are
          // searched in the target as before, so that the operator's sentence is about what the target has now.
          let known = matchCustomer(query, cache.customerCandidates(query), settings.matchBy, rules);
          if (known.kind === 'match') return matched(known);
          if (known.kind === 'none' && target.refusesDuplicates && (await cache.customersSeenAfter(cache.clock()))) {
            const seen = cache.customerCandidates(query);
            known = matchCustomer(query, seen, settings.matchBy, rules);
            if (known.kind === 'match') return matched(known);
            if (known.kind === 'none') return createNew(seen);
          }
        }

        const candidates = await target.customerCandidates(query);
        target.registers?.observeCustomers(candidates);
        const found = matchCustomer(query, candidates, settings.matchBy, rules);
        if (found.kind === 'match') return matched(found);
        if (found.kind !== 'none') throw needsOperator(unresolved(found, query, target.displayName), 'Siirto.conflict');
        return createNew(candidates);

        /**
         * No card matches. `looked`: the cards just seen for this query (a search, or the cache after a read that
         * began after the miss); where it covered the new number and the target refuses a second card with one
         * number, it is the look before the write (another order of this customer writing first is refused).
         */
        async function createNew(looked: TargetCustomer[]): Promise<ResolvedCustomer> {
          if (!settings.createMissing) {
            throw needsOperator(
              `no ${target.displayName} customer matches "${customer.name}"${businessId ? ` (${businessId})` : ''} and creating customers is off: ` +
                `create it in ${target.displayName} or turn on orderExport.customers.createMissing, then retry`,
            );
          }
          const covered = query.code === newCode && target.refusesDuplicates ? looked : null;
          return creating.run(`${input.tenant}/${target.system}/${newCode}`, () => createOrAdopt(target, { ...customer, code: newCode }, covered));
        }
      });
    },
  };
}

/**
 * Creates the card under its derived number, or takes the one already there when it is the same customer.
 * `looked`: the cards a search in this attempt found, where it covered the number and the target refuses a second
 * card with one number; otherwise the target is asked by number first.
 */
async function createOrAdopt(target: OrderTarget, customer: Party & { code: string }, looked: TargetCustomer[] | null): Promise<ResolvedCustomer> {
  // Another order of this customer in this worker may have created the card while we waited for the key.
  const existing = target.registers?.customerByCode(customer.code) ?? (looked ? (looked.find((c) => c.code === customer.code) ?? null) : await target.customerByCode(customer.code));
  if (existing) return adopt(target, existing, customer);
  try {
    const key = await target.createCustomer(customer);
    target.registers?.observeCustomers([{ id: key ?? '', code: customer.code, name: customer.name, businessId: customer.businessId ?? customer.organisationNumber }]);
    return { code: customer.code, how: 'created' };
  } catch (err) {
    // "Customer code … is already in use": someone created it between our look and our write. Look again.
    if (!isConnectorError(err) || err.errorClass !== 'conflict') throw err;
    const meanwhile = await target.customerByCode(customer.code);
    if (!meanwhile) throw err;
    target.registers?.observeCustomers([meanwhile]);
    return adopt(target, meanwhile, customer);
  }
}

function adopt(target: OrderTarget, card: TargetCustomer, customer: Party & { code: string }): ResolvedCustomer {
  const businessId = customer.businessId ?? customer.organisationNumber;
  const sameCustomer = businessId && card.businessId ? !businessIdsDiffer(businessId, card.businessId) : normalizeName(card.name) === normalizeName(customer.name);
  if (!sameCustomer) {
    throw needsOperator(
      `customer number ${customer.code} is already used in ${target.displayName} by ${describeCandidate(card)}, not "${customer.name}"${businessId ? ` [${businessId}]` : ''}: ` +
        `give that card another number or correct it, then retry`,
      'Siirto.conflict',
    );
  }
  return { code: card.code, how: 'existing' };
}

/** The operator's sentence for a rule that found several cards, or one card of another company. */
function unresolved(
  found: Exclude<MatchResult<TargetCustomer>, { kind: 'match' } | { kind: 'none' }>,
  query: { code: string; name: string; businessId?: string },
  system: string,
): string {
  const who = `"${query.name}"${query.businessId ? ` [${query.businessId}]` : ''}`;
  if (found.kind === 'ambiguous') {
    const by = found.rule === 'customerNumber' ? `customer number ${query.code}` : found.rule === 'businessId' ? `business ID ${query.businessId}` : `the name "${query.name}"`;
    const fix = found.rule === 'name' ? 'give them business IDs or merge them' : 'merge them or correct all but one';
    return (
      `the order's customer ${who} matches ${found.candidates.length} ${system} customer cards by ${by}: ${found.candidates.map(describeCandidate).join(', ')}. ` +
      `Siirto does not pick one: ${fix} in ${system}, then retry`
    );
  }
  const card = describeCandidate(found.candidate);
  return found.rule === 'customerNumber'
    ? `the ${system} card with customer number ${found.candidate.code} is ${card}, but the order's customer is ${who}: not the same company. Correct the card or the order, then retry`
    : `the ${system} card ${card} has the name of the order's customer ${who} but another business ID: not the same company? Correct the card or the business ID on the order, then retry`;
}
