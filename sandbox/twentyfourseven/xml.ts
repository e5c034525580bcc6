import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { hasXmlForbiddenChars, xmlSafeText } from '../../connectors/kit/xml-text';

/**
 * SOAP 1.1 on the sandbox side: a namespace-aware reading of requests (clients may use a default namespace or any
 * prefix, ASMX binds by namespace URI) and the ASMX way of writing replies and faults.
 */
export const NS = 'http://24sevenOffice.com/webservices';
export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface XNode {
  local: string;
  ns: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/** A request ASMX cannot deserialize; it answers with a soap:Client fault. */
export class SoapFault extends Error {
  constructor(
    readonly code: 'soap:Client' | 'soap:Server',
    message: string,
    readonly status = 500,
  ) {
    super(message);
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
});

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function build(entry: Ordered, scope: Map<string, string>): XNode | null {
  const tag = Object.keys(entry).find((k) => k !== ':@');
  if (!tag || tag === '#text' || tag.startsWith('?')) return null;
  const attrs = entry[':@'] ?? {};
  const inner = new Map(scope);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns') inner.set('', v);
    else if (k.startsWith('xmlns:')) inner.set(k.slice(6), v);
  }
  const colon = tag.indexOf(':');
  const prefix = colon >= 0 ? tag.slice(0, colon) : '';
  const node: XNode = { local: colon >= 0 ? tag.slice(colon + 1) : tag, ns: inner.get(prefix) ?? '', attrs: {}, children: [], text: '' };
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const c = k.indexOf(':');
    // Attributes are only looked up by their namespace here (xsi:nil); store them as "{uri}local".
    node.attrs[c >= 0 ? `{${inner.get(k.slice(0, c)) ?? ''}}${k.slice(c + 1)}` : k] = v;
  }
  for (const child of (entry[tag] as Ordered[]) ?? []) {
    if ('#text' in child) node.text += String(child['#text']);
    else {
      const built = build(child, inner);
      if (built) node.children.push(built);
    }
  }
  return node;
}

/** A character reference to a character XML 1.0 forbids (`&#x1B;`, `&#27;`): as illegal as the raw character. */
const FORBIDDEN_REF = /&#(x[0-9a-fA-F]+|[0-9]+);/g;
function forbiddenReference(body: string): number | undefined {
  for (const m of body.matchAll(FORBIDDEN_REF)) {
    const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : Number(m[1]);
    if (code <= 0x10ffff && hasXmlForbiddenChars(String.fromCodePoint(code))) return code;
  }
  return undefined;
}

/**
 * .NET's XmlReader, which ASMX reads requests with, refuses a document holding a character XML 1.0 forbids, raw or
 * as a character reference ("… hexadecimal value 0x1B, is an invalid character").
 */
function refuseForbidden(body: string): void {
  let code: number | undefined;
  if (hasXmlForbiddenChars(body)) code = [...body].find((c) => hasXmlForbiddenChars(c))!.codePointAt(0);
  else code = forbiddenReference(body);
  if (code === undefined) return;
  const hex = `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  throw new SoapFault('soap:Client', `Server was unable to read request. ---> There is an error in XML document. ---> '${code < 0x20 ? '' : String.fromCodePoint(code)}', hexadecimal value ${hex}, is an invalid character.`);
}

export function parseXml(body: string): XNode {
  refuseForbidden(body);
  let doc: Ordered[];
  try {
    doc = parser.parse(body, true) as Ordered[];
  } catch (err) {
    throw new SoapFault('soap:Client', `Server was unable to read request. ---> There is an error in XML document. ---> ${(err as Error).message}`);
  }
  for (const entry of doc) {
    const node = build(entry, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
    if (node) return node;
  }
  throw new SoapFault('soap:Client', 'Server was unable to read request. ---> Root element is missing.');
}

/** The operation element inside soap:Body. */
export function bodyOperation(envelope: XNode): XNode {
  if (envelope.local !== 'Envelope' || envelope.ns !== SOAP_ENV) {
    throw new SoapFault('soap:Client', 'Server was unable to read request. ---> The root element is not a SOAP 1.1 Envelope.');
  }
  const body = envelope.children.find((c) => c.local === 'Body' && c.ns === SOAP_ENV);
  const op = body?.children[0];
  if (!op) throw new SoapFault('soap:Client', 'Server was unable to read request. ---> soap:Body is empty.');
  return op;
}

/** Children in the service namespace; ASMX's serializer skips elements of any other namespace. */
export const kids = (node: XNode | undefined, local?: string): XNode[] =>
  (node?.children ?? []).filter((c) => c.ns === NS && (local === undefined || c.local === local));

export const kid = (node: XNode | undefined, local: string): XNode | undefined => kids(node, local)[0];

export const isNil = (node: XNode): boolean => node.attrs[`{${XSI}}nil`] === 'true';

// Replies are written with fast-xml-parser's builder, which escapes text (`]]>` becomes `]]&gt;`); characters XML 1.0
// forbids are dropped first (connectors/kit/xml-text.ts). Like .NET's XmlWriter behind ASMX, text escapes only
// `&`, `<` and `>` (quotes stay as they are); `entities` is the builder's own (untyped) option for that list.
const TEXT_ENTITIES = [
  { regex: /&/g, val: '&amp;' },
  { regex: /</g, val: '&lt;' },
  { regex: />/g, val: '&gt;' },
];
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: false,
  processEntities: true,
  suppressEmptyNode: true,
  ...({ entities: TEXT_ENTITIES } as object),
});

/** `<name>inner</name>` around children that are already XML. */
export const el = (name: string, inner: string): string => (inner === '' ? `<${name} />` : `<${name}>${inner}</${name}>`);

/** `<name>value</name>` with the value as text. */
export function text(name: string, value: string): string {
  const safe = xmlSafeText(value);
  return safe === '' ? `<${name} />` : (builder.build([{ [name]: [{ '#text': safe }] }]) as string);
}

export function envelope(bodyInner: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP_ENV}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
    `<soap:Body>${bodyInner}</soap:Body></soap:Envelope>`
  );
}

export const operationResponse = (op: string, resultInner: string | null): string =>
  envelope(
    `<${op}Response xmlns="${NS}">` + (resultInner === null ? '' : el(`${op}Result`, resultInner)) + `</${op}Response>`,
  );

/**
 * The standard ASMX SOAP 1.1 fault body (HTTP 500). The 24SO-specific texts inside are an open point
 * (docs/wire/open-points.md, 24SevenOffice).
 */
export function faultEnvelope(code: string, message: string): string {
  return envelope(el('soap:Fault', text('faultcode', code) + text('faultstring', message) + '<detail />'));
}
