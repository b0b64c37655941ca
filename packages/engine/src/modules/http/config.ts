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

/**
 * Holding new requests while the route's worker has queued work falling behind (admission.ts): on by
 * default, so a queue with small `concurrency` (Linkly's clicks) keeps up under a flood of requests.
 */
const queueAdmissionSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('false = never hold a request for queued work (requests always go first)'),
    // Tuned on Linkly's redirect (engine-ab, same runs): 50 or 250 instead gave a 1.5× / 1.9× worse click →
    // subscriber p99, 50 also 0.66× the throughput; letting 8 requests through while holding instead of none,
    // 2.5× the p99 and 0.86× the throughput.
    high_water: z.int().min(1).default(100).describe("Jobs waiting for a slot on the route's worker above which new requests are held"),
    low_water: z.int().min(0).default(10).describe('Waiting jobs at or below which the held requests go'),
    max_hold_ms: z
      .int()
      .min(0)
      .default(500)
      .describe('Longest a request is held, whatever the backlog (it still counts against default_timeout)'),
  })
  .refine((c) => c.low_water < c.high_water, { message: 'low_water must be below high_water', path: ['low_water'] });

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
  queue_admission: queueAdmissionSchema.prefault({}).describe("Hold new requests while the route's worker has queued jobs falling behind"),
});

export type HttpConfig = z.output<typeof httpConfigSchema>;
export type QueueAdmissionConfig = HttpConfig['queue_admission'];
export type CorsConfig = NonNullable<HttpConfig['cors']>;
export type MiddlewareEntry = HttpConfig['middleware'][number];
