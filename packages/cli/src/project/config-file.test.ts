import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendEntry, readEntries, removeEntry } from './config-file.ts';

const TEMPLATE = `# iii engine configuration
# Docs: https://iii.dev/docs/how-to/configure-engine
workers:
  - name: iii-observability
    config:
      enabled: true

      exporter: memory

  - name: queue
    config:
      adapter:
        name: builtin
`;

test('append keeps every other byte and lands inside the workers list', () => {
  const out = appendEntry(TEMPLATE, { name: 'http' });
  assert.ok(out.startsWith(TEMPLATE.trimEnd()));
  assert.deepEqual(
    readEntries(out).map((e) => e.name),
    ['iii-observability', 'queue', 'http'],
  );
  const local = appendEntry(out, { name: 'link', worker_path: '/abs/my link' });
  const entries = readEntries(local);
  assert.deepEqual(entries.at(-1), { name: 'link', worker_path: '/abs/my link' });
});

test('append to `workers: []`, to a file without workers, and to a non-indented list', () => {
  assert.deepEqual(readEntries(appendEntry('# c\nworkers: []\n', { name: 'http' })), [{ name: 'http' }]);
  assert.deepEqual(readEntries(appendEntry('', { name: 'http' })), [{ name: 'http' }]);
  const flat = 'workers:\n- name: a\n  config: {x: 1}\nmodules: []\n';
  const out = appendEntry(flat, { name: 'b' });
  assert.equal(out, 'workers:\n- name: a\n  config: {x: 1}\n- name: b\nmodules: []\n');
});

test('remove drops the item and its continuation lines only', () => {
  const out = removeEntry(TEMPLATE, 'iii-observability');
  assert.equal(out, TEMPLATE.replace(/ {2}- name: iii-observability\n[\s\S]*?(?= {2}- name: queue)/, ''));
  assert.deepEqual(
    readEntries(out).map((e) => e.name),
    ['queue'],
  );
  const both = removeEntry(out, 'queue');
  assert.match(both, /^workers: \[\]$/m);
  assert.deepEqual(readEntries(both), []);
});

test('remove of an unknown name leaves the text unchanged', () => {
  assert.equal(removeEntry(TEMPLATE, 'nope'), TEMPLATE);
});

test('readEntries reports invalid files with coded errors', () => {
  assert.throws(() => readEntries('workers: [\n'), { code: 'E_CONFIG_PARSE' });
  assert.throws(() => readEntries('workers:\n  - config: {}\n'), { code: 'E_CONFIG_INVALID' });
});
