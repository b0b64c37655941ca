/** Options of `iii worker remove`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

export const options: OptionSpec[] = [
  { name: 'yes', short: 'y', type: 'boolean', description: 'Do not ask for confirmation (required when not on a terminal)' },
];
