import type { RackbeatApi } from './client';
import { FieldValueAccess, findOneByField } from './fields';
import { Register } from './register';
import { Customer, Supplier } from './schemas';

/** Keys both customers and suppliers take on create/update (2018 spec and 2024–25 usage). */
export interface PartyInput {
  /** Optional on create: Rackbeat numbers the record itself when absent. */
  number?: number;
  company_name: string;
  company_vat?: string;
  address_street?: string;
  address_street2?: string;
  address_city?: string;
  address_zipcode?: string;
  address_country?: string;
  contact_email?: string;
  contact_phone?: string;
  locale?: string;
  currency?: string;
  vat_zone?: string;
  ean?: string;
  /** Required by Rackbeat on create. */
  payment_terms_id: number;
  is_barred?: boolean;
}

export interface CustomerInput extends PartyInput {
  /** The key name for a customer's group is an open point (docs/wire/open-points.md); group 1 is assumed when absent. */
  customer_group_id?: number;
}

export interface SupplierInput extends PartyInput {
  supplier_group_id?: number;
}

export class Customers extends Register<typeof Customer, number, CustomerInput> {
  readonly fieldValues: FieldValueAccess<number>;

  constructor(api: RackbeatApi) {
    super(api, { path: 'customers', singular: 'customer', plural: 'customers', schema: Customer, noun: 'customer' });
    this.fieldValues = new FieldValueAccess(api, (n) => this.keyPath(n), 'customer');
  }

  /** Idempotency lookup by customer number: `GET customers/{number}`, null on 404. */
  findByNumber(number: number) {
    return this.find(number);
  }

  /** The customer whose user-defined field holds `value`, via `field_eq[<id>]`. */
  findByField(fieldId: number, value: string) {
    return findOneByField<typeof Customer>(this, 'customer', fieldId, value);
  }

  /**
   * Customers with this VAT/organisation number, via `simple_filter[company_vat]` (seen in 2025 integrations for
   * other keys; for company_vat an open point, docs/wire/open-points.md). Used for the business-ID pairing rule.
   */
  async findByVat(companyVat: string) {
    return (await this.list({ 'simple_filter[company_vat]': companyVat, limit: 50 })).items;
  }
}

export class Suppliers extends Register<typeof Supplier, number, SupplierInput> {
  readonly fieldValues: FieldValueAccess<number>;

  constructor(api: RackbeatApi) {
    super(api, { path: 'suppliers', singular: 'supplier', plural: 'suppliers', schema: Supplier, noun: 'supplier' });
    this.fieldValues = new FieldValueAccess(api, (n) => this.keyPath(n), 'supplier');
  }

  findByNumber(number: number) {
    return this.find(number);
  }

  findByField(fieldId: number, value: string) {
    return findOneByField<typeof Supplier>(this, 'supplier', fieldId, value);
  }

  async findByVat(companyVat: string) {
    return (await this.list({ 'simple_filter[company_vat]': companyVat, limit: 50 })).items;
  }
}
