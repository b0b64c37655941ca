/**
 * The `queue-backlog` service: how many queued jobs wait for a free consumer slot, per worker that runs
 * them. The HTTP worker reads it to admit fewer new requests to a worker whose queued work falls behind
 * (modules/http/admission.ts): a worker busy with a flood of requests answers its queue jobs late, so a
 * queue with a small `concurrency` (Linkly's `clicks`: 5) would otherwise drain slower than it fills.
 */
import type { EngineApi } from '../module.ts';
import type { QueueBackend } from './adapters/queue-backend.ts';

export interface QueueBacklog {
  /** Jobs ready to run, waiting for a slot, whose function is served by the worker connection `workerId`. */
  waitingFor(workerId: string): number;
}

declare module '../module.ts' {
  interface Services {
    'queue-backlog': QueueBacklog;
  }
}

export function queueBacklog(engine: Pick<EngineApi, 'getFunction'>, backend: () => QueueBackend): QueueBacklog {
  return {
    waitingFor(workerId) {
      let waiting = 0;
      for (const b of backend().backlog?.() ?? []) if (engine.getFunction(b.functionId)?.workerId === workerId) waiting += b.waiting;
      return waiting;
    },
  };
}
