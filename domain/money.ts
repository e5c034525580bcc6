import Decimal from 'decimal.js';
import { z } from 'zod';

/**
 * Money and quantities are decimal strings ("12.50", "-3", "0.255") in the canonical model and
 * Decimal.js values in arithmetic. Binary floats never carry money (docs/design.md §5).
 */
export const DecimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number with a dot as separator, e.g. "12.50"');
export type DecimalString = z.infer<typeof DecimalString>;

export const dec = (value: Decimal.Value): Decimal => new Decimal(value);

/** Round half away from zero to `places` decimals (the rule Finnish invoicing uses for cents). */
export function roundTo(value: Decimal.Value, places = 2): Decimal {
  return new Decimal(value).toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** A canonical decimal string without exponent and without trailing zeros beyond `minPlaces`. */
export function toDecimalString(value: Decimal.Value, minPlaces = 0): string {
  const d = new Decimal(value);
  const fixed = d.toFixed();
  const [int, frac = ''] = fixed.split('.');
  const trimmed = frac.replace(/0+$/, '').padEnd(minPlaces, '0');
  return trimmed ? `${int}.${trimmed}` : int;
}

/** Cents as a two-decimal string, the form totals are compared in. */
export const cents = (value: Decimal.Value): string => roundTo(value, 2).toFixed(2);

export function sum(values: Decimal.Value[]): Decimal {
  return values.reduce<Decimal>((acc, v) => acc.plus(v), new Decimal(0));
}
