/**
 * A SQLite worker thread: one connection (the writer, or a reader), requests answered in order.
 * Started by `thread-client.ts` through `thread-entry.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqlParam } from '../sql-driver.ts';
import { type CommitGate, SqliteConnection } from './connection.ts';
import { mapSqliteError } from './errors.ts';
import { GATE_OPEN, GATE_SETTLED, type ThreadData, type ThreadReply, type ThreadRequest, type WireError } from './protocol.ts';

const data = workerData as ThreadData;
const port = parentPort;
if (!port) throw new Error('thread.ts runs only as a worker thread');
const conn = new SqliteConnection({ file: data.file, busyTimeoutMs: data.busyTimeoutMs, reader: data.reader });
const cell = new Int32Array(data.gate);
const gate: CommitGate = { settle: () => Atomics.compareExchange(cell, 0, GATE_OPEN, GATE_SETTLED) === GATE_OPEN };

function run(req: ThreadRequest): unknown {
  switch (req.op) {
    case 'query':
      return conn.query(req.sql, req.params as SqlParam[], gate);
    case 'execute':
      return conn.execute(req.sql, req.params as SqlParam[], gate);
    case 'batch':
      return conn.batch(req.statements, gate);
    case 'group':
      return conn.group(req.items, gate).map((o) => (o.ok ? o : { ok: false, error: toWire(o.error) }));
    case 'begin':
      return conn.begin();
    case 'commit':
      return conn.commit(gate);
    case 'rollback':
      return conn.rollback();
  }
}

function handle(req: ThreadRequest): ThreadReply {
  try {
    if (data.reader && req.op === 'query' && !conn.isReadonly(req.sql)) return { id: req.id, redirect: true };
    const value = run(req);
    gate.settle();
    return { id: req.id, ok: true, value };
  } catch (err) {
    return { id: req.id, ok: false, error: toWire(err) };
  }
}

function toWire(err: unknown): WireError {
  const e = mapSqliteError(err);
  return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
}

port.on('message', (req: ThreadRequest | 'close') => {
  if (req === 'close') {
    // Closing checkpoints the WAL; the thread then ends by itself (nothing else keeps it alive).
    conn.close();
    port.close();
    return;
  }
  port.postMessage(handle(req));
});
