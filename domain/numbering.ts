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
      reason: `shop order number ${shopOrderNumber} gives document number ${n}, above the configured maximum ${range.max}: widen orderExport.numbering`,
    };
  }
  return { ok: true, number: String(n) };
}
