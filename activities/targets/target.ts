import type { CustomerCandidate } from '../../domain/matching';
import type { Party, Payment, Product, SalesDocument } from '../../domain/model';
import type { RegisterCache } from '../register-cache';

/**
 * What order export needs from the system an order goes to. One implementation per ERP (Netvisor, Procountor);
 * the activities hold the rules (matching, look-before-write, collisions) and stay the same for both.
 */
export interface TargetCustomer extends CustomerCandidate {
  /** The system's own key (Netvisor key, Procountor partner id). */
  id: string;
}

export interface TargetDocument {
  id: string;
  number: string;
  /** The stamp we put on every document we write (`<shop>:<order number>`, activities/sales-documents.ts). */
  ourReference?: string;
  customerCode?: string;
  /** Still unpaid, in the document currency. */
  openSum?: string;
  status?: string;
}

export interface DocumentSettings {
  kind: 'invoice' | 'order';
  /** Netvisor status, e.g. "unsent"; Procountor's end state, e.g. "approve-and-send". */
  status: string;
  channel: { default: 'email' | 'einvoice' | 'print' | 'none'; forced: boolean };
  /** Procountor: the invoice carries the register's customer data instead of the order's. */
  registerCustomerData: boolean;
}

export interface OrderTarget {
  readonly system: 'netvisor' | 'procountor';
  readonly displayName: string;
  /**
   * What this worker already knows of the target's customer and product registers (activities/register-cache.ts);
   * absent where look-ups always go to the system.
   */
  readonly registers?: RegisterCache;
  /**
   * The system refuses a second document with one number, and a second customer or product with one code (Netvisor's
   * DUPLICATE_DATA). Only then may a first try write without looking first: should anything have written the
   * number or code after all, the refusal says so, and the step looks then.
   */
  readonly refusesDuplicates?: boolean;
  /** Candidates for the configured match rules: by customer number, business ID and name. */
  customerCandidates(query: { code?: string; businessId?: string; name: string }): Promise<TargetCustomer[]>;
  customerByCode(code: string): Promise<TargetCustomer | null>;
  /** Returns the new card's key where the system says it. */
  createCustomer(party: Party & { code: string }): Promise<string | void>;
  updateCustomer(customer: TargetCustomer, party: Party): Promise<void>;
  productExists(code: string): Promise<boolean>;
  createProduct(product: Product): Promise<void>;
  /** The document with this number; where a target allows several, the one carrying `stamp` if any. */
  findDocument(kind: 'invoice' | 'order', number: string, stamp?: string): Promise<TargetDocument | null>;
  /** Writes the document stamped with `stamp`; returns its id. Callers have looked first. */
  createDocument(document: SalesDocument, customerCode: string, settings: DocumentSettings, stamp: string): Promise<string>;
  /**
   * For a target that does not refuse a second document with one number: after writing `id`, looks again, and when
   * another write with the same stamp exists too, keeps the oldest and removes our newer one; returns the kept one.
   */
  settleDuplicates?(kind: 'invoice' | 'order', number: string, stamp: string, id: string): Promise<TargetDocument>;
  /** Moves a written document to its configured end state (Procountor: approve, send); a no-op where none. */
  finishDocument(document: TargetDocument, settings: DocumentSettings): Promise<void>;
  bookPayment(document: TargetDocument, payment: Payment, currency: string): Promise<void>;
}
