/** configuration::* and the `configuration` trigger type through a real engine and a real iii-sdk worker. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine } from '../../../../../test/helpers/engine.ts';
import { uniqueName } from '../../../../../test/helpers/names.ts';
import { deferred, waitFor } from '../../../../../test/helpers/wait.ts';

const schema = {
  type: 'object',
  properties: { url: { type: 'string' }, pool: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } } } },
  required: ['url'],
  additionalProperties: false,
};

type Rejection = { code?: string; message: string };
const rejectsWith = (code: string, pattern?: RegExp) => (e: Rejection) => {
  assert.equal(e.code, code, e.message);
  if (pattern) assert.match(e.message, pattern);
  return true;
};

describe('configuration worker through the iii-sdk', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine({ logLevel: 'silent' });
  });
  after(() => engine.stop());

  it('register / get / set / list / schema, with the reference error codes', async () => {
    const id = uniqueName('db');
    const w = connectWorker(engine);
    try {
      const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
      const registered = await call('configuration::register', {
        id,
        name: 'Database',
        description: 'db config',
        schema,
        initial_value: { url: 'sqlite:${TRIAD_TEST_UNSET_DB:./data/x.db}', pool: { max: 4 } },
      });
      assert.deepEqual(registered, {
        id,
        name: 'Database',
        description: 'db config',
        schema,
        value: { url: 'sqlite:${TRIAD_TEST_UNSET_DB:./data/x.db}', pool: { max: 4 } },
      });
      // the file: sorted keys, no schema
      assert.equal(
        readFileSync(join(engine.projectDir, 'config', `${id}.yaml`), 'utf8'),
        `description: db config\nid: ${id}\nname: Database\nvalue:\n  pool:\n    max: 4\n  url: sqlite:\${TRIAD_TEST_UNSET_DB:./data/x.db}\n`,
      );
      assert.deepEqual(await call('configuration::get', { id }), { id, value: { url: 'sqlite:./data/x.db', pool: { max: 4 } } });
      assert.deepEqual(await call('configuration::get', { id, raw: true }), {
        id,
        value: { url: 'sqlite:${TRIAD_TEST_UNSET_DB:./data/x.db}', pool: { max: 4 } },
      });
      assert.deepEqual(await call('configuration::set', { id, value: { url: 'pg' } }), {
        old_value: { url: 'sqlite:${TRIAD_TEST_UNSET_DB:./data/x.db}', pool: { max: 4 } },
        new_value: { url: 'pg' },
      });
      const list = (await call('configuration::list', {})) as { configurations: Array<{ id: string; value?: unknown }> };
      const mine = list.configurations.find((c) => c.id === id);
      assert.deepEqual(mine, { id, name: 'Database', description: 'db config', schema });
      assert.deepEqual(await call('configuration::schema', { id }), { id, name: 'Database', description: 'db config', schema });

      await assert.rejects(call('configuration::set', { id, value: { pool: { max: 0 }, extra: true } }), (e: Rejection) => {
        rejectsWith('SCHEMA_INVALID')(e);
        assert.match(e.message, /value\.url: is required/);
        assert.match(e.message, /value\.pool\.max: must be >= 1, got 0/);
        assert.match(e.message, /value\.extra: unknown key/);
        return true;
      });
      await assert.rejects(call('configuration::set', { id: uniqueName('none'), value: {} }), rejectsWith('NOT_REGISTERED'));
      await assert.rejects(call('configuration::get', { id: uniqueName('none') }), rejectsWith('NOT_FOUND'));
      await assert.rejects(call('configuration::schema', { id: uniqueName('none') }), rejectsWith('NOT_FOUND'));
      await assert.rejects(call('configuration::register', { id: 'Not Valid', name: 'x', schema: {} }), rejectsWith('INVALID_ID'));
      await assert.rejects(
        call('configuration::get', { raw: 'yes' }),
        rejectsWith(
          'deserialization_error',
          /Failed to deserialize input for configuration::get: id is required; raw must be true or false/,
        ),
      );
    } finally {
      await w.shutdown();
    }
  });

  it('checks registered schemas with the full vocabulary: $ref, oneOf exclusivity, allOf, format', async () => {
    const id = uniqueName('vocab');
    const w = connectWorker(engine);
    try {
      const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
      const vocab = {
        $defs: { port: { type: 'integer', minimum: 0, maximum: 65535 } },
        allOf: [{ type: 'object', required: ['port'] }],
        type: 'object',
        properties: {
          port: { $ref: '#/$defs/port' },
          contact: { type: 'string', format: 'email' },
          limit: { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 0 }] },
        },
      };
      await call('configuration::register', { id, name: 'Vocab', schema: vocab, initial_value: { port: 80 } });
      await assert.rejects(call('configuration::set', { id, value: { port: 70000, contact: 'nobody', limit: 3 } }), (e: Rejection) => {
        rejectsWith('SCHEMA_INVALID')(e);
        assert.match(e.message, /value\.port: must be <= 65535, got 70000/);
        assert.match(e.message, /value\.contact: must be a valid email/);
        assert.match(e.message, /value\.limit: matches more than one of the allowed forms/);
        return true;
      });
      await assert.rejects(call('configuration::set', { id, value: {} }), rejectsWith('SCHEMA_INVALID', /value\.port: is required/));
      assert.deepEqual(await call('configuration::set', { id, value: { port: 8080, contact: 'ops@example.com', limit: -2 } }), {
        old_value: { port: 80 },
        new_value: { port: 8080, contact: 'ops@example.com', limit: -2 },
      });
    } finally {
      await w.shutdown();
    }
  });

  it('fires the configuration trigger on set (values expanded), honouring id, event types and conditions', async () => {
    const id = uniqueName('cfg');
    const ns = uniqueName('hook');
    const w = connectWorker(engine);
    const got = deferred<Record<string, unknown>>(10_000, 'configuration trigger');
    const seen: string[] = [];
    try {
      await w.trigger({
        function_id: 'configuration::register',
        payload: { id, name: 'C', description: '', schema: {}, initial_value: { n: 1 } },
      });
      w.registerFunction(`${ns}::on-change`, async (ev: Record<string, unknown>) => {
        seen.push(`${ev.event_type}:${JSON.stringify(ev.new_value)}`);
        if (String((ev.new_value as { n?: unknown } | null)?.n) === '3') got.resolve(ev);
        return null;
      });
      w.registerFunction(`${ns}::only-odd`, async (ev: { new_value: { n: number } }) => ev.new_value.n % 2 === 1);
      w.registerTrigger({
        type: 'configuration',
        function_id: `${ns}::on-change`,
        config: { configuration_id: id, event_types: ['configuration:updated'], condition_function_id: `${ns}::only-odd` },
      });
      await waitFor(
        async () => {
          const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: `${ns}::on-change` })) as {
            registered_triggers: unknown[];
          };
          return r.registered_triggers.length === 1;
        },
        { what: 'the configuration trigger' },
      );
      // another id and an even value must not reach the handler
      await w.trigger({
        function_id: 'configuration::register',
        payload: { id: `${id}-other`, name: 'O', schema: {}, initial_value: { n: 3 } },
      });
      await w.trigger({ function_id: 'configuration::set', payload: { id, value: { n: 2 } } });
      await w.trigger({ function_id: 'configuration::set', payload: { id, value: { n: '${TRIAD_TEST_UNSET_N:3}' } } });
      const ev = await got.promise;
      assert.deepEqual(ev, {
        type: 'configuration',
        event_type: 'configuration:updated',
        id,
        name: 'C',
        description: '',
        schema: {},
        old_value: { n: 2 },
        new_value: { n: '3' },
      });
      assert.deepEqual(seen, ['configuration:updated:{"n":"3"}']);
    } finally {
      await w.shutdown();
    }
  });

  it('expires an entry ttl_seconds after its last trigger goes away (ttl_seconds: 1)', async () => {
    const ttlEngine = await startTestEngine({ logLevel: 'silent', workers: [{ name: 'configuration', config: { ttl_seconds: 1 } }] });
    const id = uniqueName('ttl');
    const ns = uniqueName('ttlhook');
    const w = connectWorker(ttlEngine);
    try {
      await w.trigger({ function_id: 'configuration::register', payload: { id, name: 'T', schema: {}, initial_value: { a: 1 } } });
      w.registerFunction(`${ns}::h`, async () => null);
      w.registerTrigger({ type: 'configuration', function_id: `${ns}::h`, config: { configuration_id: id } });
      await waitFor(
        async () => {
          const r = (await ttlEngine.api.invoke('engine::registered-triggers::list', { function_id: `${ns}::h` })) as {
            registered_triggers: unknown[];
          };
          return r.registered_triggers.length === 1;
        },
        { what: 'the configuration trigger' },
      );
    } finally {
      await w.shutdown();
    }
    try {
      // the worker's binding is gone with its connection: the entry is deleted about a second later
      const file = join(ttlEngine.projectDir, 'config', `${id}.yaml`);
      await waitFor(() => !existsSync(file), { what: 'the expired entry file to go', timeoutMs: 15_000 });
      await assert.rejects(ttlEngine.api.invoke('configuration::get', { id }), (e: Rejection) => rejectsWith('NOT_FOUND')(e));
    } finally {
      await ttlEngine.stop();
    }
  });
});
