#!/usr/bin/env node
// `npm start`: runs the Linkly project (linkly/config.yaml) on the Triad engine through the `iii` CLI, with
// the embedded defaults (SQLite in linkly/data/, in-memory state and streams) and the link, analytics,
// click-streamer and bulk-importer workers supervised as child processes. Prints where to look once the API answers.
// Ports: LINKLY_HTTP_PORT (3111), LINKLY_STREAM_PORT (3112), LINKLY_ENGINE_PORT (49134).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// LINKLY_DIR runs another copy of the project (the tests use a temp copy).
const project = process.env.LINKLY_DIR ?? join(root, 'linkly');
const httpPort = process.env.LINKLY_HTTP_PORT ?? '3111';
const streamPort = process.env.LINKLY_STREAM_PORT ?? '3112';
const enginePort = process.env.LINKLY_ENGINE_PORT ?? '49134';
const api = `http://127.0.0.1:${httpPort}`;

// SQLite creates the files but not their folder (the tutorial runs `mkdir -p data`).
mkdirSync(join(project, 'data'), { recursive: true });

// NODE_PATH lets the CLI see that the workers' dependencies already resolve from the repo's node_modules
// (they are npm workspaces), so it skips their `npm install`.
const nodePath = [join(root, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter);
// Own process group: a Ctrl-C in the terminal reaches only this script, which passes it on exactly once
// (`iii` reads a second signal as "stop now, skip the clean shutdown").
const child = spawn(process.execPath, [join(root, 'packages/cli/bin/iii.js'), '-c', 'config.yaml'], {
  cwd: project,
  stdio: 'inherit',
  env: { ...process.env, NODE_PATH: nodePath },
  detached: true,
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});

/** Poll the API (not a sleep: stop as soon as it answers) and then say where everything is. */
async function announce() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${api}/links`);
      if (res.ok) return banner();
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (child.exitCode === null) console.error(`Linkly: ${api}/links is not answering yet; see the worker output above.`);
}

function banner() {
  const lines = [
    '',
    '  Linkly is running',
    `    Dashboard  ${api}/dashboard`,
    `    API        ${api}   (POST /links, GET /s/:code, PUT /links/:code, GET /links)`,
    `    Stream     ws://127.0.0.1:${streamPort}   (join clicks/all)`,
    `    Engine     ws://127.0.0.1:${enginePort}   (iii trigger --port ${enginePort} …)`,
    '',
    `  Try: curl -s -X POST ${api}/links -H 'Content-Type: application/json' -d '{"url":"https://iii.dev","code":"iii"}'`,
    `       curl -si ${api}/s/iii`,
    '',
  ];
  console.log(lines.join('\n'));
}

announce();
