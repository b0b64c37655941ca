/**
 * `database::row-changed` end to end (workers.md §3.2): real engine, real iii-sdk workers binding the trigger,
 * on SQLite, PostgreSQL and MariaDB; on PostgreSQL also writes made by another client (the NOTIFY feed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningEngine } from '@triad/engine';
import type { IIIClient } from 'iii-sdk';
import pg from 'pg';
import { PG_URL } from '../../conformance/sql-services.ts';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../state/trigger-ready.ts';
import { e2eDialects } from './dialects.ts';

const TYPE = 'database::row-changed';
const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Guard for waits on events: generous, so a loaded machine slows the test down instead of failing it. */
const PATIENCE = { timeoutMs: 60_000 };

interface RowEvent {
  db: string;
  table: string;
  op: string;
  affected_rows: number;
  returning?: Record<string, unknown>[];
  at: string;
  source: string;
}

/** Register `fn` on the worker, collecting every event it is called with. */
function collector(w: IIIClient, fn: string): RowEvent[] {
  const got: RowEvent[] = [];
  w.registerFunction(fn, async (e: RowEvent) => {
    got.push(e);
    return null;
  });
  return got;
}

async function bind(engine: RunningEngine, w: IIIClient, fn: string, config: Record<string, unknown>): Promise<void> {
  w.registerTrigger({ type: TYPE, function_id: fn, config });
  await waitForTrigger(engine, fn, TYPE);
}

/** Events without their timestamp (checked separately), for deepEqual. */
function timeless(events: RowEvent[], from: number, to: number): Omit<RowEvent, 'at'>[] {
  return events.map(({ at, ...rest }) => {
    assert.match(at, RFC3339_MS);
    assert.ok(Date.parse(at) >= from - 1000 && Date.parse(at) <= to + 1000, `${at} within the test`);
    return rest;
  });
}

const dialects = await e2eDialects();

for (const d of dialects) {
  test(`${d.name}: row-changed fires after commit for execute and transaction writes, per table and ops; never for a rollback`, {
    skip: d.skip,
  }, async () => {
    const engine = await startTestEngine({ workers: [{ name: 'database', config: { databases: { primary: { url: d.url } } } }] });
    const w = connectWorker(engine);
    const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
    const table = uniqueName('rc').replace('-', '_');
    const other = `${table}_other`;
    const all = uniqueName('rc-all');
    const some = uniqueName('rc-ins-del');
    const gotAll = collector(w, all);
    const gotSome = collector(w, some);
    try {
      for (const t of [table, other]) {
        await call('database::execute', { sql: `CREATE TABLE ${t} (id ${d.idDdl}, code ${d.keyDdl} NOT NULL UNIQUE, n INT)` });
      }
      await bind(engine, w, all, { db: 'primary', table });
      // db defaults to the sole database; table names match case-insensitively; only two ops.
      await bind(engine, w, some, { table: table.toUpperCase(), ops: ['insert', 'delete'] });
      const from = Date.now();
      const exec = (sql: string, extra: Record<string, unknown> = {}) => call('database::execute', { sql, ...extra });

      await exec(`INSERT INTO ${table} (code, n) VALUES (?, ?)`, { params: ['a', 1], returning: ['code'] });
      await exec(`UPDATE ${table} SET n = 2 WHERE code = ?`, { params: ['a'] });
      await exec(`UPDATE ${table} SET n = 3 WHERE code = ?`, { params: ['nobody'] }); // changes nothing: no event
      await exec(`INSERT INTO ${other} (code) VALUES ('x')`); // another table
      await call('database::query', { sql: `SELECT * FROM ${table}` });
      const failed = (await call('database::transaction', {
        statements: [
          { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['b'] },
          { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['a'] }, // duplicate: rolled back
        ],
      })) as { committed: boolean };
      assert.equal(failed.committed, false);
      const ok = (await call('database::transaction', {
        statements: [
          { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['c'] },
          { sql: `SELECT code FROM ${table}` },
          { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['d'] },
          { sql: `DELETE FROM ${table} WHERE code IN (?, ?)`, params: ['c', 'd'] },
        ],
      })) as { committed: boolean };
      assert.equal(ok.committed, true);
      await exec(`INSERT INTO ${table} (code) VALUES (?)`, { params: ['last'], returning: ['code'] });
      // Events go out in commit order on one socket: once the last write's is here, every earlier one is.
      await waitFor(() => gotAll.some((e) => e.returning?.[0]?.code === 'last'), { ...PATIENCE, what: 'the last insert announced' });
      await waitFor(() => gotSome.some((e) => e.returning?.[0]?.code === 'last'), {
        ...PATIENCE,
        what: 'the last insert announced (ins/del)',
      });
      const to = Date.now();

      const ev = (op: string, affected_rows: number, returning?: unknown[], name = table) => ({
        db: 'primary',
        table: name,
        op,
        affected_rows,
        ...(returning ? { returning } : {}),
        source: 'engine',
      });
      assert.deepEqual(timeless(gotAll, from, to), [
        ev('insert', 1, [{ code: 'a' }]),
        ev('update', 1),
        ev('insert', 1),
        ev('insert', 1),
        ev('delete', 2),
        ev('insert', 1, [{ code: 'last' }]),
      ]);
      const upper = table.toUpperCase();
      assert.deepEqual(timeless(gotSome, from, to), [
        ev('insert', 1, [{ code: 'a' }], upper),
        ev('insert', 1, undefined, upper),
        ev('insert', 1, undefined, upper),
        ev('delete', 2, undefined, upper),
        ev('insert', 1, [{ code: 'last' }], upper),
      ]);
    } finally {
      for (const t of [table, other]) await call('database::execute', { sql: `DROP TABLE IF EXISTS ${t}` }).catch(() => {});
      await w.shutdown();
      await engine.stop();
    }
  });
}

test('row-changed: bad config is refused at registration with a coded error; the engine keeps serving', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database' }] });
  const w = connectWorker(engine);
  const fn = uniqueName('rc-bad');
  try {
    collector(w, fn);
    await waitFor(() => engine.api.hasFunction(fn), { ...PATIENCE, what: fn });
    const refused = async (config: unknown, code: string, detail: RegExp) =>
      assert.rejects(
        engine.api.invoke('engine::register_trigger', { trigger_type: TYPE, function_id: fn, config }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'trigger_registration_failed');
          const tagged = JSON.parse(err.message) as { code: string };
          assert.equal(tagged.code, code, err.message);
          assert.match(err.message, detail);
          return true;
        },
      );
    await refused({ db: 'nope', table: 't' }, 'UNKNOWN_DB', /unknown database \\"nope\\"; available: primary/);
    await refused({ table: 't', ops: ['upsert'] }, 'CONFIG_ERROR', /ops\.0.*insert.*update.*delete/);
    await refused({ table: 't', ops: [] }, 'CONFIG_ERROR', /ops/);
    await refused({ db: 'primary' }, 'CONFIG_ERROR', /table/);
    await refused({ table: 't', op: 'insert' }, 'CONFIG_ERROR', /op/);
    const listed = (await engine.api.invoke('engine::registered-triggers::list', { function_id: fn, trigger_type: TYPE })) as {
      registered_triggers: unknown[];
    };
    assert.deepEqual(listed.registered_triggers, [], 'nothing refused went live');
    const q = (await w.trigger({ function_id: 'database::query', payload: { sql: 'SELECT 1 AS one' } })) as { rows: unknown[] };
    assert.deepEqual(q.rows, [{ one: 1 }]);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

const pgDialect = dialects.find((x) => x.name === 'postgres');

/** Number of our NOTIFY triggers on a table (3 once installed). */
async function installedTriggers(raw: pg.Client, table: string): Promise<number> {
  const r = await raw.query(
    "SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname LIKE 'triad_row_changed_%'",
    [table],
  );
  return (r.rows[0] as { n: number }).n;
}

test('postgres: writes by another client arrive as source "external", our own exactly once, rollbacks never', {
  skip: pgDialect?.skip ?? 'no postgres',
}, async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database', config: { databases: { pg: { url: PG_URL } } } }] });
  const w = connectWorker(engine);
  const raw = new pg.Client({ connectionString: PG_URL, application_name: 'psql-like' });
  await raw.connect();
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  const table = uniqueName('rcx').replace('-', '_');
  const later = `${table}_later`;
  const fn = uniqueName('rc-ext');
  const got = collector(w, fn);
  try {
    await call('database::execute', { db: 'pg', sql: `CREATE TABLE ${table} (id BIGSERIAL PRIMARY KEY, code TEXT)` });
    await bind(engine, w, fn, { db: 'pg', table });
    await bind(engine, w, fn, { db: 'pg', table: later }); // does not exist yet: installed once it does
    await waitFor(async () => (await installedTriggers(raw, table)) === 3, { ...PATIENCE, what: 'NOTIFY triggers installed' });
    const from = Date.now();

    await call('database::execute', { db: 'pg', sql: `INSERT INTO ${table} (code) VALUES ($1)`, params: ['ours'], returning: ['code'] });
    await raw.query(`INSERT INTO ${table} (code) VALUES ('theirs-1'), ('theirs-2')`);
    await raw.query('BEGIN');
    await raw.query(`INSERT INTO ${table} (code) VALUES ('rolled-back')`);
    await raw.query('ROLLBACK');
    await raw.query(`UPDATE ${table} SET code = 'x' WHERE code = 'nobody'`); // no row: no event
    await raw.query(`UPDATE ${table} SET code = upper(code) WHERE code LIKE 'theirs%'`);
    await raw.query(`DELETE FROM ${table}`);
    // NOTIFY is delivered in commit order: when the delete arrives, the echo of our own insert was seen (and dropped).
    await waitFor(() => got.some((e) => e.op === 'delete'), { ...PATIENCE, what: 'the external delete' });
    const ext = (op: string, affected_rows: number) => ({ db: 'pg', table, op, affected_rows, source: 'external' });
    assert.deepEqual(timeless(got, from, Date.now()), [
      { db: 'pg', table, op: 'insert', affected_rows: 1, returning: [{ code: 'ours' }], source: 'engine' },
      ext('insert', 2),
      ext('update', 2),
      ext('delete', 3),
    ]);

    // A table created after the binding: the feed keeps trying and picks it up.
    await raw.query(`CREATE TABLE ${later} (code TEXT)`);
    await waitFor(async () => (await installedTriggers(raw, later)) === 3, { ...PATIENCE, what: 'triggers on the later table' });
    await raw.query(`INSERT INTO ${later} VALUES ('late')`);
    await waitFor(() => got.some((e) => e.table === later), { ...PATIENCE, what: 'the later table event' });

    // The listening session dies: the feed reconnects, LISTENs again and goes on (writes in between are lost).
    const feeds = () =>
      raw.query("SELECT pid, query FROM pg_stat_activity WHERE application_name = 'triad-row-changes' AND datname = current_database()");
    const before = new Set((await feeds()).rows.map((r: { pid: number }) => r.pid));
    await raw.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'triad-row-changes'");
    await waitFor(async () => (await feeds()).rows.some((r: { pid: number; query: string }) => !before.has(r.pid) && r.query !== ''), {
      what: 'the feed session back and listening',
    });
    await raw.query(`INSERT INTO ${table} (code) VALUES ('after-reconnect')`);
    await waitFor(() => got.some((e) => e.table === table && e.op === 'insert' && e.source === 'external' && e.affected_rows === 1), {
      what: 'an external write after the reconnect',
    });
  } finally {
    await raw.query(`DROP TABLE IF EXISTS ${table}, ${later}`).catch(() => {});
    await raw.end();
    await w.shutdown();
    await engine.stop();
  }
});

test('postgres: external_changes: false announces our writes only and installs nothing', {
  skip: pgDialect?.skip ?? 'no postgres',
}, async () => {
  const engine = await startTestEngine({
    workers: [{ name: 'database', config: { databases: { pg: { url: PG_URL, external_changes: false } } } }],
  });
  const w = connectWorker(engine);
  const raw = new pg.Client({ connectionString: PG_URL });
  await raw.connect();
  const table = uniqueName('rcn').replace('-', '_');
  const fn = uniqueName('rc-own');
  const got = collector(w, fn);
  try {
    await raw.query(`CREATE TABLE ${table} (code TEXT)`);
    await bind(engine, w, fn, { db: 'pg', table });
    await raw.query(`INSERT INTO ${table} VALUES ('theirs')`);
    await w.trigger({ function_id: 'database::execute', payload: { db: 'pg', sql: `INSERT INTO ${table} VALUES ('ours')` } });
    await waitFor(() => got.length > 0, { ...PATIENCE, what: 'our insert' });
    assert.deepEqual(
      got.map((e) => e.source),
      ['engine'],
    );
    assert.equal(await installedTriggers(raw, table), 0);
  } finally {
    await raw.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await raw.end();
    await w.shutdown();
    await engine.stop();
  }
});

test('postgres: a database.yaml reload rebuilds the feed: external_changes off closes the LISTEN session, on reopens it', {
  skip: pgDialect?.skip ?? 'no postgres',
}, async () => {
  const config = (external: boolean) => ({ databases: { pg: { url: PG_URL, external_changes: external } } });
  const engine = await startTestEngine({ workers: [{ name: 'database', config: config(true) }] });
  const w = connectWorker(engine);
  const raw = new pg.Client({ connectionString: PG_URL });
  await raw.connect();
  const table = uniqueName('rcr').replace('-', '_');
  const fn = uniqueName('rc-reload');
  const got = collector(w, fn);
  // Feed sessions that have run a statement (LISTEN comes first): only this engine's while this test runs (tests
  // in a file run one at a time, and no other suite binds row-changed triggers).
  const listening = async () => {
    const r = await raw.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'triad-row-changes' AND datname = current_database() AND query <> ''",
    );
    return (r.rows[0] as { n: number }).n;
  };
  try {
    await raw.query(`CREATE TABLE ${table} (code TEXT)`);
    await bind(engine, w, fn, { db: 'pg', table });
    await waitFor(async () => (await installedTriggers(raw, table)) === 3 && (await listening()) === 1, {
      ...PATIENCE,
      what: 'the feed up',
    });
    await engine.reconfigure('database', config(false));
    await waitFor(async () => (await listening()) === 0, { ...PATIENCE, what: 'the feed closed' });
    await raw.query(`INSERT INTO ${table} VALUES ('unseen')`);
    await engine.reconfigure('database', config(true));
    await waitFor(async () => (await listening()) === 1, { ...PATIENCE, what: 'the feed back' });
    await raw.query(`INSERT INTO ${table} VALUES ('seen')`);
    await waitFor(() => got.length > 0, { ...PATIENCE, what: 'the write after the reload' });
    assert.deepEqual(
      got.map((e) => [e.source, e.op, e.affected_rows]),
      [['external', 'insert', 1]],
      'the write made while the feed was off is not replayed (at-most-once)',
    );
  } finally {
    await raw.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await raw.end();
    await w.shutdown();
    await engine.stop();
  }
});

for (const d of dialects) {
  test(`${d.name}: interactive transactions announce at commit (never before, never on rollback); prepared and query-sent writes announce`, {
    skip: d.skip,
  }, async () => {
    const engine = await startTestEngine({ workers: [{ name: 'database', config: { databases: { primary: { url: d.url } } } }] });
    const w = connectWorker(engine);
    const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload }) as Promise<Record<string, unknown>>;
    const table = uniqueName('rch').replace('-', '_');
    // Markers go to their own table: on MariaDB the open transaction's DELETE gap-locks the watched one.
    const markers = `${table}_m`;
    const fn = uniqueName('rc-handles');
    const got = collector(w, fn);
    const mark = async (code: string) => {
      await call('database::execute', { sql: `INSERT INTO ${markers} (code) VALUES (?)`, params: [code], returning: ['code'] });
      await waitFor(() => got.some((e) => e.returning?.[0]?.code === code), { ...PATIENCE, what: `marker ${code}` });
    };
    try {
      for (const t of [table, markers]) {
        await call('database::execute', { sql: `CREATE TABLE ${t} (id ${d.idDdl}, code ${d.keyDdl} NOT NULL)` });
        await bind(engine, w, fn, { table: t });
      }
      const begin = async () => ((await call('database::beginTransaction', {})) as { transaction: { id: string } }).transaction.id;

      const tx = await begin();
      await call('database::transactionExecute', { transaction_id: tx, sql: `INSERT INTO ${table} (code) VALUES ('t1'), ('t2')` });
      await call('database::transactionExecute', { transaction_id: tx, sql: `DELETE FROM ${table} WHERE code = 't1'` });
      // A write sent as a query inside the transaction is held for the commit too.
      await call('database::transactionQuery', { transaction_id: tx, sql: `INSERT INTO ${table} (code) VALUES ('tq')` });
      // Had the transaction's writes been announced already, they would have arrived before this marker's.
      if (d.name !== 'sqlite') await mark('before-commit'); // SQLite: the open transaction holds the only writer
      assert.deepEqual(
        got.map((e) => e.table),
        d.name === 'sqlite' ? [] : [markers],
        'nothing from the open transaction',
      );
      assert.deepEqual(await call('database::commitTransaction', { transaction_id: tx }), { committed: true });
      await mark('after-commit');

      const rolled = await begin();
      await call('database::transactionExecute', { transaction_id: rolled, sql: `INSERT INTO ${table} (code) VALUES ('never')` });
      await call('database::rollbackTransaction', { transaction_id: rolled });

      const prepared = (await call('database::prepareStatement', { sql: `UPDATE ${table} SET code = ? WHERE code = ?` })) as {
        handle: { id: string };
      };
      assert.deepEqual(await call('database::runStatement', { handle_id: prepared.handle.id, params: ['t3', 't2'] }), {
        columns: [],
        row_count: 0,
        rows: [],
      });
      // Writes sent through database::query (autocommit), with and without RETURNING.
      const q1 = await call('database::query', { sql: `DELETE FROM ${table} WHERE code = ?`, params: ['tq'] });
      assert.deepEqual(q1, { columns: [], row_count: 0, rows: [] });
      const q2 = await call('database::query', { sql: `INSERT INTO ${table} (code) VALUES ('q2') RETURNING code` });
      assert.deepEqual(q2.rows, [{ code: 'q2' }]);
      await mark('last');
      const events = got.map((e) => [e.table === markers ? 'mark' : e.op, e.affected_rows, e.returning?.[0]?.code ?? null]);
      const expected = [
        ...(d.name === 'sqlite' ? [] : [['mark', 1, 'before-commit']]),
        ['insert', 2, null],
        ['delete', 1, null],
        ['insert', 1, null],
        ['mark', 1, 'after-commit'],
        ['update', 1, null],
        ['delete', 1, null],
        ['insert', 1, 'q2'],
        ['mark', 1, 'last'],
      ];
      assert.deepEqual(events, expected);
    } finally {
      for (const t of [table, markers]) await call('database::execute', { sql: `DROP TABLE IF EXISTS ${t}` }).catch(() => {});
      await w.shutdown();
      await engine.stop();
    }
  });
}
