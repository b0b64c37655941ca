import { z } from 'zod';
/**
 * `config/http.yaml` (workers.md §1.1): listener address, timeouts, concurrency, CORS and global
 * middleware, plus Triad's `max_body_bytes`. Unknown keys are rejected, also inside `cors` and
 * each middleware entry.
 */

/** @default 1 MiB: large enough for JSON APIs, small enough that one request cannot exhaust memory. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const corsSchema = z.strictObject({
  allowed_origins: z.array(z.string()).default([]).describe('Origins allowed; empty or containing "*" = any origin'),
  allowed_methods: z.array(z.string()).default([]).describe('Methods allowed; empty = any method'),
});

const middlewareSchema = z.strictObject({
  function_id: z.string().min(1),
  phase: z.string().default('preHandler').describe('Only "preHandler" runs today'),
  priority: z.int().default(0).describe('Lower runs first'),
});

export const httpConfigSchema = z.strictObject({
  port: z.int().min(0).max(65535).default(3111).describe('0 = OS-assigned'),
  host: z.string().min(1).default('0.0.0.0'),
  default_timeout: z.int().min(1).default(30_000).describe('Per-request timeout in ms (504); also bounds middleware and conditions'),
  concurrency_request_limit: z.int().min(0).default(1024).describe('Requests served at once; excess requests wait (0 is clamped to 1)'),
  cors: corsSchema.optional().describe('Absent = fully permissive'),
  middleware: z.array(middlewareSchema).default([]),
  max_body_bytes: z
    .int()
    .min(0)
    .default(DEFAULT_MAX_BODY_BYTES)
    .describe('Largest buffered request body (JSON, forms, text); larger → 413. Binary uploads of unknown or larger size stream instead'),
});

export type HttpConfig = z.output<typeof httpConfigSchema>;
export type CorsConfig = NonNullable<HttpConfig['cors']>;
export type MiddlewareEntry = HttpConfig['middleware'][number];
