/**
 * `bin/iii.js` runs the CLI and engine as a cached esbuild bundle (bin/bundle.js): reused while the sources
 * are unchanged, rebuilt after an edit (removing caches of checkouts that are gone), and TRIAD_NO_BUNDLE=1 still
 * runs the sources through tsx.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { iiiProcess, tempDir } from './run-cli.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'triad-iii', createHash('sha1').update(ROOT).digest('hex').slice(0, 12));

function manifest(): { build: string; inputs: Record<string, string> } {
  return JSON.parse(readFileSync(join(CACHE, 'manifest.json'), 'utf8'));
}

test('iii runs from a cached bundle, rebuilt when a source changes; TRIAD_NO_BUNDLE=1 runs the sources', async () => {
  const cwd = tempDir();
  const first = await iiiProcess(cwd, ['--version']);
  assert.equal(first.code, 0, first.stderr);
  const built = manifest();
  assert.ok(existsSync(join(CACHE, built.build, 'main.js')), 'the manifest points at a build on disk');
  const version = fileURLToPath(new URL('../src/version.ts', import.meta.url));
  assert.ok(version in built.inputs, 'the CLI sources are inputs of the build');
  assert.ok(
    Object.keys(built.inputs).some((f) => f.includes('packages/engine/src/')),
    'the engine is bundled too',
  );

  const again = await iiiProcess(cwd, ['--version']);
  assert.equal(again.stdout, first.stdout);
  assert.equal(manifest().build, built.build, 'unchanged sources: the build is reused');

  // A cache left by a checkout that no longer exists (a bench's temporary second checkout) goes at the next build.
  const orphan = join(CACHE, '..', `orphan-${process.pid}-${Date.now()}`);
  mkdirSync(orphan, { recursive: true });
  writeFileSync(join(orphan, 'manifest.json'), JSON.stringify({ root: join(tempDir(), 'removed-checkout') }));

  // An edit (here: a newer mtime on an input) is picked up by the next start.
  const st = statSync(version);
  utimesSync(version, st.atime, new Date(st.mtimeMs + 1000));
  const edited = await iiiProcess(cwd, ['--version']);
  assert.equal(edited.stdout, first.stdout);
  assert.notEqual(manifest().build, built.build, 'a changed input: rebuilt');
  assert.equal(existsSync(orphan), false, "the removed checkout's cache is gone");

  const viaTsx = await iiiProcess(cwd, ['--version'], { TRIAD_NO_BUNDLE: '1' });
  assert.equal(viaTsx.code, 0, viaTsx.stderr);
  assert.equal(viaTsx.stdout, first.stdout);
});
