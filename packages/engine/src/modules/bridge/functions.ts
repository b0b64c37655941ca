/** `bridge.invoke` and `bridge.invoke_async` (workers.md §14): call any function of the backend. */
import type { BridgeLink } from '../../bridge-link/index.ts';
import { parseInput } from '../../core/input.ts';
import type { LocalFunction } from '../module.ts';
import { invokeInput } from './config.ts';
import { bridgeError } from './errors.ts';

export function bridgeFunctions(link: BridgeLink): LocalFunction[] {
  return [
    {
      id: 'bridge.invoke',
      description: 'Call a function of the bridged engine and return its result',
      request_format: invokeInput.toJSONSchema(),
      async handler(input, call) {
        const { function_id, data, timeout_ms } = parseInput(invokeInput, input, 'bridge.invoke');
        try {
          const trace = { traceparent: call.traceparent, baggage: call.baggage };
          return await link.call(function_id, data ?? null, { timeoutMs: timeout_ms ?? link.timeoutMs, ...trace });
        } catch (err) {
          throw bridgeError(function_id, err);
        }
      },
    },
    {
      id: 'bridge.invoke_async',
      description: 'Send a call to the bridged engine without waiting (fails only when the bridge is down)',
      request_format: invokeInput.toJSONSchema(),
      handler(input) {
        const { function_id, data } = parseInput(invokeInput, input, 'bridge.invoke_async');
        try {
          link.callVoid(function_id, data ?? null);
        } catch (err) {
          throw bridgeError(function_id, err);
        }
        return undefined;
      },
    },
  ];
}
