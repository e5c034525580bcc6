import { DTD, validateOrder } from './dtd';
import type { CustomerRecord, Handler, NvRequest } from './types';
import { NetvisorFailure, child, couldNotValidate, el, inserted, invalidData, textOf, type Elem } from './wire';


/** customerlist.nv, getcustomer.nv, customer.nv — reply casing as in the fixtures (`Customerlist`, `Netvisorkey` vs `NetvisorKey`). */
const customers = (req: NvRequest) => req.store.list<CustomerRecord>('customers');

/** Netvisor's changedsince forms: YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss. */
export function parseChangedSince(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(value)) throw invalidData(`Invalid changedsince value: ${value}`);
  return value.length === 10 ? `${value}T00:00:00` : value;
}

export const customerList: Handler = (req) => {
  let found = customers(req);
  const keyword = req.query.keyword;
  if (keyword) {
    const k = keyword.toLowerCase();
    found = found.filter((c) => [c.name, c.code, c.businessId, c.nameExtension].some((f) => f.toLowerCase().includes(k)));
  } else if (req.query.changedsince) {
    // keyword wins over changedsince (documented)
    const since = parseChangedSince(req.query.changedsince);
    found = found.filter((c) => c.changedAt >= since);
  }
  if (req.query.customercodelist !== undefined) {
    const codes = req.query.customercodelist.split(',').map((s) => s.trim()).filter(Boolean);
    if (codes.length > 100) throw invalidData('Customercodelist can contain at most 100 customer codes');
    found = found.filter((c) => codes.includes(c.code));
  }
  return el(
    'Customerlist',
    found.map((c) =>
      el('Customer', [
        el('Netvisorkey', c.netvisorKey),
        el('Name', c.name),
        el('Code', c.code),
        el('OrganisationIdentifier', c.businessId),
        el('CustomerGroupID', c.groupName ? 1 : ''),
        el('CustomerGroupName', c.groupName),
        el('Uri', `${req.baseUrl}/getcustomer.nv?id=${c.netvisorKey}`),
      ]),
    ),
  );
};

function customerXml(c: CustomerRecord): string {
  return el('Customer', [
    el('CustomerBaseInformation', [
      el('NetvisorKey', c.netvisorKey),
      el('InternalIdentifier', c.code),
      el('ExternalIdentifier', c.businessId),
      el('CustomerGroupNetvisorKey', c.groupName ? 1 : ''),
      el('CustomerGroupName', c.groupName),
      el('Name', c.name),
      el('NameExtension', c.nameExtension),
      el('StreetAddress', c.street),
      el('City', c.city),
      el('PostNumber', c.postalCode),
      el('Country', c.country, { type: 'ISO-3166' }),
      el('PhoneNumber', c.phone),
      el('FaxNumber', ''),
      el('Email', c.email),
      el('EmailInvoicingAddress', c.emailInvoicingAddress),
      el('HomePageUri', ''),
      el('IsActive', c.isActive ? 1 : 0),
      el('IsPrivateCustomer', c.isPrivate ? 1 : 0),
    ]),
    el('CustomerFinvoiceDetails', [el('FinvoiceAddress', c.einvoiceAddress), el('FinvoiceRouterCode', c.einvoiceOperator)]),
    el('CustomerDeliveryDetails', [el('DeliveryName', ''), el('DeliveryStreetAddress', ''), el('DeliveryCity', ''), el('DeliveryPostNumber', '')]),
    el('CustomerContactDetails', [el('ContactPerson', ''), el('ContactPersonEmail', ''), el('ContactPersonPhone', '')]),
    el('CustomerAdditionalInformation', [
      el('Comment', ''),
      el('ReferenceNumber', ''),
      el('BalanceLimit', ''),
      el('YourDefaultReference', ''),
      el('DefaultTextBeforeInvoiceLines', ''),
      el('DefaultTextAfterInvoiceLines', ''),
      el('InvoicingLanguage', c.invoicingLanguage, { type: 'ISO-3166' }),
    ]),
  ]);
}

export const getCustomer: Handler = (req) => {
  const byKey = (id: string) => customers(req).find((c) => String(c.netvisorKey) === id.trim());
  if (req.query.idlist !== undefined) {
    const ids = req.query.idlist.split(',').filter(Boolean);
    if (ids.length > 500) throw invalidData('Idlist can contain at most 500 identifiers');
    const found = ids.map((id) => {
      const c = byKey(id);
      if (!c) throw invalidData(`Customer not found with Netvisor identifier: ${id}`);
      return c;
    });
    return el('Customers', found.map(customerXml));
  }
  const id = req.query.id;
  if (!id) throw invalidData('Parameter id or idlist is required');
  const c = byKey(id);
  if (!c) throw invalidData(`Customer not found with Netvisor identifier: ${id}`);
  return customerXml(c);
};

/** Next free numeric customer code, as `internalidentifier type="automatic"` gets. */
function nextCustomerCode(req: NvRequest): string {
  const numbers = customers(req).map((c) => Number(c.code)).filter((n) => Number.isInteger(n));
  return String(Math.max(1000, ...numbers) + 1);
}

export const customerImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'customer') throw couldNotValidate();
  validateOrder(body, DTD.customer);
  const base = child(body, 'customerbaseinformation');
  if (!base) throw couldNotValidate();
  const method = req.query.method?.toLowerCase();
  const now = req.now.toISOString().slice(0, 19);
  const name = textOf(base, 'name');
  // Compulsory elements must not be empty.
  if (name !== undefined && name.trim() === '') throw couldNotValidate();

  const apply = (c: CustomerRecord) => {
    const set = <K extends keyof CustomerRecord>(key: K, element: string, parent: Elem | undefined = base) => {
      const v = textOf(parent, element);
      // Omitted keeps the value; present-but-empty clears it (documented for edit).
      if (v !== undefined) (c as Record<string, unknown>)[key as string] = v;
    };
    set('businessId', 'externalidentifier');
    set('name', 'name');
    set('nameExtension', 'nameextension');
    set('street', 'streetaddress');
    set('city', 'city');
    set('postalCode', 'postnumber');
    set('country', 'country');
    set('groupName', 'customergroupname');
    set('phone', 'phonenumber');
    set('email', 'email');
    set('emailInvoicingAddress', 'emailinvoicingaddress');
    const fin = child(body, 'customerfinvoicedetails');
    set('einvoiceAddress', 'finvoiceaddress', fin);
    set('einvoiceOperator', 'finvoiceroutercode', fin);
    set('invoicingLanguage', 'invoicinglanguage', child(body, 'customeradditionalinformation'));
    const active = textOf(base, 'isactive');
    if (active !== undefined) {
      if (!['0', '1'].includes(active)) throw invalidData(`Invalid value for isactive: ${active}`);
      c.isActive = active === '1';
    }
    const priv = textOf(base, 'isprivatecustomer');
    if (priv !== undefined) c.isPrivate = priv === '1';
    c.changedAt = now;
  };

  const codeEl = child(base, 'internalidentifier');
  const codeInUse = (code: string, except?: number) => customers(req).some((c) => c.code.toLowerCase() === code.toLowerCase() && c.netvisorKey !== except);

  if (method === 'add') {
    if (name === undefined) throw couldNotValidate();
    let code = '';
    if (codeEl) code = codeEl.attrs.type?.toLowerCase() === 'automatic' && codeEl.text === '' ? nextCustomerCode(req) : codeEl.text;
    // Open point (docs/wire/open-points.md): text: Netvisor refuses a customer code that is already used.
    if (code && codeInUse(code)) throw new NetvisorFailure('DUPLICATE_DATA', `Customer code ${code} is already in use`);
    const record: CustomerRecord = {
      netvisorKey: req.store.nextId('customer'),
      code,
      businessId: '', name: '', nameExtension: '', street: '', postalCode: '', city: '', country: 'FI', phone: '', email: '', emailInvoicingAddress: '',
      einvoiceAddress: '', einvoiceOperator: '', invoicingLanguage: '', groupName: '', isActive: true, isPrivate: false, changedAt: now,
    };
    apply(record);
    req.store.insert('customers', record);
    return inserted(record.netvisorKey);
  }
  if (method === 'edit') {
    const id = req.query.id;
    const record = customers(req).find((c) => String(c.netvisorKey) === id);
    if (!id || !record) throw invalidData(`Customer not found with Netvisor identifier: ${id ?? ''}`);
    if (codeEl && codeEl.text) {
      if (codeInUse(codeEl.text, record.netvisorKey)) throw new NetvisorFailure('DUPLICATE_DATA', `Customer code ${codeEl.text} is already in use`);
      record.code = codeEl.text;
    }
    apply(record);
    return '';
  }
  throw invalidData('Parameter method is missing or invalid (add or edit)');
};
