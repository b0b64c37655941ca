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
  {
    name: 'worker-transport',
    type: 'string',
    value: '<unix|tcp>',
    description:
      'how local workers on the Node iii-sdk reach the engine: a Unix socket (III_URL=ws+unix://…) or the TCP port; also $III_WORKER_TRANSPORT',
    defaultText: 'tcp',
  },
];
