import { XMLBuilder } from 'fast-xml-parser';
import { ADDRESS, CATEGORY, COMPANY, COMPANY_TYPES, INVOICE_ORDER, INVOICE_ROW, ORDER_STATES, PRODUCT, type Field } from './wire';
import { NS } from './xml';

/**
 * The WSDL each ASMX service publishes at `<service>.asmx?WSDL` (docs/wire/twentyfourseven.md, "Services and WSDL"),
 * written by the sandbox for the operations it implements: SOAP 1.1 document/literal, one `parameters` part per
 * message, the types in xs:sequence order with the same fields the sandbox reads and writes (sandbox/twentyfourseven/
 * wire.ts). It is the sandbox's own description of its slice of the V001 services, not a copy of 24SevenOffice's files:
 * the real WSDLs declare many more operations and fields.
 */

type Node = Record<string, unknown>;
const n = (tag: string, attrs: Record<string, string> = {}, children: Node[] = []): Node => ({
  [tag]: children,
  ...(Object.keys(attrs).length ? { ':@': attrs } : {}),
});

const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: true, suppressEmptyNode: true });

interface Param {
  name: string;
  type: string;
  /** minOccurs 1 (value types in ASMX WSDLs); reference types are minOccurs 0. */
  required?: boolean;
  many?: boolean;
  nillable?: boolean;
}
interface Operation {
  name: string;
  params: Param[];
  /** The `<Op>Result` element's type; undefined for operations without a result. */
  result?: string;
  resultRequired?: boolean;
}

const p = (name: string, type: string, extra: Partial<Param> = {}): Param => ({ name, type, ...extra });

function typeOf(field: Field): Param {
  const k = field.kind;
  if (typeof k === 'object') return p(field.name, `tns:${k.type}`, { required: true });
  switch (k) {
    case 'int':
    case 'short':
    case 'decimal':
    case 'dateTime':
      return p(field.name, `s:${k}`, { required: true });
    case 'bool':
      return p(field.name, 's:boolean', { required: true });
    case 'nbool':
      return p(field.name, 's:boolean', { required: true, nillable: true });
    case 'guid':
      return p(field.name, 'tns:guid', { required: true });
    case 'string':
      return p(field.name, 's:string', field.required ? { required: true, nillable: true } : {});
    case 'addresses':
      return p(field.name, 'tns:Addresses');
    case 'phones':
      return p(field.name, 'tns:PhoneNumbers');
    case 'emails':
      return p(field.name, 'tns:EmailAddresses');
    case 'apiException':
      return p(field.name, 'tns:APIException');
    case 'rows':
      return p(field.name, 'tns:ArrayOfInvoiceRow');
  }
}

function element(param: Param): Node {
  const attrs: Record<string, string> = { minOccurs: param.required ? '1' : '0', maxOccurs: param.many ? 'unbounded' : '1', name: param.name };
  if (param.nillable) attrs.nillable = 'true';
  attrs.type = param.type;
  return n('s:element', attrs);
}

const sequence = (params: Param[]): Node => n('s:sequence', {}, params.map(element));
const complex = (name: string, params: Param[]): Node => n('s:complexType', { name }, params.length ? [sequence(params)] : []);
const arrayOf = (item: string, type = `tns:${item}`): Node => complex(`ArrayOf${item}`, [p(item, type, { many: true, nillable: type.startsWith('tns:') })]);
const enumType = (name: string, values: readonly string[]): Node =>
  n('s:simpleType', { name }, [n('s:restriction', { base: 's:string' }, values.map((v) => n('s:enumeration', { value: v })))]);
const slots = (name: string, slotNames: string[], type: string): Node => complex(name, slotNames.map((s) => p(s, type)));

const GUID = n('s:simpleType', { name: 'guid' }, [
  n('s:restriction', { base: 's:string' }, [n('s:pattern', { value: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' })]),
]);
const API_EXCEPTION = complex('APIException', [p('Type', 's:string'), p('Message', 's:string'), p('StackTrace', 's:string')]);
const ADDRESS_TYPES = [
  complex('Address', ADDRESS.map(typeOf)),
  slots('Addresses', ['Post', 'Delivery', 'Visit', 'Invoice'], 'tns:Address'),
  complex('PhoneNumber', [p('Description', 's:string'), p('Value', 's:string')]),
  slots('PhoneNumbers', ['Home', 'Fax', 'Mobile', 'Primary', 'Work'], 'tns:PhoneNumber'),
  complex('EmailAddress', [p('Description', 's:string'), p('Name', 's:string'), p('Value', 's:string')]),
  slots('EmailAddresses', ['Home', 'Invoice', 'Primary', 'Work', 'Alternative'], 'tns:EmailAddress'),
];

interface ServiceDescription {
  name: string;
  operations: Operation[];
  types: Node[];
}

const intList = p('int', 's:int', { required: true, many: true });
const stringList = complex('ArrayOfString', [p('string', 's:string', { many: true, nillable: true })]);

export const WSDL_SERVICES: Record<string, ServiceDescription> = {
  '/authenticate/v001/authenticate.asmx': {
    name: 'Authenticate',
    operations: [
      { name: 'Login', params: [p('credential', 'tns:Credential')], result: 's:string' },
      { name: 'HasSession', params: [], result: 's:boolean', resultRequired: true },
      { name: 'GetIdentitiesWithCredential', params: [p('credential', 'tns:Credential')], result: 'tns:ArrayOfIdentity' },
      { name: 'GetIdentities', params: [], result: 'tns:ArrayOfIdentity' },
      { name: 'GetIdentity', params: [], result: 'tns:Identity' },
      { name: 'SetIdentityById', params: [p('identityId', 'tns:guid', { required: true })], result: 's:boolean', resultRequired: true },
    ],
    types: [
      GUID,
      complex('Credential', [p('ApplicationId', 'tns:guid', { required: true }), p('IdentityId', 'tns:guid', { required: true }), p('Password', 's:string'), p('Username', 's:string')]),
      complex('Identity', [
        p('Id', 'tns:guid', { required: true }),
        p('User', 'tns:User'),
        p('Client', 'tns:Client'),
        p('IsCurrent', 's:boolean', { required: true }),
        p('IsDefault', 's:boolean', { required: true }),
        p('IsProtected', 's:boolean', { required: true }),
        p('Servers', 'tns:ArrayOfServer'),
      ]),
      complex('User', [p('ContactId', 's:int', { required: true }), p('Id', 'tns:guid', { required: true }), p('Name', 's:string')]),
      complex('Client', [p('Id', 's:int', { required: true }), p('Name', 's:string')]),
      complex('Server', [p('Id', 'tns:guid', { required: true }), p('Type', 's:string'), p('Name', 's:string')]),
      arrayOf('Server'),
      arrayOf('Identity'),
    ],
  },
  '/crm/company/v001/companyservice.asmx': {
    name: 'CompanyService',
    operations: [
      { name: 'GetCompanies', params: [p('searchParams', 'tns:CompanySearchParameters'), p('returnProperties', 'tns:ArrayOfString')], result: 'tns:ArrayOfCompany' },
      { name: 'SaveCompanies', params: [p('companies', 'tns:ArrayOfCompany')], result: 'tns:ArrayOfCompany' },
      { name: 'GetCompanySyncList', params: [p('syncSearchParameters', 'tns:CompanySyncSearchParameters')], result: 'tns:CompanySyncResult' },
    ],
    types: [
      complex('CompanySearchParameters', [
        p('ExternalId', 's:string'),
        p('CompanyId', 's:int', { required: true, nillable: true }),
        p('CompanyIds', 'tns:ArrayOfInt'),
        p('CompanyName', 's:string'),
        p('ChangedAfter', 's:dateTime', { required: true }),
        p('CompanyEmail', 's:string'),
        p('CompanyPhone', 's:string'),
        p('OrganizationNumber', 's:string'),
      ]),
      complex('ArrayOfInt', [intList]),
      stringList,
      arrayOf('Company'),
      complex('Company', COMPANY.map(typeOf)),
      enumType('CompanyType', COMPANY_TYPES),
      API_EXCEPTION,
      ...ADDRESS_TYPES,
      complex('CompanySyncSearchParameters', [
        p('Page', 's:int', { required: true }),
        p('Active', 's:boolean', { required: true, nillable: true }),
        p('ChangedAfter', 's:dateTime', { required: true }),
        p('RegisteredAfter', 's:dateTime', { required: true }),
      ]),
      complex('CompanySyncResult', [
        p('CurrentPage', 's:int', { required: true }),
        p('TotalPages', 's:int', { required: true }),
        p('TotalItems', 's:int', { required: true }),
        p('ItemsPerPage', 's:int', { required: true }),
        p('Items', 'tns:ArrayOfSyncCompany'),
      ]),
      arrayOf('SyncCompany'),
      complex('SyncCompany', [
        p('CompanyId', 's:int', { required: true }),
        p('ExternalId', 's:string'),
        p('DateChanged', 's:dateTime', { required: true }),
        p('DateRegistered', 's:dateTime', { required: true }),
        p('Active', 's:boolean', { required: true }),
      ]),
    ],
  },
  '/logistics/product/v001/productservice.asmx': {
    name: 'ProductService',
    operations: [
      { name: 'GetProducts', params: [p('searchParams', 'tns:ProductSearchParameters'), p('returnProperties', 'tns:ArrayOfString')], result: 'tns:ArrayOfProduct' },
      { name: 'SaveProducts', params: [p('products', 'tns:ArrayOfProduct')], result: 'tns:ArrayOfProduct' },
      { name: 'GetCategories', params: [p('returnProperties', 'tns:ArrayOfString')], result: 'tns:ArrayOfCategory' },
      { name: 'SaveCategories', params: [p('categories', 'tns:ArrayOfCategory')], result: 'tns:ArrayOfCategory' },
    ],
    types: [
      complex('ProductSearchParameters', [
        p('Id', 's:int', { required: true }),
        p('CategoryId', 's:int', { required: true }),
        p('No', 's:string'),
        p('EAN1', 's:string'),
        p('Name', 's:string'),
        p('DateChanged', 's:dateTime', { required: true }),
        p('ProductIds', 'tns:ArrayOfInt'),
      ]),
      complex('ArrayOfInt', [intList]),
      stringList,
      arrayOf('Product'),
      complex('Product', PRODUCT.map(typeOf)),
      arrayOf('Category'),
      complex('Category', CATEGORY.map(typeOf)),
      API_EXCEPTION,
    ],
  },
  '/economy/invoiceorder/v001/invoiceservice.asmx': {
    name: 'InvoiceService',
    operations: [
      {
        name: 'GetInvoices',
        params: [p('searchParams', 'tns:InvoiceSearchParameters'), p('invoiceReturnProperties', 'tns:ArrayOfString'), p('rowReturnProperties', 'tns:ArrayOfString')],
        result: 'tns:ArrayOfInvoiceOrder',
      },
      { name: 'SaveInvoices', params: [p('invoices', 'tns:ArrayOfInvoiceOrder')], result: 'tns:ArrayOfInvoiceOrder' },
      { name: 'GetOrderSyncList', params: [p('syncParams', 'tns:OrderSyncParameters')], result: 'tns:ArrayOfInt' },
    ],
    types: [
      complex('InvoiceSearchParameters', [
        p('CustomerIds', 'tns:ArrayOfInt'),
        p('ChangedAfter', 's:dateTime', { required: true }),
        p('OrderStates', 'tns:ArrayOfOrderSlipStateType'),
        p('InvoiceIds', 'tns:ArrayOfInt'),
        p('OrderIds', 'tns:ArrayOfInt'),
        p('ExternalStatus', 'tns:ArrayOfInt'),
      ]),
      complex('OrderSyncParameters', [p('ChangedAfter', 's:dateTime', { required: true }), p('RegisteredAfter', 's:dateTime', { required: true })]),
      complex('ArrayOfInt', [intList]),
      stringList,
      complex('ArrayOfOrderSlipStateType', [p('OrderSlipStateType', 'tns:OrderSlipStateType', { required: true, many: true })]),
      enumType('OrderSlipStateType', ORDER_STATES),
      arrayOf('InvoiceOrder'),
      complex('InvoiceOrder', INVOICE_ORDER.map(typeOf)),
      arrayOf('InvoiceRow'),
      complex('InvoiceRow', INVOICE_ROW.map(typeOf)),
      enumType('ChangeState', ['None', 'Add', 'Edit', 'Delete']),
      enumType('RowType', ['Normal', 'Text', 'TextBold']),
      API_EXCEPTION,
      ...ADDRESS_TYPES,
    ],
  },
};

/** The WSDL document for the service at `path` (lower-case), with soap:address pointing at `location`. */
export function wsdlFor(path: string, location: string): string | undefined {
  const service = WSDL_SERVICES[path];
  if (!service) return undefined;
  const port = `${service.name}Soap`;
  const schema = n('s:schema', { elementFormDefault: 'qualified', targetNamespace: NS }, [
    ...service.operations.flatMap((op) => [
      n('s:element', { name: op.name }, [n('s:complexType', {}, op.params.length ? [sequence(op.params)] : [])]),
      n('s:element', { name: `${op.name}Response` }, [
        n('s:complexType', {}, op.result ? [sequence([p(`${op.name}Result`, op.result, { required: op.resultRequired })])] : []),
      ]),
    ]),
    ...service.types,
  ]);
  const messages = service.operations.flatMap((op) => [
    n('wsdl:message', { name: `${op.name}SoapIn` }, [n('wsdl:part', { name: 'parameters', element: `tns:${op.name}` })]),
    n('wsdl:message', { name: `${op.name}SoapOut` }, [n('wsdl:part', { name: 'parameters', element: `tns:${op.name}Response` })]),
  ]);
  const portType = n(
    'wsdl:portType',
    { name: port },
    service.operations.map((op) =>
      n('wsdl:operation', { name: op.name }, [n('wsdl:input', { message: `tns:${op.name}SoapIn` }), n('wsdl:output', { message: `tns:${op.name}SoapOut` })]),
    ),
  );
  const literal = [n('soap:body', { use: 'literal' })];
  const binding = n('wsdl:binding', { name: port, type: `tns:${port}` }, [
    n('soap:binding', { transport: 'http://schemas.xmlsoap.org/soap/http' }),
    ...service.operations.map((op) =>
      n('wsdl:operation', { name: op.name }, [
        n('soap:operation', { soapAction: `${NS}/${op.name}`, style: 'document' }),
        n('wsdl:input', {}, literal),
        n('wsdl:output', {}, literal),
      ]),
    ),
  ]);
  const serviceNode = n('wsdl:service', { name: service.name }, [n('wsdl:port', { name: port, binding: `tns:${port}` }, [n('soap:address', { location })])]);
  const doc = [
    n('?xml', { version: '1.0', encoding: 'utf-8' }),
    n(
      'wsdl:definitions',
      {
        'xmlns:soap': 'http://schemas.xmlsoap.org/wsdl/soap/',
        'xmlns:s': 'http://www.w3.org/2001/XMLSchema',
        'xmlns:tns': NS,
        'xmlns:wsdl': 'http://schemas.xmlsoap.org/wsdl/',
        targetNamespace: NS,
      },
      [n('wsdl:types', {}, [schema]), ...messages, portType, binding, serviceNode],
    ),
  ];
  return builder.build(doc) as string;
}
