import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Test-only workflow interceptor, bundled only by test/workflows/order-export-timeouts.test.ts: the document write
 * gets a 4 s start-to-close instead of the apiCall profile's 150 s, so that a sandbox stall "longer than the
 * activity timeout" takes seconds, not minutes. Production bundles never include it; the code under test (the
 * activities, the connectors, the retry policy) is unchanged.
 */
export const SHORT_START_TO_CLOSE = '4s';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        if (input.activityType !== 'createSalesDocument') return next(input);
        return next({ ...input, options: { ...input.options, startToCloseTimeout: SHORT_START_TO_CLOSE } });
      },
    },
  ],
});
