import type { RackbeatApi } from './client';
import { FieldValueAccess, findOneByField } from './fields';
import { Register } from './register';
import { Product } from './schemas';

/** Rackbeat refuses product numbers longer than this (help centre: "max 25 characters"). */
export const PRODUCT_NUMBER_MAX = 25;

/**
 * Product numbers are free text and may hold `/`, `+`, `#` or spaces. Rackbeat's API docs tell callers to
 * URL-encode them twice in paths (`ABC/123+DEF` → `ABC%252F123%252BDEF`): the web server decodes once before the
 * application routes, so a single `%2F` would split the path and end in a 404. The server decodes until stable,
 * so twice is safe also for plain numbers. (Rackbeat's newer SDK encodes once and relies on `urlfriendly_number`;
 * the documented double form works for both.)
 */
export const encodeProductNumber = (number: string): string => encodeURIComponent(encodeURIComponent(number));

/** Amounts go out as JSON numbers; decimal strings are accepted so callers never hold money in floats. */
export type Amount = string | number;

export interface ProductInput {
  number: string;
  name: string;
  /** Product group number; at least one group must exist before any product. */
  group: number;
  sales_price?: Amount;
  /** The writable "expected" cost price; `cost_price` itself only moves with purchases. */
  recommended_cost_price?: Amount;
  barcode?: string;
  description?: string;
  is_barred?: boolean;
  unit_id?: number;
  default_supplier_id?: number;
}

const amount = (v: Amount | undefined) => (v === undefined ? undefined : Number(v));

export class Products extends Register<typeof Product, string, ProductInput> {
  readonly fieldValues: FieldValueAccess<string>;

  constructor(api: RackbeatApi) {
    super(api, { path: 'products', singular: 'product', plural: 'products', schema: Product, noun: 'product' });
    this.fieldValues = new FieldValueAccess(api, (n) => this.keyPath(n), 'product');
  }

  protected override keyPath(number: string): string {
    return `products/${encodeProductNumber(number)}`;
  }

  protected override toBody(input: Partial<ProductInput>): unknown {
    return { ...input, sales_price: amount(input.sales_price), recommended_cost_price: amount(input.recommended_cost_price) };
  }

  /** Idempotency lookup by the natural key: `GET products/{number}`, null on 404. */
  findByNumber(number: string) {
    return this.find(number);
  }

  /** The product whose user-defined field holds `value` (e.g. the 24SevenOffice id), via `field_eq[<id>]`. */
  findByField(fieldId: number, value: string) {
    return findOneByField<typeof Product>(this, 'product', fieldId, value);
  }
}
