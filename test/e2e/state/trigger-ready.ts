/** Wait until the engine lists a live trigger bound to `functionId` (registration has no ack the SDK exposes). */
import { check, type RunningEngine, z } from '@triad/engine';
import { waitFor } from '../../helpers/wait.ts';

const listing = z.looseObject({ registered_triggers: z.array(z.unknown()) });

export async function waitForTrigger(engine: RunningEngine, functionId: string, triggerType: string): Promise<void> {
  await waitFor(
    async () => {
      const r = check(
        listing,
        await engine.api.invoke('engine::registered-triggers::list', { function_id: functionId, trigger_type: triggerType }),
      );
      return r.ok && r.value.registered_triggers.length > 0;
    },
    { what: `${triggerType} trigger for ${functionId}` },
  );
}
