/** Options of `iii worker list`: read by its help (index.ts) and its implementation (run.ts). */
import type { OptionSpec } from '../../args.ts';

export const options: OptionSpec[] = [];
