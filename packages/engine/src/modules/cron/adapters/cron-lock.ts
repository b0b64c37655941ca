/**
 * The cron lock contract (workers.md §7): a job fires a tick only if it takes the lock for it.
 * Implementations live beside this file (`kv.ts`, `redis.ts`) and all pass
 * `test/conformance/cron-lock.test.ts`.
 */
export interface CronLock {
  /** Take the lock for one tick (`tickMs` = the scheduled time) of one job, held for at most `ttlMs`. */
  acquire(jobId: string, tickMs: number, ttlMs: number): Promise<boolean>;
  release(jobId: string, tickMs: number): Promise<void>;
  close(): Promise<void>;
}
