import { createHash } from 'node:crypto';
import { normalizeName } from './matching';
import type { Party } from './model';

/**
 * The customer number a new customer card gets, derived from who the customer is, so that every order of one new
 * customer arrives at the same number, however many of them run at once and on whichever worker: the first one
 * creates the card, the others find it (or are refused as a duplicate by Netvisor, and look again).
 *
 * - the number the order itself carries, when it is digits only (a shop that keeps ERP customer numbers);
 * - a Finnish business ID's eight digits: 1234567-8 → `12345678`;
 * - otherwise twelve digits starting with 9, from a SHA-256 of the customer's identity: a foreign organisation
 *   number, else the e-mail address, else name and postal address. Lower case and spacing do not change it.
 *
 * Digits only, so that the number fits registers that take numeric customer codes (Netvisor pairing rules,
 * Procountor's 40 characters). The personal data stays out of the number: it is a one-way hash.
 */
export function identityCustomerCode(party: Party): string {
  if (party.code && /^\d+$/.test(party.code)) return party.code;
  if (party.businessId) return party.businessId.replace('-', '');
  return `9${hashDigits(identityOf(party), 11)}`;
}

/** What makes a customer without a business ID this customer, as one normalised string. */
export function identityOf(party: Party): string {
  if (party.organisationNumber) return `org:${party.address.country}:${party.organisationNumber.replace(/\s+/g, '').toUpperCase()}`;
  if (party.email) return `email:${party.email.trim().toLowerCase()}`;
  const a = party.address;
  return `name:${normalizeName(party.name)}|${normalizeName(a.street)}|${a.postalCode.replace(/\s+/g, '')}|${a.country}`;
}

function hashDigits(text: string, digits: number): string {
  const hash = createHash('sha256').update(text, 'utf8').digest();
  return (hash.readBigUInt64BE(0) % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}
