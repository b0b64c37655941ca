/**
 * The in-memory view of one store: which jobs are ready, delayed or leased, per queue, plus the DLQ.
 * Stores keep it authoritative for dispatch (leasing is a memory operation, no query per job) and
 * persist every change beside it; on open they rebuild it from disk.
 */
import type { Job } from '../job.ts';
import type { QueueDepth } from './queue-store.ts';

export interface DeadJob {
  job: Job;
  error: string;
  failedAt: number;
}

class QueueState {
  /** Ready jobs in `seq` order from `head` on (a head index avoids O(n) shifts on the hot path). */
  ready: Job[] = [];
  head = 0;
  /** Retry-delayed jobs sorted by `availableAt`. */
  delayed: Job[] = [];
  active = new Map<number, Job>();
  /** Group key → leased or delayed jobs of that group (a busy group hands nothing out). */
  busyGroups = new Map<string, number>();
  /** Ready jobs that carry a group key; 0 → the fast path (take from the head). */
  groupedReady = 0;
  dlq = new Map<number, DeadJob>();

  get size(): number {
    return this.ready.length - this.head + this.delayed.length + this.active.size;
  }
}

/** Insert into an array sorted by `key`, after equal keys (stable). */
function insertSorted(arr: Job[], job: Job, key: (j: Job) => number, from = 0): void {
  let lo = from;
  let hi = arr.length;
  const k = key(job);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(arr[mid]!) <= k) lo = mid + 1;
    else hi = mid;
  }
  arr.splice(lo, 0, job);
}

export class JobIndex {
  private readonly queues = new Map<string, QueueState>();

  private state(queue: string): QueueState {
    let st = this.queues.get(queue);
    if (!st) {
      st = new QueueState();
      this.queues.set(queue, st);
    }
    return st;
  }

  /** A job that is not leased: ready or delayed depending on `now`. */
  put(job: Job, now: number): void {
    const st = this.state(job.queue);
    if (job.availableAt > now) {
      insertSorted(st.delayed, job, (j) => j.availableAt);
      this.busy(st, job.groupKey, 1);
      return;
    }
    const last = st.ready[st.ready.length - 1];
    if (st.ready.length === st.head || (last !== undefined && last.seq < job.seq)) st.ready.push(job);
    else insertSorted(st.ready, job, (j) => j.seq, st.head);
    if (job.groupKey !== undefined) st.groupedReady++;
  }

  lease(queue: string, limit: number, now: number): Job[] {
    const st = this.queues.get(queue);
    if (!st || limit <= 0) return [];
    this.promote(st, now);
    const out = st.groupedReady === 0 ? this.takeHead(st, limit) : this.takeGrouped(st, limit);
    for (const job of out) {
      st.active.set(job.seq, job);
      this.busy(st, job.groupKey, 1);
    }
    this.compact(st);
    return out;
  }

  /** Remove a leased job (acked, retried or failed). */
  settle(job: Job): boolean {
    const st = this.queues.get(job.queue);
    if (!st?.active.delete(job.seq)) return false;
    this.busy(st, job.groupKey, -1);
    return true;
  }

  bury(job: Job, error: string, failedAt: number): void {
    this.state(job.queue).dlq.set(job.seq, { job, error, failedAt });
  }

  unbury(queue: string, seq: number): DeadJob | undefined {
    const st = this.queues.get(queue);
    const dead = st?.dlq.get(seq);
    if (dead) st!.dlq.delete(seq);
    return dead;
  }

  dead(queue: string): DeadJob[] {
    return [...(this.queues.get(queue)?.dlq.values() ?? [])];
  }

  findDead(queue: string, id: string): DeadJob | undefined {
    for (const d of this.queues.get(queue)?.dlq.values() ?? []) if (d.job.id === id) return d;
    return undefined;
  }

  nextAvailableAt(queue: string): number | undefined {
    return this.queues.get(queue)?.delayed[0]?.availableAt;
  }

  depth(queue: string): QueueDepth {
    const st = this.queues.get(queue);
    if (!st) return { waiting: 0, delayed: 0, active: 0 };
    return { waiting: st.ready.length - st.head, delayed: st.delayed.length, active: st.active.size };
  }

  queueNames(): string[] {
    return [...this.queues].filter(([, st]) => st.size > 0).map(([name]) => name);
  }

  dlqQueues(): Array<{ queue: string; count: number }> {
    return [...this.queues].filter(([, st]) => st.dlq.size > 0).map(([queue, st]) => ({ queue, count: st.dlq.size }));
  }

  dlqCount(queue: string): number {
    return this.queues.get(queue)?.dlq.size ?? 0;
  }

  private promote(st: QueueState, now: number): void {
    let n = 0;
    while (n < st.delayed.length && st.delayed[n]!.availableAt <= now) n++;
    if (n === 0) return;
    for (const job of st.delayed.splice(0, n)) {
      this.busy(st, job.groupKey, -1);
      this.put(job, now);
    }
  }

  private takeHead(st: QueueState, limit: number): Job[] {
    const end = Math.min(st.ready.length, st.head + limit);
    const out = st.ready.slice(st.head, end);
    st.head = end;
    return out;
  }

  /** FIFO per group: a group's oldest ready job goes out only when nothing of that group is in play. */
  private takeGrouped(st: QueueState, limit: number): Job[] {
    const out: Job[] = [];
    const keep: Job[] = [];
    const seen = new Set<string>();
    for (let i = st.head; i < st.ready.length; i++) {
      const job = st.ready[i]!;
      const g = job.groupKey;
      const free = g === undefined || (!seen.has(g) && !st.busyGroups.has(g));
      if (g !== undefined) seen.add(g);
      if (free && out.length < limit) {
        out.push(job);
        if (g !== undefined) st.groupedReady--;
      } else keep.push(job);
    }
    st.ready = keep;
    st.head = 0;
    return out;
  }

  private compact(st: QueueState): void {
    if (st.head > 1024 && st.head * 2 > st.ready.length) {
      st.ready = st.ready.slice(st.head);
      st.head = 0;
    }
  }

  private busy(st: QueueState, group: string | undefined, delta: number): void {
    if (group === undefined) return;
    const n = (st.busyGroups.get(group) ?? 0) + delta;
    if (n <= 0) st.busyGroups.delete(group);
    else st.busyGroups.set(group, n);
  }
}
