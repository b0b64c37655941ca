/**
 * `config/http.yaml` (workers.md §1.1): listener address, timeouts, concurrency, CORS and global
 * middleware, plus Triad's `max_body_bytes`. Unknown keys are rejected, also inside `cors` and
 * each middleware entry.
 */
import { type Schema, s } from '../../core/config/schema.ts';

/** @default 1 MiB: large enough for JSON APIs, small enough that one request cannot exhaust memory. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const corsSchema = s.object({
  allowed_origins: s.array(s.string()).default([]).describe('Origins allowed; empty or containing "*" = any origin'),
  allowed_methods: s.array(s.string()).default([]).describe('Methods allowed; empty = any method'),
});

const middlewareSchema = s.object({
  function_id: s.string().nonEmpty(),
  phase: s.string().default('preHandler').describe('Only "preHandler" runs today'),
  priority: s.integer().default(0).describe('Lower runs first'),
});

export const httpConfigSchema = s.object({
  port: s.integer().min(0).max(65535).default(3111).describe('0 = OS-assigned'),
  host: s.string().nonEmpty().default('0.0.0.0'),
  default_timeout: s.integer().min(1).default(30_000).describe('Per-request timeout in ms (504); also bounds middleware and conditions'),
  concurrency_request_limit: s.integer().min(0).default(1024).describe('Requests served at once; excess requests wait (0 is clamped to 1)'),
  cors: corsSchema.optional().describe('Absent = fully permissive'),
  middleware: s.array(middlewareSchema).default([]),
  max_body_bytes: s
    .integer()
    .min(0)
    .default(DEFAULT_MAX_BODY_BYTES)
    .describe('Largest buffered request body (JSON, forms, text); larger → 413. Binary uploads of unknown or larger size stream instead'),
});

export type HttpConfig = typeof httpConfigSchema extends Schema<infer T> ? T : never;
export type CorsConfig = NonNullable<HttpConfig['cors']>;
export type MiddlewareEntry = HttpConfig['middleware'][number];
