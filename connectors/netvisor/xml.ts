import { XMLParser } from 'fast-xml-parser';

/**
 * Netvisor XML in both directions.
 *
 * Out: Netvisor validates element order against its DTDs, so bodies are written from an order table (parent →
 * ordered children), never from the key order of whatever object the caller built.
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

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const isText = (v: unknown): v is XmlText => typeof v === 'object' && v !== null && !Array.isArray(v) && '#text' in v;

function attrs(a: Record<string, string | undefined> | undefined): string {
  if (!a) return '';
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v as string)}"`)
    .join('');
}

function write(name: string, value: XmlValue, order: OrderTable): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => write(name, v, order)).join('');
  if (typeof value === 'string') return value === '' ? `<${name}></${name}>` : `<${name}>${escapeXml(value)}</${name}>`;
  if (isText(value)) return `<${name}${attrs(value['@'])}>${escapeXml(value['#text'])}</${name}>`;
  const allowed = order[name];
  if (!allowed) throw new Error(`Netvisor XML: no element order known for <${name}>`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`Netvisor XML: <${key}> is not a child of <${name}> in the documented order`);
  }
  return `<${name}>${allowed.map((child) => write(child, value[child], order)).join('')}</${name}>`;
}

/** Serialises `<root><name>…</name></root>` with children in DTD order. */
export function toXmlDocument(name: string, value: XmlObject, order: OrderTable): string {
  return `<?xml version="1.0" encoding="UTF-8"?><root>${write(name, value, order)}</root>`;
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
