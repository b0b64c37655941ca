import { type Infer, s } from '../../core/config/schema.ts';

const filter = s.union<unknown>(s.string(), s.object({ metadata: s.record(s.any()) }));

export const rbacSchema = s.object({
  auth_function_id: s.string().nonEmpty().optional(),
  expose_functions: s.array(filter).default([]),
  on_function_registration_function_id: s.string().optional(),
  on_trigger_registration_function_id: s.string().optional(),
  on_trigger_type_registration_function_id: s.string().optional(),
});

/** `iii-worker-manager` entry: one WebSocket listener. */
export const workerManagerConfig = s.object({
  port: s.integer().min(0).max(65535).default(49134).describe('listen port (0 = any free port)'),
  /** Triad: 127.0.0.1 (the reference binds 0.0.0.0); anything else needs `secret` (see trusted-secret.ts). */
  host: s.string().nonEmpty().default('127.0.0.1'),
  /** Triad: shared secret workers present (`Authorization: Bearer …`); default $III_ENGINE_SECRET. */
  secret: s.string().optional(),
  /** Triad: bind beyond loopback without a secret anyway (a trusted network you fully control). */
  allow_unauthenticated: s.boolean().default(false),
  handshake_timeout_ms: s.integer().min(100).default(10_000),
  /** Triad: frames above this are answered with E_PROTOCOL_FRAME_TOO_LARGE. */
  max_frame_bytes: s
    .integer()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Triad: bytes queued towards one worker before calls to it fail with channel_send_failed. */
  max_outbound_bytes: s
    .integer()
    .min(64 * 1024)
    .default(64 * 1024 * 1024),
  /** Triad: a registration flood from one socket is cut off past these. */
  max_functions_per_worker: s.integer().min(1).default(10_000),
  max_triggers_per_worker: s.integer().min(1).default(10_000),
  middleware_function_id: s.string().optional(),
  rbac: rbacSchema.optional(),
});

export type WorkerManagerConfig = Infer<typeof workerManagerConfig>;
