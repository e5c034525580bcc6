import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import { TASK_QUEUE } from '../orchestration/task-queue';
import { migrateRegister, migrationWorkflowId, type RegisterMigrationInput } from '../workflows/register-migration';

/**
 * Starts the migration of one register, or reattaches to the one already running under
 * `migration/<tenant>/<pair>/<register>` (a dry run has its own id). A finished migration may be run again:
 * every batch looks before it writes, so a second run only writes what changed since.
 */
export async function startMigration(client: Client, input: RegisterMigrationInput, taskQueue = TASK_QUEUE): Promise<WorkflowHandle<typeof migrateRegister>> {
  return client.workflow.start(migrateRegister, {
    taskQueue,
    workflowId: migrationWorkflowId(input.tenant, input.pair, input.register, input.dryRun),
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}
