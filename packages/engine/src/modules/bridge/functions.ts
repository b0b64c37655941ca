/** `bridge.invoke` and `bridge.invoke_async` (workers.md §14): call any function of the backend. */
import type { BridgeLink } from '../../bridge-link/index.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { invokeInput } from './config.ts';
import { bridgeError } from './errors.ts';

export function bridgeFunctions(link: BridgeLink): LocalFunction[] {
  return [
    defineFunction({
      id: 'bridge.invoke',
      description: 'Call a function of the bridged engine and return its result',
      input: invokeInput,
      async handler({ function_id, data, timeout_ms }, call) {
        try {
          const trace = { traceparent: call.traceparent, baggage: call.baggage };
          return await link.call(function_id, data ?? null, { timeoutMs: timeout_ms ?? link.timeoutMs, ...trace });
        } catch (err) {
          throw bridgeError(function_id, err);
        }
      },
    }),
    defineFunction({
      id: 'bridge.invoke_async',
      description: 'Send a call to the bridged engine without waiting (fails only when the bridge is down)',
      input: invokeInput,
      handler({ function_id, data }) {
        try {
          link.callVoid(function_id, data ?? null);
        } catch (err) {
          throw bridgeError(function_id, err);
        }
        return undefined;
      },
    }),
  ];
}
