/** Options of `iii`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

export const options: OptionSpec[] = [
  { name: 'log-level', type: 'string', value: '<level>', description: 'debug, info, warn, error or silent', defaultText: 'info' },
  {
    name: 'log-format',
    type: 'string',
    value: '<format>',
    description: 'text, or json: one JSON object per line (engine logs, status, worker output); also $III_LOG_FORMAT',
    defaultText: 'text',
  },
];
