/**
 * Internal access for the few built-in modules that are part of the kernel's own plumbing (the worker
 * listener needs the connection registry). Third-party modules never need this; it is deliberately not
 * exported from the package index (nats' internal_mod pattern).
 */
import type { EngineApi } from '../modules/module.ts';
import type { EngineCore } from './engine-core.ts';

const cores = new WeakMap<EngineApi, EngineCore>();

export function bindInternal(api: EngineApi, core: EngineCore): EngineApi {
  cores.set(api, core);
  return api;
}

export function internalCore(api: EngineApi): EngineCore {
  const core = cores.get(api);
  if (!core) throw new Error('internalCore: this EngineApi was not created by the engine');
  return core;
}
