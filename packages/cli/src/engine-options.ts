/** The flags every command that calls a running engine shares (`iii trigger`, `iii config …`). */
import { type OptionSpec, type ParsedArgs, str } from './args.ts';
import { type EngineTarget, resolveTarget } from './engine-client.ts';

export const engineOptions: OptionSpec[] = [
  { name: 'url', type: 'string', value: '<ws-url>', description: 'Engine WebSocket URL (overrides --address/--port and $III_URL)' },
  { name: 'address', type: 'string', value: '<host>', description: 'Engine host', defaultText: '127.0.0.1' },
  {
    name: 'port',
    type: 'string',
    value: '<port>',
    description: 'Engine worker port (the worker-manager listener, not 3111)',
    defaultText: '49134',
  },
  { name: 'timeout-ms', type: 'string', value: '<ms>', description: 'Invocation timeout', defaultText: '30000' },
];

/** The engine the flags (else $III_URL, else the default) name; $III_ENGINE_SECRET is sent when set. */
export function targetFrom(args: ParsedArgs, env: NodeJS.ProcessEnv): EngineTarget {
  return resolveTarget({ url: str(args, 'url'), address: str(args, 'address'), port: str(args, 'port'), env });
}
