/** Shared bits of the queue end-to-end suites. */
import type { RunningEngine } from '@triad/engine';
import { waitFor } from '../../helpers/wait.ts';

/** Registration of a trigger is not acknowledged to the SDK: wait until the engine lists it as live. */
export async function waitForTrigger(engine: RunningEngine, functionId: string, triggerType: string): Promise<void> {
  await waitFor(
    async () => {
      const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: functionId, trigger_type: triggerType })) as {
        registered_triggers: unknown[];
      };
      return r.registered_triggers.length > 0;
    },
    { what: `${triggerType} trigger of ${functionId}` },
  );
}

/** Start a test engine's `queue` worker with in-memory storage and the given named queues. */
export function queueWorker(queueConfigs: Record<string, Record<string, unknown>>): { name: string; config: Record<string, unknown> } {
  return { name: 'queue', config: { queue_configs: queueConfigs, adapter: { name: 'builtin', config: { store_method: 'in_memory' } } } };
}
