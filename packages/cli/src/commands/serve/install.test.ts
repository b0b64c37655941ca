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

test('a marker holds the fingerprint of the install inputs: editing iii.worker.yaml or package.json means install again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triad-cli-inst-'));
  try {
    writeFileSync(join(dir, 'iii.worker.yaml'), 'name: w\n');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'left-pad': '1.0.0' } }));
    writeMarker(dir);
    assert.equal(installReason(dir, manifest, {}), undefined);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'left-pad': '1.3.0' } }));
    assert.equal(installReason(dir, manifest, {}), 'iii.worker.yaml or package.json changed since the last install');
    writeMarker(dir);
    assert.equal(installReason(dir, manifest, {}), undefined);
    writeFileSync(join(dir, 'iii.worker.yaml'), 'name: w\nenv: {A: "1"}\n');
    assert.match(installReason(dir, manifest, {}) ?? '', /changed since the last install$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
