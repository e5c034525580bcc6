import type { z } from 'zod';
import type { RackbeatApi } from './client';
import { orNull } from './lookups';
import type { Page } from './schemas';

export type ListQuery = Record<string, string | number | boolean | undefined>;

export interface RegisterSpec<S extends z.ZodType> {
  /** Path under /api, e.g. "customer-groups". */
  path: string;
  /** Envelope keys: `{"customer_group": {...}}` and `{"customer_groups": [...]}`. */
  singular: string;
  plural: string;
  schema: S;
  /** Operator words, e.g. "customer group". */
  noun: string;
}

/**
 * The reads every Rackbeat register offers (list, walk all pages, get, find) for records keyed by `number`.
 * Filters are passed through as query parameters (`is_barred=false`, `simple_filter[number]=...`).
 */
export class ReadRegister<S extends z.ZodType, Key extends string | number> {
  constructor(
    protected readonly api: RackbeatApi,
    protected readonly spec: RegisterSpec<S>,
  ) {}

  protected keyPath(key: Key): string {
    return `${this.spec.path}/${encodeURIComponent(String(key))}`;
  }

  protected noun(key?: Key): string {
    return key === undefined ? this.spec.noun : `${this.spec.noun} ${key}`;
  }

  list(query: ListQuery = {}): Promise<Page<z.infer<S>>> {
    return this.api.page(this.spec.path, this.spec.plural, this.spec.schema, { resource: `${this.spec.noun} list`, query });
  }

  /** Every record, page by page; `ahead` pages read at once after the first (RackbeatApi.all). */
  iterate(query: ListQuery = {}, pageSize = 200, ahead = 1): AsyncGenerator<z.infer<S>> {
    return this.api.all(this.spec.path, this.spec.plural, this.spec.schema, { resource: `${this.spec.noun} list`, query }, pageSize, ahead);
  }

  get(key: Key): Promise<z.infer<S>> {
    return this.api.one('GET', this.keyPath(key), this.spec.singular, this.spec.schema, { resource: this.noun(key) });
  }

  /** Look before writing: the record with this number, or null. */
  find(key: Key): Promise<z.infer<S> | null> {
    return orNull(this.get(key));
  }

}

/** Rackbeat's standard CRUD: the reads plus create (201), update (PUT, 200) and delete. */
export class Register<S extends z.ZodType, Key extends string | number, Input extends object> extends ReadRegister<S, Key> {
  /** The wire body for a write; resources with amounts override it. */
  protected toBody(input: Partial<Input>): unknown {
    return input;
  }

  create(input: Input): Promise<z.infer<S>> {
    return this.api.one('POST', this.spec.path, this.spec.singular, this.spec.schema, {
      resource: this.noun(),
      body: this.toBody(input),
    });
  }

  update(key: Key, input: Partial<Input>): Promise<z.infer<S>> {
    return this.api.one('PUT', this.keyPath(key), this.spec.singular, this.spec.schema, {
      resource: this.noun(key),
      body: this.toBody(input),
    });
  }

  async delete(key: Key): Promise<void> {
    await this.api.call('DELETE', this.keyPath(key), { resource: this.noun(key) });
  }
}
