/**
 * Message format on RabbitMQ (as the reference's named queues): the body is the job's `data` as
 * JSON, the AMQP `message_id` is the job id (the enqueue receipt), and headers carry the rest.
 * Dead letters add `x-error` and `x-failed-at`.
 */
import type { Message, Options } from 'amqplib';
import type { DlqMessage } from '../../job.ts';
import type { Delivery } from '../queue-backend.ts';

export interface OutgoingJob {
  id: string;
  functionId: string;
  data: unknown;
  groupKey?: string | undefined;
  priority?: number | undefined;
  traceparent?: string | undefined;
  baggage?: string | undefined;
}

export interface IncomingJob extends Delivery {
  groupKey: string | undefined;
  enqueuedAt: number;
}

type Headers = Record<string, unknown>;

export function encode(job: OutgoingJob, attempt: number, extra: Headers = {}): { content: Buffer; options: Options.Publish } {
  const headers: Headers = { function_id: job.functionId, 'x-attempt': attempt, ...extra };
  if (job.groupKey !== undefined) headers['x-group'] = job.groupKey;
  if (job.traceparent) headers.traceparent = job.traceparent;
  if (job.baggage) headers.baggage = job.baggage;
  const options: Options.Publish = {
    persistent: true,
    contentType: 'application/json',
    messageId: job.id,
    timestamp: Date.now(),
    headers,
  };
  if (job.priority !== undefined) options.priority = job.priority;
  return { content: Buffer.from(JSON.stringify(job.data ?? null)), options };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof Buffer ? v.toString() : undefined);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** Parse a delivery; throws on a body that is not JSON (the caller dead-letters it at once). */
export function decode(msg: Message, queue: string, functionId: string | undefined): IncomingJob {
  const h = (msg.properties.headers ?? {}) as Headers;
  return {
    id: str(msg.properties.messageId) ?? '',
    queue,
    functionId: functionId ?? str(h.function_id) ?? '',
    data: JSON.parse(msg.content.toString('utf8')) as unknown,
    traceparent: str(h.traceparent),
    baggage: str(h.baggage),
    attempts: num(h['x-attempt'], 0),
    groupKey: str(h['x-group']),
    enqueuedAt: num(msg.properties.timestamp, 0),
  };
}

/** The job as it goes back out (retry, DLQ, redrive), keeping id, headers and priority. */
export function reissue(msg: Message, attempt: number, extra: Headers = {}): { content: Buffer; options: Options.Publish } {
  const p = msg.properties;
  const headers: Headers = { ...((p.headers ?? {}) as Headers), 'x-attempt': attempt, ...extra };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
  const options: Options.Publish = {
    persistent: true,
    contentType: p.contentType ?? 'application/json',
    messageId: p.messageId,
    timestamp: p.timestamp ?? Date.now(),
    headers,
  };
  if (typeof p.priority === 'number') options.priority = p.priority;
  return { content: msg.content, options };
}

/** A DLQ message as `engine::queue::dlq_messages` shows it. */
export function dlqView(msg: Message): DlqMessage {
  const h = (msg.properties.headers ?? {}) as Headers;
  let payload: unknown;
  try {
    payload = JSON.parse(msg.content.toString('utf8'));
  } catch {
    payload = msg.content.toString('utf8');
  }
  return {
    id: str(msg.properties.messageId) ?? '',
    payload,
    error: str(h['x-error']) ?? '',
    failed_at: num(h['x-failed-at'], 0),
    function_id: str(h.function_id) ?? '',
    attempts: num(h['x-attempt'], 0),
  };
}
