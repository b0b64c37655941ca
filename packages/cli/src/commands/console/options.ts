/** Options of `iii console`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

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
