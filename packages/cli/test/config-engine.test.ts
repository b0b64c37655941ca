/**
 * `iii config list|get|set` as a user runs it (the spawned CLI) against a real engine on port 0:
 * an entry registered by a real iii-sdk worker, pairs and --json, schema refusals (coded, naming the
 * key, nothing written), unknown ids, and the live change seen by the worker's `configuration` trigger.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { deferred } from '../../../test/helpers/wait.ts';
import { iii, iiiProcess, tempDir } from './run-cli.ts';

const schema = {
  type: 'object',
  properties: { url: { type: 'string' }, pool: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } } } },
  required: ['url'],
  additionalProperties: false,
};

describe('iii config against a running engine', () => {
  let engine: TestEngine;
  let worker: ReturnType<typeof connectWorker>;
  const id = uniqueName('cfg');
  const cwd = tempDir();
  const run = (...args: string[]) => iiiProcess(cwd, ['config', ...args, '--url', engine.workerUrl]);
  const file = () => readFileSync(join(engine.projectDir, 'config', `${id}.yaml`), 'utf8');

  before(async () => {
    engine = await startTestEngine({ logLevel: 'silent' });
    worker = connectWorker(engine);
    await worker.trigger({
      function_id: 'configuration::register',
      payload: {
        id,
        name: 'Database',
        description: 'db config',
        schema,
        initial_value: { url: 'sqlite:${TRIAD_UNSET_X:./x.db}', pool: { max: 4 } },
      },
    });
  });
  after(async () => {
    await worker.shutdown();
    await engine.stop();
  });

  it('list shows the entry; get prints the value (expanded, --raw, one key)', async () => {
    const listed = await run('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID +NAME +DESCRIPTION$/m);
    assert.match(listed.stdout, new RegExp(`^${id} +Database +db config$`, 'm'));
    const got = await run('get', id);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), { pool: { max: 4 }, url: 'sqlite:./x.db' });
    assert.deepEqual(JSON.parse((await run('get', id, '--raw')).stdout).url, 'sqlite:${TRIAD_UNSET_X:./x.db}');
    assert.equal((await run('get', id, 'pool.max')).stdout, '4\n');
    const noKey = await run('get', id, 'pool.min');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /^error\[E_CLI_BAD_ARGS\]: configuration `.*` has no key `pool\.min`/);
  });

  it('set key=value edits those keys only, is applied live (the worker sees it) and written', async () => {
    const seen = deferred<unknown>();
    const fn = `${uniqueName('cfgwatch')}::on_change`;
    worker.registerFunction(fn, async (data: unknown) => {
      seen.resolve(data);
      return null;
    });
    const trigger = worker.registerTrigger({ type: 'configuration', function_id: fn, config: { configuration_id: id } });
    try {
      const r = await run('set', id, 'pool.max=8');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { pool: { max: 8 }, url: 'sqlite:${TRIAD_UNSET_X:./x.db}' });
      assert.match(r.stderr, /updated \(applied live\)/);
      assert.match(JSON.stringify(await seen.promise), /"max":8/);
      assert.match(file(), /max: 8/);
    } finally {
      trigger.unregister();
    }
  });

  it('set --json replaces the whole value', async () => {
    const r = await run('set', id, '--json', '{"url":"pg://db"}');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse((await run('get', id)).stdout), { url: 'pg://db' });
  });

  it('an invalid value is refused with E_CONFIG_INVALID naming the key, and nothing is written', async () => {
    const before = file();
    const r = await run('set', id, 'pool.max=0');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error\[E_CONFIG_INVALID\]: .*max/);
    assert.match(r.stderr, /hint: see the schema/);
    const extra = await run('set', id, 'colour=red');
    assert.match(extra.stderr, /^error\[E_CONFIG_INVALID\]: .*colour/);
    assert.equal(file(), before);
    assert.deepEqual(JSON.parse((await run('get', id)).stdout), { url: 'pg://db' });
  });

  it('unknown ids and bad arguments are coded errors', async () => {
    for (const args of [
      ['get', 'no-such-cfg'],
      ['set', 'no-such-cfg', 'a=1'],
    ]) {
      const r = await run(...args);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error\[E_CLI_UNKNOWN_CONFIG\]: no configuration entry `no-such-cfg`/);
      assert.match(r.stderr, /hint: run `iii config list`/);
    }
    // Argument errors need no engine: checked in-process.
    const local = (...args: string[]) => iii(cwd, ['config', ...args]);
    assert.match((await local('set', id)).stderr, /^error\[E_CLI_BAD_ARGS\]: nothing to set/);
    assert.match((await local('get')).stderr, /^error\[E_CLI_BAD_ARGS\]: missing ID/);
    assert.match((await local('list', 'x')).stderr, /^error\[E_CLI_BAD_ARGS\]: unexpected argument/);
  });
});
