/** Options of `iii console`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

/**
 * Reference flags this console has no use for. They used to be accepted and silently ignored, which
 * let a user believe they took effect; they are parsed only to be refused by name with the reason
 * (run.ts), instead of a bare "unknown option".
 */
export const REFUSED: Readonly<Record<string, { why: string; hint: string }>> = {
  'engine-port': {
    why: 'this console reaches the engine over the worker socket only, never its HTTP API port',
    hint: 'drop it; use --url or --engine-host/--bridge-port for the engine',
  },
  'ws-port': {
    why: 'this console reads streams through the worker socket, not the stream WebSocket port',
    hint: 'drop it; use --url or --engine-host/--bridge-port for the engine',
  },
  'no-otel': {
    why: 'this console sends no OpenTelemetry data, so there is nothing to turn off',
    hint: 'drop it',
  },
  'otel-service-name': {
    why: 'this console sends no OpenTelemetry data, so it has no service name',
    hint: 'drop it',
  },
  'enable-flow': {
    why: 'this console has no flow view',
    hint: 'drop it; traces are on the Traces page',
  },
};
const refusedText = 'Reference flag with no use here: refused with E_CLI_UNSUPPORTED_FLAG and the reason';

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
  { name: 'engine-port', type: 'string', value: '<port>', description: refusedText },
  { name: 'ws-port', type: 'string', value: '<port>', description: refusedText },
  { name: 'no-otel', type: 'boolean', description: refusedText },
  { name: 'otel-service-name', type: 'string', value: '<name>', description: refusedText },
  { name: 'enable-flow', type: 'boolean', description: refusedText },
];
