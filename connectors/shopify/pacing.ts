import { currentCall } from '../kit/call-context';
import { KeyedMutex, sleepHeartbeating, waitHeartbeating } from '../kit/limiter';

/**
 * Pacing on Shopify's own report of the REST leaky bucket (docs/wire/shopify.md, "Rate limit"). Every Admin REST
 * reply carries `X-Shopify-Shop-Api-Call-Limit: used/size`; the bucket leaks `size / 20` requests per second on every
 * plan (40 → 2/s, 80 → 4/s, 400 → 20/s). Before a request we estimate the bucket's level now (the last report, minus
 * what leaked since, plus our requests still in flight) and wait until one more request fits below `size - reserve`.
 * The report covers every caller of the same app and store, other worker processes included, so this holds across
 * the cluster as well as the header is fresh.
 */

/** "12/40" → {used: 12, size: 40}; undefined when absent or malformed. */
export function parseCallLimit(value: string | string[] | undefined): { used: number; size: number } | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v ?? '');
  if (!m) return undefined;
  const used = Number(m[1]);
  const size = Number(m[2]);
  return size > 0 ? { used, size } : undefined;
}

/** Shopify's buckets fill in 20 seconds of leaking: leak rate = size / 20 per second. */
const LEAK_SECONDS = 20;

interface BucketState {
  used: number;
  size: number;
  at: number;
  inFlight: number;
}

export class CallLimitPacer {
  private state?: BucketState;
  private readonly gate = new KeyedMutex();
  /** Before the first report: the one request sent to learn the bucket's state, which the others wait for. */
  private probe?: { done: Promise<void>; finish: () => void };

  constructor(
    /** Requests left free for other callers of the same app (another tool, a process that just started). */
    private readonly reserveShare = 0.1,
    private readonly now: () => number = Date.now,
  ) {}

  /** The estimated level now, or undefined before the first report. */
  estimate(): number | undefined {
    const s = this.state;
    if (!s) return undefined;
    const leaked = ((this.now() - s.at) / 1000) * (s.size / LEAK_SECONDS);
    return Math.max(0, s.used - leaked) + s.inFlight;
  }

  /** Waits (heartbeating) until one more request fits, then counts it as in flight. */
  async acquire(): Promise<void> {
    const waiter = currentCall();
    const release = await this.gate.lock('bucket', waiter);
    try {
      while (!this.state && this.probe) await waitHeartbeating(this.probe.done, waiter);
      if (!this.state) {
        let finish!: () => void;
        const done = new Promise<void>((r) => (finish = r));
        this.probe = { done, finish };
      }
      for (;;) {
        const s = this.state;
        const level = this.estimate();
        if (!s || level === undefined) break;
        const ceiling = s.size - Math.floor(s.size * this.reserveShare);
        if (level + 1 <= ceiling) break;
        const ms = Math.ceil(((level + 1 - ceiling) / (s.size / LEAK_SECONDS)) * 1000);
        await sleepHeartbeating(Math.max(ms, 10), waiter);
      }
      if (this.state) this.state.inFlight++;
    } finally {
      release();
    }
  }

  /** After the reply (or failure): takes the bucket's report, if any, and ends the in-flight count. */
  settle(callLimit: string | string[] | undefined): void {
    const report = parseCallLimit(callLimit);
    const s = this.state;
    if (s && s.inFlight > 0) s.inFlight--;
    if (report) this.state = { used: report.used, size: report.size, at: this.now(), inFlight: s?.inFlight ?? 0 };
    const probe = this.probe;
    this.probe = undefined;
    probe?.finish();
  }
}

const pacers = new Map<string, CallLimitPacer>();

/** One pacer per shop and access token in this process, as Shopify keeps one bucket per app and store. */
export function sharedPacer(key: string): CallLimitPacer {
  let p = pacers.get(key);
  if (!p) pacers.set(key, (p = new CallLimitPacer()));
  return p;
}
