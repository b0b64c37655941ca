/** The running consumers, one per queue name, woken by the store and by function registrations. */
import type { Logger } from '../../util/logger.ts';
import type { Disposer } from '../module.ts';
import type { FunctionPresence } from './adapters/queue-backend.ts';
import type { QueueStore } from './adapters/queue-store.ts';
import { type ConsumerOptions, QueueConsumer } from './consumer.ts';

export type ConsumerSpec = Pick<ConsumerOptions, 'concurrency' | 'pollIntervalMs' | 'handle'>;

export class ConsumerSet {
  private readonly consumers = new Map<string, QueueConsumer>();
  private readonly disposers: Disposer[] = [];

  constructor(
    private readonly store: QueueStore,
    private readonly functions: FunctionPresence,
    private readonly log: Logger,
  ) {
    this.disposers.push(store.onReady((queue) => this.consumers.get(queue)?.wake()));
    this.disposers.push(
      functions.onChange(() => {
        for (const c of this.consumers.values()) c.functionsChanged();
      }),
    );
  }

  /** Start a consumer for `queue`, or apply `spec` to the running one. */
  ensure(queue: string, spec: ConsumerSpec): void {
    const running = this.consumers.get(queue);
    if (running) {
      running.update(spec);
      return;
    }
    const consumer = new QueueConsumer({
      queue,
      ...spec,
      store: this.store,
      hasFunction: (id) => this.functions.has(id),
      log: this.log,
    });
    this.consumers.set(queue, consumer);
    consumer.start();
  }

  drop(queue: string): void {
    this.consumers.get(queue)?.stop();
    this.consumers.delete(queue);
  }

  /** Per running queue: the jobs waiting for a slot and the function they run. */
  backlog(): Array<{ functionId: string; waiting: number }> {
    const out: Array<{ functionId: string; waiting: number }> = [];
    for (const c of this.consumers.values()) {
      const { functionId, waiting } = c.backlog();
      if (functionId !== undefined && waiting > 0) out.push({ functionId, waiting });
    }
    return out;
  }

  get(queue: string): QueueConsumer | undefined {
    return this.consumers.get(queue);
  }

  stopAll(): void {
    for (const d of this.disposers.splice(0)) d();
    for (const c of this.consumers.values()) c.stop();
    this.consumers.clear();
  }
}
