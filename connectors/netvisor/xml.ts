import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { xmlSafeText } from '../kit/xml-text';

/**
 * Netvisor XML in both directions (docs/wire/netvisor.md, "Request bodies" and "Response casing").
 *
 * Out: Netvisor validates element order against its DTDs, so bodies are written from an order table (parent →
 * ordered children), never from the key order of whatever object the caller built. The table walk produces
 * fast-xml-parser's ordered node list and XMLBuilder writes it, escaping `& < > " '` (so `]]>` arrives as
 * `]]&gt;`); characters XML 1.0 forbids (control characters, lone surrogates) are dropped first
 * (connectors/kit/xml-text.ts), because Netvisor would refuse the whole document over one of them.
 * In: element names are cased inconsistently (`Customerlist`, `Netvisorkey`, `productidentifier`), so every tag and
 * attribute name is lower-cased while parsing, and zod schemas (schemas.ts) are written against lower-case names.
 */

/** A value to write: text, text with attributes, a nested element (object), or a repeated element (array). */
export type XmlValue = string | XmlText | XmlObject | XmlValue[] | undefined;
export interface XmlText {
  '#text': string;
  '@'?: Record<string, string | undefined>;
}
export interface XmlObject {
  [child: string]: XmlValue;
}

/** Parent element → its children in the order the DTD demands. */
export type OrderTable = Readonly<Record<string, readonly string[]>>;

/** One node of fast-xml-parser's ordered form: `{ tag: [children], ':@'?: { attr: value } }`. */
type OrderedNode = Record<string, unknown>;

const isText = (v: unknown): v is XmlText => typeof v === 'object' && v !== null && !Array.isArray(v) && '#text' in v;

function attrs(a: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (!a) return undefined;
  const kept = Object.entries(a).filter((e): e is [string, string] => e[1] !== undefined);
  return kept.length ? Object.fromEntries(kept.map(([k, v]) => [k, xmlSafeText(v)])) : undefined;
}

const textNode = (name: string, text: string, attributes?: Record<string, string>): OrderedNode => ({
  [name]: [{ '#text': xmlSafeText(text) }],
  ...(attributes ? { ':@': attributes } : {}),
});

function nodes(name: string, value: XmlValue, order: OrderTable): OrderedNode[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => nodes(name, v, order));
  if (typeof value === 'string') return [textNode(name, value)];
  if (isText(value)) return [textNode(name, value['#text'], attrs(value['@']))];
  const allowed = order[name];
  if (!allowed) throw new Error(`Netvisor XML: no element order known for <${name}>`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`Netvisor XML: <${key}> is not a child of <${name}> in the documented order`);
  }
  return [{ [name]: allowed.flatMap((child) => nodes(child, value[child], order)) }];
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: false,
  // An empty string is "clear this field" on edit (docs/wire/netvisor.md, "Empty versus omitted"): <x></x>, never dropped.
  suppressEmptyNode: false,
  processEntities: true,
});

/** Serialises `<root><name>…</name></root>` with children in DTD order. */
export function toXmlDocument(name: string, value: XmlObject, order: OrderTable): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build([{ root: nodes(name, value, order) }]) as string}`;
}

export const withAttrs = (text: string, attributes: Record<string, string | undefined>): XmlText => ({ '#text': text, '@': attributes });

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  transformTagName: (n) => n.toLowerCase(),
  transformAttributeName: (n) => n.toLowerCase(),
});

/** Parses a response; tags and attributes lower-cased, all values kept as strings. Throws on malformed XML. */
export function parseXml(body: string): Record<string, unknown> {
  return parser.parse(body, true) as Record<string, unknown>;
}

/** Canonical "12.50" → Netvisor's "12,50". */
export const toNetvisorDecimal = (value: string): string => value.replace('.', ',');

/** Netvisor's "1 234,50" or "244.12" → canonical "1234.50"; null when it is not a number. */
export function fromNetvisorDecimal(value: string): string | null {
  const s = value.replace(/[\s\u00a0]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(s) ? s : /^-?\.\d+$/.test(s) ? s.replace('.', '0.') : null;
}
