import { z } from 'zod';
import { NetvisorFailure } from './wire';

/**
 * Netvisor's rule "one request at a time per customer environment; overlapping calls cause errors" (docs/wire/netvisor.md#transport),
 * enforced and measured.
 *
 * A request is in flight from the moment its handler starts until its reply is written. A request that arrives
 * while another one for the same environment (customer id × organisation) is in flight is refused before anything
 * is read or written. `maxInFlight` is the largest number of requests ever in flight at once for one environment,
 * counting the refused ones: 1 means no overlap was ever seen.
 *
 * Open point (docs/wire/open-points.md): how Netvisor fails an overlapping call is not documented. The sandbox answers the usual FAILED envelope
 * with category TECHNICAL_ERROR (HTTP 500 with UseHTTPResponseStatusCodes), which clients already retry, and does
 * nothing with the refused request.
 *
 * Real Netvisor takes 100 ms or more to process a call; the sandbox takes about a millisecond, which leaves overlaps
 * little room to show. `processingMs` (POST /__sandbox/netvisor/processing-time) makes every call take that long
 * inside the in-flight window. (The kit's /__sandbox/latency is network delay before the call reaches Netvisor.)
 */
export const ProcessingTimeBody = z.object({ ms: z.number().int().min(0).max(60_000) });

export const overlapFailure = () =>
  new NetvisorFailure('TECHNICAL_ERROR', 'Another request for this customer environment is still being processed. Send one request at a time and wait for its reply.');

export interface OverlapStats {
  /** The most requests in flight at once for one environment; above 1 means overlapping calls were seen. */
  maxInFlight: number;
  /** Requests refused because another one for their environment was in flight. */
  refused: number;
  /** In flight right now, over all environments. */
  inFlight: number;
  processingMs: number;
}

export class OverlapGuard {
  private readonly current = new Map<string, number>();
  private maxInFlight = 0;
  private refused = 0;
  processingMs = 0;

  /** Marks a request for `environment` in flight; `overlapping` says whether it must be refused. Call `leave` once. */
  enter(environment: string): { overlapping: boolean; leave(): void } {
    const n = (this.current.get(environment) ?? 0) + 1;
    this.current.set(environment, n);
    this.maxInFlight = Math.max(this.maxInFlight, n);
    if (n > 1) this.refused++;
    let left = false;
    return {
      overlapping: n > 1,
      leave: () => {
        if (left) return;
        left = true;
        const rest = (this.current.get(environment) ?? 1) - 1;
        if (rest > 0) this.current.set(environment, rest);
        else this.current.delete(environment);
      },
    };
  }

  stats(): OverlapStats {
    let inFlight = 0;
    for (const n of this.current.values()) inFlight += n;
    return { maxInFlight: this.maxInFlight, refused: this.refused, inFlight, processingMs: this.processingMs };
  }

  /** Counters back to zero (requests in flight stay counted until they finish). */
  resetStats(): void {
    this.maxInFlight = [...this.current.values()].reduce((a, b) => Math.max(a, b), 0);
    this.refused = 0;
  }
}
