#!/usr/bin/env node
// `npm start`: runs the Linkly project (linkly/config.yaml) on the Triad engine through the `iii` CLI, with
// the embedded defaults (SQLite in linkly/data/, in-memory state and streams) and the link, analytics,
// click-streamer and bulk-importer workers supervised as child processes. Prints where to look once the API answers.
// Ports: LINKLY_HTTP_PORT (3111), LINKLY_STREAM_PORT (3112), LINKLY_ENGINE_PORT (49134).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { forwardSignals, root, spawnIii, waitForApi } from './linkly-process.js';

// LINKLY_DIR runs another copy of the project (the tests use a temp copy).
const project = process.env.LINKLY_DIR ?? join(root, 'linkly');
const httpPort = process.env.LINKLY_HTTP_PORT ?? '3111';
const streamPort = process.env.LINKLY_STREAM_PORT ?? '3112';
const enginePort = process.env.LINKLY_ENGINE_PORT ?? '49134';
const api = `http://127.0.0.1:${httpPort}`;

// SQLite creates the files but not their folder (the tutorial runs `mkdir -p data`).
mkdirSync(join(project, 'data'), { recursive: true });

const child = spawnIii(project);
forwardSignals([child]);

/** Say where everything is once the API answers. */
async function announce() {
  if (await waitForApi(`${api}/links`, child)) return banner();
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
