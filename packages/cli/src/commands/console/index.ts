/** `iii console` (workers.md §13): the web console (default http://127.0.0.1:3113) for a running engine. */
import { registerCommand } from '../../registry.ts';
import { options } from './options.ts';

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
