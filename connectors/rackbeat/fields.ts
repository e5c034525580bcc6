import type { z } from 'zod';
import { parseResponse } from '../kit/parse';
import type { RackbeatApi } from './client';
import { duplicateReference } from './lookups';
import { Register, type ListQuery } from './register';
import { Field, FieldValues, type FieldOwner, type FieldValue } from './schemas';

/**
 * User-defined fields (premium plans). Definitions are CRUD under `fields`, keyed by slug; values live per record
 * under `<record>/fields`. Sync flows keep the 24SevenOffice id of a record in such a field and find it again with
 * the documented `field_eq[<fieldId>]=<value>` filter.
 */
export interface FieldInput {
  name: string;
  type: 'text' | 'textarea' | 'checkbox' | 'dropdown';
  available_for: FieldOwner;
  slug?: string;
  default_value?: string | boolean | null;
  options?: string[];
  use_in_layouts?: boolean;
}

export class Fields extends Register<typeof Field, string, FieldInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'fields', singular: 'field', plural: 'fields', schema: Field, noun: 'user-defined field' });
  }

  /** Definitions for one kind of record (`for=item|customer|supplier`). */
  listFor(owner: FieldOwner, query: ListQuery = {}) {
    return this.list({ ...query, for: owner });
  }
}

export type FieldValueWrite = { id: number; value: string | boolean | number | null };

/** Reads and writes the field values of one record kind; `base(key)` is the record's own path. */
export class FieldValueAccess<Key> {
  constructor(
    private readonly api: RackbeatApi,
    private readonly base: (key: Key) => string,
    private readonly noun: string,
  ) {}

  async read(key: Key): Promise<FieldValue[]> {
    const { data } = await this.api.call('GET', `${this.base(key)}/fields`, { resource: `${this.noun} ${key} field values` });
    return parseValues(`${this.noun} ${key} field values`, data);
  }

  /**
   * `PUT <record>/fields {custom_fields:[{id,value}]}` is verified for orders; the same call on products, customers
   * and suppliers follows the pattern (open point: docs/wire/open-points.md). The reply is read as the record's values.
   */
  async write(key: Key, values: FieldValueWrite[]): Promise<FieldValue[]> {
    const resource = `${this.noun} ${key} field values`;
    const { data } = await this.api.call('PUT', `${this.base(key)}/fields`, { resource, body: { custom_fields: values } });
    return parseValues(resource, data);
  }
}

function parseValues(resource: string, data: unknown): FieldValue[] {
  return parseResponse('rackbeat', resource, FieldValues, data).field_values;
}

/** The one record whose field `fieldId` equals `value`, via `field_eq[<id>]`; two or more is a conflict. */
export async function findOneByField<S extends z.ZodType>(
  register: { list(query: ListQuery): Promise<{ items: Array<z.infer<S>>; total: number }> },
  noun: string,
  fieldId: number,
  value: string,
): Promise<z.infer<S> | null> {
  const page = await register.list({ [`field_eq[${fieldId}]`]: value, limit: 2 });
  if (page.total > 1) throw duplicateReference(noun, `field ${fieldId} = "${value}"`, page.total);
  return page.items[0] ?? null;
}
