import { z } from 'zod';

const filter = z.union([z.string(), z.strictObject({ metadata: z.record(z.string(), z.unknown()) })]);

export const rbacSchema = z.strictObject({
  auth_function_id: z.string().min(1).optional(),
  expose_functions: z.array(filter).default([]),
  on_function_registration_function_id: z.string().optional(),
  on_trigger_registration_function_id: z.string().optional(),
  on_trigger_type_registration_function_id: z.string().optional(),
});

/** `iii-worker-manager` entry: one WebSocket listener. */
export const workerManagerConfig = z.strictObject({
  port: z.int().min(0).max(65535).default(49134).describe('listen port (0 = any free port)'),
  /** Triad: 127.0.0.1 (the reference binds 0.0.0.0); anything else needs `secret` (see trusted-secret.ts). */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Triad: also listen on this Unix domain socket (relative paths resolve against the project folder), as
   * `ws+unix:///abs/path.sock:/` for clients; file mode 0600, so only this user's processes can connect.
   */
  unix_socket: z.string().min(1).optional(),
  /** Triad: shared secret workers present (`Authorization: Bearer …`); default $III_ENGINE_SECRET. */
  secret: z.string().optional(),
  /** Triad: bind beyond loopback without a secret anyway (a trusted network you fully control). */
  allow_unauthenticated: z.boolean().default(false),
  handshake_timeout_ms: z.int().min(100).default(10_000),
  /** Triad: frames above this are answered with E_PROTOCOL_FRAME_TOO_LARGE. */
  max_frame_bytes: z
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Triad: bytes queued towards one worker before calls to it fail with channel_send_failed. */
  max_outbound_bytes: z
    .int()
    .min(64 * 1024)
    .default(64 * 1024 * 1024),
  /** Triad: a registration flood from one socket is cut off past these. */
  max_functions_per_worker: z.int().min(1).default(10_000),
  max_triggers_per_worker: z.int().min(1).default(10_000),
  middleware_function_id: z.string().optional(),
  rbac: rbacSchema.optional(),
});

export type WorkerManagerConfig = z.output<typeof workerManagerConfig>;
