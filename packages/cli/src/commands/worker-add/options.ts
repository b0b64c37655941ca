/** Options of `iii worker add`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

export const options: OptionSpec[] = [
  { name: 'force', short: 'f', type: 'boolean', description: 'Replace an existing entry (local workers: reinstall on next start)' },
  { name: 'yes', short: 'y', type: 'boolean', description: 'Accepted for compatibility (no prompts are asked)' },
  { name: 'no-wait', type: 'boolean', description: 'Do not wait for a local worker to connect to a running engine' },
  { name: 'wait-timeout-ms', type: 'string', value: '<ms>', description: 'How long to wait for it', defaultText: '120000' },
];
