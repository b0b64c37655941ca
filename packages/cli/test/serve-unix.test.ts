/**
 * `iii` connects the Node iii-sdk workers it starts through the TCP port, and through a Unix socket
 * (III_URL=ws+unix://…:/) with `--worker-transport unix`; `iii trigger` reaches the engine either way.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { iiiProcess, tempDir } from './run-cli.ts';
import { initProject, type ServeProcess, startServe } from './serve-process.ts';

const REPO_NODE_MODULES = new URL('../../../node_modules', import.meta.url).pathname;

/** A worker on the official SDK whose one function answers with the III_URL it was started with. */
function probeWorker(dir: string): void {
  const w = join(dir, 'probe');
  mkdirSync(w);
  writeFileSync(join(w, 'iii.worker.yaml'), 'name: probe\nscripts:\n  start: node worker.mjs\n');
  writeFileSync(
    join(w, 'package.json'),
    JSON.stringify({ name: 'probe', version: '0.1.0', type: 'module', dependencies: { 'iii-sdk': '0.22.1' } }),
  );
  writeFileSync(
    join(w, 'worker.mjs'),
    `import { registerWorker } from 'iii-sdk';
const iii = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', { workerName: process.env.III_WORKER_NAME });
iii.registerFunction('probe::url', async () => ({ url: process.env.III_URL }));
process.on('SIGTERM', () => iii.shutdown().then(() => process.exit(0)));
`,
  );
  symlinkSync(REPO_NODE_MODULES, join(w, 'node_modules'));
}

/** `iii trigger probe::url --url <url>` until the worker answers; its III_URL. */
async function probeUrl(dir: string, url: string): Promise<string> {
  return waitFor(
    async () => {
      const r = await iiiProcess(dir, ['trigger', 'probe::url', '--url', url, '--timeout-ms', '5000']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { url: string }).url : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `probe::url through ${url}` },
  );
}

async function stop(serve: ServeProcess): Promise<void> {
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0, serve.output());
}

test('local Node workers get the TCP port by default, the engine socket with --worker-transport unix', { timeout: 180_000 }, async () => {
  const root = tempDir('triad-cli-unix-');
  let serve: ServeProcess | undefined;
  try {
    const dir = await initProject(root, 'demo');
    probeWorker(dir);
    const added = await iiiProcess(dir, ['worker', 'add', './probe']);
    assert.equal(added.code, 0, added.stderr);

    // By default the worker gets the TCP port, and no socket is opened.
    serve = await startServe(dir);
    assert.doesNotMatch(serve.output(), /local workers/);
    assert.equal(await probeUrl(dir, serve.workerUrl), serve.workerUrl);
    await stop(serve);
    serve = undefined;

    // Asked for: the worker was given the socket and answers through it; `iii trigger` reaches the engine both ways.
    serve = await startServe(dir, ['--worker-transport', 'unix']);
    const unixUrl = /local workers {2}(ws\+unix:\/\/\S+)/.exec(serve.output())?.[1];
    assert.ok(unixUrl, `iii printed its local-worker socket:\n${serve.output()}`);
    const socket = /^ws\+unix:\/\/(\/[^:]+):\/$/.exec(unixUrl)?.[1] as string;
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(await probeUrl(dir, serve.workerUrl), unixUrl);
    assert.equal(await probeUrl(dir, unixUrl), unixUrl);
    await stop(serve);
    serve = undefined;
    assert.equal(existsSync(socket), false, 'the socket file is removed when iii stops');

    const bad = await iiiProcess(dir, ['--worker-transport', 'udp']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /E_CLI_BAD_ARGS.*--worker-transport must be unix or tcp/);
  } finally {
    if (serve) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
});
