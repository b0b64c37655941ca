/**
 * Group commit on the SQLite writer (group.ts): writes that wait for the writer together share one
 * transaction, and each caller still sees exactly its own outcome, its own timeout, and durability on ack.
 * Real threads and real SQLite files; grouping is made deterministic by submitting in one tick (the first
 * request takes the idle writer alone, the rest queue behind it and go as one group).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Lane } from './lane.ts';
import type { ThreadReply } from './protocol.ts';

function tempFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'triad-group-'));
  return { file: join(dir, 'g.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function writer(file: string): Lane {
  return new Lane({ spec: { db: 'g', file, busyTimeoutMs: 60_000, reader: false }, max: 1, acquireTimeoutMs: 60_000, group: true });
}

const exec = (lane: Lane, sql: string, params: unknown[] = [], timeoutMs?: number): Promise<ThreadReply> =>
  lane.submit({ op: 'execute', sql, params: params as string[] }, timeoutMs);

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test('a failing statement inside a group gets its own error and the others commit', async () => {
  const tmp = tempFile();
  const lane = writer(tmp.file);
  try {
    assert.ok('ok' in (await exec(lane, 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)')));
    const replies = await Promise.all([
      exec(lane, "INSERT INTO t (v) VALUES ('first')"),
      exec(lane, "INSERT INTO t (v) VALUES ('a')"),
      exec(lane, "INSERT INTO t (v) VALUES ('first')"),
      exec(lane, "INSERT INTO t (v) VALUES ('b')"),
      exec(lane, 'INSERT INTO missing (v) VALUES (1)'),
      exec(lane, "UPDATE t SET v = 'c' WHERE v = 'a'"),
    ]);
    assert.equal(lane.groupsCommitted, 1, 'the five queued writes went as one group');
    const [first, a, dup, b, missing, upd] = replies.map(
      (r) =>
        r as ThreadReply & { ok: boolean; value?: unknown; error?: { code: string; message: string; details?: Record<string, unknown> } },
    );
    for (const r of [first, a, b, upd]) assert.equal(r?.ok, true, JSON.stringify(r));
    assert.equal(dup?.ok, false);
    assert.match(String(dup?.error?.details?.inner_code ?? dup?.error?.message), /CONSTRAINT/);
    assert.equal(missing?.ok, false);
    assert.match(String(missing?.error?.message), /no such table: missing/);
    assert.deepEqual((a?.value as { lastInsertId?: string } | undefined)?.lastInsertId, '2');
    assert.equal((upd?.value as { affectedRows?: number } | undefined)?.affectedRows, 1);
    assert.deepEqual(rows(tmp.file, 'SELECT v FROM t ORDER BY id'), [{ v: 'first' }, { v: 'c' }, { v: 'b' }]);
  } finally {
    await lane.close();
    tmp.remove();
  }
});

test('a group that times out commits nothing: its shortest-timeout member fails, the others run again alone', async () => {
  const tmp = tempFile();
  const lane = writer(tmp.file);
  try {
    await exec(lane, 'CREATE TABLE t (v INTEGER)');
    // Several million rows: far longer than the 20 ms timeout of the member grouped with it.
    const slow = 'INSERT INTO t (v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT 0 FROM c';
    const [, big, short, other] = await Promise.all([
      exec(lane, 'INSERT INTO t (v) VALUES (1)'),
      exec(lane, slow),
      exec(lane, 'INSERT INTO t (v) VALUES (2)', [], 20).catch((err: unknown) => err),
      exec(lane, 'INSERT INTO t (v) VALUES (3)'),
    ]);
    assert.equal((short as { code?: string }).code, 'QUERY_TIMEOUT');
    assert.equal((big as { ok?: boolean }).ok, true);
    assert.equal((other as { ok?: boolean }).ok, true);
    assert.equal(lane.groupsCommitted, 0);
    assert.deepEqual(rows(tmp.file, 'SELECT v, count(*) AS n FROM t GROUP BY v ORDER BY v'), [
      { v: 0, n: 3000000 },
      { v: 1, n: 1 },
      { v: 3, n: 1 },
    ]);
  } finally {
    await lane.close();
    tmp.remove();
  }
});

test('writes acknowledged from a group survive kill -9 of the process right after the ack', async () => {
  const tmp = tempFile();
  const child = `
import { Lane } from ${JSON.stringify(new URL('./lane.ts', import.meta.url).href)};
const lane = new Lane({ spec: { db: 'g', file: ${JSON.stringify(tmp.file)}, busyTimeoutMs: 60000, reader: false }, max: 1, acquireTimeoutMs: 60000, group: true });
await lane.submit({ op: 'execute', sql: 'CREATE TABLE t (v INTEGER)', params: [] });
const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => lane.submit({ op: 'execute', sql: 'INSERT INTO t (v) VALUES (?)', params: [i] })));
console.log(JSON.stringify({ acked: replies.filter((r) => r.ok).length, groups: lane.groupsCommitted }));
setInterval(() => {}, 1000);
`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      proc.once('exit', (code) => reject(new Error(`child exited (${code}) before acking: ${out}`)));
    });
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    const { acked, groups } = JSON.parse(line) as { acked: number; groups: number };
    assert.equal(acked, 20);
    assert.ok(groups >= 1, 'the inserts were grouped');
    assert.deepEqual(rows(tmp.file, 'SELECT count(*) AS n FROM t'), [{ n: 20 }]);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    tmp.remove();
  }
});
