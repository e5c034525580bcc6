import Decimal from 'decimal.js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes one element: `el('Name', 'text')`, `el('Name', 'text', { attr })`, `el('Parent', [children])`. Empty → `<Name />`. */
export function el(name: string, content?: string | number | string[] | null, attrs: Record<string, string | undefined> = {}): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  if (content === undefined || content === null || content === '' || (Array.isArray(content) && content.length === 0)) return `<${name}${a} />`;
  const inner = Array.isArray(content) ? content.join('') : escapeXml(String(content));
  return `<${name}${a}>${inner}</${name}>`;
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

/** Decodes by the declared charset (UTF-8 by default; latin-1 tolerated) and returns `<root>`'s single child. */
export function parseBody(raw: Buffer | undefined): Elem {
  if (!raw || raw.length === 0) throw couldNotValidate();
  const head = raw.subarray(0, 200).toString('latin1');
  const declared = /encoding=["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  let xml = /8859|latin/.test(declared) ? raw.toString('latin1') : raw.toString('utf8');
  if (xml.includes('\uFFFD')) xml = raw.toString('latin1');
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
