/**
 * Public surface of the engine package (`@triad/engine`). Everything another package may use is
 * exported here; the repo's own conformance suites and benches reach module internals through
 * `@triad/engine/internal` (internal.ts) instead.
 *
 * Importing this file is cheap on purpose (schemas, errors, the logger, types): the CLI imports it on
 * every command. The engine itself (every built-in module and its libraries) loads on the first
 * `startEngine` / `startProject` call.
 *
 * @example
 * const engine = await startEngine({ workers: [{ name: 'iii-worker-manager', config: { port: 0 } }, { name: 'state' }] });
 * console.log(engine.addresses.worker); // ws://127.0.0.1:<port>
 * await engine.stop();
 */
import type { RunningProject, StartProjectOptions } from './project/start-project.ts';
import type { RunningEngine, StartEngineOptions } from './start-engine.ts';

export { z } from 'zod';
export { check, formatIssues, type Issue, type JsonSchema, type Schema, toJsonSchema } from './core/config/schema.ts';
export type { ReloadReport, WorkerEntry } from './core/engine.ts';
export { EngineError, type ErrorBody, type ErrorCode, ErrorCodes, toErrorBody } from './core/errors/index.ts';
export { ENGINE_VERSION } from './core/version.ts';
export { defineFunction, type FunctionDefinition, noInput } from './modules/define-function.ts';
export type * from './modules/module.ts';
export type { DlqMessage } from './modules/queue/job.ts';
export type { ConfigErrorEvent, RunningProject, StartProjectOptions } from './project/start-project.ts';
export type { RunningEngine, StartEngineOptions } from './start-engine.ts';
export { UNIX_SOCKET_PATH_MAX, unixSocketPathProblem, unixSocketUrl } from './transport/unix-socket.ts';
export {
  createLogger,
  formatLogLine,
  LOG_FORMATS,
  type LogFormat,
  type Logger,
  type LogLevel,
  type LogRecord,
} from './util/logger.ts';

/** Start an engine with the given `workers:` entries (see start-engine.ts). */
export async function startEngine(opts: StartEngineOptions = {}): Promise<RunningEngine> {
  const { startEngine: start } = await import('./start-engine.ts');
  return start(opts);
}

/** Run a project from its config.yaml, with hot reload (see project/start-project.ts). */
export async function startProject(opts: StartProjectOptions): Promise<RunningProject> {
  const { startProject: start } = await import('./project/start-project.ts');
  return start(opts);
}
