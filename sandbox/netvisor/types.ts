import type { SandboxStore } from '../kit/store';
import type { Elem } from './wire';

/** Records as GET /__sandbox/state shows them. Decimals are canonical dot strings; dates ISO. */
export interface CustomerRecord {
  [k: string]: unknown;
  netvisorKey: number;
  code: string;
  businessId: string;
  name: string;
  nameExtension: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  phone: string;
  email: string;
  /** Invoices go by email to this address when set (and no e-invoice address is). */
  emailInvoicingAddress: string;
  einvoiceAddress: string;
  einvoiceOperator: string;
  invoicingLanguage: string;
  groupName: string;
  isActive: boolean;
  isPrivate: boolean;
  changedAt: string;
}

export interface ProductRecord {
  [k: string]: unknown;
  netvisorKey: number;
  code: string;
  group: string;
  name: string;
  description: string;
  /** Net unit price. */
  unitPrice: string;
  unit: string;
  purchasePrice: string;
  vatPercent: string;
  isActive: boolean;
  isSalesProduct: boolean;
  ean: string;
  changedAt: string;
}

export type SalesLineRecord =
  | {
      type: 'product';
      netvisorKey: number;
      productCode: string;
      productNetvisorKey: number;
      name: string;
      unitPrice: string;
      priceType: 'net' | 'gross';
      vatPercent: string;
      vatCode: string;
      quantity: string;
      discountPercent: string;
      freeText: string;
      vatSum: string;
      sum: string;
    }
  | { type: 'comment'; text: string };

export interface AddressRecord {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface SalesInvoiceRecord {
  [k: string]: unknown;
  netvisorKey: number;
  /** invoice or order (a sales order is a salesinvoice.nv document with invoicetype order). */
  type: 'invoice' | 'order';
  number: string;
  date: string;
  dueDate: string;
  paymentTermNetDays: number | null;
  status: string;
  currency: string;
  amount: string;
  openSum: string;
  referenceNumber: string;
  customerCode: string;
  customerNetvisorKey: number;
  billing: AddressRecord;
  delivery: AddressRecord | null;
  ourReference: string;
  yourReference: string;
  freeTextBeforeLines: string;
  freeTextAfterLines: string;
  expectPartialPayments: boolean;
  lines: SalesLineRecord[];
  payments: Array<{ netvisorKey: number; sum: string; date: string }>;
  modifiedAt: string;
}

export interface SalesPaymentRecord {
  [k: string]: unknown;
  netvisorKey: number;
  sum: string;
  currency: string;
  date: string;
  targetType: 'invoice' | 'order';
  targetIdentifierType: string;
  target: string;
  /** Null when Netvisor stored the payment without targeting it (e.g. an unsent invoice without partial payments). */
  invoiceNetvisorKey: number | null;
  invoiceNumber: string;
  payerName: string;
  method: string;
  methodType: string;
  overrideSalesReceivableAccountNumber: string;
}

export interface DimensionRecord {
  [k: string]: unknown;
  netvisorKey: number;
  name: string;
  hidden: boolean;
  items: Array<{ netvisorKey: number; name: string; code: string; hidden: boolean; level: number; fatherId: number }>;
}

export interface VendorRecord {
  [k: string]: unknown;
  netvisorKey: number;
  code: string;
  name: string;
  address: string;
  postCode: string;
  city: string;
  country: string;
  organizationId: string;
  groupName: string;
  phone: string;
  email: string;
  changedAt: string;
}

export interface InventoryRecord {
  [k: string]: unknown;
  productNetvisorKey: number;
  warehouseNetvisorKey: number;
  warehouseName: string;
  inventoryAmount: string;
  reservedAmount: string;
  orderedAmount: string;
  changedAt: string;
}

/** Sandbox-only switches, reset with the store. */
export interface SandboxSwitches {
  /** Resource names (lower case, e.g. "salesinvoice.nv") the API user is denied. */
  denied: Set<string>;
  /** Invoice and payment dates on or before this ISO date are in a locked period. */
  lockedUntil: string | null;
}

export interface NvRequest {
  method: string;
  resource: string;
  /** Lower-cased parameter names (Netvisor treats them case-insensitively), decoded values. */
  query: Record<string, string>;
  /** The body's single element under <root>, for imports. */
  body?: Elem;
  /** Base URL for the Uri elements of list replies. */
  baseUrl: string;
  store: SandboxStore;
  switches: SandboxSwitches;
  now: Date;
}

export type Handler = (req: NvRequest) => string;
