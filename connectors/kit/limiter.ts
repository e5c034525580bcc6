import { currentCall } from './call-context';
import { ConnectorError } from './errors';

/**
 * Client-side pacing. Staying under a published limit is cheaper than backing off after it: 24SevenOffice
 * quarantines for the rest of the hour and Procountor may suspend the client (docs/design.md §9).
 *
 * Two rules, each keyed by tenant × API environment (the credential the vendor counts by):
 * - a rate: at most `limit` request starts per sliding `windowMs` (`sharedLimiter(...).acquire()`);
 * - one request in flight (`oneAtATime`, Netvisor).
 *
 * By default both hold within this process. When cluster-wide limits are switched on (`useClusterLimits`, wired from
 * SIIRTO_POSTGRES_URL / `siirto worker --limits postgres` in activities/connections.ts) they hold across every worker
 * process sharing that backend (connectors/kit/cluster-limits.ts). Waiting for a slot or the lock heartbeats the
 * activity it runs in and stops when the activity is cancelled.
 */

/** What a wait needs from the activity it runs in (connectors/kit/call-context.ts). */
export interface Waiter {
  signal?: AbortSignal;
  heartbeat(details?: unknown): void;
}

/** Heartbeat at least this often while waiting; the SDK throttles what it actually sends. */
export const WAIT_HEARTBEAT_MS = 1000;

function cancelled(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the activity was cancelled while waiting for its turn at the API');
}

/**
 * Waits for `promise`, heartbeating meanwhile; rejects with the cancellation when the activity is cancelled, after
 * calling `onAbort` (which should stop whatever the promise waits on).
 */
export function waitHeartbeating<T>(promise: Promise<T>, waiter: Waiter, onAbort?: () => void): Promise<T> {
  const { signal } = waiter;
  if (signal?.aborted) {
    onAbort?.();
    promise.catch(() => undefined);
    return Promise.reject(cancelled(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const beat = setInterval(() => waiter.heartbeat(), WAIT_HEARTBEAT_MS);
    const finish = () => {
      clearInterval(beat);
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      finish();
      onAbort?.();
      promise.catch(() => undefined);
      reject(cancelled(signal!));
    };
    signal?.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        finish();
        resolve(v);
      },
      (e: unknown) => {
        finish();
        reject(e);
      },
    );
  });
}

/** Sleeps `ms`, heartbeating; rejects when the activity is cancelled. */
export function sleepHeartbeating(ms: number, waiter: Waiter): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return waitHeartbeating(slept, waiter, () => clearTimeout(timer));
}

/** A FIFO lock per key within this process; a cancelled waiter leaves the queue. */
export class KeyedMutex {
  private readonly queues = new Map<string, Array<() => void>>();

  /** Resolves with the release function once `key` is ours. */
  async lock(key: string, waiter: Waiter): Promise<() => void> {
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, []);
      return this.releaser(key);
    }
    let grant!: () => void;
    let ours = false;
    const granted = new Promise<void>((r) => (grant = () => ((ours = true), r())));
    queue.push(grant);
    await waitHeartbeating(granted, waiter, () => {
      // Cancelled: leave the queue, or pass the turn on if it had just come to us.
      if (ours) return this.releaser(key)();
      const q = this.queues.get(key);
      const at = q?.indexOf(grant) ?? -1;
      if (at >= 0) q!.splice(at, 1);
    });
    return this.releaser(key);
  }

  /** Whether anyone holds or waits for `key` (tests). */
  busy(key: string): boolean {
    return this.queues.has(key);
  }

  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(key);
      const next = queue?.shift();
      if (next) next();
      else this.queues.delete(key);
    };
  }
}

/** A sliding-window limiter within this process: at most `limit` starts per `windowMs`. */
export class LocalWindow {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(waiter: Waiter = currentCall()): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.starts.length && this.starts[0] <= t - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(t);
        return;
      }
      await sleepHeartbeating(this.starts[0] + this.windowMs - t + 1, waiter);
    }
  }
}

/** The cluster-wide backend: every worker process that shares it shares the limits. */
export interface ClusterLimits {
  /** Where the limits live, without credentials, for messages: e.g. "PostgreSQL at 127.0.0.1:5432/siirto_limits". */
  readonly description: string;
  /** Waits until a start slot for `key` is free (at most `limit` per `windowMs` across the cluster) and takes it. */
  acquireSlot(key: string, limit: number, windowMs: number, waiter: Waiter): Promise<void>;
  /** Waits for the cluster-wide lock on `key`; resolves with its release. The lock dies with the process holding it. */
  lock(key: string, waiter: Waiter): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

let cluster: ClusterLimits | null = null;

/** Switches this process to cluster-wide limits (`null`: back to in-process). Returns the previous backend. */
export function useClusterLimits(backend: ClusterLimits | null): ClusterLimits | null {
  const previous = cluster;
  cluster = backend;
  return previous;
}

export const clusterLimits = (): ClusterLimits | null => cluster;

/** A cluster backend that cannot be reached: the call is not sent, and the activity retries later. */
function unreachable(system: string, backend: ClusterLimits, err: unknown): ConnectorError {
  const why = err instanceof Error ? err.message : String(err);
  return new ConnectorError(
    system,
    'transient',
    `Siirto did not call ${system}: the shared API limits (${backend.description}) cannot be reached (${why}). Check that PostgreSQL runs and SIIRTO_POSTGRES_URL points at it; the transfer retries by itself.`,
    { code: 'LIMITS_UNREACHABLE', cause: err },
  );
}

const isCancellation = (err: unknown, waiter: Waiter) => waiter.signal?.aborted === true && err === waiter.signal.reason;

const slotQueues = new KeyedMutex();

/**
 * The pace for one key, in this process or across the cluster, whichever is configured when `acquire` runs.
 * In cluster mode one caller per process and key talks to the backend at a time; the others queue here.
 */
export class WindowLimiter {
  private readonly local: LocalWindow;

  constructor(
    readonly key: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.local = new LocalWindow(limit, windowMs);
  }

  async acquire(): Promise<void> {
    const waiter = currentCall();
    const backend = cluster;
    if (!backend) return this.local.acquire(waiter);
    const release = await slotQueues.lock(this.key, waiter);
    try {
      await backend.acquireSlot(this.key, this.limit, this.windowMs, waiter);
    } catch (err) {
      if (isCancellation(err, waiter)) throw err;
      throw unreachable(systemOf(this.key), backend, err);
    } finally {
      release();
    }
  }
}

/** The system a limiter key is for: keys start with it ("rackbeat:…", "24so|…"). */
const systemOf = (key: string): string => key.split(/[:|]/)[0] || 'the API';

const limiters = new Map<string, WindowLimiter>();

/** One shared limiter per key for the whole process (and, in cluster mode, the key's share of the cluster's). */
export function sharedLimiter(key: string, limit: number, windowMs: number): WindowLimiter {
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new WindowLimiter(key, limit, windowMs);
    limiters.set(key, limiter);
  }
  return limiter;
}

const exclusive = new KeyedMutex();

/**
 * How one key's turn was used in this process, so a benchmark can tell where an API that takes one request at a time
 * sat idle: `heldMs` in calls (ours, from taking the turn to its release), `handoffMs` between a release and the next
 * call when that call was already queued (the cost of passing the turn on), `idleMs` between a release and the next
 * call when nothing was queued (the API waited for Siirto to bring the next call).
 */
export interface TurnStats {
  turns: number;
  heldMs: number;
  handoffs: number;
  handoffMs: number;
  idleMs: number;
  /** performance.now() of the first call's start and the last call's end. */
  firstAt: number;
  lastAt: number;
}
interface TurnState extends TurnStats {
  waiting: number;
  lastRelease: number | null;
  queuedAtRelease: boolean;
}
const turns = new Map<string, TurnState>();

/** Each one-at-a-time key's turn statistics since the process started (or `resetTurnStats`). */
export function turnStats(): Record<string, TurnStats> {
  return Object.fromEntries([...turns].map(([k, { turns: n, heldMs, handoffs, handoffMs, idleMs, firstAt, lastAt }]) => [k, { turns: n, heldMs, handoffs, handoffMs, idleMs, firstAt, lastAt }]));
}

export function resetTurnStats(): void {
  turns.clear();
}

/**
 * Runs `task` as the only one for `key`: in this process always, and across the cluster when it is configured.
 * Waiting for the turn heartbeats and honours cancellation; the task itself is not interrupted.
 */
export async function oneAtATime<T>(system: string, key: string, task: () => Promise<T>): Promise<T> {
  const waiter = currentCall();
  let turn = turns.get(key);
  if (!turn) turns.set(key, (turn = { turns: 0, heldMs: 0, handoffs: 0, handoffMs: 0, idleMs: 0, firstAt: 0, lastAt: 0, waiting: 0, lastRelease: null, queuedAtRelease: false }));
  const t = turn;
  t.waiting++;
  let releaseLocal: () => void;
  try {
    releaseLocal = await exclusive.lock(key, waiter);
  } finally {
    t.waiting--;
  }
  const began = performance.now();
  if (t.lastRelease !== null) {
    if (t.queuedAtRelease) {
      t.handoffs++;
      t.handoffMs += began - t.lastRelease;
    } else t.idleMs += began - t.lastRelease;
  } else t.firstAt = began;
  t.turns++;
  const release = () => {
    const ended = performance.now();
    t.heldMs += ended - began;
    t.lastRelease = t.lastAt = ended;
    t.queuedAtRelease = t.waiting > 0;
    releaseLocal();
  };
  try {
    const backend = cluster;
    if (!backend) return await task();
    let releaseCluster: () => Promise<void>;
    try {
      releaseCluster = await backend.lock(key, waiter);
    } catch (err) {
      if (isCancellation(err, waiter)) throw err;
      throw unreachable(system, backend, err);
    }
    try {
      return await task();
    } finally {
      await releaseCluster();
    }
  } finally {
    release();
  }
}
