import Decimal from 'decimal.js';
import type { SalesLine } from './model';
import { roundTo } from './money';

/**
 * Finnish VAT rates by date (vero.fi; HE 93/2025 vp for 2026). The 2025 reclassification moved goods and services
 * between the 14 % and 10 % classes without changing the percentages, so it needs no period of its own here.
 * Which rate applies to a sale is decided by delivery date, so mappings take the rate the shop charged and only
 * snap it onto the rates in force (docs/design.md §11).
 */
export interface FinnishVatRates {
  standard: string;
  reduced: string;
  lowerReduced: string;
}

const PERIODS: ReadonlyArray<{ from: string } & FinnishVatRates> = [
  { from: '2010-07-01', standard: '23', reduced: '13', lowerReduced: '9' },
  { from: '2013-01-01', standard: '24', reduced: '14', lowerReduced: '10' },
  { from: '2024-09-01', standard: '25.5', reduced: '14', lowerReduced: '10' },
  { from: '2026-01-01', standard: '25.5', reduced: '13.5', lowerReduced: '10' },
];

/** The rates in force on an ISO date (YYYY-MM-DD, or a date-time whose first ten characters are the date). */
export function finnishVatRates(date: string): FinnishVatRates {
  const day = date.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`"${date}" is not an ISO date`);
  const period = [...PERIODS].reverse().find((p) => p.from <= day);
  if (!period) throw new RangeError(`no Finnish VAT rates known before ${PERIODS[0].from} (asked for ${day})`);
  const { standard, reduced, lowerReduced } = period;
  return { standard, reduced, lowerReduced };
}

/**
 * The rate in force on `date` (or 0 %) nearest to a computed rate, when it lies within `tolerance` percentage
 * points; otherwise null. A rate computed from cent-rounded amounts is only as exact as the amounts, hence the
 * tolerance (see `ratioTolerance`).
 */
export function nearestFinnishRate(rate: Decimal.Value, date: string, tolerance: Decimal.Value = '0.05'): string | null {
  const r = new Decimal(rate);
  const { standard, reduced, lowerReduced } = finnishVatRates(date);
  let best: string | null = null;
  let bestDistance = new Decimal(Infinity);
  for (const candidate of [standard, reduced, lowerReduced, '0']) {
    const distance = r.minus(candidate).abs();
    if (distance.lessThan(bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance.lessThanOrEqualTo(tolerance) ? best : null;
}

/**
 * How far tax/net × 100 can stray from the true rate when the tax was rounded to the cent: half a cent over the
 * net amount, in percentage points, plus a little slack for shops that round per unit.
 */
export function ratioTolerance(net: Decimal.Value): Decimal {
  const n = new Decimal(net).abs();
  if (n.isZero()) return new Decimal(Infinity);
  return new Decimal('0.5').dividedBy(n).plus('0.02');
}

/** A row's amount including VAT, to the cent: what a target system prints on the invoice row. */
export function salesLineGross(line: Pick<SalesLine, 'quantity' | 'unitPrice' | 'priceIncludesVat' | 'vatRate' | 'discountPercent'>): Decimal {
  let amount = new Decimal(line.quantity).times(line.unitPrice);
  if (line.discountPercent) amount = amount.times(new Decimal(100).minus(line.discountPercent)).dividedBy(100);
  if (!line.priceIncludesVat) amount = amount.times(new Decimal(100).plus(line.vatRate)).dividedBy(100);
  return roundTo(amount, 2);
}
