/** The engine pieces the console uses, from the engine package's public surface only. */
export { formatIssues, s } from '../../engine/src/core/config/schema.ts';
export { EngineError, toErrorBody } from '../../engine/src/core/errors/index.ts';
export type { EngineModule, ModuleContext } from '../../engine/src/modules/module.ts';
