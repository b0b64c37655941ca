import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { createLogger } from '../../util/logger.ts';
import { FsAdapter } from './adapters/fs.ts';
import { ConfigStore, type ConfigurationEvent, type ConfigurationRejection } from './store.ts';

const log = createLogger('test', { level: 'silent' });
const httpSchema = z.strictObject({ port: z.int().min(0).max(65535).default(3111), default_timeout: z.int().min(1).default(30000) });

async function withStore(fn: (store: ConfigStore, dir: string, adapter: FsAdapter) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-confstore-'));
  const adapter = new FsAdapter(join(dir, 'config'), log, 20);
  const store = new ConfigStore(adapter, log);
  try {
    store.load();
    await fn(store, dir, adapter);
  } finally {
    adapter.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EngineError);
    return `${err.code}: ${err.message}`;
  }
  assert.fail('expected an error');
}

/** Write like an editor does (temp + rename) so the watcher never sees a half-written file. */
function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Resolve with the next value `subscribe` delivers (the timer also keeps the event loop alive). */
function next<T>(subscribe: (fn: (v: T) => void) => () => void, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = subscribe((v) => {
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

describe('configuration store (fs adapter)', () => {
  it('writes <id>.yaml with sorted keys and no schema, and keeps the value on re-register', () =>
    withStore((store, dir) => {
      store.useTypedSchema('http', httpSchema);
      const schema = toJsonSchema(httpSchema);
      store.register({ id: 'http', name: 'HTTP', description: 'd', schema, initial_value: { port: 3111, default_timeout: 5 } });
      const text = readFileSync(join(dir, 'config', 'http.yaml'), 'utf8');
      assert.equal(text, 'description: d\nid: http\nname: HTTP\nvalue:\n  default_timeout: 5\n  port: 3111\n');
      const again = store.register({ id: 'http', name: 'HTTP', description: 'd2', schema });
      assert.deepEqual(again.value, { port: 3111, default_timeout: 5 });
    }));

  it('validates with the typed schema and lists every problem', () =>
    withStore((store) => {
      store.useTypedSchema('http', httpSchema);
      store.register({ id: 'http', name: 'HTTP', description: '', schema: toJsonSchema(httpSchema), initial_value: {} });
      const msg = code(() => store.set('http', { port: 70000, default_timeout: 0, nope: 1 }));
      assert.match(msg, /^SCHEMA_INVALID/);
      assert.match(msg, /config\/http\.yaml: value\.port: must be <= 65535, got 70000/);
      assert.match(msg, /value\.default_timeout: must be >= 1, got 0/);
      assert.match(msg, /value\.nope: unknown key/);
    }));

  it('validates with the JSON Schema when no typed schema is attached', () =>
    withStore((store) => {
      const schema = { type: 'object', properties: { n: { type: 'integer', maximum: 3 } }, required: ['n'], additionalProperties: false };
      assert.match(
        code(() => store.register({ id: 'ext', name: 'E', description: '', schema, initial_value: { n: 9, x: 1 } })),
        /value\.n: must be <= 3.*\n.*value\.x: unknown key/s,
      );
    }));

  it('expands ${VAR} on get unless raw, with coercion to the schema type', () =>
    withStore((store) => {
      store.useTypedSchema('http', httpSchema);
      process.env.TRIAD_TEST_PORT_X = '4555';
      try {
        store.register({
          id: 'http',
          name: 'HTTP',
          description: '',
          schema: toJsonSchema(httpSchema),
          initial_value: { port: '${TRIAD_TEST_PORT_X:1}' },
        });
        assert.deepEqual(store.get('http'), { id: 'http', value: { port: 4555 } });
        assert.deepEqual(store.get('http', true), { id: 'http', value: { port: '${TRIAD_TEST_PORT_X:1}' } });
      } finally {
        delete process.env.TRIAD_TEST_PORT_X;
      }
    }));

  it('reports the reference error codes', () =>
    withStore((store, dir) => {
      assert.match(
        code(() => store.set('nope', {})),
        /^NOT_REGISTERED/,
      );
      assert.match(
        code(() => store.get('nope')),
        /^NOT_FOUND/,
      );
      assert.match(
        code(() => store.register({ id: 'Bad Id', name: '', description: '', schema: {} })),
        /^INVALID_ID/,
      );
      writeFileSync(join(dir, 'config', 'old.yaml'), 'id: old\nvalue: { a: 1 }\n');
      const fresh = new ConfigStore(new FsAdapter(join(dir, 'config'), log, 20), log);
      fresh.load();
      assert.deepEqual(fresh.get('old').value, { a: 1 });
      assert.match(
        code(() => fresh.set('old', { a: 2 })),
        /^SCHEMA_UNAVAILABLE/,
      );
    }));

  it('applies external edits, refuses bad ones with every problem, and ignores its own writes', () =>
    withStore(async (store, dir, adapter) => {
      store.useTypedSchema('http', httpSchema);
      store.register({ id: 'http', name: 'HTTP', description: '', schema: toJsonSchema(httpSchema), initial_value: { port: 1 } });
      const seen: ConfigurationEvent[] = [];
      store.onEvent((e) => seen.push(e));
      adapter.watch((changes) => store.applyFileChanges(changes));
      const file = join(dir, 'config', 'http.yaml');

      const updated = next<ConfigurationEvent>((fn) => store.onEvent(fn));
      writeAtomic(file, 'id: http\nname: HTTP\nvalue:\n  port: 2\n');
      const ev = await updated;
      assert.equal(ev.event_type, 'configuration:updated');
      assert.equal(ev.source, 'file');
      assert.deepEqual(ev.new_value, { port: 2 });

      const rejected = next<ConfigurationRejection>((fn) => store.onRejected(fn));
      writeAtomic(file, 'id: http\nvalue:\n  port: 99999\n  default_timeout: -1\n');
      const r = await rejected;
      assert.deepEqual(r.problems, [
        'config/http.yaml: value.port: must be <= 65535, got 99999',
        'config/http.yaml: value.default_timeout: must be >= 1, got -1',
      ]);
      assert.deepEqual(store.get('http').value, { port: 2 });

      const yamlError = next<ConfigurationRejection>((fn) => store.onRejected(fn));
      writeAtomic(file, 'value: [\n');
      assert.match((await yamlError).problems[0] ?? '', /^config\/http\.yaml: /);

      // Our own write must not come back as a file event: the set event is the last one seen.
      const count = seen.length;
      store.set('http', { port: 3 });
      const deleted = next<ConfigurationEvent>((fn) => store.onEvent(fn));
      rmSync(file);
      assert.equal((await deleted).event_type, 'configuration:deleted');
      assert.deepEqual(
        seen.slice(count).map((e) => `${e.source}:${e.event_type}`),
        ['set:configuration:updated', 'file:configuration:deleted'],
      );
    }));
});
