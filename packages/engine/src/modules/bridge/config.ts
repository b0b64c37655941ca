/** The `iii-bridge` worker's config (workers.md §14) and its functions' inputs. */
import { type Infer, s } from '../../core/config/schema.ts';

const functionId = s.string().nonEmpty();

export const bridgeConfigSchema = s.object({
  url: s.string().nonEmpty().optional().describe("The backend engine's worker address (ws:// or wss://); default: env III_URL"),
  secret: s.string().nonEmpty().optional().describe("The backend listener's secret (docs/security.md); default: env III_ENGINE_SECRET"),
  timeout_ms: s.integer().min(1).max(3_600_000).default(30_000).describe('Default timeout of forwarded calls and bridge.invoke'),
  offline_wait_ms: s.integer().min(0).max(3_600_000).default(5_000).describe('How long a call made while disconnected waits for the link'),
  service_name: s.string().nonEmpty().optional().describe('Name this engine shows on the backend (engine::workers::list)'),
  service_id: s.string().nonEmpty().optional().describe('Accepted for compatibility with the reference docs; unused'),
  expose: s
    .array(s.object({ local_function: functionId, remote_function: functionId.optional() }))
    .default([])
    .describe('Local functions registered on the backend (under remote_function, default the same id)'),
  forward: s
    .array(s.object({ local_function: functionId, remote_function: functionId, timeout_ms: s.integer().min(1).max(3_600_000).optional() }))
    .default([])
    .describe('Local ids whose calls run remote_function on the backend'),
});

export type BridgeConfig = Infer<typeof bridgeConfigSchema>;

export const invokeInput = s.looseObject({
  function_id: functionId,
  data: s.any().optional(),
  timeout_ms: s.integer().min(1).max(3_600_000).optional(),
});
