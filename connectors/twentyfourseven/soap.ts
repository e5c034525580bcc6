import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { xmlSafeText } from '../kit/xml-text';

/**
 * SOAP 1.1 document/literal framing for the 24SevenOffice V001 services: ordered element builders for requests and
 * a parser that turns a response envelope into plain objects (namespace prefixes dropped, list items as arrays).
 */
export const NS = 'http://24sevenOffice.com/webservices';
const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export const SERVICE_PATHS = {
  authenticate: 'authenticate/v001/authenticate.asmx',
  company: 'CRM/Company/V001/CompanyService.asmx',
  product: 'Logistics/Product/V001/ProductService.asmx',
  invoice: 'Economy/InvoiceOrder/V001/InvoiceService.asmx',
} as const;
export type Service = keyof typeof SERVICE_PATHS;

// fast-xml-parser's builder writes every text element and escapes its content (`&`, `<`, `>`, quotes; `]]>` thereby
// becomes `]]&gt;`); characters XML 1.0 forbids are dropped before (connectors/kit/xml-text.ts).
const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: false, processEntities: true, suppressEmptyNode: true });

/** `<name>inner</name>` around children that are already XML (each written by `text`, `nil` or `el`). */
export const el = (name: string, inner: string): string => (inner === '' ? `<${name} />` : `<${name}>${inner}</${name}>`);
/** `<name>value</name>` with the value as text, written by the XML builder. */
export const text = (name: string, value: string): string => {
  const safe = xmlSafeText(value);
  return safe === '' ? `<${name} />` : (builder.build([{ [name]: [{ '#text': safe }] }]) as string);
};
export const nil = (name: string): string => `<${name} xsi:nil="true" />`;
export const list = (wrapper: string, item: string, values: readonly (string | number)[]): string =>
  el(wrapper, values.map((v) => text(item, String(v))).join(''));

export const soapAction = (operation: string): string => `"${NS}/${operation}"`;

export function envelope(operation: string, inner: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${SOAP_ENV}">` +
    `<soap:Body><${operation} xmlns="${NS}">${inner}</${operation}></soap:Body></soap:Envelope>`
  );
}

/** Elements that are items of an ArrayOf… wrapper: always arrays, even with one item. */
const LIST_ITEMS = new Set(['SyncCompany', 'Company', 'Product', 'Category', 'InvoiceOrder', 'InvoiceRow', 'Identity', 'Server', 'int', 'string', 'OrderSlipStateType', 'CompanyMap', 'Relation', 'UserDefinedDimension']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => LIST_ITEMS.has(name),
});

export interface SoapFaultBody {
  faultcode: string;
  faultstring: string;
}

export type SoapResult = { kind: 'result'; result: unknown } | { kind: 'fault'; fault: SoapFaultBody } | { kind: 'unreadable'; reason: string };

/** Reads a SOAP 1.1 response: the `<op>Result` value, a soap:Fault, or why the body is not a SOAP reply. */
export function readEnvelope(operation: string, xml: string): SoapResult {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (err) {
    return { kind: 'unreadable', reason: `malformed XML (${(err as Error).message.split('\n')[0]})` };
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body;
  if (body === undefined || typeof body !== 'object' || body === null) return { kind: 'unreadable', reason: 'no SOAP Body' };
  const b = body as Record<string, unknown>;
  if (b.Fault !== undefined) {
    const f = b.Fault as Record<string, unknown>;
    return { kind: 'fault', fault: { faultcode: String(f.faultcode ?? ''), faultstring: String(f.faultstring ?? '') } };
  }
  const response = b[`${operation}Response`];
  if (response === undefined) return { kind: 'unreadable', reason: `no ${operation}Response element` };
  const result = typeof response === 'object' && response !== null ? (response as Record<string, unknown>)[`${operation}Result`] : undefined;
  return { kind: 'result', result };
}
