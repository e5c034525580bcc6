/**
 * Typical round-trip latency per system and its published rate limit, one table for every benchmark. Each benchmark
 * sets the sandboxes' POST /__sandbox/latency from here and prints what it used.
 *
 * None of the vendors publishes a response-time figure. Where nothing was published or observed we say so:
 * `source` starts with "assumption". The figures are for a client in a Nordic/EU data centre; the issue's own
 * working range is 100–300 ms per real call.
 */
import type { SandboxSystem } from '../sandbox/kit/server';
import type { LatencyConfig } from '../sandbox/kit/latency';

export interface LatencyProfile {
  system: SandboxSystem;
  label: string;
  latency: LatencyConfig;
  source: string;
}

export interface PublishedLimit {
  /** Requests allowed per window, or null when the limit is not a rate (Netvisor: one request in flight). */
  perHour: number | null;
  text: string;
  source: string;
}

export const LATENCY_PROFILES: Record<SandboxSystem, LatencyProfile> = {
  netvisor: {
    system: 'netvisor',
    label: 'Netvisor',
    // List/look-up resources answer slower than a single-record read or a write.
    latency: { ms: 120, jitterMs: 40, paths: { '/customerlist.nv': { ms: 180, jitterMs: 60 }, '/productlist.nv': { ms: 180, jitterMs: 60 } } },
    source:
      'assumption (issue #14: 100–300 ms per real call; 120 ms is the issue\'s figure for the benches). Netvisor itself only says: ' +
      'one request at a time per environment, client timeout 120 s (English "controlling errors" page) / 360 s (Finnish "Resurssit yleistä") — docs/wire/netvisor.md',
  },
  procountor: {
    system: 'procountor',
    label: 'Procountor',
    latency: { ms: 150, jitterMs: 50 },
    source: 'assumption (REST/JSON behind OAuth; no published response time)',
  },
  rackbeat: {
    system: 'rackbeat',
    label: 'Rackbeat',
    latency: { ms: 150, jitterMs: 50 },
    source: 'assumption (no published response time; Rackbeat\'s Laravel wrapper retries 3× 5 s apart, its Python tools pace 0.125 s between calls — docs/wire/rackbeat.md)',
  },
  '24so': {
    system: '24so',
    label: '24SevenOffice',
    latency: { ms: 200, jitterMs: 60 },
    source: 'assumption (SOAP envelopes, session login; no published response time)',
  },
  severa: {
    system: 'severa',
    label: 'Severa',
    latency: { ms: 150, jitterMs: 50 },
    source: 'assumption (REST/JSON; no published response time)',
  },
  woocommerce: {
    system: 'woocommerce',
    label: 'WooCommerce',
    latency: { ms: 300, jitterMs: 100 },
    source:
      'observed/assumption: self-hosted WordPress, so it depends on the shop\'s host; a WC product query with 5,000 products on shared hosting ' +
      'measured ~950 ms TTFB (medium.com/@yairlevy "WP Rest API too slow?", 2019); 300 ms assumed for a decently hosted shop',
  },
  shopify: {
    system: 'shopify',
    label: 'Shopify',
    latency: { ms: 150, jitterMs: 50 },
    source: 'assumption (hosted Admin API on a CDN edge; no published response time)',
  },
};

/** The published limits the polling budget is printed against (the sandboxes enforce the same figures). */
export const PUBLISHED_LIMITS: Partial<Record<SandboxSystem, PublishedLimit>> = {
  '24so': { perHour: 7_200, text: '7,200 requests/hour', source: 'developer.24sevenoffice.com/faq (docs/wire/twentyfourseven.md)' },
  rackbeat: { perHour: 480 * 60, text: '~480 requests/minute per token', source: 'Rackbeat\'s own Laravel wrapper throttle; no number on developer.rackbeat.com (docs/wire/rackbeat.md)' },
  procountor: { perHour: 20 * 3600, text: '20 requests/second per client', source: 'Procountor API docs, one version of the page (docs/wire/procountor.md)' },
  severa: { perHour: 10 * 3600, text: '10 requests/second', source: 'Severa 429 text "maximum admitted 10 per 1s" (docs/wire/severa.md)' },
  netvisor: {
    perHour: null,
    text: 'one request in flight per environment (no numeric rate published); at 120 ms that is at most 30,000/hour',
    source: 'Netvisor docs 77000500440 (docs/wire/netvisor.md)',
  },
  shopify: { perHour: 2 * 3600, text: 'REST Admin 2 requests/second (bucket 40), standard plan', source: 'shopify.dev REST Admin API rate limits' },
};

/** The ceiling a one-request-in-flight system allows: requests per hour at the profile's mean latency. */
export function oneInFlightPerHour(system: SandboxSystem): number {
  return 3_600_000 / LATENCY_PROFILES[system].latency.ms;
}

/** The setting POSTed to /__sandbox/latency, optionally at another mean (the jitter scaled along, path settings kept in proportion). */
export function latencyFor(system: SandboxSystem, ms?: number): LatencyConfig {
  const base = LATENCY_PROFILES[system].latency;
  if (ms === undefined || ms === base.ms) return base;
  const k = base.ms ? ms / base.ms : 0;
  const scale = (d: { ms: number; jitterMs: number }) => ({ ms: Math.round(d.ms * k), jitterMs: Math.round(d.jitterMs * k) });
  return { ...scale(base), ...(base.paths ? { paths: Object.fromEntries(Object.entries(base.paths).map(([p, d]) => [p, scale(d)])) } : {}) };
}

/** One line saying what latency a sandbox runs with, for the benches' output. */
export function describeLatency(system: SandboxSystem, l: LatencyConfig): string {
  const paths = Object.entries(l.paths ?? {}).map(([p, d]) => `${p} ${d.ms} ± ${d.jitterMs} ms`);
  return `${LATENCY_PROFILES[system].label} ${l.ms} ± ${l.jitterMs} ms${paths.length ? ` (${paths.join(', ')})` : ''}`;
}

/** The mean latency a request to `path` gets under `l` (for minimal-latency figures). */
export function meanLatency(l: LatencyConfig, path: string): number {
  const hit = Object.entries(l.paths ?? {})
    .sort((a, b) => b[0].length - a[0].length)
    .find(([p]) => path.startsWith(p));
  return hit ? hit[1].ms : l.ms;
}
