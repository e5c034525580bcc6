import { SaxesParser } from 'saxes';

/**
 * A lean reader for Netvisor's whole-register list replies (productlist.nv, customerlist.nv): Netvisor has no
 * paging there, so for 50,000 products the reply is one document of several megabytes. Parsing it into an object
 * tree (xml.ts) holds every element of every row at once, several times the size of the text; this reader walks the
 * document with a SAX parser (saxes) and keeps, per row, only the text of the child elements asked for.
 *
 * The text is fed to the parser in slices, yielding to the event loop between them, so a worker keeps heartbeating
 * and serving other activities while a long list is read.
 *
 * Shape read: `<Root><ResponseStatus><Status>…</Status>…</ResponseStatus><List><Row><Field>text</Field>…</Row>…</List></Root>`,
 * element names compared lower-cased (Netvisor's casing is inconsistent, see xml.ts). Anything else — a reply that
 * is not OK, not XML, or has another shape — gives `null`, and the caller falls back to the full parser and its
 * error classification (connection.ts), which are written for small replies.
 */
export interface ListRows {
  /** The Status texts of ResponseStatus (first is "OK" on success). */
  status: string[];
  /** One object per row: requested field name (lower-case) → its text ("" when the element is empty or missing). */
  rows: Array<Record<string, string>>;
}

/** Characters fed to the parser before yielding to the event loop. */
const SLICE = 256 * 1024;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `onSlice` runs after every slice (the connection heartbeats there, so a long read shows the attempt is alive). */
export async function readListRows(body: string, list: string, row: string, fields: readonly string[], onSlice?: () => void): Promise<ListRows | null> {
  const wanted = new Set(fields);
  const parser = new SaxesParser({ xmlns: false, position: false });
  const status: string[] = [];
  const rows: Array<Record<string, string>> = [];
  // Element path below the document element, lower-cased names.
  const path: string[] = [];
  let rootSeen = false;
  let bad = false;
  let current: Record<string, string> | null = null;
  let field: string | null = null;
  let text = '';

  parser.on('opentag', (tag) => {
    const name = tag.name.toLowerCase();
    if (!rootSeen) {
      rootSeen = true;
      if (name !== 'root') bad = true;
      path.push(name);
      return;
    }
    path.push(name);
    const depth = path.length;
    if (depth === 3 && path[1] === list && name === row) {
      current = {};
      for (const f of fields) current[f] = '';
    } else if (depth === 4 && current && wanted.has(name)) {
      field = name;
      text = '';
    } else if (depth === 3 && path[1] === 'responsestatus' && name === 'status') {
      field = 'status';
      text = '';
    }
  });
  const onText = (t: string) => {
    if (field !== null) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const depth = path.length;
    const name = path.pop();
    if (depth === 4 && current && field !== null && name === field) {
      current[field] = text.trim();
      field = null;
    } else if (depth === 3 && field === 'status' && path[1] === 'responsestatus') {
      status.push(text.trim());
      field = null;
    } else if (depth === 3 && current && path[1] === list && name === row) {
      rows.push(current);
      current = null;
    }
  });
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });

  try {
    for (let i = 0; i < body.length && !failed && !bad; i += SLICE) {
      parser.write(body.slice(i, i + SLICE));
      onSlice?.();
      if (i + SLICE < body.length) await yieldToLoop();
    }
    if (!failed && !bad) parser.close();
  } catch {
    failed = true;
  }
  if (failed || bad || !rootSeen || status.length === 0 || status[0].toUpperCase() !== 'OK') return null;
  return { status, rows };
}
