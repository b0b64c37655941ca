/**
 * Counting and DLQ operations on RabbitMQ queues. AMQP has no peek: messages are taken with
 * `basic.get` (unacked), and the ones that are not consumed are given back with `nack(requeue)` when
 * the scan ends, which RabbitMQ puts back in their original positions (the reference re-publishes
 * them, reordering the DLQ). A redrive re-publishes with a broker confirm before it acks, so a
 * crash in between duplicates a message at worst, never loses it.
 */
import type { Channel, GetMessage } from 'amqplib';
import type { DlqMessage } from '../../job.ts';
import { dlqView, reissue } from './codec.ts';
import type { AmqpLink } from './link.ts';

const notFound = (err: unknown): boolean => err instanceof Error && /NOT_FOUND|404/.test(err.message);

/** Ready messages in `queue`; 0 when it does not exist (a failed check closes only its throwaway channel). */
export async function countOf(link: AmqpLink, queue: string): Promise<number> {
  try {
    return await link.withChannel(`count ${queue}`, async (ch) => (await ch.checkQueue(queue)).messageCount);
  } catch (err) {
    if (notFound(err)) return 0;
    throw err;
  }
}

/**
 * Take up to `max` messages of `queue` (unacked) and let `visit` settle each: `true` = consumed
 * (the visitor acked it), `false` = give it back. Stops at the first message `visit` rejects on.
 */
async function scan(link: AmqpLink, queue: string, visit: (ch: Channel, msg: GetMessage) => Promise<boolean>): Promise<void> {
  const max = await countOf(link, queue);
  if (max === 0) return;
  await link.withChannel(`scan ${queue}`, async (ch) => {
    try {
      for (let i = 0; i < max; i++) {
        const msg = await ch.get(queue, { noAck: false });
        if (msg === false) break;
        await visit(ch, msg);
      }
    } finally {
      ch.nackAll(true);
    }
  });
}

export async function dlqList(link: AmqpLink, dlq: string, offset: number, limit: number): Promise<DlqMessage[]> {
  const out: DlqMessage[] = [];
  await scan(link, dlq, async (_ch, msg) => {
    out.push(dlqView(msg));
    return false;
  });
  return out.slice(offset, offset + limit);
}

/** Re-publish one dead letter to `queue` with a fresh attempt budget, then ack it. */
async function redriveOne(link: AmqpLink, ch: Channel, msg: GetMessage, queue: string): Promise<void> {
  const out = reissue(msg, 0, { 'x-error': undefined, 'x-failed-at': undefined });
  await link.publish('', queue, out.content, out.options);
  ch.ack(msg);
}

export async function redriveAll(link: AmqpLink, dlq: string, queue: string): Promise<number> {
  let n = 0;
  await scan(link, dlq, async (ch, msg) => {
    await redriveOne(link, ch, msg, queue);
    n++;
    return true;
  });
  return n;
}

/** Redrive (to `queue`) or discard (`queue` undefined) the dead letter with `messageId`. */
export async function settleOne(link: AmqpLink, dlq: string, messageId: string, queue: string | undefined): Promise<0 | 1> {
  let found: 0 | 1 = 0;
  await scan(link, dlq, async (ch, msg) => {
    if (found === 1 || msg.properties.messageId !== messageId) return false;
    if (queue === undefined) ch.ack(msg);
    else await redriveOne(link, ch, msg, queue);
    found = 1;
    return true;
  });
  return found;
}
