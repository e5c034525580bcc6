import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

type ScheduleOptions = Parameters<Client['schedule']['create']>[0];

/**
 * Creates a Schedule, or brings an existing one in line with `options` (spec, action, policies). Its state — paused
 * or not, and the note saying why — is left as it is: an operator's pause, or one for revoked credentials, survives
 * a restart of the stack or a new go-live run.
 */
export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<string> {
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(options.scheduleId)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action as typeof previous.action, policies: { ...previous.policies, ...options.policies } }));
  }
  return options.scheduleId;
}
