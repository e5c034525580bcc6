import { WorkflowIdConflictPolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import { onboardingWorkflowId, type Checklist, type OnboardingPair } from '../domain/onboarding';
import { checklistQuery, onboarding, type OnboardingInput } from '../workflows/onboarding';
import { TASK_QUEUE } from '../orchestration/task-queue';

export type OnboardingHandle = WorkflowHandle<typeof onboarding>;

/**
 * Starts the onboarding of a tenant's pair, or joins the one already running (`onboarding/<tenant>/<pair>`,
 * USE_EXISTING), so that running `siirto onboard` again days later picks up where the operator left off.
 */
export async function startOnboarding(
  client: Client,
  tenant: string,
  pair: OnboardingPair,
  taskQueue = TASK_QUEUE,
  extra: Partial<OnboardingInput> = {},
): Promise<OnboardingHandle> {
  const workflowId = onboardingWorkflowId(tenant, pair);
  await client.workflow.start(onboarding, {
    workflowId,
    taskQueue,
    args: [{ tenant, pair, taskQueue, ...extra }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  // A handle on the workflow id alone follows the latest run: the onboarding may have continued as new, and the
  // run USE_EXISTING answers with is then not the first of its chain.
  return client.workflow.getHandle<typeof onboarding>(workflowId);
}

/** The checklist once the workflow has read the tenant's configuration (its systems, or why it cannot). */
export async function readChecklist(handle: OnboardingHandle, timeoutMs = 30_000): Promise<Checklist> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await handle.query(checklistQuery);
    if (c.systems.length || c.problem || Date.now() > until) return c;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The reason a refused update gives (validator message), or the error's own message. */
export function updateRefusal(err: unknown): string {
  const e = err as { cause?: { message?: string }; message?: string };
  return e?.cause?.message ?? e?.message ?? String(err);
}
