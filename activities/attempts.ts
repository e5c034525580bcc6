import { Context } from '@temporalio/activity';

/**
 * True only when no earlier attempt of this step can have written anything: the workflow says this is its first
 * try at the step in a run that is not a rerun or a reset (`firstTry`, workflows/order-export.ts), and Temporal says
 * this is the activity's first attempt. Anything else, or no activity context at all, counts as "may have written".
 */
export function noEarlierAttempt(firstTry: boolean | undefined): boolean {
  if (firstTry !== true) return false;
  try {
    return Context.current().info.attempt === 1;
  } catch {
    return false;
  }
}
