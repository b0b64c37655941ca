/** `iii console` (workers.md §13): the web console (default http://127.0.0.1:3113) for a running engine. */
import type { OptionSpec } from '../../args.ts';
import { registerCommand } from '../../registry.ts';

/** Reference flags this console has no use for: accepted so copied commands work, otherwise ignored. */
const COMPAT = 'Accepted for compatibility with the reference CLI; ignored';

export const options: OptionSpec[] = [
  { name: 'port', short: 'p', type: 'string', value: '<port>', description: 'Port the console listens on', defaultText: '3113' },
  { name: 'host', type: 'string', value: '<host>', description: 'Address the console binds', defaultText: '127.0.0.1' },
  { name: 'engine-host', type: 'string', value: '<host>', description: 'Engine host', defaultText: '127.0.0.1' },
  { name: 'bridge-port', type: 'string', value: '<port>', description: 'Engine worker port (worker-manager)', defaultText: '49134' },
  {
    name: 'url',
    type: 'string',
    value: '<ws-url>',
    description: 'Engine WebSocket URL (overrides --engine-host/--bridge-port and $III_URL)',
  },
  { name: 'engine-port', type: 'string', value: '<port>', description: COMPAT },
  { name: 'ws-port', type: 'string', value: '<port>', description: COMPAT },
  { name: 'no-otel', type: 'boolean', description: COMPAT },
  { name: 'otel-service-name', type: 'string', value: '<name>', description: COMPAT },
  { name: 'enable-flow', type: 'boolean', description: COMPAT },
];

registerCommand({
  path: ['console'],
  summary: 'Open the web console (workers, functions, triggers, traces, logs) for a running engine',
  usage: 'iii console [-p <port>] [--host <host>] [--engine-host <host>] [--bridge-port <port>] [--url <ws-url>]',
  options,
  details: `The console connects to the engine as the worker \`iii-console\` and calls its engine::* functions
over the worker socket, so only the worker port must be reachable. Without flags the engine is
$III_URL, else ws://127.0.0.1:49134. The console API can invoke any function: it binds 127.0.0.1
unless --host says otherwise. Ctrl-C stops it.
To start the console together with the engine instead, add it to config.yaml: \`iii worker add console\`.`,
  // The implementation (and the SDK) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
