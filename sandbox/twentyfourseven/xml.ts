import { XMLParser } from 'fast-xml-parser';

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

export function parseXml(body: string): XNode {
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

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const el = (name: string, inner: string): string => (inner === '' ? `<${name} />` : `<${name}>${inner}</${name}>`);

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

/** The standard ASMX SOAP 1.1 fault body (HTTP 500). The 24SO-specific texts inside are UNVERIFIED. */
export function faultEnvelope(code: string, message: string): string {
  return envelope(
    `<soap:Fault><faultcode>${escapeXml(code)}</faultcode><faultstring>${escapeXml(message)}</faultstring><detail /></soap:Fault>`,
  );
}
