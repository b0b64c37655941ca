/** `iii worker start|stop|restart|status <name>`: act on a local worker of the running `iii` (workers.md §19.5). */
import { registerCommand } from '../../registry.ts';
import { options, type Verb } from './options.ts';

const SUMMARY: Record<Verb, string> = {
  start: 'Start a stopped or failed local worker of the running iii, and wait for it to connect',
  stop: 'Stop a local worker of the running iii (it stays stopped until started)',
  restart: 'Restart a local worker of the running iii (installs again if its manifest or package file changed)',
  status: 'Show a local worker’s status; exits 1 unless it is running (usable as a probe)',
};

for (const verb of ['start', 'stop', 'restart', 'status'] as const) {
  registerCommand({
    path: ['worker', verb],
    summary: SUMMARY[verb],
    usage: `iii worker ${verb} <NAME>${verb === 'start' || verb === 'restart' ? ' [--no-wait]' : ''}`,
    options: options(verb),
    details: `Talks to the \`iii\` running this project (it records its engine in .iii/engine.json) through the
control functions it registers: iii::worker::${verb}. Local workers only (config.yaml entries with worker_path);
built-ins run inside the engine and follow config.yaml.`,
    // The implementation loads only when this command runs.
    run: async (ctx) => (await import('./run.ts')).run(verb, ctx),
  });
}
