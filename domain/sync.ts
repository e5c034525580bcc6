import Decimal from 'decimal.js';
import type { CostCentre, Party, Product, ProductGroup } from './model';

/**
 * Register sync as data: which pairs exist, which registers each pair allows, in which directions, and the shape
 * of a pairing decision. Pure: the migration workflow, the activities and the CLI all read it.
 */
export const PAIRS = {
  'rackbeat-netvisor': {
    systems: ['rackbeat', 'netvisor'],
    registers: {
      customers: ['rackbeat-to-netvisor', 'netvisor-to-rackbeat'],
      suppliers: ['rackbeat-to-netvisor', 'netvisor-to-rackbeat'],
      products: ['rackbeat-to-netvisor', 'netvisor-to-rackbeat'],
    },
  },
  'rackbeat-24so': {
    systems: ['rackbeat', '24so'],
    registers: {
      customers: ['rackbeat-to-24so', '24so-to-rackbeat'],
      suppliers: ['rackbeat-to-24so', '24so-to-rackbeat'],
      products: ['rackbeat-to-24so', '24so-to-rackbeat'],
      'product-groups': ['rackbeat-to-24so', '24so-to-rackbeat'],
    },
  },
  'severa-netvisor': {
    systems: ['severa', 'netvisor'],
    registers: {
      customers: ['severa-to-netvisor'],
      products: ['severa-to-netvisor'],
      'cost-centres': ['severa-to-netvisor'],
    },
  },
} as const;

export type PairName = keyof typeof PAIRS;
export type RegisterName = 'customers' | 'suppliers' | 'products' | 'product-groups' | 'cost-centres';
export type SyncSystem = 'rackbeat' | 'netvisor' | '24so' | 'severa';
export const PAIR_NAMES = Object.keys(PAIRS) as PairName[];
export const REGISTER_NAMES: RegisterName[] = ['customers', 'suppliers', 'products', 'product-groups', 'cost-centres'];

export function allowedDirections(pair: PairName, register: RegisterName): readonly string[] {
  return (PAIRS[pair].registers as Record<string, readonly string[]>)[register] ?? [];
}

/** "rackbeat-to-netvisor" → { source: 'rackbeat', target: 'netvisor' }. */
export function parseDirection(direction: string): { source: SyncSystem; target: SyncSystem } {
  const [source, target] = direction.split('-to-') as [SyncSystem, SyncSystem];
  return { source, target };
}

/** Why a pair/register/direction cannot run, in operator words; null when it can. */
export function checkRoute(pair: string, register: string, direction: string): string | null {
  if (!(pair in PAIRS)) return `unknown pair "${pair}": use one of ${PAIR_NAMES.join(', ')}`;
  const p = pair as PairName;
  const registers = Object.keys(PAIRS[p].registers);
  if (!registers.includes(register)) return `pair ${pair} has no register "${register}": use one of ${registers.join(', ')}`;
  const directions = allowedDirections(p, register as RegisterName);
  if (!directions.includes(direction)) return `register ${register} of ${pair} goes ${directions.join(' or ')}, not "${direction}"`;
  return null;
}

/** The canonical record one register carries. */
export type RegisterRecord = Party | Product | CostCentre | ProductGroup;

/** How a source record was paired with a target record. */
export type PairingRule = 'customerNumber' | 'businessId' | 'name' | 'code' | 'externalId';

export type Pairing =
  | { action: 'create' }
  | { action: 'update' | 'unchanged'; targetKey: string; rule: PairingRule }
  | { action: 'conflict'; reason: string; targetKey?: string }
  | { action: 'skip'; reason: string };

export type PlanAction = Pairing['action'];

/** One line of a migration plan or result. `key` is the natural key the pairing used (customer code, product code). */
export interface PlanEntry {
  sourceId: string;
  key?: string;
  name?: string;
  action: PlanAction;
  rule?: PairingRule;
  targetKey?: string;
  reason?: string;
}

export interface MigrationCounts {
  read: number;
  create: number;
  update: number;
  unchanged: number;
  conflict: number;
  skip: number;
  matchedBy: Partial<Record<PairingRule, number>>;
}

export const emptyCounts = (): MigrationCounts => ({ read: 0, create: 0, update: 0, unchanged: 0, conflict: 0, skip: 0, matchedBy: {} });

export function addCounts(a: MigrationCounts, b: MigrationCounts): MigrationCounts {
  const matchedBy = { ...a.matchedBy };
  for (const [k, v] of Object.entries(b.matchedBy) as Array<[PairingRule, number]>) matchedBy[k] = (matchedBy[k] ?? 0) + v;
  return {
    read: a.read + b.read,
    create: a.create + b.create,
    update: a.update + b.update,
    unchanged: a.unchanged + b.unchanged,
    conflict: a.conflict + b.conflict,
    skip: a.skip + b.skip,
    matchedBy,
  };
}

export function countEntry(counts: MigrationCounts, entry: PlanEntry): void {
  counts.read++;
  counts[entry.action]++;
  if (entry.rule && (entry.action === 'update' || entry.action === 'unchanged')) counts.matchedBy[entry.rule] = (counts.matchedBy[entry.rule] ?? 0) + 1;
}

/**
 * Content comparison used for "unchanged" and for echo suppression: only the fields the source gave are compared
 * (a target that stores more is not "different"), text trimmed, decimals by value.
 */
export function sameContent(source: object, target: object): boolean {
  return Object.entries(source).every(([k, v]) => sameValue(v, (target as Record<string, unknown>)[k]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined) return true;
  if (a === null || b === null || b === undefined) return a === b || (a === '' && (b === undefined || b === null)) || (b === '' && a === null);
  if (typeof a === 'object' && typeof b === 'object') return sameContent(a as object, b as object);
  if (typeof a === 'string' && typeof b === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return new Decimal(a).eq(b);
    return a.trim() === b.trim();
  }
  return a === b;
}

/** A short, stable fingerprint of a record's content (FNV-1a over canonical JSON), what echo suppression remembers. */
export function contentHash(record: unknown): string {
  const text = stableJson(record);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0') + text.length.toString(16);
}

function stableJson(v: unknown): string {
  if (v === undefined) return 'null';
  // Decimals compare by value ("25.0000" = "25"), as sameContent does.
  if (typeof v === 'string' && /^-?\d+\.\d+$/.test(v)) return JSON.stringify(new Decimal(v).toFixed());
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== '').sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
}
