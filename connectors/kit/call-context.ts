import { Context } from '@temporalio/activity';

/**
 * The Temporal activity a connector call runs in, if any, as the two things a connector needs from it:
 *
 * - `signal`: aborts when the activity is cancelled, and that includes the attempt having outlived its
 *   start-to-close or heartbeat timeout (the worker cancels it then, as Temporal starts the next attempt).
 *   Whatever the call waits on (an HTTP request, a queue, a sleep) must stop when it aborts, so that an attempt
 *   that timed out does not go on and write while its successor writes too. connectors/kit/http.ts passes it to
 *   every request.
 * - `heartbeat(details?)`: tells Temporal this attempt is alive. Call it while waiting a long time (for a slot at
 *   a rate limiter, for Netvisor's one-request-at-a-time turn, for a slow reply); activities whose profile has a
 *   heartbeatTimeout are failed and retried when they stop heartbeating. The SDK throttles what it sends, so calling
 *   it often (every second) is fine. Cancellation is only delivered to an activity that heartbeats.
 *
 * Outside an activity (unit tests, the CLI calling a connector directly) there is no signal and heartbeats go
 * nowhere, so connectors call `currentCall()` unconditionally.
 */
export interface CallContext {
  signal?: AbortSignal;
  heartbeat(details?: unknown): void;
}

const outside: CallContext = { heartbeat: () => undefined };

/** The current call's context (see CallContext); read it when the call starts, not at module load. */
export function currentCall(): CallContext {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return outside;
  }
  return { signal: ctx.cancellationSignal, heartbeat: (details?: unknown) => ctx.heartbeat(details) };
}

/** Heartbeats every `everyMs` until `promise` settles; for one long call whose own code cannot heartbeat. */
export async function heartbeatWhile<T>(promise: Promise<T>, call: CallContext = currentCall(), everyMs = 1000): Promise<T> {
  const timer = setInterval(() => call.heartbeat(), everyMs);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}
