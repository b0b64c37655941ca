import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Manifest } from '../../project/manifest.ts';
import { installReason, writeMarker } from './install.ts';

const manifest: Manifest = { name: 'w', scripts: { install: 'npm install', start: 'npm start' }, env: {}, warnings: [] };

function fakePackage(root: string, name: string): void {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, 'package.json'), '{}');
}

test('install is needed until dependencies resolve up the tree, via NODE_PATH, or a marker exists', () => {
  const top = mkdtempSync(join(tmpdir(), 'triad-cli-inst-'));
  const dir = join(top, 'proj', 'w');
  try {
    mkdirSync(dir, { recursive: true });
    assert.equal(installReason(dir, manifest, {}), 'first start');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'iii-sdk': '0.22.1', '@iii-dev/helpers': '0.22.1' } }));
    assert.equal(installReason(dir, manifest, {}), 'missing iii-sdk, @iii-dev/helpers');
    fakePackage(join(top, 'node_modules'), 'iii-sdk');
    assert.equal(installReason(dir, manifest, {}), 'missing @iii-dev/helpers');
    fakePackage(join(top, 'extra'), '@iii-dev/helpers');
    assert.equal(installReason(dir, manifest, { NODE_PATH: join(top, 'extra') }), undefined);
    assert.equal(installReason(dir, { ...manifest, scripts: { start: 'x' } }, {}), undefined);
    writeMarker(dir);
    assert.equal(installReason(dir, manifest, {}), undefined);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
