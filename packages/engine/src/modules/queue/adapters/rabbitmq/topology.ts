/**
 * RabbitMQ names and declarations for each logical queue (docs/scale-out.md lists them). Names follow
 * the reference adapter where it has them (`iii.__fn_queue::<name>`, `iii.<topic>.exchange`,
 * `iii.<topic>.<function_id>.queue` / `.dlq`); retries use one delay queue per backoff step so
 * exponential backoff needs no plugin.
 *
 * Everything is durable; declarations are idempotent and cached per connection. A queue that
 * already exists with other arguments (e.g. a queue switched between `standard` and `fifo`) is
 * reported as `E_QUEUE_AMQP_TOPOLOGY` on a throwaway channel, so it never kills a shared one.
 */
import type { Channel, ChannelModel } from 'amqplib';
import { EngineError } from '../../../../core/errors/index.ts';
import { computeBackoff } from '../../backoff.ts';
import type { ConsumerSpec, QueueRef } from '../queue-backend.ts';

export interface QueueNames {
  /** Where producers publish (`''` = the default exchange, by queue name). */
  exchange: string;
  routingKey: string;
  /** The queue consumers read. */
  queue: string;
  /** Dead letters; absent for a topic's parking queue (nothing consumes it). */
  dlq: string | undefined;
  /** The delay queue for one backoff step. */
  retry(delayMs: number): string;
}

export function namesOf(ref: QueueRef): QueueNames {
  if (ref.kind === 'named') {
    const n = `iii.__fn_queue::${ref.name}`;
    return { exchange: n, routingKey: ref.name, queue: `${n}.queue`, dlq: `${n}::dlq.queue`, retry: (ms) => `${n}::retry.${ms}ms.queue` };
  }
  if (ref.kind === 'subscription') {
    const n = `iii.${ref.topic}.${ref.functionId}`;
    return {
      exchange: topicExchange(ref.topic),
      routingKey: '',
      queue: `${n}.queue`,
      dlq: `${n}.dlq`,
      retry: (ms) => `${n}.retry.${ms}ms`,
    };
  }
  const parked = `iii.${ref.topic}.parked`;
  return { exchange: unroutedExchange(ref.topic), routingKey: '', queue: parked, dlq: undefined, retry: () => parked };
}

export function topicExchange(topic: string): string {
  return `iii.${topic}.exchange`;
}

/** The topic exchange's alternate exchange: what no subscriber queue takes lands in the parking queue. */
function unroutedExchange(topic: string): string {
  return `iii.${topic}.unrouted`;
}

/** Base delays (no jitter) before each retry of a job with this policy: one delay queue each. */
export function retryDelays(spec: Pick<ConsumerSpec, 'maxAttempts' | 'backoff'>): number[] {
  const out = new Set<number>();
  for (let made = 1; made < spec.maxAttempts; made++) out.add(computeBackoff({ ...spec.backoff, jitter: 0 }, made));
  return [...out];
}

export type Topology = Pick<ConsumerSpec, 'maxAttempts' | 'backoff' | 'fifo' | 'maxPriority'>;

/** Every name `ref` uses under `spec`, for deletion (tests, cleanup tools). */
export function allQueues(ref: QueueRef, spec: Topology): { queues: string[]; exchanges: string[] } {
  const n = namesOf(ref);
  const queues = [n.queue, ...(n.dlq ? [n.dlq] : []), ...retryDelays(spec).map((d) => n.retry(d))];
  if (ref.kind === 'named') return { queues, exchanges: [n.exchange] };
  if (ref.kind === 'subscription') return { queues, exchanges: [] };
  return { queues: [n.queue], exchanges: [topicExchange(ref.topic), unroutedExchange(ref.topic)] };
}

async function declareTopic(ch: Channel, topic: string): Promise<void> {
  await ch.assertExchange(unroutedExchange(topic), 'fanout', { durable: true });
  await ch.assertExchange(topicExchange(topic), 'fanout', { durable: true, alternateExchange: unroutedExchange(topic) });
  const parked = namesOf({ kind: 'parked', topic }).queue;
  await ch.assertQueue(parked, { durable: true });
  await ch.bindQueue(parked, unroutedExchange(topic), '');
}

/** Declare the exchanges and queues of `ref` (and of its topic, for subscriptions). */
async function declareOn(ch: Channel, ref: QueueRef, spec: Topology): Promise<void> {
  if (ref.kind !== 'named') await declareTopic(ch, ref.topic);
  if (ref.kind === 'parked') return;
  const n = namesOf(ref);
  const args: Record<string, unknown> = {};
  // Per-group order across engines: one engine consumes a FIFO queue at a time (the others stand by).
  if (spec.fifo) args['x-single-active-consumer'] = true;
  if (spec.maxPriority !== undefined) args['x-max-priority'] = Math.min(255, Math.max(1, spec.maxPriority));
  await ch.assertQueue(n.queue, { durable: true, arguments: args });
  if (ref.kind === 'named') {
    await ch.assertExchange(n.exchange, 'direct', { durable: true });
    await ch.bindQueue(n.queue, n.exchange, n.routingKey);
  } else await ch.bindQueue(n.queue, n.exchange, '');
  if (n.dlq) await ch.assertQueue(n.dlq, { durable: true });
  for (const delay of retryDelays(spec)) {
    // Expired messages dead-letter straight back to the consumed queue (default exchange, by name).
    await ch.assertQueue(n.retry(delay), {
      durable: true,
      arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': n.queue },
    });
  }
}

/** Declarations already made on the current connection, so publishes do not re-declare. */
export class TopologyCache {
  private conn: ChannelModel | undefined;
  private done = new Map<string, Promise<void>>();

  async ensure(conn: ChannelModel, ref: QueueRef, spec: Topology): Promise<void> {
    if (this.conn !== conn) {
      this.conn = conn;
      this.done = new Map();
    }
    const key = JSON.stringify([ref, spec.fifo ?? false, spec.maxPriority ?? null, retryDelays(spec)]);
    let p = this.done.get(key);
    if (!p) {
      p = declare(conn, ref, spec);
      this.done.set(key, p);
      p.catch(() => this.done.delete(key));
    }
    return p;
  }
}

async function declare(conn: ChannelModel, ref: QueueRef, spec: Topology): Promise<void> {
  const ch = await conn.createChannel();
  ch.on('error', () => {}); // reported through the failing call
  try {
    await declareOn(ch, ref, spec);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (/PRECONDITION_FAILED/.test(text))
      throw new EngineError(
        'E_QUEUE_AMQP_TOPOLOGY',
        `queue: RabbitMQ already has ${namesOf(ref).queue} (or a queue beside it) with other arguments; delete it or use another queue name (${text})`,
        { cause: err },
      );
    throw err;
  } finally {
    await ch.close().catch(() => {});
  }
}
