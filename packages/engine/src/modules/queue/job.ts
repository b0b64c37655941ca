import type { BackoffSpec } from './backoff.ts';

/** A job as handed to the store by `engine::queue::enqueue` / `iii::durable::publish`. */
export interface NewJob {
  /** Message id (the engine's `messageReceiptId` for named queues). */
  id: string;
  queue: string;
  functionId: string;
  data: unknown;
  /** FIFO message group: jobs sharing it run one at a time, in enqueue order. Absent → unordered. */
  groupKey?: string | undefined;
  /** Total attempts before the job moves to the DLQ. */
  maxAttempts: number;
  backoff: BackoffSpec;
  traceparent?: string | undefined;
  baggage?: string | undefined;
}

/** A stored job. */
export interface Job extends NewJob {
  /** Attempts that have failed so far. */
  attempts: number;
  /** Epoch ms before which the job is not handed out (retry backoff). */
  availableAt: number;
  enqueuedAt: number;
  /** Store-assigned order: enqueue order within the store. */
  seq: number;
}

/** A dead-lettered job, shaped as `engine::queue::dlq_messages` returns it (plus bookkeeping). */
export interface DlqMessage {
  id: string;
  payload: unknown;
  error: string;
  failed_at: number;
  function_id: string;
  attempts: number;
}
