/** `engine::functions-available` (polled, like the reference, every 5 s) and `engine::workers-available`. */
import type { IntrospectionService } from '../../core/introspection.ts';
import type { ModuleContext, TriggerInstance } from '../module.ts';

export function registerAvailabilityTriggers(ctx: ModuleContext, intro: IntrospectionService): () => void {
  const fnTriggers = new Map<string, TriggerInstance>();
  const workerTriggers = new Map<string, TriggerInstance>();
  const fire = (set: Map<string, TriggerInstance>, payload: unknown): void => {
    for (const t of set.values()) ctx.engine.invokeVoid(t.function_id, payload, t.metadata !== undefined ? { metadata: t.metadata } : {});
  };
  ctx.engine.registerTriggerType({
    id: 'engine::functions-available',
    description: 'Fires when the set of registered functions changes',
    register: (t) => void fnTriggers.set(t.id, t),
    unregister: (t) => void fnTriggers.delete(t.id),
  });
  ctx.engine.registerTriggerType({
    id: 'engine::workers-available',
    description: 'Fires when a worker connects, disconnects or updates its metadata',
    register: (t) => void workerTriggers.set(t.id, t),
    unregister: (t) => void workerTriggers.delete(t.id),
  });
  ctx.engine.on('worker:connected', ({ workerId }) => fire(workerTriggers, { event: 'worker_connected', worker_id: workerId }));
  ctx.engine.on('worker:disconnected', ({ workerId }) => fire(workerTriggers, { event: 'worker_disconnected', worker_id: workerId }));
  ctx.engine.on('worker:updated', ({ workerId }) => fire(workerTriggers, { event: 'worker_metadata_updated', worker_id: workerId }));

  let seen = intro.functionsVersion();
  const timer = setInterval(() => {
    const v = intro.functionsVersion();
    if (v === seen || fnTriggers.size === 0) return;
    seen = v;
    const functions = intro.functions().map((f) => ({
      function_id: f.id,
      worker_name: intro.functionWorkerName(f),
      ...(f.description !== undefined ? { description: f.description } : {}),
      ...(f.metadata ? { metadata: f.metadata } : {}),
    }));
    fire(fnTriggers, { event: 'functions_changed', functions });
  }, 5_000);
  timer.unref();
  return () => clearInterval(timer);
}
