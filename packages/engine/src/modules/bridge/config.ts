import { z } from 'zod';

/** The `iii-bridge` worker's config (workers.md §14) and its functions' inputs. */

const functionId = z.string().min(1);

export const bridgeConfigSchema = z.strictObject({
  url: z.string().min(1).optional().describe("The backend engine's worker address (ws:// or wss://); default: env III_URL"),
  secret: z.string().min(1).optional().describe("The backend listener's secret (docs/security.md); default: env III_ENGINE_SECRET"),
  timeout_ms: z.int().min(1).max(3_600_000).default(30_000).describe('Default timeout of forwarded calls and bridge.invoke'),
  offline_wait_ms: z.int().min(0).max(3_600_000).default(5_000).describe('How long a call made while disconnected waits for the link'),
  service_name: z.string().min(1).optional().describe('Name this engine shows on the backend (engine::workers::list)'),
  service_id: z.string().min(1).optional().describe('Accepted for compatibility with the reference docs; unused'),
  expose: z
    .array(z.strictObject({ local_function: functionId, remote_function: functionId.optional() }))
    .default([])
    .describe('Local functions registered on the backend (under remote_function, default the same id)'),
  forward: z
    .array(
      z.strictObject({ local_function: functionId, remote_function: functionId, timeout_ms: z.int().min(1).max(3_600_000).optional() }),
    )
    .default([])
    .describe('Local ids whose calls run remote_function on the backend'),
});

export type BridgeConfig = z.output<typeof bridgeConfigSchema>;

export const invokeInput = z.looseObject({
  function_id: functionId,
  data: z.unknown().optional(),
  timeout_ms: z.int().min(1).max(3_600_000).optional(),
});
