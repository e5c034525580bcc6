import Decimal from 'decimal.js';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { hasXmlForbiddenChars, xmlSafeText } from '../../connectors/kit/xml-text';

/**
 * Netvisor's wire format as the sandbox speaks it: the Root/ResponseStatus envelope, Finnish timestamps, decimal
 * commas, and request bodies parsed with element order preserved (Netvisor validates order against its DTDs).
 */

/** A Netvisor refusal: becomes `<Status>FAILED</Status><Status>CATEGORY :: text</Status>`. */
export class NetvisorFailure extends Error {
  constructor(
    readonly category: string,
    readonly text: string,
  ) {
    super(`${category} :: ${text}`);
  }
}

export const invalidData = (text: string) => new NetvisorFailure('INVALID_DATA', `Data form incorrect:. ${text}`);
export const couldNotValidate = () => invalidData('XML message validation failed: Could not validate xml');

const builderOptions = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: false, processEntities: true } as const;
// Empty elements come out self-closed (`<SalesInvoice/>`), as in Netvisor's own replies; shells keep both tags.
const leafBuilder = new XMLBuilder({ ...builderOptions, suppressEmptyNode: true });
const shellBuilder = new XMLBuilder({ ...builderOptions, suppressEmptyNode: false });

/**
 * Writes one element: `el('Name', 'text')`, `el('Name', 'text', { attr })`, `el('Parent', [children])`. Empty → `<Name/>`.
 * fast-xml-parser's XMLBuilder writes the tags and escapes text and attributes; characters XML 1.0 forbids are
 * dropped first (connectors/kit/xml-text.ts). Children arrive already written, so a parent is the builder's empty
 * shell with them placed inside.
 */
export function el(name: string, content?: string | number | string[] | null, attrs: Record<string, string | undefined> = {}): string {
  const kept = Object.entries(attrs).filter((e): e is [string, string] => e[1] !== undefined);
  const a = kept.length ? { ':@': Object.fromEntries(kept.map(([k, v]) => [k, xmlSafeText(String(v))])) } : {};
  if (content === undefined || content === null || content === '' || (Array.isArray(content) && content.length === 0)) {
    return leafBuilder.build([{ [name]: [], ...a }]) as string;
  }
  if (!Array.isArray(content)) return leafBuilder.build([{ [name]: [{ '#text': xmlSafeText(String(content)) }], ...a }]) as string;
  const shell = shellBuilder.build([{ [name]: [], ...a }]) as string;
  const close = `</${name}>`;
  return `${shell.slice(0, shell.length - close.length)}${content.join('')}${close}`;
}

/** "21.6.2023 14:11:56" in Finnish local time, as real replies show (no leading zeros on day and month). */
export function finnishTimestamp(d = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Helsinki', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: false,
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${Number(parts.day)}.${Number(parts.month)}.${parts.year} ${Number(parts.hour) % 24}:${parts.minute}:${parts.second}`;
}

/** "2024-03-07" → "7.3.2024" (salespaymentlist's date form). */
export const finnishDate = (iso: string): string => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}.${m}.${y}`;
};

const HEADER = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>';

export function okDocument(payload: string): string {
  return `${HEADER}<Root>${el('ResponseStatus', [el('Status', 'OK'), el('TimeStamp', finnishTimestamp())])}${payload}</Root>`;
}

export function failedDocument(f: NetvisorFailure): string {
  return `${HEADER}<Root>${el('ResponseStatus', [el('Status', 'FAILED'), el('Status', `${f.category} :: ${f.text}`), el('TimeStamp', finnishTimestamp())])}</Root>`;
}

/** `<Replies><InsertedDataIdentifier>` — what every creating import answers. */
export const inserted = (key: number): string => el('Replies', [el('InsertedDataIdentifier', key)]);

/** Canonical "12.5" → Netvisor "12,50" (money with two decimals) or "12,5" (places undefined keeps the value). */
export function nvDecimal(value: Decimal.Value, places?: number): string {
  const d = new Decimal(value);
  return (places === undefined ? d.toFixed() : d.toFixed(places)).replace('.', ',');
}

/** Netvisor accepts a decimal comma (documented) and, like every parser in the wild, a dot. */
export function parseDecimal(text: string, field: string): string {
  const s = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw invalidData(`Value "${text}" of ${field} is not a valid number`);
  return new Decimal(s).toFixed();
}

// Request bodies ------------------------------------------------------------------------------------------
export interface Elem {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Elem[];
}

const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  transformTagName: (n) => n.toLowerCase(),
  transformAttributeName: (n) => n.toLowerCase(),
});

function convert(nodes: Array<Record<string, unknown>>): Elem[] {
  const out: Elem[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text') continue;
    const kids = (node[name] as Array<Record<string, unknown>>) ?? [];
    const attrs = Object.fromEntries(Object.entries((node[':@'] as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));
    const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
    out.push({ name, attrs, text, children: convert(kids) });
  }
  return out;
}

function forbiddenReference(xml: string): boolean {
  for (const m of xml.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const cp = m[1][0] === 'x' ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
    if (cp > 0x10ffff || hasXmlForbiddenChars(String.fromCodePoint(cp))) return true;
  }
  return false;
}

/** Decodes by the declared charset (UTF-8 by default; latin-1 tolerated) and returns `<root>`'s single child. */
export function parseBody(raw: Buffer | undefined): Elem {
  if (!raw || raw.length === 0) throw couldNotValidate();
  const head = raw.subarray(0, 200).toString('latin1');
  const declared = /encoding=["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  let xml = /8859|latin/.test(declared) ? raw.toString('latin1') : raw.toString('utf8');
  if (xml.includes('\uFFFD')) xml = raw.toString('latin1');
  // A character XML 1.0 forbids, raw or as a character reference, makes the document not well-formed.
  if (hasXmlForbiddenChars(xml) || forbiddenReference(xml)) throw couldNotValidate();
  if (XMLValidator.validate(xml) !== true) throw couldNotValidate();
  const tree = convert(orderedParser.parse(xml) as Array<Record<string, unknown>>);
  const root = tree.find((e) => e.name === 'root');
  if (!root || root.children.length !== 1) throw couldNotValidate();
  return root.children[0];
}

export const child = (e: Elem | undefined, name: string): Elem | undefined => e?.children.find((c) => c.name === name);
export const children = (e: Elem | undefined, name: string): Elem[] => e?.children.filter((c) => c.name === name) ?? [];
/** Text of a child; undefined when the element is absent, "" when it is present but empty. */
export const textOf = (e: Elem | undefined, name: string): string | undefined => child(e, name)?.text;
