/**
 * Document numbers for exported orders: `offset + shop order number`, which must stay inside [offset, max], so
 * that numbers made by hand in the ERP (below the offset) never collide with ours. A number outside the range is
 * refused, never wrapped or renumbered.
 */
export interface NumberRange {
  offset: number;
  max: number;
}

export type NumberingResult = { ok: true; number: string } | { ok: false; reason: string };

export function documentNumber(shopOrderNumber: string, range: NumberRange): NumberingResult {
  if (!/^\d+$/.test(shopOrderNumber)) {
    return { ok: false, reason: `shop order number "${shopOrderNumber}" is not a whole number, so it cannot be placed in the number range` };
  }
  const n = range.offset + Number(shopOrderNumber);
  if (!Number.isSafeInteger(n) || n > range.max) {
    return {
      ok: false,
      reason: `shop order number ${shopOrderNumber} gives document number ${n}, above the configured maximum ${range.max}: widen the shop's numbering range (shops[].numbering, or orderExport.numbering)`,
    };
  }
  return { ok: true, number: String(n) };
}

/**
 * The range a shop's orders are numbered in: the shop's own `numbering`, or the tenant's `orderExport.numbering`
 * (which the tenant schema allows only for a shop that is alone on its target system). Each shop having its own
 * disjoint range is what keeps two shops' order #1001 from sharing one document number.
 */
export function rangeForShop(shop: { id: string; numbering?: NumberRange }, tenantRange: NumberRange | undefined): NumberRange {
  const range = shop.numbering ?? tenantRange;
  if (!range) throw new Error(`shop "${shop.id}" has no number range: set orderExport.numbering or the shop's own numbering`);
  return range;
}

/** Whether two ranges share a number. */
export const rangesOverlap = (a: NumberRange, b: NumberRange): boolean => a.offset <= b.max && b.offset <= a.max;
