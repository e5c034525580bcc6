import type { z } from 'zod';
import { normalizeBusinessId } from '../../domain/business-id';
import type { Party } from '../../domain/model';
import type { NetvisorConnection } from './connection';
import { CUSTOMER_ORDER } from './element-order';
import { asNotFound } from './errors';
import { customerDetail, customerListItem, customerListReply, getCustomerReply, getCustomersReply, insertedReply } from './schemas';
import { toXmlDocument, withAttrs, type XmlObject } from './xml';

export interface NetvisorCustomerSummary {
  netvisorKey: string;
  code: string;
  name: string;
  businessId?: string;
}

export type NetvisorCustomer = Party & { netvisorKey: string; active: boolean };

/** customerlist.nv takes at most 100 codes in customercodelist (docs/wire/netvisor.md, "Customers"). */
export const CUSTOMER_CODES_PER_CALL = 100;

const CUSTOMER_LIST_FIELDS = Object.keys(customerListItem.shape);

export async function listCustomers(
  conn: NetvisorConnection,
  opts: { keyword?: string; changedSince?: string; customerCodes?: string[] } = {},
): Promise<NetvisorCustomerSummary[]> {
  const codes = opts.customerCodes?.length ? opts.customerCodes : undefined;
  if (codes && codes.length > CUSTOMER_CODES_PER_CALL) {
    // More codes than one call may name: one call per hundred, in order.
    const out: NetvisorCustomerSummary[] = [];
    for (let i = 0; i < codes.length; i += CUSTOMER_CODES_PER_CALL) {
      out.push(...(await listCustomers(conn, { ...opts, customerCodes: codes.slice(i, i + CUSTOMER_CODES_PER_CALL) })));
    }
    return out;
  }
  // Without a filter the whole register comes back as one reply (no paging): read lean, only the summary's columns.
  const { rows } = await conn.getRows('customerlist.nv', [
    ['keyword', opts.keyword],
    // Netvisor ignores changedsince when keyword is given (docs/wire/netvisor.md, "Customers"); send it only alone.
    ['changedsince', opts.keyword ? undefined : opts.changedSince],
    ['customercodelist', codes ? codes.join(',') : undefined],
  ], 'customerlist', 'customer', CUSTOMER_LIST_FIELDS);
  return conn.parse('customerlist.nv', customerListReply, { customerlist: { customer: rows } }).customerlist.customer.map((c) => ({
    netvisorKey: c.netvisorkey,
    code: c.code,
    name: c.name,
    ...(c.organisationidentifier ? { businessId: c.organisationidentifier } : {}),
  }));
}

/** Exact lookup by customer code (customercodelist), for "look before you write". */
export async function findCustomerByCode(conn: NetvisorConnection, code: string): Promise<NetvisorCustomerSummary | null> {
  const found = await listCustomers(conn, { customerCodes: [code] });
  return found.find((c) => c.code === code) ?? null;
}

export async function getCustomer(conn: NetvisorConnection, netvisorKey: string): Promise<NetvisorCustomer> {
  let root: Record<string, unknown>;
  try {
    root = await conn.get('getcustomer.nv', [['id', netvisorKey]]);
  } catch (err) {
    throw asNotFound(err, `Customer with Netvisor key ${netvisorKey}`, 'getcustomer.nv');
  }
  return toCustomer(conn.parse('getcustomer.nv', getCustomerReply, root).customer);
}

/** Several customers in one call (idlist, at most 500 keys per call as documented). */
export async function getCustomers(conn: NetvisorConnection, netvisorKeys: string[]): Promise<NetvisorCustomer[]> {
  const out: NetvisorCustomer[] = [];
  for (let i = 0; i < netvisorKeys.length; i += 500) {
    const root = await conn.get('getcustomer.nv', [['idlist', netvisorKeys.slice(i, i + 500).join(',')]]);
    out.push(...conn.parse('getcustomer.nv', getCustomersReply, root).customers.customer.map(toCustomer));
  }
  return out;
}

export function toCustomer(c: z.infer<typeof customerDetail>): NetvisorCustomer {
  const b = c.customerbaseinformation;
  const businessId = b.externalidentifier ? normalizeBusinessId(b.externalidentifier) : null;
  const language = c.customeradditionalinformation?.invoicinglanguage?.text;
  return {
    kind: 'customer',
    netvisorKey: b.netvisorkey,
    active: b.isactive !== '0',
    ...(b.internalidentifier ? { code: b.internalidentifier } : {}),
    name: b.name,
    ...(businessId ? { businessId } : b.externalidentifier ? { organisationNumber: b.externalidentifier } : {}),
    ...(b.email ? { email: b.email } : {}),
    ...(b.emailinvoicingaddress ? { invoicingEmail: b.emailinvoicingaddress } : {}),
    ...(b.phonenumber ? { phone: b.phonenumber } : {}),
    address: { street: b.streetaddress, postalCode: b.postnumber, city: b.city, country: (b.country.attrs.type === 'ISO-3166' || /^[A-Z]{2}$/.test(b.country.text) ? b.country.text : '') || 'FI' },
    ...(language ? { language } : {}),
    ...(c.customerfinvoicedetails?.finvoiceaddress ? { einvoiceAddress: c.customerfinvoicedetails.finvoiceaddress } : {}),
    ...(c.customerfinvoicedetails?.finvoiceroutercode ? { einvoiceOperator: c.customerfinvoicedetails.finvoiceroutercode } : {}),
  };
}

/**
 * customer.nv body. On add a missing code asks Netvisor for the next free number (`type="automatic"`); on edit,
 * omitted elements keep their value, so only what the Party carries is sent (an empty element would clear it).
 */
export function customerBody(party: Party, method: 'add' | 'edit'): string {
  const base: XmlObject = {
    internalidentifier: party.code ?? (method === 'add' ? withAttrs('', { type: 'automatic' }) : undefined),
    externalidentifier: party.businessId ?? party.organisationNumber,
    name: party.name,
    streetaddress: party.address.street || undefined,
    city: party.address.city || undefined,
    postnumber: party.address.postalCode || undefined,
    country: withAttrs(party.address.country, { type: 'ISO-3166' }),
    phonenumber: party.phone,
    email: party.email,
    isactive: method === 'add' ? '1' : undefined,
    isprivatecustomer: method === 'add' ? (party.businessId || party.organisationNumber ? '0' : '1') : undefined,
    // Netvisor sends an unsent invoice by email when the card has this address (an e-invoice address wins over it).
    emailinvoicingaddress: party.invoicingEmail,
  };
  const customer: XmlObject = { customerbaseinformation: base };
  if (party.einvoiceAddress || party.einvoiceOperator) {
    customer.customerfinvoicedetails = { finvoiceaddress: party.einvoiceAddress, finvoiceroutercode: party.einvoiceOperator };
  }
  if (party.language) customer.customeradditionalinformation = { invoicinglanguage: withAttrs(party.language.toUpperCase(), { type: 'ISO-3166' }) };
  return toXmlDocument('customer', customer, CUSTOMER_ORDER);
}

export async function addCustomer(conn: NetvisorConnection, party: Party): Promise<string> {
  const root = await conn.post('customer.nv', [['method', 'add']], customerBody(party, 'add'));
  return conn.parse('customer.nv', insertedReply, root).replies.inserteddataidentifier;
}

export async function editCustomer(conn: NetvisorConnection, netvisorKey: string, party: Party): Promise<void> {
  await conn.post('customer.nv', [['method', 'edit'], ['id', netvisorKey]], customerBody(party, 'edit'));
}
