/**
 * The control functions `iii` registers on its engine for the `iii worker start|stop|restart|status`
 * commands (and anyone on the worker socket): `iii::worker::status {name?}` → `{workers: [...]}`;
 * `iii::worker::start|stop|restart {name}` → the worker's status after the action. A name `iii` does
 * not supervise fails with E_CLI_UNKNOWN_WORKER naming it.
 */
import { defineFunction, type LocalFunction, z } from '@triad/engine';
import type { Supervisor } from './supervisor.ts';

export const CONTROL_PREFIX = 'iii::worker::';

const named = z.looseObject({ name: z.string().min(1).describe('Local worker name (config.yaml entry with worker_path)') });
const optionalName = z.looseObject({ name: z.string().min(1).optional().describe('One worker; all when absent') });

export function controlFunctions(sup: Supervisor): LocalFunction[] {
  return [
    defineFunction({
      id: `${CONTROL_PREFIX}status`,
      description: 'Status of the local workers iii supervises (installing, starting, running, restarting, failed, stopped)',
      input: optionalName,
      handler: ({ name }) => ({ workers: sup.status(name) }),
    }),
    defineFunction({
      id: `${CONTROL_PREFIX}start`,
      description: 'Start a stopped or failed local worker (installs first when its manifest or package file changed)',
      input: named,
      handler: ({ name }) => sup.startWorker(name),
    }),
    defineFunction({
      id: `${CONTROL_PREFIX}stop`,
      description: 'Stop a local worker; it stays stopped until started',
      input: named,
      handler: ({ name }) => sup.stopWorker(name),
    }),
    defineFunction({
      id: `${CONTROL_PREFIX}restart`,
      description: 'Stop and start a local worker again (installs first when its manifest or package file changed)',
      input: named,
      handler: ({ name }) => sup.restartWorker(name),
    }),
  ];
}
