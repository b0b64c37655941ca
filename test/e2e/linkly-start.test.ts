/**
 * `npm start` (scripts/start.js) on a temp copy of linkly/: it prints where to look once the API answers,
 * the tutorial's curl works against it, and one SIGTERM stops `iii` and every worker process group.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { waitFor } from '../helpers/wait.ts';
import { createLink, follow, npmStartEnv, REPO } from './linkly-harness.ts';

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

it('npm start: prints the URLs, serves Linkly, and stops every worker on SIGTERM', async () => {
  const { dir, ports, env } = await npmStartEnv();
  const child = spawn(process.execPath, [join(REPO, 'scripts/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => out.includes('Linkly is running'), {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: `the banner; output so far:\n${out}`,
    });
    const api = `http://127.0.0.1:${ports.http}`;
    assert.ok(out.includes(`Frontend   http://localhost:${ports.frontend}`), out);
    assert.ok(out.includes(`Dashboard  http://localhost:${ports.frontend}/?view=dashboard`), out);
    assert.ok(!out.includes(`${api}/dashboard`), 'the link worker serves no page of its own');
    assert.ok(out.includes(`Stream     ws://127.0.0.1:${ports.stream}`), out);
    assert.ok(!/running install/.test(out), 'worker dependencies resolve from the repo: no npm install');
    assert.equal((await createLink({ api }, { url: 'https://iii.dev', code: 'iii' })).status, 201);
    assert.deepEqual(await follow({ api }, 'iii'), { status: 302, location: 'https://iii.dev' });

    const pidDir = join(dir, '.iii', 'pids');
    const groups = readdirSync(pidDir).map((f) => Number(readFileSync(join(pidDir, f), 'utf8').trim()));
    assert.equal(groups.length, 5, `one pid file per worker in ${pidDir}`);
    assert.ok(groups.every(groupAlive));

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    // `iii` waits for each group leader; the leader's children (tsx watch → node) go a moment later.
    await waitFor(() => !groups.some(groupAlive), { timeoutMs: 15_000, what: `worker process groups ${groups.join(', ')} to exit` });
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    // start.js runs `iii` in its own process group, so killing start.js alone would orphan it (and its
    // workers) when an assertion above fails: take the group down from the pid `iii` records.
    killIiiGroup(dir);
  }
});

function killIiiGroup(dir: string): void {
  const runtime = join(dir, '.iii', 'engine.json');
  if (!existsSync(runtime)) return;
  const { pid } = JSON.parse(readFileSync(runtime, 'utf8')) as { pid?: number };
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
