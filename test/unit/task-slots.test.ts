import crypto from 'node:crypto';
import { DEFAULT_WORKFLOW_TASK_SLOTS, workflowTaskSlotsFromEnvironment } from '../../worker/task-slots';
import { EncryptionCodec } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';

/**
 * Issue #14: a worker works on a few workflow tasks at a time (8, not the SDK's 40), so a burst of new orders does not
 * advance in lock-step and its first orders reach the ERP first (worker/task-slots.ts has the measurement).
 */
describe('workflow task slots', () => {
  it('are 8 unless SIIRTO_WORKFLOW_TASK_SLOTS says otherwise', () => {
    expect(DEFAULT_WORKFLOW_TASK_SLOTS).toBe(8);
    expect(workflowTaskSlotsFromEnvironment({})).toBe(8);
    expect(workflowTaskSlotsFromEnvironment({ SIIRTO_WORKFLOW_TASK_SLOTS: '' })).toBe(8);
    expect(workflowTaskSlotsFromEnvironment({ SIIRTO_WORKFLOW_TASK_SLOTS: ' 40 ' })).toBe(40);
  });

  it('refuse a value that is not a whole number from 2 to 1000, naming the variable', () => {
    for (const bad of ['1', '0', '-3', '8.5', 'many', '1001']) {
      expect(() => workflowTaskSlotsFromEnvironment({ SIIRTO_WORKFLOW_TASK_SLOTS: bad })).toThrow(`SIIRTO_WORKFLOW_TASK_SLOTS must be a whole number from 2 to 1000 (the workflow tasks a worker works on at once), not "${bad}"`);
    }
  });

  it('are what a Siirto worker is created with', async () => {
    installRuntime('ERROR');
    const saved = process.env.SIIRTO_WORKFLOW_TASK_SLOTS;
    const make = async () => {
      const { worker, close } = await createWorker({
        address: temporalAddress(),
        tenants: new Map(),
        codec: new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) }),
        taskQueue: `task-slots-${crypto.randomUUID()}`,
        options: { workflowBundle: await workflowBundle() },
      });
      // The SDK compiles the setting into its tuner's fixed-size supplier of workflow task slots.
      const supplier = (worker.options.tuner as { workflowTaskSlotSupplier?: { type?: string; numSlots?: number } }).workflowTaskSlotSupplier;
      const slots = supplier?.type === 'fixed-size' ? supplier.numSlots : undefined;
      const running = worker.run();
      worker.shutdown();
      await running;
      await close();
      return slots;
    };
    try {
      delete process.env.SIIRTO_WORKFLOW_TASK_SLOTS;
      expect(await make()).toBe(8);
      process.env.SIIRTO_WORKFLOW_TASK_SLOTS = '16';
      expect(await make()).toBe(16);
    } finally {
      if (saved === undefined) delete process.env.SIIRTO_WORKFLOW_TASK_SLOTS;
      else process.env.SIIRTO_WORKFLOW_TASK_SLOTS = saved;
    }
  });
});
