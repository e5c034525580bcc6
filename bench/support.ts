import { startDevServer, temporalCliPath, type DevServer } from '../client/dev-server';

/** Benchmarks start their own in-memory dev server, so they never touch the stack's data. */
export async function benchTemporal(): Promise<DevServer> {
  return startDevServer(temporalCliPath());
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function sandboxRequests(url: string): Promise<number> {
  return ((await (await fetch(`${url}/__sandbox/stats`)).json()) as { requests: number }).requests;
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);
