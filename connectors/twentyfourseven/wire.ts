import { z } from 'zod';
import { toDecimalString } from '../../domain/money';
import { ConnectorError } from '../kit/errors';
import { el, nil, text } from './soap';

/**
 * The WSDL's non-nullable scalars have "unset" defaults. A reply may carry them (or, as XmlSerializer usually does,
 * leave the element out); either way they read as undefined here, and undefined is never written, which the service
 * reads as "not set / no change".
 */
export const SENTINEL = {
  int: '-2147483648',
  short: '-32768',
  long: '-9223372036854775808',
  decimal: '-79228162514264337593543950335',
  double: '-1.7976931348623157E+308',
  dateTime: '0001-01-01T00:00:00',
  guid: '00000000-0000-0000-0000-000000000000',
} as const;

const empty = (v: unknown) => v === undefined || v === null || v === '';

export const wireInt = z.preprocess(
  (v) => (empty(v) || v === SENTINEL.int || v === SENTINEL.short || v === SENTINEL.long ? undefined : v),
  z.string().regex(/^-?\d+$/, 'must be an integer').transform(Number).optional(),
);

export const wireDecimal = z.preprocess(
  (v) => (empty(v) || v === SENTINEL.decimal || v === SENTINEL.double ? undefined : v),
  z
    .string()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'must be a decimal number')
    .transform((s) => toDecimalString(s))
    .optional(),
);

export const wireString = z.preprocess((v) => (empty(v) ? undefined : v), z.string().optional());

export const wireBool = z.preprocess((v) => (empty(v) ? undefined : v), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1').optional());

/** xsi:nil reads as '' once attributes are dropped: null, "no value". */
export const wireNullableBool = z.preprocess((v) => (empty(v) ? null : v), z.enum(['true', 'false']).transform((s) => s === 'true').nullable());

/** The API answers in UTC; a dateTime without an offset is read as UTC. Output: ISO-8601 with Z. */
export const wireDateTime = z.preprocess(
  (v) => (empty(v) || (typeof v === 'string' && v.startsWith(SENTINEL.dateTime)) ? undefined : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, 'must be an xs:dateTime')
    .transform((s) => new Date(/(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s}Z`).toISOString())
    .optional(),
);

export const wireGuid = z.preprocess((v) => (empty(v) || v === SENTINEL.guid ? undefined : v), z.string().optional());

/** A wrapper element (ArrayOfX) that may be empty (''), absent, or hold items. */
export const wireList = <T extends z.ZodType>(item: string, schema: T) =>
  z.preprocess((v) => (empty(v) ? {} : v), z.object({ [item]: z.array(z.preprocess((x) => (empty(x) ? {} : x), schema)).default([]) })).transform(
    (o) => (o as Record<string, z.infer<T>[]>)[item],
  );

export const wireObject = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (empty(v) ? undefined : v), schema.optional());

// ---- ordered writing -----------------------------------------------------------------------------------------

export type Scalar = 'int' | 'decimal' | 'string' | 'dateTime' | 'bool' | 'nbool';

/** One element of an xs:sequence: wire name, our key, and how to write it. Lists are kept in WSDL order. */
export interface WriteField<T> {
  wire: string;
  key: keyof T & string;
  kind: Scalar | ((value: never) => string);
  /** minOccurs="1" nillable="true": always written, xsi:nil when unset. */
  required?: boolean;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, the form clients send. */
export function formatDateTime(value: string | Date): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${String(value)}`);
  return d.toISOString().slice(0, 19);
}

/** Decimals go out in plain notation: scientific notation breaks saves. */
export function formatDecimal(value: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Error(`not a decimal string: ${value}`);
  return toDecimalString(value);
}

function scalar(kind: Scalar, value: unknown): string {
  switch (kind) {
    case 'int':
      if (!Number.isInteger(value)) throw new Error(`not an integer: ${String(value)}`);
      return String(value);
    case 'decimal':
      return formatDecimal(String(value));
    case 'dateTime':
      return formatDateTime(value as string);
    case 'bool':
    case 'nbool':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/** Writes the fields of `value` that are set, in the sequence order of `fields`. */
export function writeFields<T extends object>(fields: readonly WriteField<T>[], value: T): string {
  let out = '';
  for (const field of fields) {
    const v = (value as Record<string, unknown>)[field.key];
    if (v === undefined || v === null) {
      if (field.required) out += nil(field.wire);
      continue;
    }
    if (typeof field.kind === 'function') out += el(field.wire, (field.kind as (x: unknown) => string)(v));
    else if (field.kind === 'string') out += text(field.wire, String(v));
    else {
      try {
        out += text(field.wire, scalar(field.kind, v));
      } catch (err) {
        if (err instanceof ConnectorError) throw err;
        // Caught before sending: a value the service would misread (or store wrongly) is our caller's data error.
        throw new ConnectorError('24so', 'validation', `Cannot send ${field.wire} to 24SevenOffice: ${(err as Error).message}`, { field: field.wire, code: 'BAD_VALUE' });
      }
    }
  }
  return out;
}
