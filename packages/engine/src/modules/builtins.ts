/**
 * The built-in modules, in no particular order (config.yaml decides start order).
 * Each is registered with the engine exactly as a third-party module would be.
 */
import { bridgeModule } from './bridge/index.ts';
import { configurationModule } from './configuration/index.ts';
import { cronModule } from './cron/index.ts';
import { databaseModule } from './database/index.ts';
import { engineFunctionsModule } from './engine-functions/index.ts';
import { httpModule } from './http/index.ts';
import { httpFunctionsModule } from './http-functions/index.ts';
import type { EngineModule } from './module.ts';
import { observabilityModule } from './observability/index.ts';
import { pubsubModule } from './pubsub/index.ts';
import { queueModule } from './queue/index.ts';
import { stateModule } from './state/index.ts';
import { streamModule } from './stream/index.ts';
import { workerManagerModule } from './worker-manager/index.ts';

export const builtinModules: EngineModule[] = [
  pubsubModule as EngineModule,
  queueModule as EngineModule,
  engineFunctionsModule as EngineModule,
  workerManagerModule as EngineModule,
  httpFunctionsModule as EngineModule,
  configurationModule,
  cronModule as EngineModule,
  databaseModule as EngineModule,
  httpModule as EngineModule,
  stateModule as EngineModule,
  streamModule as EngineModule,
  observabilityModule as EngineModule,
  bridgeModule as EngineModule,
];
