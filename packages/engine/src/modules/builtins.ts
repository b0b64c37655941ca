/**
 * The built-in modules, in no particular order (config.yaml decides start order).
 * Each is registered with the engine exactly as a third-party module would be.
 */
import { configurationModule } from './configuration/index.ts';
import { databaseModule } from './database/index.ts';
import type { EngineModule } from './module.ts';
import { observabilityModule } from './observability/index.ts';
import { stateModule } from './state/index.ts';
import { streamModule } from './stream/index.ts';

export const builtinModules: EngineModule[] = [configurationModule as EngineModule, stateModule as EngineModule, streamModule as EngineModule, observabilityModule as EngineModule, databaseModule as EngineModule];
