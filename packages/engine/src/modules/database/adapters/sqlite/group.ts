/**
 * Group commit on the SQLite writer. Each write outside an interactive transaction is its own
 * transaction, and in WAL mode with `synchronous = FULL` every COMMIT fsyncs the WAL (0.1 ms on the dev VM
 * when the disk is quiet, 1.4 ms while another process writes heavily), plus a thread round trip each.
 * When several independent `execute` calls wait for the writer together, the lane hands them to the
 * thread as one group: one transaction, a SAVEPOINT per statement, one COMMIT, so they share one fsync and
 * one round trip (`npm run bench -- sqlite-group`: 2.1× the writes/s at 5 in flight, 3.1× at 64).
 *
 * What each caller sees is unchanged: its own result or its own error (a failing statement rolls back
 * only its savepoint), answered only after the shared COMMIT (so an acknowledged write is as durable as
 * before), and its own timeout (a group runs under the smallest member's; on QUERY_TIMEOUT nothing was
 * committed, so the members whose timeout it was fail and the others run again alone). A group that fails
 * as a whole (SQLite ended the transaction) commits nothing either, and its members run again alone.
 * Interactive transactions never take part: while the writer is leased only the owner's requests run.
 */
import { EngineError } from '../../../../core/errors/index.ts';
import { firstKeyword } from '../../sql-text.ts';
import type { GroupOutcome, ThreadOp, ThreadReply } from './protocol.ts';

/** Statements per group at most: bounds the time one group holds the writer and the reply size. */
export const MAX_GROUP = 64;
/** Plain row writes only: DDL clears the statement cache and PRAGMA/VACUUM cannot run in a transaction. */
const GROUPABLE = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);

/** What grouping needs to know of a queued request (lane.ts's Job). */
export interface Queued {
  op: ThreadOp;
  owner: string | undefined;
  /** Run alone, never grouped (set when the group it was in did not commit). */
  solo?: boolean;
}

function groupable(job: Queued): boolean {
  return job.op.op === 'execute' && job.owner === undefined && !job.solo && GROUPABLE.has(firstKeyword(job.op.sql));
}

/** `first` (already taken off the queue) plus the groupable jobs right behind it, in order. */
export function takeGroup<J extends Queued>(first: J, queue: J[]): J[] {
  if (!groupable(first)) return [first];
  let n = 0;
  while (n < queue.length && n < MAX_GROUP - 1 && groupable(queue[n] as J)) n++;
  return [first, ...queue.splice(0, n)];
}

export function groupOp(jobs: readonly Queued[]): ThreadOp {
  return {
    op: 'group',
    items: jobs.map((j) => (j.op.op === 'execute' ? { sql: j.op.sql, params: j.op.params } : { sql: '', params: [] })),
  };
}

/** Each member's reply, or undefined when the group as a whole failed (nothing committed). */
export function groupOutcomes(reply: ThreadReply, size: number): ThreadReply[] | undefined {
  if (!('ok' in reply) || !reply.ok || !Array.isArray(reply.value) || reply.value.length !== size) return undefined;
  return (reply.value as GroupOutcome[]).map((o) => ({ id: reply.id, ...o }));
}

export function isTimeout(err: unknown): boolean {
  return err instanceof EngineError && err.code === 'QUERY_TIMEOUT';
}
