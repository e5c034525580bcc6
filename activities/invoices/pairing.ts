import { INVOICE_PAIR, type InvoiceTransferSettings } from '../../config/invoice-schema';
import type { NetvisorAddress } from '../../connectors/netvisor/sales-documents';
import { countryCode } from '../../domain/mapping/pairing';
import { LINK_FIELDS } from '../../domain/mapping/rackbeat-twentyfourseven';
import { netvisorRegisterCache } from '../targets';
import type { Connections } from '../connections';
import { needsOperator } from '../failures';
import type { InvoiceView } from './view';

/**
 * The customer and products of a Rackbeat invoice in the target, through the pairing the register sync keeps:
 * - Netvisor (pair rackbeat-netvisor): the Rackbeat customer number is the Netvisor customer code, the Rackbeat
 *   product number the Netvisor product code;
 * - 24SevenOffice (pair rackbeat-24so): the 24SO id in Rackbeat's user-defined link field (LINK_FIELDS, or the
 *   lifecycle's `links`), else what the sync pairs by: a 24SO company with the Rackbeat number as ExternalId, a
 *   24SO product with the same number.
 * Nothing here writes: what is not paired yet is returned as `unpaired` for the workflow to sync (syncChange) or
 * to park on.
 */
export type InvoiceTarget = InvoiceTransferSettings['to'];

export interface UnpairedRecord {
  register: 'customers' | 'products';
  /** The Rackbeat record: customer number or product number (the register sync's source id). */
  sourceId: string;
  /** Operator words naming the record by number only: failure messages sit in workflow history unencrypted. */
  label: string;
}

export interface PairedParties {
  target: InvoiceTarget;
  /** Netvisor customer code, or 24SO company id (as a string). */
  customer: string;
  /** Netvisor only: the card's billing address (salesinvoice.nv wants name and address with the code). */
  billing?: NetvisorAddress;
  /** Rackbeat product number → Netvisor product code, or 24SO product id (as a string). */
  products: Record<string, string>;
  /** 24SO only: the customer's own currency (its CurrencyId), when it is not the company's LOCAL one. */
  currency?: string;
}

export interface PairingResult {
  paired: PairedParties | null;
  unpaired: UnpairedRecord[];
}

const productNumbers = (invoice: InvoiceView): string[] => [...new Set(invoice.lines.map((l) => l.productNumber).filter((n): n is string => !!n))];

/**
 * `useCache`: Netvisor pairing may take a match from this worker's register cache (activities/register-cache.ts, as
 * order export does: only a match, never a miss). The workflow allows it on its first pass only, so a retry after
 * a refusal (a card or product deleted since the cache read it) asks Netvisor itself.
 */
export async function pairInvoiceParties(connections: Connections, tenant: string, target: InvoiceTarget, invoice: InvoiceView, useCache = false): Promise<PairingResult> {
  return target === 'netvisor' ? pairNetvisor(connections, tenant, invoice, useCache) : pairTwentyFourSeven(connections, tenant, invoice);
}

async function pairNetvisor(connections: Connections, tenant: string, invoice: InvoiceView, useCache: boolean): Promise<PairingResult> {
  const nv = connections.netvisor(tenant);
  const cache = useCache ? netvisorRegisterCache(connections, tenant) : null;
  const cached = cache !== null && (await cache.ready());
  const unpaired: UnpairedRecord[] = [];
  const code = String(invoice.customerNumber);
  const hit = cached ? cache!.customerByCode(code) : null;
  const summary = hit ? { netvisorKey: hit.id } : await nv.findCustomerByCode(code);
  let billing: NetvisorAddress | undefined;
  if (!summary) unpaired.push({ register: 'customers', sourceId: code, label: `customer ${code}` });
  else {
    // The billing address is the Rackbeat customer's (a Rackbeat call, not one of Netvisor's one-at-a-time turns);
    // the Netvisor card's when Rackbeat has none.
    const rb = await connections.rackbeat(tenant).customers.find(invoice.customerNumber);
    if (rb?.address_street || rb?.address_city) {
      billing = { name: rb.company_name ?? invoice.customerName, street: rb.address_street ?? '', postalCode: rb.address_zipcode ?? '', city: rb.address_city ?? '', country: countryCode(rb.address_country, 'FI') };
    } else {
      const card = await nv.getCustomer(summary.netvisorKey);
      billing = { name: card.name, street: card.address.street, postalCode: card.address.postalCode, city: card.address.city, country: card.address.country || 'FI' };
    }
  }
  const products: Record<string, string> = {};
  for (const number of productNumbers(invoice)) {
    if (cached && cache!.hasProduct(number)) {
      products[number] = number;
      continue;
    }
    const found = await nv.findProductByCode(number);
    if (found) {
      products[number] = number;
      cache?.observeProducts([number]);
    } else unpaired.push({ register: 'products', sourceId: number, label: `product ${number}` });
  }
  return { paired: unpaired.length ? null : { target: 'netvisor', customer: code, ...(billing ? { billing } : {}), products }, unpaired };
}

async function pairTwentyFourSeven(connections: Connections, tenant: string, invoice: InvoiceView): Promise<PairingResult> {
  const so = connections.twentyfourseven(tenant);
  const rb = connections.rackbeat(tenant);
  const links = connections.tenant(tenant).lifecycle?.links ?? { customerField: LINK_FIELDS.customers, productField: LINK_FIELDS.products };
  const linked = (values: Array<{ field: { slug?: string }; value: unknown }>, slug: string): number | null => {
    const v = values.find((x) => x.field.slug === slug)?.value;
    return v !== null && v !== undefined && /^\d+$/.test(String(v)) ? Number(v) : null;
  };
  const unpaired: UnpairedRecord[] = [];
  const number = invoice.customerNumber;
  let customerId = linked(await rb.customers.fieldValues.read(number).catch(() => []), links.customerField);
  let company = customerId !== null ? await so.getCompany(customerId) : null;
  if (!company) {
    company = await so.findCompanyByExternalId(String(number));
    customerId = company?.id ?? null;
  }
  const currency = company?.currencyId && /^[A-Z]{3}$/.test(company.currencyId) ? company.currencyId : undefined;
  if (customerId === null) unpaired.push({ register: 'customers', sourceId: String(number), label: `customer ${number}` });
  const products: Record<string, string> = {};
  for (const productNumber of productNumbers(invoice)) {
    let id = linked(await rb.products.fieldValues.read(productNumber).catch(() => []), links.productField);
    id ??= (await so.findProductByNo(productNumber))?.id ?? null;
    if (id === null) unpaired.push({ register: 'products', sourceId: productNumber, label: `product ${productNumber}` });
    else products[productNumber] = String(id);
  }
  return { paired: unpaired.length || customerId === null ? null : { target: '24so', customer: String(customerId), products, ...(currency ? { currency } : {}) }, unpaired };
}

/** The needs-attention sentence for records still unpaired, with what syncing them said, if it was tried. */
export function unpairedProblem(invoice: InvoiceView, target: InvoiceTarget, unpaired: UnpairedRecord[], notes: Record<string, string> = {}): Error {
  const system = target === 'netvisor' ? 'Netvisor' : '24SevenOffice';
  const pair = INVOICE_PAIR[target];
  const named = unpaired.map((u) => `${u.label}${notes[`${u.register}:${u.sourceId}`] ? ` (${notes[`${u.register}:${u.sourceId}`]})` : ''}`);
  return needsOperator(
    `Rackbeat ${invoice.kind === 'credit-note' ? 'credit note' : 'invoice'} ${invoice.number}: not paired with ${system} yet: ${named.join(', ')}. ` +
      `Sync ${unpaired.length === 1 ? 'it' : 'them'} (register sync ${pair}) or create ${unpaired.length === 1 ? 'it' : 'them'} in ${system}, then retry; or skip this invoice`,
    'Siirto.business',
  );
}
