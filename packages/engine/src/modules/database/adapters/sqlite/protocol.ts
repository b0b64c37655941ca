/**
 * What the engine thread and a SQLite worker thread say to each other. One request is in flight per
 * thread at a time (the lane dispatches the next only after the reply), so the one-slot gate below
 * always belongs to the request in flight.
 */
import type { SqlParam, SqlStatement } from '../sql-driver.ts';

export type ThreadOp =
  | { op: 'query'; sql: string; params: readonly SqlParam[] }
  | { op: 'execute'; sql: string; params: readonly SqlParam[] }
  | { op: 'batch'; statements: readonly SqlStatement[] }
  /** Group commit: independent writes, a SAVEPOINT each, one COMMIT (see lane.ts). */
  | { op: 'group'; items: readonly GroupItem[] }
  | { op: 'begin' }
  | { op: 'commit' }
  | { op: 'rollback' };

export interface GroupItem {
  sql: string;
  params: readonly SqlParam[];
}

/** One grouped write's own outcome: its result, or its own error (its savepoint was rolled back). */
export type GroupOutcome<E = WireError> = { ok: true; value: unknown } | { ok: false; error: E };

export type ThreadRequest = ThreadOp & { id: number };

export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type ThreadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError }
  /** A reader was handed a statement that writes: the engine sends it to the writer instead. */
  | { id: number; redirect: true };

/**
 * The gate, one Int32 in a SharedArrayBuffer. The engine resets it to OPEN before each request; on
 * QUERY_TIMEOUT it swaps OPEN → CANCELLED, and the thread swaps OPEN → SETTLED right before COMMIT (or
 * when a read is done). Whoever swaps first wins: a cancelled write is rolled back, a settled one is
 * awaited even past its timeout (its COMMIT is already under way).
 */
export const GATE_OPEN = 0;
export const GATE_CANCELLED = 1;
export const GATE_SETTLED = 2;

export interface ThreadData {
  file: string;
  busyTimeoutMs: number;
  reader: boolean;
  gate: SharedArrayBuffer;
}
