/**
 * `iii config list|get|set` — the verb the `config.yaml` comments name: read and change a running
 * engine's configuration entries (`config/<id>.yaml`) through `configuration::*`. The engine
 * validates every value against the entry's JSON Schema and applies it live; `set` writes nothing
 * when the value is refused.
 */
import { type OptionSpec, parseArgs } from '../../args.ts';
import { engineOptions } from '../../engine-options.ts';
import { registerCommand } from '../../registry.ts';

const connection = `Without flags the engine is $III_URL, else ws://127.0.0.1:49134; $III_ENGINE_SECRET is sent when set.`;

registerCommand({
  path: ['config', 'list'],
  summary: 'List the configuration entries of a running engine (id, name, description)',
  usage: 'iii config list [OPTIONS]',
  options: engineOptions,
  details: connection,
  run: async (ctx) => (await import('./run.ts')).list(ctx, parseArgs(ctx.argv, engineOptions)),
});

const getOptions: OptionSpec[] = [
  { name: 'raw', type: 'boolean', description: 'Show ${VAR:default} placeholders as written, not expanded' },
  ...engineOptions,
];

registerCommand({
  path: ['config', 'get'],
  summary: 'Print the value of one configuration entry as JSON (optionally one dotted key of it)',
  usage: 'iii config get [OPTIONS] <ID> [KEY]',
  options: getOptions,
  details: `KEY is a dotted path into the value, e.g. \`iii config get queue queue_configs.default\`.\n${connection}`,
  run: async (ctx) => (await import('./run.ts')).get(ctx, parseArgs(ctx.argv, getOptions)),
});

const setOptions: OptionSpec[] = [
  { name: 'json', type: 'string', value: '<JSON>', description: 'The whole new value as JSON (key=value pairs then override its keys)' },
  ...engineOptions,
];

registerCommand({
  path: ['config', 'set'],
  summary: 'Change a configuration entry on a running engine: validated against its schema, applied live',
  usage: 'iii config set [OPTIONS] <ID> [KEY=VALUE]...',
  options: setOptions,
  details: `key=value pairs change those keys of the current value and keep the rest; --json replaces the
whole value. Values are typed as in \`iii trigger\` (100 → number, true → boolean, '["a"]' → array,
else a string); dotted keys nest (a.b=1). The engine checks the result against the entry's schema:
an invalid value fails with E_CONFIG_INVALID naming the key, and nothing is written. The new value
is printed as JSON.
${connection}`,
  run: async (ctx) => (await import('./run.ts')).set(ctx, parseArgs(ctx.argv, setOptions)),
});
