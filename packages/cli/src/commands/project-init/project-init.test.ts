import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { iii, tempDir } from '../../../test/run-cli.ts';

test('project init NAME writes the bare template and a stable project id', async () => {
  const cwd = tempDir();
  try {
    const r = await iii(cwd, ['project', 'init', 'linkly']);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(cwd, 'linkly');
    assert.match(r.stderr, /✓ iii project 'linkly' initialized at /);
    assert.match(r.stderr, /cd linkly/);
    const config = parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as { workers: { name: string }[] };
    assert.deepEqual(
      config.workers.map((w) => w.name),
      ['iii-observability', 'queue'],
    );
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^node_modules\/$/m);
    const ini = readFileSync(join(dir, '.iii', 'project.ini'), 'utf8');
    assert.match(ini, /^name=linkly$/m);
    const id = /^project_id=(.+)$/m.exec(ini)?.[1];
    assert.ok(id);
    // Re-init keeps the id and user edits.
    writeFileSync(join(dir, 'config.yaml'), 'workers: []\n');
    assert.equal((await iii(cwd, ['project', 'init', 'linkly'])).code, 0);
    assert.match(readFileSync(join(dir, '.iii', 'project.ini'), 'utf8'), new RegExp(`project_id=${id}`));
    assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'workers: []\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('project init refuses a non-empty folder unless --allow-non-empty; dotfiles are fine', async () => {
  const cwd = tempDir();
  try {
    mkdirSync(join(cwd, '.git'));
    assert.equal((await iii(cwd, ['project', 'init', '-d', '.'])).code, 0);
    const other = join(cwd, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'x');
    const r = await iii(cwd, ['project', 'init', 'other']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error\[E_CLI_DIR_NOT_EMPTY\]: .*other is not empty\n {2}hint: /);
    assert.equal((await iii(cwd, ['project', 'init', 'other', '--allow-non-empty'])).code, 0);
    assert.ok(existsSync(join(other, 'config.yaml')));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
