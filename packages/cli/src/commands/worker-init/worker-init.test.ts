import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { iii, tempDir } from '../../../test/run-cli.ts';
import { parseManifest } from '../../project/manifest.ts';

test('worker init --language typescript scaffolds a worker that uses iii-sdk@0.22.1', async () => {
  const cwd = tempDir();
  try {
    const r = await iii(cwd, ['worker', 'init', 'link', '--language', 'typescript']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ iii worker 'link' \(ts\) scaffolded at .*\n {2}id: [0-9a-f-]{36}\n[\s\S]*iii worker add \.\/link/);
    const dir = join(cwd, 'link');
    const m = parseManifest(readFileSync(join(dir, 'iii.worker.yaml'), 'utf8'));
    assert.deepEqual(m.scripts, { install: 'npm install', start: 'npm run start' });
    assert.equal(m.name, 'link');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies['iii-sdk'], '0.22.1');
    assert.equal(pkg.scripts.start, 'tsx watch src/index.ts');
    const src = readFileSync(join(dir, 'src', 'index.ts'), 'utf8');
    assert.match(src, /registerWorker\(process\.env\.III_URL/);
    assert.match(src, /'link::hey'/);
    assert.ok(existsSync(join(dir, 'tsconfig.json')));
    assert.match(readFileSync(join(dir, '.iii', 'worker.ini'), 'utf8'), /^language=ts$/m);
    // Re-init keeps edited files.
    writeFileSync(join(dir, 'src', 'index.ts'), '// mine\n');
    assert.equal((await iii(cwd, ['worker', 'init', 'link', '-l', 'ts'])).code, 0);
    assert.equal(readFileSync(join(dir, 'src', 'index.ts'), 'utf8'), '// mine\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('worker init --language js writes plain JavaScript; a missing or unknown language is a coded error', async () => {
  const cwd = tempDir();
  try {
    assert.equal((await iii(cwd, ['worker', 'init', 'w', '-l', 'js'])).code, 0);
    assert.ok(existsSync(join(cwd, 'w', 'src', 'index.js')));
    assert.equal(existsSync(join(cwd, 'w', 'tsconfig.json')), false);
    const none = await iii(cwd, ['worker', 'init', 'x']);
    assert.match(none.stderr, /^error\[E_CLI_BAD_ARGS\]: no language selected/);
    const bad = await iii(cwd, ['worker', 'init', 'x', '--language', 'cobol']);
    assert.match(bad.stderr, /^error\[E_CLI_BAD_ARGS\]: unsupported language `cobol`/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('worker init --language python|rust scaffolds the manifest (install/start scripts), the package file and the entry point', async () => {
  const cwd = tempDir();
  try {
    const py = await iii(cwd, ['worker', 'init', 'analytics', '--language', 'python']);
    assert.equal(py.code, 0, py.stderr);
    assert.match(py.stderr, /✓ iii worker 'analytics' \(py\) scaffolded at /);
    const pyDir = join(cwd, 'analytics');
    const pm = parseManifest(readFileSync(join(pyDir, 'iii.worker.yaml'), 'utf8'));
    assert.deepEqual(pm.scripts, {
      install: 'python3 -m venv .venv && .venv/bin/pip install -e .',
      start: ".venv/bin/watchfiles '.venv/bin/python src/main.py' src",
    });
    const pyproject = readFileSync(join(pyDir, 'pyproject.toml'), 'utf8');
    assert.match(pyproject, /^name = "analytics"$/m);
    assert.match(pyproject, /^dependencies = \["iii-sdk>=0\.22\.1", "iii-helpers", "watchfiles"\]$/m);
    assert.match(readFileSync(join(pyDir, 'src', 'main.py'), 'utf8'), /register_function\("analytics::hello", hello\)/);
    assert.match(readFileSync(join(pyDir, '.iii', 'worker.ini'), 'utf8'), /^language=py$/m);

    assert.equal((await iii(cwd, ['worker', 'init', 'fast', '-l', 'rs'])).code, 0);
    const rsDir = join(cwd, 'fast');
    assert.deepEqual(parseManifest(readFileSync(join(rsDir, 'iii.worker.yaml'), 'utf8')).scripts, {
      install: 'cargo build --release',
      start: 'cargo run --release',
    });
    assert.match(readFileSync(join(rsDir, 'Cargo.toml'), 'utf8'), /^\[package\]\nname = "fast"\nversion = "0\.1\.0"/m);
    assert.match(readFileSync(join(rsDir, 'src', 'main.rs'), 'utf8'), /register_function\("fast::hello"/);
    assert.match(readFileSync(join(rsDir, '.iii', 'worker.ini'), 'utf8'), /^language=rs$/m);
    assert.equal(existsSync(join(rsDir, 'package.json')), false);

    // Both add like any local worker; iii.lock takes their versions from pyproject.toml / Cargo.toml.
    assert.equal((await iii(cwd, ['project', 'init', '-d', '.', '--allow-non-empty'])).code, 0);
    const add = await iii(cwd, ['worker', 'add', './analytics', './fast']);
    assert.equal(add.code, 0, add.stderr);
    const lock = readFileSync(join(cwd, 'iii.lock'), 'utf8');
    assert.match(lock, /analytics:\n {4}dependencies: \{\}\n {4}type: local\n {4}version: 0\.1\.0\n {4}worker_path: \.\/analytics/);
    assert.match(lock, /fast:\n {4}dependencies: \{\}\n {4}type: local\n {4}version: 0\.1\.0\n {4}worker_path: \.\/fast/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
