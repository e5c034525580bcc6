import { el, isNil, kid, kids, SoapFault, text as xmlText, type XNode } from './xml';

/**
 * The sandbox's slice of the V001 WSDL types, in xs:sequence order, with the WSDL's default values.
 * ASMX's XmlSerializer never writes a value equal to its declared default (that is what the "unset" sentinels are),
 * and reads a sentinel back as "not set". Unknown elements are skipped, badly typed values fail the whole request.
 */
export const SENTINEL = {
  int: '-2147483648',
  short: '-32768',
  decimal: '-79228162514264337593543950335',
  dateTime: '0001-01-01T00:00:00',
  guid: '00000000-0000-0000-0000-000000000000',
} as const;

export const ORDER_STATES = [
  'None', 'Offer', 'Pack', 'Invoiced', 'Web', 'Repeating', 'CollectingOrder', 'Return', 'Distribution', 'Rest',
  'ForInvoicing', 'OvertimeRent', 'Confirmed', 'OrderState_Sent', 'Production', 'PaymentReminder', 'OnAccount',
  'Lending', 'InvoicedCashAccount', 'InvoicedPack', 'Inactive', 'Hours', 'OrderState_SuperStore', 'Draft',
] as const;
export const COMPANY_TYPES = ['None', 'Lead', 'Consumer', 'Business', 'Supplier'] as const;

type Kind =
  | 'int' | 'short' | 'decimal' | 'string' | 'dateTime' | 'bool' | 'nbool' | 'guid'
  | { enum: readonly string[]; type: string }
  | 'addresses' | 'phones' | 'emails' | 'apiException' | 'rows';

export interface Field {
  name: string;
  kind: Kind;
  /** The WSDL default: a value equal to it is never written. */
  def?: string;
  /** minOccurs="1" nillable="true": always written, as xsi:nil when null. */
  required?: boolean;
}

const f = (name: string, kind: Kind, def?: string, required?: boolean): Field => ({ name, kind, def, required });
const I = (n: string) => f(n, 'int', SENTINEL.int);
const S = (n: string) => f(n, 'string', '');
const D = (n: string) => f(n, 'decimal', SENTINEL.decimal);
const T = (n: string) => f(n, 'dateTime', SENTINEL.dateTime);

export const ADDRESS: Field[] = ['Street', 'State', 'PostalCode', 'PostalArea', 'Name', 'City', 'Country'].map((n) => f(n, 'string'));
const ADDRESS_SLOTS = ['Post', 'Delivery', 'Visit', 'Invoice'];
const PHONE_SLOTS = ['Home', 'Fax', 'Mobile', 'Primary', 'Work'];
const EMAIL_SLOTS = ['Home', 'Invoice', 'Primary', 'Work', 'Alternative'];

export const COMPANY: Field[] = [
  f('APIException', 'apiException'), I('Id'), S('ExternalId'), S('OrganizationNumber'), S('Name'), S('FirstName'),
  f('Addresses', 'addresses'), f('PhoneNumbers', 'phones'), f('EmailAddresses', 'emails'), S('Url'), S('Country'), S('Note'),
  f('Type', { enum: COMPANY_TYPES, type: 'CompanyType' }, 'None'), T('DateCreated'), I('TypeGroup'), T('DateChanged'),
  f('BlockInvoice', 'bool', 'false'), f('CurrencyId', 'string', 'LOCAL'), f('PaymentTime', 'short', SENTINEL.short),
  S('VatNumber'), f('Private', 'nbool'),
];

export const PRODUCT: Field[] = [
  I('SupplierId'), I('Id'), S('Name'), D('TaxRate'), D('Stock'), I('StatusId'), I('CategoryId'), D('InPrice'),
  S('Description'), D('Cost'), S('EAN1'), D('Price'), S('No'), T('DateChanged'), f('APIException', 'apiException'),
  f('Web', 'nbool'), S('ProductCode'), f('StockControlled', 'nbool'),
];

export const CATEGORY: Field[] = [I('Id'), S('Name'), S('No'), I('ParentId'), f('APIException', 'apiException')];

export const INVOICE_ROW: Field[] = [
  I('ProductId'), I('RowId'), D('VatRate'), D('Price'), S('Name'), D('DiscountRate'), D('Quantity'), D('Cost'),
  f('ChangeState', { enum: ['None', 'Add', 'Edit', 'Delete'], type: 'ChangeState' }, 'None'),
  f('SequenceNumber', 'short', SENTINEL.short), f('Type', { enum: ['Normal', 'Text', 'TextBold'], type: 'RowType' }, 'Normal'),
  D('InPrice'), S('ProductNo'),
];

export const INVOICE_ORDER: Field[] = [
  I('OrderId'), I('CustomerId'), S('CustomerName'), f('CustomerDeliveryName', 'string'), f('Addresses', 'addresses'),
  f('OrderStatus', { enum: ORDER_STATES, type: 'OrderSlipStateType' }, 'Web'), I('InvoiceId'), T('DateOrdered'),
  T('DateInvoiced'), T('DateChanged'), I('PaymentTime'), I('OurReference'), f('IncludeVAT', 'nbool', undefined, true),
  S('YourReference'), D('OrderTotalIncVat'), D('OrderTotalVat'), S('InvoiceTitle'), S('InvoiceText'), S('CustomerOrgNo'),
  I('DepartmentId'), I('ExternalStatus'), S('InvoiceEmailAddress'), f('InvoiceRows', 'rows'),
  f('APIException', 'apiException'), T('DeliveryDate'), I('ReferenceInvoiceId'), I('ReferenceOrderId'), S('ReferenceNumber'),
];

export type WireRecord = Record<string, unknown>;

function badValue(field: string, value: string, type: string): never {
  throw new SoapFault(
    'soap:Client',
    `Server was unable to read request. ---> There is an error in XML document. ---> Instance validation error: '${value}' is not a valid value for ${type} (${field}).`,
  );
}

/** A dateTime without an offset is taken as UTC: the API speaks UTC. */
export function parseDateTime(value: string, field = 'dateTime'): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
  if (!m) badValue(field, value, 'dateTime');
  const t = Date.parse(`${m[1]}${m[2] ?? ''}${m[3] ?? 'Z'}`);
  if (!Number.isFinite(t)) badValue(field, value, 'dateTime');
  return new Date(t).toISOString();
}

function readScalar(field: Field, node: XNode): unknown {
  const raw = node.text.trim();
  const k = field.kind;
  if (k === 'nbool') return isNil(node) ? null : raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : badValue(field.name, raw, 'boolean');
  if (field.def !== undefined && raw === field.def) return undefined; // the "unset" sentinel
  if (k === 'int' || k === 'short') return /^-?\d+$/.test(raw) ? Number(raw) : badValue(field.name, raw, k);
  if (k === 'decimal') return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(raw) ? raw : badValue(field.name, raw, 'decimal');
  if (k === 'bool') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : badValue(field.name, raw, 'boolean');
  if (k === 'dateTime') return raw.startsWith(SENTINEL.dateTime) ? undefined : parseDateTime(raw, field.name);
  if (k === 'guid') return raw === SENTINEL.guid ? undefined : raw;
  if (typeof k === 'object') return (k.enum as readonly string[]).includes(raw) ? raw : badValue(field.name, raw, k.type);
  return node.text; // strings keep their spaces
}

function readSlots(node: XNode, slots: string[], fields: Field[]): WireRecord {
  const out: WireRecord = {};
  for (const slot of slots) {
    const s = kid(node, slot);
    if (s && !isNil(s)) out[slot] = readEntity(fields, s);
  }
  return out;
}

const PHONE: Field[] = [f('Description', 'string'), f('Value', 'string')];
const EMAIL: Field[] = [f('Description', 'string'), f('Name', 'string'), f('Value', 'string')];

/** Reads an entity element into a record holding only the values the caller set. */
export function readEntity(fields: Field[], node: XNode): WireRecord {
  const out: WireRecord = {};
  for (const field of fields) {
    const n = kid(node, field.name);
    if (!n) continue;
    switch (field.kind) {
      case 'addresses':
        out[field.name] = readSlots(n, ADDRESS_SLOTS, ADDRESS);
        break;
      case 'phones':
        out[field.name] = readSlots(n, PHONE_SLOTS, PHONE);
        break;
      case 'emails':
        out[field.name] = readSlots(n, EMAIL_SLOTS, EMAIL);
        break;
      case 'rows':
        out[field.name] = kids(n, 'InvoiceRow').map((r) => readEntity(INVOICE_ROW, r));
        break;
      case 'apiException':
        break; // input-only noise
      default: {
        const v = readScalar(field, n);
        if (v !== undefined) out[field.name] = v;
      }
    }
  }
  return out;
}

function writeScalar(field: Field, value: unknown): string | null {
  if (value === undefined) return null;
  if (value === null) return field.required ? `<${field.name} xsi:nil="true" />` : null;
  const text = String(value);
  if (field.def !== undefined && text === field.def) return null;
  return xmlText(field.name, text);
}

function writeSlots(value: WireRecord, slots: string[], fields: Field[]): string {
  return slots.map((s) => (value[s] ? el(s, writeEntity(fields, value[s] as WireRecord)) : '')).join('');
}

/**
 * Writes a record in sequence order. With `only`, just the requested properties (returnProperties);
 * `rowsOnly` does the same for InvoiceRows (rowReturnProperties).
 */
export function writeEntity(fields: Field[], record: WireRecord, only?: ReadonlySet<string>, rowsOnly?: ReadonlySet<string>): string {
  let out = '';
  for (const field of fields) {
    if (only && !only.has(field.name)) continue;
    const value = record[field.name];
    switch (field.kind) {
      case 'addresses':
        if (value) out += el(field.name, writeSlots(value as WireRecord, ADDRESS_SLOTS, ADDRESS));
        break;
      case 'phones':
        if (value) out += el(field.name, writeSlots(value as WireRecord, PHONE_SLOTS, PHONE));
        break;
      case 'emails':
        if (value) out += el(field.name, writeSlots(value as WireRecord, EMAIL_SLOTS, EMAIL));
        break;
      case 'rows':
        if (value) out += el(field.name, (value as WireRecord[]).map((r) => el('InvoiceRow', writeEntity(INVOICE_ROW, r, rowsOnly))).join(''));
        break;
      case 'apiException': {
        const e = value as { Type: string; Message: string } | undefined;
        if (e) out += el('APIException', xmlText('Type', e.Type) + xmlText('Message', e.Message) + '<StackTrace />');
        break;
      }
      default:
        out += writeScalar(field, value) ?? '';
    }
  }
  return out;
}

/** ArrayOfString / ArrayOfInt / ArrayOfOrderSlipStateType contents. */
export const listOf = (node: XNode | undefined, item: string): string[] => kids(node, item).map((n) => n.text.trim());

export function intList(node: XNode | undefined, field: string): number[] {
  return listOf(node, 'int').map((v) => (/^-?\d+$/.test(v) ? Number(v) : badValue(field, v, 'int')));
}

export function enumList(node: XNode | undefined, item: string, allowed: readonly string[], type: string): string[] {
  return listOf(node, item).map((v) => (allowed.includes(v) ? v : badValue(item, v, type)));
}

/** A search parameter scalar, with the sentinel meaning "not given". */
export function searchScalar(node: XNode | undefined, field: Field): unknown {
  const n = kid(node, field.name);
  return n ? readScalar(field, n) : undefined;
}

export { f as field };
