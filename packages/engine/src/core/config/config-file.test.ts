import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import type { EngineModule } from '../../modules/module.ts';
import { EngineError } from '../errors/index.ts';
import { DEFAULT_CONFIG_YAML, loadConfigFile, parseConfigText } from './config-file.ts';

/** Small stand-ins shaped like the real built-ins (the loader only reads name, aliases and configSchema). */
function mod(name: string, aliases: string[], schema: EngineModule['configSchema']): EngineModule {
  return { name, aliases, configSchema: schema, create: () => ({}) };
}
const modules: EngineModule[] = [
  mod('http', ['iii-http'], z.strictObject({ port: z.int().min(0).max(65535).default(3111), host: z.string().default('0.0.0.0') })),
  mod(
    'state',
    ['iii-state'],
    z.strictObject({ adapter: z.strictObject({ name: z.enum(['kv', 'redis']).default('kv') }).default({ name: 'kv' }) }),
  ),
  mod('iii-worker-manager', [], z.strictObject({ port: z.int().default(49134), host: z.string().default('0.0.0.0') })),
];

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfigText(text, { modules, env, file: 'config.yaml' });
}

function expectError(fn: () => unknown, code: string, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(err.code, code, err.message);
    message = err.message;
    return true;
  });
  for (const p of patterns) assert.match(message, p);
  return message;
}

describe('config.yaml loader', () => {
  it('creates the default file when config.yaml is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triad-cfg-'));
    try {
      const r = loadConfigFile(join(dir, 'config.yaml'), { modules, env: {} });
      assert.equal(r.created, true);
      assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), DEFAULT_CONFIG_YAML);
      assert.deepEqual(r.engineEntries, []);
      assert.match(r.warnings[0] ?? '', /created/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('interpolates before parsing, and returns engine entries and local workers in order', () => {
    const r = parse(
      'workers:\n  - name: http\n    config:\n      port: ${HTTP_PORT:3111}\n  - name: link\n    worker_path: /abs/link\n    config: { a: 1 }\n  - name: state\nmodules:\n  - name: w\n    image: ghcr.io/o/w:1\n',
      { HTTP_PORT: '4000' },
    );
    assert.deepEqual(r.engineEntries, [{ name: 'http', config: { port: 4000 } }, { name: 'state' }]);
    assert.deepEqual(r.localWorkers, [
      { name: 'link', worker_path: '/abs/link', config: { a: 1 } },
      { name: 'w', image: 'ghcr.io/o/w:1' },
    ]);
    assert.deepEqual(r.warnings, []);
  });

  it('accepts deprecated iii-* aliases with a warning and resolves them to the new name', () => {
    const r = parse('workers:\n  - name: iii-http\n');
    assert.deepEqual(r.engineEntries, [{ name: 'http' }]);
    assert.match(r.warnings.join('\n'), /workers\[0\] \(iii-http\): 'iii-http' is deprecated, use 'http' \(line 2\)/);
  });

  it('refuses an alias listed together with its new name', () => {
    expectError(
      () => parse('workers:\n  - name: iii-http\n  - name: http\n'),
      'E_CONFIG_INVALID',
      /Duplicate worker configurations: 'iii-http' and 'http'/,
    );
  });

  it('numbers repeated entries name#1, name#2 (several worker-manager listeners)', () => {
    const r = parse(
      'workers:\n  - name: iii-worker-manager\n  - name: iii-worker-manager\n    config: { port: 3110 }\n  - name: iii-worker-manager\n',
    );
    assert.deepEqual(
      r.engineEntries.map((e) => e.name),
      ['iii-worker-manager', 'iii-worker-manager#1', 'iii-worker-manager#2'],
    );
    assert.deepEqual(r.engineEntries[1]?.config, { port: 3110 });
  });

  it('an unknown worker is an error that lists the known names', () => {
    expectError(
      () => parse('workers:\n  - name: htp\n'),
      'E_CONFIG_UNKNOWN_WORKER',
      /workers\[0\] \(htp\): unknown worker 'htp' \(known built-ins: http, iii-worker-manager, state;/,
      /\(line 2\)/,
    );
  });

  it('reports every problem at once, with file, key and line', () => {
    const text = [
      'workers:',
      '  - name: iii-worker-manager',
      '  - name: state',
      '    config:',
      '      adapter: { name: mongo }',
      '  - name: http',
      '    config:',
      '      port: 70000',
      '      hots: x',
      '    extra: 1',
      'other: 1',
      '',
    ].join('\n');
    const msg = expectError(() => parse(text), 'E_CONFIG_INVALID');
    assert.match(msg, /config\.yaml: workers\[2\] \(http\)\.config\.port: must be <= 65535, got 70000 \(line 8\)/);
    assert.match(msg, /config\.yaml: workers\[2\] \(http\)\.config\.hots: unknown key \(allowed: port, host\) \(line 9\)/);
    assert.match(msg, /workers\[2\] \(http\)\.extra: unknown key/);
    assert.match(msg, /workers\[1\] \(state\)\.config\.adapter\.name: must be one of kv, redis, got "mongo" \(line 5\)/);
    assert.match(msg, /config\.yaml: other: unknown top-level key/);
    assert.equal(msg.split('\n').length, 5);
  });

  it('rejects a bare null workers list, images on built-ins and YAML syntax errors', () => {
    expectError(() => parse('workers:\n'), 'E_CONFIG_INVALID', /workers: must be a list \(a bare null is rejected/);
    expectError(
      () => parse('workers:\n  - name: http\n    image: x\n'),
      'E_CONFIG_INVALID',
      /\.image: not allowed on the built-in worker 'http'/,
    );
    expectError(() => parse('workers:\n  - name: http\n   bad: [\n'), 'E_CONFIG_PARSE', /^config\.yaml:\d+:\d+: /);
  });

  it('locates config blocks for the line-based strip', () => {
    const r = parse(
      'workers:\n  - name: http\n    config:\n      port: 1\n      # note\n      host: x\n\n  - name: state\n    config: { adapter: { name: kv } }\n',
    );
    assert.deepEqual(r.entries[0]?.configBlock, { keyLine: 3, keyCol: 5, endLine: 6 });
    assert.deepEqual(r.entries[1]?.configBlock, { keyLine: 9, keyCol: 5, endLine: 9 });
  });
});
