/**
 * Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit.
 * Weights 7,9,10,5,8,4,2 over the seven digits; remainder mod 11: 0 → check 0, 1 → invalid, else 11 − remainder.
 * Older IDs with six digits are written with a leading zero.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2];

export function businessIdCheckDigit(sevenDigits: string): number | null {
  if (!/^\d{7}$/.test(sevenDigits)) return null;
  const total = [...sevenDigits].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i], 0);
  const remainder = total % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return null; // no valid business ID has this body
  return 11 - remainder;
}

/** Accepts "1234567-8", "123456-7" (old six-digit form) and the VAT form "FI12345678"; returns "1234567-8" or null. */
export function normalizeBusinessId(input: string): string | null {
  const s = input.trim().toUpperCase().replace(/\s+/g, '');
  let body: string;
  let check: string;
  const vat = /^FI(\d{8})$/.exec(s);
  const plain = /^(\d{6,7})-(\d)$/.exec(s);
  if (vat) {
    body = vat[1].slice(0, 7);
    check = vat[1].slice(7);
  } else if (plain) {
    body = plain[1].padStart(7, '0');
    check = plain[2];
  } else {
    return null;
  }
  return businessIdCheckDigit(body) === Number(check) ? `${body}-${check}` : null;
}

export const isValidBusinessId = (input: string): boolean => normalizeBusinessId(input) !== null;

/** "1234567-8" → "FI12345678" */
export function businessIdToVatNumber(businessId: string): string | null {
  const n = normalizeBusinessId(businessId);
  return n ? `FI${n.replace('-', '')}` : null;
}
