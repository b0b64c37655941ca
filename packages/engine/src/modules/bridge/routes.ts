/**
 * `expose` and `forward` (workers.md §14): functions that cross the bridge.
 * - forward: `local_function` is registered here; a call runs `remote_function` on the backend.
 * - expose: `remote_function` is registered on the backend (again after every reconnect); a call there
 *   runs `local_function` here, and its result or error (code, message, stacktrace) goes back as is.
 */
import type { BridgeLink } from '../../bridge-link/index.ts';
import type { Disposer, EngineApi } from '../module.ts';
import type { BridgeConfig } from './config.ts';
import { bridgeError } from './errors.ts';

export function forwardRoutes(engine: EngineApi, link: BridgeLink, routes: BridgeConfig['forward']): Disposer[] {
  return routes.map((r) =>
    engine.registerFunction({
      id: r.local_function,
      description: `Runs ${r.remote_function} on the bridged engine (${link.url})`,
      metadata: { bridge: { remote_function: r.remote_function, url: link.url } },
      handler: async (data, call) => {
        try {
          const { metadata, traceparent, baggage } = call;
          return await link.call(r.remote_function, data, { timeoutMs: r.timeout_ms ?? link.timeoutMs, metadata, traceparent, baggage });
        } catch (err) {
          throw bridgeError(r.remote_function, err);
        }
      },
    }),
  );
}

export function exposeRoutes(engine: EngineApi, link: BridgeLink, routes: BridgeConfig['expose']): Disposer[] {
  return routes.map((r) =>
    link.registerFunction(
      r.remote_function ?? r.local_function,
      async (data, call) => (await engine.invoke(r.local_function, data, call)) ?? null,
      { description: `Runs ${r.local_function} on the engine bridged from here` },
    ),
  );
}
