/** Ids of the engine's own functions and trigger types a browser worker commonly uses. */
export const EngineFunctions = {
  LIST_FUNCTIONS: 'engine::functions::list',
  INFO_FUNCTIONS: 'engine::functions::info',
  LIST_WORKERS: 'engine::workers::list',
  INFO_WORKERS: 'engine::workers::info',
  LIST_TRIGGERS: 'engine::triggers::list',
  INFO_TRIGGERS: 'engine::triggers::info',
  LIST_REGISTERED_TRIGGERS: 'engine::registered-triggers::list',
  INFO_REGISTERED_TRIGGERS: 'engine::registered-triggers::info',
  REGISTER_WORKER: 'engine::workers::register',
} as const;

export const EngineTriggers = {
  FUNCTIONS_AVAILABLE: 'engine::functions-available',
} as const;

/** `action` values for `trigger()`: fire and forget, or through a named queue. */
export const TriggerAction = {
  Void: (): { type: 'void' } => ({ type: 'void' }),
  Enqueue: (opts: { queue: string }): { type: 'enqueue'; queue: string } => ({ type: 'enqueue', queue: opts.queue }),
};
