/** Options of `iii worker start|stop|restart|status`: read by their help (index.ts) and run.ts. */
import type { OptionSpec } from '../../args.ts';

export type Verb = 'start' | 'stop' | 'restart' | 'status';

const WAIT: OptionSpec[] = [
  { name: 'no-wait', type: 'boolean', description: 'Do not wait for the worker to connect' },
  { name: 'wait-timeout-ms', type: 'string', value: '<ms>', description: 'How long to wait for it', defaultText: '120000' },
];

export function options(verb: Verb): OptionSpec[] {
  return verb === 'start' || verb === 'restart' ? WAIT : [];
}
