/**
 * `database` in a real project (linkly.md ch. 3-4): seeded config/database.yaml, then Linkly's runtime
 * edit adding `analytics` hot-applies without a restart; a bad edit is refused and the pools stay.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ConfigErrorEvent, startProject } from '@triad/engine';
import { parse as parseYaml } from 'yaml';
import { connectWorker } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { onceEvent, waitFor } from '../../helpers/wait.ts';

const CONFIG = 'workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n  - name: database\n';

/** Write like an editor (temp + rename) so the watcher never sees half a file. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

test('project: seeded database.yaml; adding analytics at runtime hot-applies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triad-db-project-'));
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  const project = await startProject({ configPath: join(dir, 'config.yaml'), logLevel: 'silent', debounceMs: 20 });
  const w = connectWorker({ workerUrl: project.engine.addresses.worker as string });
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  const table = uniqueName('daily').replace('-', '_');
  try {
    const file = join(dir, 'config/database.yaml');
    const doc = parseYaml(readFileSync(file, 'utf8')) as { name: string; value: unknown };
    assert.equal(doc.name, 'Database');
    assert.deepEqual(doc.value, {
      databases: { primary: { pool: { acquire_timeout_ms: 5000, idle_timeout_ms: 30000, max: 10 }, url: 'sqlite:./data/iii.db' } },
    });
    assert.match(readFileSync(file, 'utf8'), /pool:[\s\S]*url:/, 'keys sorted as the reference writes them');
    await call('database::execute', { db: 'primary', sql: `CREATE TABLE ${table} (day TEXT PRIMARY KEY, count INTEGER)` });

    // Linkly ch. 4: add the analytics database by editing the file; no restart.
    save(file, `${readFileSync(file, 'utf8')}    analytics:\n      url: sqlite:./data/analytics.db\n`);
    // Wait on the outcome itself (not on a 'reconfigured' event, which an earlier write could also emit).
    await waitFor(async () => ((await call('database::listDatabases', {})) as { databases: unknown[] }).databases.length === 2, {
      what: 'analytics to be served',
    });
    await call('database::execute', { db: 'analytics', sql: `CREATE TABLE ${table} (day TEXT PRIMARY KEY, count INTEGER)` });
    await call('database::execute', { db: 'analytics', sql: `INSERT INTO ${table} VALUES (?, ?)`, params: ['2026-01-01', 1] });
    assert.deepEqual(await call('database::listDatabases', {}), {
      databases: [
        { name: 'primary', driver: 'sqlite', url: 'sqlite:./data/iii.db' },
        { name: 'analytics', driver: 'sqlite', url: 'sqlite:./data/analytics.db' },
      ],
    });

    // An unsupported scheme is refused with a message naming the supported ones; both pools keep working.
    const refused = onceEvent<ConfigErrorEvent>(project, 'config-error');
    save(file, readFileSync(file, 'utf8').replace('sqlite:./data/analytics.db', 'oracle://db/analytics'));
    assert.match((await refused).message, /sqlite:, postgres:\/\/, postgresql:\/\//);
    assert.equal(
      ((await call('database::query', { db: 'analytics', sql: `SELECT * FROM ${table}` })) as { row_count: number }).row_count,
      1,
    );
    assert.equal(((await call('database::query', { db: 'primary', sql: `SELECT * FROM ${table}` })) as { row_count: number }).row_count, 0);
  } finally {
    await w.shutdown();
    await project.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
