/**
 * `iii trigger` against the real engine (in-process, port 0) and real iii-sdk workers: output
 * format, payload shapes as the function receives them, coded errors, timeouts, function help.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { iii, tempDir } from './run-cli.ts';

describe('iii trigger against a running engine', () => {
  let engine: TestEngine;
  const ns = uniqueName('cli');
  const cwd = tempDir();
  const run = (...args: string[]) => iii(cwd, ['trigger', ...args, '--url', engine.workerUrl]);
  let worker: ReturnType<typeof connectWorker>;

  before(async () => {
    engine = await startTestEngine();
    worker = connectWorker(engine, ns);
    // The engine adds `_caller_worker_id` to object payloads; echo what the CLI sent.
    const sent = (data: unknown): unknown => {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
      const { _caller_worker_id: _, ...rest } = data as Record<string, unknown>;
      return rest;
    };
    worker.registerFunction(`${ns}::echo`, async (data: unknown) => ({ got: sent(data), z: 1, a: { y: 2, b: 3 } }), {
      description: 'Echo the payload',
      request_format: { type: 'object', properties: { msg: { type: 'string', description: 'what to echo' } }, required: ['msg'] },
    });
    worker.registerFunction(`${ns}::nothing`, async () => null);
    worker.registerFunction(`${ns}::hang`, () => new Promise(() => {}));
    worker.registerFunction(`${ns}::boom`, async () => {
      throw new Error('kaboom');
    });
    for (const f of ['echo', 'nothing', 'hang', 'boom']) await waitForFunction(engine, `${ns}::${f}`);
  });
  after(async () => {
    await worker.shutdown();
    await engine.stop();
  });

  it('prints the result as pretty JSON with keys sorted at every level', async () => {
    const r = await run(`${ns}::echo`, 'msg=hi', 'limit=100', 'nested.deep=true', 'code=123');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `${JSON.stringify({ a: { b: 3, y: 2 }, got: { code: 123, limit: 100, msg: 'hi', nested: { deep: true } }, z: 1 }, null, 2)}\n`,
    );
  });

  it('--json sends any JSON value verbatim; kv pairs override its keys', async () => {
    const arr = await run(`${ns}::echo`, '--json', '[1,"two"]');
    assert.deepEqual(JSON.parse(arr.stdout).got, [1, 'two']);
    const merged = await run(`${ns}::echo`, '--json', '{"msg":"a","keep":1}', 'msg=b');
    assert.deepEqual(JSON.parse(merged.stdout).got, { keep: 1, msg: 'b' });
    const none = await run(`${ns}::echo`);
    assert.deepEqual(JSON.parse(none.stdout).got, {});
  });

  it('prints nothing for a null result', async () => {
    const r = await run(`${ns}::nothing`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('unknown function → E_CLI_UNKNOWN_FUNCTION; a handler error keeps its wire code', async () => {
    const missing = await run(`${ns}::missing`);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`^error\\[E_CLI_UNKNOWN_FUNCTION\\]: .*${ns}::missing`));
    assert.equal(missing.stdout, '');
    const boom = await run(`${ns}::boom`);
    assert.equal(boom.code, 1);
    assert.match(boom.stderr, /^error\[invocation_failed\]: .*kaboom/);
  });

  it('--timeout-ms bounds the wait: E_CLI_TIMEOUT', async () => {
    const started = Date.now();
    const r = await run(`${ns}::hang`, '--timeout-ms', '300');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error\\[E_CLI_TIMEOUT\\]: no response from ${ns}::hang within 300 ms`));
    assert.ok(Date.now() - started < 10_000);
  });

  it('--help on a function renders its description and request schema', async () => {
    const r = await run(`${ns}::echo`, '--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^iii trigger ${ns}::echo\\n\\nEcho the payload\\n`));
    assert.match(r.stdout, /^msg +string +yes +what to echo$/m);
  });

  it('--address/--port reach the same engine', async () => {
    const { hostname, port } = new URL(engine.workerUrl);
    const r = await iii(cwd, ['t', `${ns}::nothing`, '--address', hostname, '--port', port]);
    assert.equal(r.code, 0, r.stderr);
  });
});
