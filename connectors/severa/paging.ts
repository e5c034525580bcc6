/**
 * Severa pages lists in two ways: customers, products, invoices… return a `NextPageToken` response header to pass
 * back as `pageToken`; cost centres, addresses, currencies… take `firstRow` / `rowCount` offsets.
 * Both are exposed page by page (a migration keeps the cursor in its workflow state) and as async iterators.
 */
export interface TokenPage<T> {
  items: T[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export interface OffsetPage<T> {
  items: T[];
  /** Absent when this page was not full, i.e. the last one. */
  nextFirstRow?: number;
}

export interface ChangeFilter {
  /** Rows added or changed at or after this instant. */
  changedSince?: Date | string;
  /** Rows per page; Severa's default is 20 and the sandbox's cap 100. */
  rowCount?: number;
}

export async function* walkTokenPages<T>(fetch: (pageToken?: string) => Promise<TokenPage<T>>): AsyncGenerator<T> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield* page.items;
    token = page.nextPageToken;
  } while (token);
}

export async function* walkOffsetPages<T>(fetch: (firstRow: number) => Promise<OffsetPage<T>>): AsyncGenerator<T> {
  let firstRow: number | undefined = 0;
  while (firstRow !== undefined) {
    const page: OffsetPage<T> = await fetch(firstRow);
    yield* page.items;
    firstRow = page.nextFirstRow;
  }
}

/** Severa wants a date-time with an offset; an ISO string in UTC carries "Z". */
export const changedSinceParam = (v: Date | string | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v : v.toISOString();

export function query(params: Record<string, string | number | boolean | string[] | number[] | undefined>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    // Severa's array parameters are repeated keys (customerGuids=a&customerGuids=b).
    if (Array.isArray(v)) v.forEach((item) => q.append(k, String(item)));
    else q.append(k, String(v));
  }
  return q;
}

export const header = (v: string | string[] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
};
