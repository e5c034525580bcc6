import type { RackbeatApi } from './client';
import { Register } from './register';
import { CustomerGroup, PaymentTerm, ProductGroup, SupplierGroup } from './schemas';

/** The small registers onboarding checks (customer group 1, supplier group 1, a payment term) and product groups. */

export interface ProductGroupInput {
  number?: number;
  name: string;
  has_inventory?: boolean;
  is_sellable?: boolean;
  vat_domestic?: number;
  vat_eu?: number;
  vat_abroad?: number;
  vat_domestic_exempt?: number;
}

export class ProductGroups extends Register<typeof ProductGroup, number, ProductGroupInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'product-groups', singular: 'product_group', plural: 'product_groups', schema: ProductGroup, noun: 'product group' });
  }
}

export interface GroupInput {
  number?: number;
  name: string;
}

export class CustomerGroups extends Register<typeof CustomerGroup, number, GroupInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'customer-groups', singular: 'customer_group', plural: 'customer_groups', schema: CustomerGroup, noun: 'customer group' });
  }
}

export class SupplierGroups extends Register<typeof SupplierGroup, number, GroupInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'supplier-groups', singular: 'supplier_group', plural: 'supplier_groups', schema: SupplierGroup, noun: 'supplier group' });
  }
}

export interface PaymentTermInput {
  number?: number;
  name: string;
  /** Days until due (Rackbeat caps it at 32767). */
  maturity_days: number;
  /** The enum of types is an open point (docs/wire/open-points.md); the sandbox knows "net" and "current_month". */
  type: string;
  description?: string;
}

export class PaymentTerms extends Register<typeof PaymentTerm, number, PaymentTermInput> {
  constructor(api: RackbeatApi) {
    super(api, { path: 'payment-terms', singular: 'payment_term', plural: 'payment_terms', schema: PaymentTerm, noun: 'payment term' });
  }
}
