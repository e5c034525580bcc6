import type { ConnectorError } from '../kit/errors';
import { itemError } from './errors';
import type { ApiException } from './schemas';

/** One item of a Save* call: saved, or refused with its own APIException while the others went through. */
export type SaveOutcome<T, I> = { ok: true; item: T; input: I } | { ok: false; error: ConnectorError; input: I };

/** Pairs the echoed items with what was sent, turning per-item APIExceptions into validation errors. */
export function outcomes<T extends { apiException?: ApiException }, I>(
  resource: string,
  inputs: readonly I[],
  echoed: readonly T[],
  label: (input: I) => string,
  fieldNames: readonly string[],
): SaveOutcome<Omit<T, 'apiException'>, I>[] {
  return inputs.map((input, i) => {
    const echo = echoed[i];
    const where = inputs.length > 1 ? ` (item ${i + 1} of ${inputs.length})` : '';
    if (!echo) {
      return { ok: false, input, error: itemError(resource, `${label(input)}${where}`, { type: 'MissingItem', message: 'no item came back for it' }, []) };
    }
    const { apiException, ...item } = echo;
    if (apiException) return { ok: false, input, error: itemError(resource, `${label(input)}${where}`, apiException, fieldNames) };
    return { ok: true, input, item };
  });
}

export function single<T, I>(results: SaveOutcome<T, I>[]): T {
  const r = results[0];
  if (!r.ok) throw r.error;
  return r.item;
}
