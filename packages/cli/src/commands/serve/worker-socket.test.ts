import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { localSocketPath, workerTransport } from './worker-socket.ts';

test('worker transport: the flag, else $III_WORKER_TRANSPORT, else tcp; anything else is a coded error', () => {
  assert.equal(workerTransport(undefined, {}), 'tcp');
  assert.equal(workerTransport(undefined, { III_WORKER_TRANSPORT: 'unix' }), 'unix');
  assert.equal(workerTransport(undefined, { III_WORKER_TRANSPORT: 'tcp' }), 'tcp');
  assert.equal(workerTransport('unix', { III_WORKER_TRANSPORT: 'tcp' }), 'unix');
  assert.equal(workerTransport('tcp', { III_WORKER_TRANSPORT: 'unix' }), 'tcp');
  assert.throws(() => workerTransport('udp', {}), { code: 'E_CLI_BAD_ARGS', message: /--worker-transport must be unix or tcp/ });
  assert.throws(() => workerTransport(undefined, { III_WORKER_TRANSPORT: 'TCP' }), { message: /III_WORKER_TRANSPORT must be/ });
});

test('socket path: one per project in a private folder; a shared or too deep folder means TCP, with the reason', () => {
  const runtime = mkdtempSync(join(tmpdir(), 'triad-xdg-'));
  try {
    const env = { XDG_RUNTIME_DIR: runtime };
    const a = localSocketPath('/projects/a/config.yaml', env);
    const b = localSocketPath('/projects/b/config.yaml', env);
    assert.ok('path' in a && 'path' in b);
    assert.match(a.path, new RegExp(`^${runtime}/iii/[0-9a-f]{16}\\.sock$`));
    assert.notEqual(a.path, b.path);
    assert.deepEqual(localSocketPath('/projects/a/config.yaml', env), a, 'the same file on every run');
    assert.equal(statSync(join(runtime, 'iii')).mode & 0o777, 0o700);

    chmodSync(join(runtime, 'iii'), 0o755);
    const open = localSocketPath('/projects/a/config.yaml', env);
    assert.ok('reason' in open && /open to other users \(mode 755\)/.test(open.reason));

    const deep = join(runtime, 'd'.repeat(100));
    mkdirSync(deep);
    const long = localSocketPath('/projects/a/config.yaml', { XDG_RUNTIME_DIR: deep });
    assert.ok('reason' in long && /longer than the \d+ a Unix socket address holds/.test(long.reason));
  } finally {
    rmSync(runtime, { recursive: true, force: true });
  }
});
