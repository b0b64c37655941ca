/**
 * close() while a request is still in flight: the reply arrives first, then the thread exits. The process
 * must stay alive in between (nothing else may hold it open), or whoever awaits close() is left pending
 * when the process ends: a child process with nothing but the thread checks it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const client = new URL('./thread-client.ts', import.meta.url).href;
const source = new URL('./thread-source.ts', import.meta.url).href;

const child = `
import { SqliteThread } from ${JSON.stringify(client)};
import { loadThreadSource } from ${JSON.stringify(source)};
const thread = new SqliteThread({ db: 'm', file: ':memory:', busyTimeoutMs: 1000, reader: false }, await loadThreadSource(), () => {});
const slow = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c';
const reply = thread.run({ op: 'query', sql: slow, params: [] });
await thread.close();
console.log(JSON.stringify(await reply));
console.log('closed');
`;

test('close() with a request in flight keeps the process alive until the thread has exited', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { timeout: 120_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'closed');
  assert.deepEqual(JSON.parse(lines[0] ?? 'null')?.value?.rows, [{ n: 300000 }]);
});
