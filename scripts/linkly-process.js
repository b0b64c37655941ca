// Shared by `npm start` (start.js) and `npm run start:cluster` (start-cluster.js): run the `iii` CLI on a
// Linkly config, pass Ctrl-C on exactly once, and poll an API until it answers.
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

/**
 * `iii -c config.yaml` in `cwd`. NODE_PATH lets the CLI see that the workers' dependencies already resolve
 * from the repo's node_modules (they are npm workspaces), so it skips their `npm install`. Own process
 * group: a Ctrl-C in the terminal reaches only this script, which passes it on exactly once (`iii` reads
 * a second signal as "stop now, skip the clean shutdown").
 */
export function spawnIii(cwd, env = {}) {
  const nodePath = [join(root, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter);
  return spawn(process.execPath, [join(root, 'packages/cli/bin/iii.js'), '-c', 'config.yaml'], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...env, NODE_PATH: nodePath },
    detached: true,
  });
}

/** SIGINT/SIGTERM go to every child once; this process exits with the first failure's code. */
export function forwardSignals(children) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  for (const child of children)
    child.on('exit', (code, signal) => {
      process.exitCode ||= code ?? (signal ? 1 : 0);
    });
}

/** Poll `url` (not a sleep: stop as soon as it answers); false when the child exited or 2 minutes passed. */
export async function waitForApi(url, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
