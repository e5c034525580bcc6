import { ConnectorError } from '../kit/errors';
import { SYSTEM } from './errors';
import { outcomes, single, type SaveOutcome } from './save';
import {
  ADDRESS_SLOTS,
  CompanyList,
  PageOfSyncCompany,
  type CompanySyncPage,
  EMAIL_SLOTS,
  PHONE_SLOTS,
  type Address,
  type Addresses,
  type Company,
  type CompanyType,
  type EmailAddresses,
  type PhoneNumbers,
} from './schemas';
import { el, list } from './soap';
import type { SoapCaller } from './caller';
import { writeFields, type WriteField } from './wire';

/** CompanyService: customers (Type Business or Consumer) and suppliers (Type Supplier). */
export interface CompanyInput {
  /** Set to update that company; leave out to create one. */
  id?: number;
  /** Our reference on the company, searchable: the key for "did my earlier write land?". */
  externalId?: string;
  organizationNumber?: string;
  name?: string;
  firstName?: string;
  addresses?: Addresses;
  phoneNumbers?: PhoneNumbers;
  emailAddresses?: EmailAddresses;
  url?: string;
  country?: string;
  note?: string;
  type?: CompanyType;
  typeGroup?: number;
  blockInvoice?: boolean;
  currencyId?: string;
  paymentTime?: number;
  vatNumber?: string;
}

export interface CompanySearch {
  externalId?: string;
  companyId?: number;
  companyIds?: number[];
  companyName?: string;
  changedAfter?: string | Date;
  email?: string;
  phone?: string;
  organizationNumber?: string;
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

const ADDRESS: WriteField<Address>[] = [
  { wire: 'Street', key: 'street', kind: 'string' },
  { wire: 'State', key: 'state', kind: 'string' },
  { wire: 'PostalCode', key: 'postalCode', kind: 'string' },
  { wire: 'PostalArea', key: 'postalArea', kind: 'string' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'City', key: 'city', kind: 'string' },
  { wire: 'Country', key: 'country', kind: 'string' },
];
const PHONE: WriteField<{ description?: string; value?: string }>[] = [
  { wire: 'Description', key: 'description', kind: 'string' },
  { wire: 'Value', key: 'value', kind: 'string' },
];
const EMAIL: WriteField<{ description?: string; name?: string; value?: string }>[] = [
  { wire: 'Description', key: 'description', kind: 'string' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'Value', key: 'value', kind: 'string' },
];

const slotsXml =
  <T extends object>(slots: readonly string[], fields: WriteField<T>[]) =>
  (value: Record<string, T | undefined>): string =>
    slots.map((s) => (value[lower(s)] ? el(s, writeFields(fields, value[lower(s)]!)) : '')).join('');

export const addressesXml = slotsXml(ADDRESS_SLOTS, ADDRESS);

/** Company in WSDL sequence order (the subset Siirto writes). */
export const COMPANY_FIELDS: WriteField<CompanyInput>[] = [
  { wire: 'Id', key: 'id', kind: 'int' },
  { wire: 'ExternalId', key: 'externalId', kind: 'string' },
  { wire: 'OrganizationNumber', key: 'organizationNumber', kind: 'string' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'FirstName', key: 'firstName', kind: 'string' },
  { wire: 'Addresses', key: 'addresses', kind: addressesXml as (v: never) => string },
  { wire: 'PhoneNumbers', key: 'phoneNumbers', kind: slotsXml(PHONE_SLOTS, PHONE) as (v: never) => string },
  { wire: 'EmailAddresses', key: 'emailAddresses', kind: slotsXml(EMAIL_SLOTS, EMAIL) as (v: never) => string },
  { wire: 'Url', key: 'url', kind: 'string' },
  { wire: 'Country', key: 'country', kind: 'string' },
  { wire: 'Note', key: 'note', kind: 'string' },
  { wire: 'Type', key: 'type', kind: 'string' },
  { wire: 'TypeGroup', key: 'typeGroup', kind: 'int' },
  { wire: 'BlockInvoice', key: 'blockInvoice', kind: 'bool' },
  { wire: 'CurrencyId', key: 'currencyId', kind: 'string' },
  { wire: 'PaymentTime', key: 'paymentTime', kind: 'int' },
  { wire: 'VatNumber', key: 'vatNumber', kind: 'string' },
];

const SEARCH_FIELDS: WriteField<CompanySearch>[] = [
  { wire: 'ExternalId', key: 'externalId', kind: 'string' },
  { wire: 'CompanyId', key: 'companyId', kind: 'int' },
  { wire: 'CompanyIds', key: 'companyIds', kind: ((ids: number[]) => ids.map((i) => el('int', String(i))).join('')) as (v: never) => string },
  { wire: 'CompanyName', key: 'companyName', kind: 'string' },
  { wire: 'ChangedAfter', key: 'changedAfter', kind: 'dateTime' },
  { wire: 'CompanyEmail', key: 'email', kind: 'string' },
  { wire: 'CompanyPhone', key: 'phone', kind: 'string' },
  { wire: 'OrganizationNumber', key: 'organizationNumber', kind: 'string' },
];

/** Our property names and the returnProperties they ask for. */
export const COMPANY_PROPERTIES = {
  id: 'Id',
  externalId: 'ExternalId',
  organizationNumber: 'OrganizationNumber',
  name: 'Name',
  firstName: 'FirstName',
  addresses: 'Addresses',
  phoneNumbers: 'PhoneNumbers',
  emailAddresses: 'EmailAddresses',
  url: 'Url',
  country: 'Country',
  note: 'Note',
  type: 'Type',
  dateCreated: 'DateCreated',
  typeGroup: 'TypeGroup',
  dateChanged: 'DateChanged',
  blockInvoice: 'BlockInvoice',
  currencyId: 'CurrencyId',
  paymentTime: 'PaymentTime',
  vatNumber: 'VatNumber',
} as const satisfies Record<keyof Company, string>;
export type CompanyProperty = keyof typeof COMPANY_PROPERTIES;

const wireProps = (props?: readonly CompanyProperty[]) => (props ?? (Object.keys(COMPANY_PROPERTIES) as CompanyProperty[])).map((p) => COMPANY_PROPERTIES[p]);

export async function getCompanies(caller: SoapCaller, search: CompanySearch, properties?: readonly CompanyProperty[]): Promise<Company[]> {
  const inner = el('searchParams', writeFields(SEARCH_FIELDS, search)) + list('returnProperties', 'string', wireProps(properties));
  const items = await caller.call('company', 'GetCompanies', inner, CompanyList, 'companies');
  return items.map(({ apiException: _e, ...c }) => c);
}

/** The company we stamped with `externalId`, or null. Two hits mean the reference is no longer unique. */
export async function findCompanyByExternalId(caller: SoapCaller, externalId: string, properties?: readonly CompanyProperty[]): Promise<Company | null> {
  const hits = await getCompanies(caller, { externalId }, properties && [...new Set([...properties, 'id' as const])]);
  if (hits.length > 1) {
    throw new ConnectorError(SYSTEM, 'conflict', `24SevenOffice has ${hits.length} companies with ExternalId "${externalId}" (ids ${hits.map((h) => h.id).join(', ')}); keep one and clear the others' ExternalId.`, {
      resource: 'companies',
      field: 'ExternalId',
    });
  }
  return hits[0] ?? null;
}

export async function saveCompanies(caller: SoapCaller, companies: readonly CompanyInput[]): Promise<SaveOutcome<Company, CompanyInput>[]> {
  const inner = el('companies', companies.map((c) => el('Company', writeFields(COMPANY_FIELDS, c))).join(''));
  const echoed = await caller.call('company', 'SaveCompanies', inner, CompanyList, 'companies');
  const label = (c: CompanyInput) => `company ${c.name ? `"${c.name}"` : c.id !== undefined ? `id ${c.id}` : `with ExternalId "${c.externalId ?? ''}"`}`;
  return outcomes('companies', companies, echoed, label, Object.values(COMPANY_PROPERTIES));
}

export const saveCompany = async (caller: SoapCaller, company: CompanyInput): Promise<Company> => single(await saveCompanies(caller, [company]));

export interface CompanySyncSearch {
  changedAfter?: string | Date;
  registeredAfter?: string | Date;
  /** Only active (true) or inactive (false) companies; both when left out. */
  active?: boolean;
}

const SYNC_FIELDS: WriteField<CompanySyncSearch & { page: number }>[] = [
  { wire: 'Page', key: 'page', kind: 'int' },
  { wire: 'Active', key: 'active', kind: 'nbool', required: true },
  { wire: 'ChangedAfter', key: 'changedAfter', kind: 'dateTime' },
  { wire: 'RegisteredAfter', key: 'registeredAfter', kind: 'dateTime' },
];

/** One page (from 1) of GetCompanySyncList: ids and change stamps for a full sync; details come from GetCompanies. */
export async function getCompanySyncPage(caller: SoapCaller, search: CompanySyncSearch, page = 1): Promise<CompanySyncPage> {
  const inner = el('syncSearchParameters', writeFields(SYNC_FIELDS, { ...search, page }));
  return caller.call('company', 'GetCompanySyncList', inner, PageOfSyncCompany, 'company sync list');
}

/** The write tables, for the conformance test that holds them against the sandbox's WSDL. */
export { ADDRESS as ADDRESS_FIELDS, PHONE as PHONE_FIELDS, EMAIL as EMAIL_FIELDS, SEARCH_FIELDS as COMPANY_SEARCH_FIELDS, SYNC_FIELDS as COMPANY_SYNC_FIELDS };
