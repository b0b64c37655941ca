/**
 * A tiny configurable module for the project tests: a real EngineModule (registered through
 * startEngine's `modules` option) whose current config is readable through a function.
 */
import { type EngineModule, type Schema, z } from '@triad/engine';

export interface ProbeConfig {
  greeting: string;
  limit: number;
}

export const probeSchema: Schema<ProbeConfig> = z.strictObject({
  greeting: z.string().default('hello'),
  limit: z.int().min(1).max(100).default(10),
});

export interface Probe {
  module: EngineModule<ProbeConfig>;
  /** Configs applied through reconfigure, in order. */
  applied: ProbeConfig[];
}

/** `<name>::config` returns the config the instance currently runs with. */
export function probeModule(name: string): Probe {
  const applied: ProbeConfig[] = [];
  const module: EngineModule<ProbeConfig> = {
    name,
    displayName: 'Probe',
    description: 'test module',
    configSchema: probeSchema,
    create(ctx, config) {
      let current: ProbeConfig = { ...config };
      ctx.engine.registerFunction({ id: `${name}::config`, handler: () => current });
      return {
        reconfigure(next) {
          current = next as ProbeConfig;
          applied.push(current);
        },
      };
    },
  };
  return { module, applied };
}
