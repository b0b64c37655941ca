import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifest } from './manifest.ts';

test('the scaffolded manifest parses', () => {
  const m = parseManifest(
    'name: link\nruntime:\n  base_image: docker.io/iiidev/node:latest\nscripts:\n  install: npm install\n  start: npm run start\n',
  );
  assert.deepEqual(m, { name: 'link', scripts: { install: 'npm install', start: 'npm run start' }, env: {}, warnings: [] });
});

test('env is stringified, engine-owned keys are dropped with a warning', () => {
  const m = parseManifest('name: w\nenv:\n  A: 1\n  III_URL: x\n');
  assert.deepEqual(m.env, { A: '1' });
  assert.match(m.warnings.join('\n'), /III_URL/);
});

test('unknown keys, bad names and bad env keys fail with E_CLI_MANIFEST_INVALID', () => {
  assert.throws(() => parseManifest('name: w\nstart: x\n'), { code: 'E_CLI_MANIFEST_INVALID', message: /start: unknown key/ });
  assert.throws(() => parseManifest('name: .hidden\n'), { code: 'E_CLI_MANIFEST_INVALID' });
  assert.throws(() => parseManifest('name: a/b\n'), { code: 'E_CLI_MANIFEST_INVALID' });
  assert.throws(() => parseManifest('scripts: {start: x}\n'), { code: 'E_CLI_MANIFEST_INVALID', message: /name: is required/ });
  assert.throws(() => parseManifest('name: w\nenv:\n  "A-B": x\n'), { code: 'E_CLI_MANIFEST_INVALID' });
});

test('deprecated keys warn', () => {
  assert.match(parseManifest('name: w\nlanguage: ts\n').warnings.join(), /language/);
});
