import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * The one definition of Siirto's search attributes is workflows/search-attributes.ts. Everything that registers
 * them derives from it: the dev server's flags, `siirto cluster` on a real Temporal server (and through it the
 * `temporal` service of docker-compose.yml), so they cannot drift.
 */
const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
/** temporal.api.enums.v1.IndexedValueType */
const TYPE_ENUM = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 } as const;

/** Name → type as the Temporal CLI writes it (`Keyword`, `Int`). */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, string> = Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, TYPE_NAMES[k.type]]));

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${TYPE_NAMES[k.type]}`]);

/** Adds the attributes a namespace lacks (present ones are left alone); returns the names it added. */
export async function registerSearchAttributes(conn: Connection, namespace = 'default'): Promise<string[]> {
  const existing = await conn.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (!missing.length) return [];
  await conn.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPE_ENUM[k.type as keyof typeof TYPE_ENUM]])),
  });
  return missing.map((k) => k.name);
}

/** A visibility query that names every attribute: the frontend accepts it only once all of them are registered. */
export const EVERY_SEARCH_ATTRIBUTE_QUERY = SEARCH_ATTRIBUTES.map((k) => (k.type === 'INT' ? `${k.name} = 0` : `${k.name} = ''`)).join(' AND ');
