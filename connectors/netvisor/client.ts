import type { CostCentre, Party, Product } from '../../domain/model';
import type { HttpTransport } from '../kit/http';
import { NetvisorConnection, type NetvisorClientOptions, type NetvisorCredentials } from './connection';
import * as creditNotes from './credit-notes';
import * as customers from './customers';
import * as dimensions from './dimensions';
import * as inventory from './inventory';
import { probePermissions, type PermissionProbe } from './permissions';
import * as products from './products';
import * as payments from './sales-payments';
import * as sales from './sales-documents';
import * as vendors from './vendors';

/**
 * The Netvisor client the activities use. Auth, transport and error classification live in NetvisorConnection;
 * each register's wire shapes live in its own module; this class only puts them behind one object.
 */
export class NetvisorClient {
  readonly connection: NetvisorConnection;
  private readonly defaultProductGroup: string;

  constructor(credentials: NetvisorCredentials, options: NetvisorClientOptions = {}, transport?: HttpTransport) {
    this.connection = new NetvisorConnection(credentials, options, transport);
    // productgroup is compulsory on add and Netvisor creates a missing group; the default name is ours
    // (docs/wire/open-points.md, "Default product group").
    this.defaultProductGroup = options.defaultProductGroup ?? 'Tuotteet';
  }

  listCustomers(opts?: { keyword?: string; changedSince?: string; customerCodes?: string[] }): Promise<customers.NetvisorCustomerSummary[]> {
    return customers.listCustomers(this.connection, opts);
  }
  findCustomerByCode(code: string): Promise<customers.NetvisorCustomerSummary | null> {
    return customers.findCustomerByCode(this.connection, code);
  }
  getCustomer(netvisorKey: string): Promise<customers.NetvisorCustomer> {
    return customers.getCustomer(this.connection, netvisorKey);
  }
  getCustomers(netvisorKeys: string[]): Promise<customers.NetvisorCustomer[]> {
    return customers.getCustomers(this.connection, netvisorKeys);
  }
  addCustomer(party: Party): Promise<string> {
    return customers.addCustomer(this.connection, party);
  }
  editCustomer(netvisorKey: string, party: Party): Promise<void> {
    return customers.editCustomer(this.connection, netvisorKey, party);
  }

  listProducts(opts?: { keyword?: string; changedSince?: string }): Promise<products.NetvisorProductSummary[]> {
    return products.listProducts(this.connection, opts);
  }
  getProduct(netvisorKey: string): Promise<products.NetvisorProduct | null> {
    return products.getProduct(this.connection, netvisorKey);
  }
  findProductByCode(code: string): Promise<products.NetvisorProduct | null> {
    return products.findProductByCode(this.connection, code);
  }
  addProduct(product: Product): Promise<string> {
    return products.addProduct(this.connection, product, this.defaultProductGroup);
  }
  editProduct(netvisorKey: string, product: Product): Promise<void> {
    return products.editProduct(this.connection, netvisorKey, product);
  }

  addSalesDocument(doc: sales.NetvisorSalesDocumentInput): Promise<string> {
    return sales.addSalesDocument(this.connection, doc);
  }
  editSalesDocument(netvisorKey: string, doc: sales.NetvisorSalesDocumentInput): Promise<void> {
    return sales.editSalesDocument(this.connection, netvisorKey, doc);
  }
  findSalesDocumentByNumber(kind: sales.SalesKind, number: string): Promise<sales.NetvisorSalesDocumentSummary | null> {
    return sales.findSalesDocumentByNumber(this.connection, kind, number);
  }
  listSalesDocuments(opts: sales.ListSalesDocumentsOptions): Promise<sales.NetvisorSalesDocumentSummary[]> {
    return sales.listSalesDocuments(this.connection, opts);
  }
  getSalesDocument(kind: sales.SalesKind, netvisorKey: string): Promise<sales.NetvisorSalesDocument | null> {
    return sales.getSalesDocument(this.connection, kind, netvisorKey);
  }

  /** Links a credit note to the invoice it credits (matchcreditnote.nv). Check getCreditNoteMatch first: Netvisor refuses a second match. */
  matchCreditNote(creditNoteKey: string, invoiceKey: string): Promise<void> {
    return creditNotes.matchCreditNote(this.connection, { creditNoteKey, invoiceKey });
  }
  /** The invoice a credit note is matched to, or null when it is not matched yet. */
  getCreditNoteMatch(creditNoteKey: string): Promise<creditNotes.CreditNoteMatch | null> {
    return creditNotes.getCreditNoteMatch(this.connection, creditNoteKey);
  }
  /** updatesalesinvoicestatus.nv (e.g. mark invoices sent by another system as open). */
  updateSalesInvoiceStatus(netvisorKeys: readonly string[], status: creditNotes.SalesInvoiceStatusUpdate): Promise<void> {
    return creditNotes.updateSalesInvoiceStatus(this.connection, netvisorKeys, status);
  }

  addSalesPayment(input: payments.NetvisorSalesPaymentInput): Promise<string> {
    return payments.addSalesPayment(this.connection, input);
  }
  listSalesPayments(opts?: { invoiceNumber?: string; beginDate?: string; endDate?: string }): Promise<payments.NetvisorSalesPaymentSummary[]> {
    return payments.listSalesPayments(this.connection, opts);
  }

  listDimensions(opts?: { showHidden?: boolean }): Promise<dimensions.NetvisorDimension[]> {
    return dimensions.listDimensions(this.connection, opts);
  }
  addDimensionItem(dimensionName: string, item: CostCentre): Promise<void> {
    return dimensions.addDimensionItem(this.connection, dimensionName, item);
  }

  getVendor(netvisorKey: string): Promise<vendors.NetvisorVendor> {
    return vendors.getVendor(this.connection, netvisorKey);
  }
  listVendors(changedSince: string): Promise<vendors.NetvisorVendor[]> {
    return vendors.listVendors(this.connection, changedSince);
  }
  addVendor(party: Party): Promise<string> {
    return vendors.addVendor(this.connection, party);
  }
  editVendor(netvisorKey: string, party: Party): Promise<void> {
    return vendors.editVendor(this.connection, netvisorKey, party);
  }

  inventoryByWarehouse(opts?: { productId?: string; productIds?: string[]; warehouseName?: string; changedSince?: Date }): Promise<inventory.NetvisorInventoryItem[]> {
    return inventory.inventoryByWarehouse(this.connection, opts);
  }

  probePermissions(): Promise<PermissionProbe[]> {
    return probePermissions(this.connection);
  }
}
