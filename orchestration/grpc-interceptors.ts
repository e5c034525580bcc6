import { InterceptingCall, status, type Interceptor, type NextCall } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/**
 * The SDK retries a call that failed with a retryable status (UNAVAILABLE while Temporal is down, say) from a timer.
 * When the connection is closed while such a retry is pending, the timer's new call throws "Channel has been shut
 * down" synchronously, outside any promise: an uncaught exception that takes the whole process down (a `siirto
 * server` stopping while Temporal is unreachable, or whatever runs next in the same process). This guard sits below
 * the retry interceptor and turns that throw into the call ending CANCELLED, so the caller's promise rejects and
 * nothing else happens.
 */
export const closedChannelGuard: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (err) {
    const details = err instanceof Error ? err.message : String(err);
    return new InterceptingCall(deadCall(details), {
      start(metadata, listener) {
        setImmediate(() => listener.onReceiveStatus?.({ code: status.CANCELLED, details, metadata }));
      },
      sendMessage() {},
      halfClose() {},
      cancel() {},
    });
  }
};

/** A call that never reached a channel: everything the requester above does not handle is a no-op. */
function deadCall(details: string): ReturnType<NextCall> {
  return {
    cancelWithStatus() {},
    getPeer: () => `closed channel (${details})`,
    start() {},
    sendMessageWithContext() {},
    sendMessage() {},
    startRead() {},
    halfClose() {},
    getAuthContext: () => null,
  } as unknown as ReturnType<NextCall>;
}

/** The interceptors every Temporal connection of Siirto's uses: the SDK's default retries, then the guard. */
export function connectionInterceptors(): Interceptor[] {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard];
}
