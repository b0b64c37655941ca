/**
 * One RabbitMQ consumer per logical queue on this engine: its own channel (so its prefetch and any
 * channel error stay its own), manual acks, and an ack only after the handler finished and any
 * follow-up message (retry, dead letter) was confirmed by the broker. A consumer that dies mid-job
 * (engine crash, lost connection) leaves the message unacked, and RabbitMQ hands it to another
 * consumer of the queue, on this engine or another.
 *
 * Standard queues: up to `concurrency` jobs run, `prefetch_count` more wait here; a failed job is re-published to the delay queue of its
 * backoff step (exponential, as the builtin), which dead-letters it back to the queue tail.
 * FIFO queues: the queue is single-active-consumer, so one engine at a time runs it; this consumer
 * runs one job per message group at a time, in delivery order, up to `concurrency` groups at once,
 * and retries a failed job in place (held, after its backoff) so later jobs of its group wait.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../../../../util/logger.ts';
import { computeBackoff } from '../../backoff.ts';
import { errorText } from '../../consumer.ts';
import { type ConsumerSpec, displayName, type QueueRef } from '../queue-backend.ts';
import { decode, type IncomingJob, reissue } from './codec.ts';
import type { AmqpLink } from './link.ts';
import { namesOf, type TopologyCache } from './topology.ts';

export interface ConsumerDeps {
  link: AmqpLink;
  topology: TopologyCache;
  hasFunction(id: string): boolean;
  log: Logger;
  /**
   * Messages held beyond `concurrency`: a finished job's slot refills at once instead of after an ack →
   * delivery round trip to the broker; FIFO: other groups move while one waits.
   */
  prefetchExtra: number;
}

interface Held {
  msg: ConsumeMessage;
  ch: Channel;
  job: IncomingJob;
  group: string | undefined;
  parkTimer?: NodeJS.Timeout | undefined;
}

/** A job whose function is not registered here is held this long, then handed back for another engine. */
const PARK_MS = 1000;

export class AmqpConsumer {
  private ch: Channel | undefined;
  private chConn: ChannelModel | undefined;
  private attaching: Promise<void> = Promise.resolve();
  private tag: string | undefined;
  private stopped = false;
  private inflight = 0;
  /** Delivered, not yet running (FIFO: waiting for their group), in delivery order. */
  private pending: Held[] = [];
  private parked = new Set<Held>();
  private busyGroups = new Set<string>();
  private held = 0;

  constructor(
    readonly ref: QueueRef,
    private spec: ConsumerSpec,
    private readonly deps: ConsumerDeps,
  ) {}

  /** Messages this engine holds unacked (running, waiting for their group, retrying, parked). */
  get active(): number {
    return this.held;
  }

  /** (Re)attach on the current connection: declare, set the prefetch, consume. Called after every reconnect. */
  attach(): Promise<void> {
    this.attaching = this.attaching.catch(() => {}).then(() => this.attachNow());
    return this.attaching;
  }

  private async attachNow(): Promise<void> {
    if (this.stopped) return;
    const conn = await this.deps.link.connection(`consume ${namesOf(this.ref).queue}`);
    if (this.ch && this.chConn === conn) return;
    await this.deps.topology.ensure(conn, this.ref, this.spec);
    // Holds of a previous channel are void: the broker already gave their messages back.
    for (const h of [...this.pending, ...this.parked]) {
      clearTimeout(h.parkTimer);
      this.held--;
    }
    this.pending = [];
    this.parked.clear();
    const ch = await conn.createChannel();
    ch.on('error', (err: Error) =>
      this.deps.log.warn('queue: RabbitMQ consumer channel error', { queue: namesOf(this.ref).queue, error: err.message }),
    );
    ch.on('close', () => {
      if (this.ch === ch) this.ch = undefined;
    });
    this.ch = ch;
    this.chConn = conn;
    await this.subscribe(ch);
    this.deps.log.debug('queue: consuming from RabbitMQ', { queue: namesOf(this.ref).queue, tag: this.tag });
  }

  /** Apply a new spec; a changed concurrency or mode re-subscribes with the new prefetch. */
  async update(spec: ConsumerSpec): Promise<void> {
    const resubscribe = spec.concurrency !== this.spec.concurrency || Boolean(spec.fifo) !== Boolean(this.spec.fifo);
    this.spec = spec;
    // New retry steps (another backoff or attempt budget) need their delay queues.
    if (this.chConn) await this.deps.topology.ensure(this.chConn, this.ref, spec);
    const ch = this.ch;
    if (!resubscribe || !ch) return this.pump();
    if (this.tag) await ch.cancel(this.tag).catch(() => {});
    this.tag = undefined;
    await this.subscribe(ch);
  }

  /** Stop taking messages; give back the ones not started; close the channel once running jobs settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    const ch = this.ch;
    if (ch && this.tag) await ch.cancel(this.tag).catch(() => {});
    for (const h of [...this.pending, ...this.parked]) this.giveBack(h);
    this.pending = [];
    this.parked.clear();
    this.closeWhenIdle();
  }

  /** Functions changed: run parked jobs whose function is now registered. */
  functionsChanged(): void {
    for (const h of this.parked) {
      if (!this.deps.hasFunction(h.job.functionId)) continue;
      clearTimeout(h.parkTimer);
      this.parked.delete(h);
      this.pending.unshift(h);
    }
    this.pump();
  }

  private async subscribe(ch: Channel): Promise<void> {
    if (this.spec.concurrency <= 0 || this.stopped) return; // paused
    const prefetch = this.spec.concurrency + this.deps.prefetchExtra;
    await ch.prefetch(prefetch);
    const fixedFunction = this.ref.kind === 'subscription' ? this.ref.functionId : undefined;
    const { queue } = namesOf(this.ref);
    const display = displayName(this.ref);
    const r = await ch.consume(queue, (msg) => msg && this.onMessage(ch, msg, display, fixedFunction), { noAck: false });
    this.tag = r.consumerTag;
  }

  private onMessage(ch: Channel, msg: ConsumeMessage, queue: string, fixedFunction: string | undefined): void {
    this.held++;
    let job: IncomingJob;
    try {
      job = decode(msg, queue, fixedFunction);
    } catch (err) {
      // Unparseable: straight to the DLQ (the reference leaves it unacked forever).
      const h: Held = {
        msg,
        ch,
        job: { id: '', queue, functionId: '', data: null, attempts: 0, groupKey: undefined, enqueuedAt: 0 },
        group: undefined,
      };
      this.settle(h, () => this.deadLetter(h, `unparseable message body: ${errorText(err)}`));
      return;
    }
    // FIFO: no group field means one group (the whole queue in order); standard: no grouping.
    const group = this.spec.fifo ? (job.groupKey ?? '') : undefined;
    this.pending.push({ msg, ch, job, group });
    this.pump();
  }

  private pump(): void {
    for (let i = 0; i < this.pending.length && this.inflight < this.spec.concurrency; ) {
      const h = this.pending[i] as Held;
      if (h.group !== undefined && this.busyGroups.has(h.group)) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.run(h);
    }
  }

  private run(h: Held): void {
    if (h.ch !== this.ch) {
      this.giveBack(h);
      return;
    }
    if (!this.deps.hasFunction(h.job.functionId)) {
      this.park(h);
      return;
    }
    this.inflight++;
    if (h.group !== undefined) this.busyGroups.add(h.group);
    this.spec.handle(h.job).then(
      () => this.finished(h, undefined),
      (err: unknown) => this.finished(h, err ?? new Error('job failed')),
    );
  }

  private finished(h: Held, err: unknown): void {
    this.inflight--;
    if (err === undefined) {
      this.settle(h, () => this.ack(h));
      return;
    }
    const made = h.job.attempts + 1;
    const text = errorText(err);
    if (made >= this.spec.maxAttempts) {
      this.deps.log.warn('job moved to the DLQ', { queue: h.job.queue, message_id: h.job.id, function_id: h.job.functionId, error: text });
      this.settle(h, () => this.deadLetter(h, text));
      return;
    }
    const delay = computeBackoff(this.spec.backoff, made);
    if (h.group !== undefined) {
      // FIFO: retry in place; the group stays blocked until this job is done.
      h.job.attempts = made;
      setTimeout(() => {
        if (h.group !== undefined) this.busyGroups.delete(h.group);
        if (h.ch === this.ch && !this.stopped) this.pending.unshift(h);
        else this.giveBack(h);
        this.pump();
      }, delay).unref();
      return;
    }
    this.settle(h, () => this.retryLater(h, made, delay));
  }

  /** Run the follow-up (ack, retry publish, dead letter), then free the group and take the next job. */
  private settle(h: Held, step: () => Promise<void> | void): void {
    Promise.resolve()
      .then(step)
      .catch((err: unknown) => {
        // The follow-up failed (broker gone): leave the message unacked; it is redelivered.
        // At shutdown this is expected (the handler outlived the connection): say it quietly.
        const level = this.deps.link.isClosed ? 'debug' : 'warn';
        this.deps.log[level]('queue: could not settle a RabbitMQ job; it will be redelivered', {
          queue: h.job.queue,
          error: errorText(err),
        });
        this.giveBack(h);
      })
      .finally(() => {
        if (h.group !== undefined) this.busyGroups.delete(h.group);
        this.pump();
        this.closeWhenIdle();
      });
  }

  private async retryLater(h: Held, made: number, delay: number): Promise<void> {
    const names = namesOf(this.ref);
    const base = computeBackoff({ ...this.spec.backoff, jitter: 0 }, made);
    const out = reissue(h.msg, made);
    if (delay < base) out.options.expiration = String(delay);
    await this.deps.link.publish('', names.retry(base), out.content, out.options);
    this.ack(h);
  }

  private async deadLetter(h: Held, error: string): Promise<void> {
    const names = namesOf(this.ref);
    if (!names.dlq) return this.ack(h);
    const out = reissue(h.msg, h.job.attempts + 1, { 'x-error': error, 'x-failed-at': Date.now() });
    delete out.options.priority;
    await this.deps.link.publish('', names.dlq, out.content, out.options);
    this.ack(h);
  }

  private ack(h: Held): void {
    this.held--;
    if (h.ch !== this.ch) return; // the channel died: the broker redelivers this message
    try {
      h.ch.ack(h.msg);
    } catch {
      // channel closing: redelivered
    }
  }

  /** Hand a message back unfinished (another consumer may take it). */
  private giveBack(h: Held): void {
    clearTimeout(h.parkTimer);
    this.held--;
    if (h.ch !== this.ch && !this.stopped) return;
    try {
      h.ch.nack(h.msg, false, true);
    } catch {
      // channel gone: requeued by the broker
    }
  }

  private park(h: Held): void {
    this.parked.add(h);
    h.parkTimer = setTimeout(() => {
      if (!this.parked.delete(h)) return;
      this.giveBack(h);
    }, PARK_MS);
    h.parkTimer.unref();
  }

  private closeWhenIdle(): void {
    if (!this.stopped || this.inflight > 0 || !this.ch) return;
    const ch = this.ch;
    this.ch = undefined;
    ch.close().catch(() => {});
  }
}
