#!/usr/bin/env node
// `npm start`: runs the Linkly project (linkly/config.yaml) on the Triad engine through the `iii` CLI, with
// the embedded defaults (SQLite in linkly/data/, in-memory state and streams) and the link, analytics,
// click-streamer, bulk-importer and auth workers supervised as child processes, and the chapter 7 frontend
// (linkly/frontend, built with Vite and served here; `?view=dashboard` is its live dashboard). Prints where to
// look once the API answers.
// Ports: LINKLY_HTTP_PORT (3111), LINKLY_STREAM_PORT (3112), LINKLY_ENGINE_PORT (49134),
// LINKLY_BROWSER_PORT (3110, the RBAC listener tabs connect to), LINKLY_FRONTEND_PORT (5173, or the next free one).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { frontendFor } from './frontend.js';
import { forwardSignals, root, spawnIii, waitForApi } from './linkly-process.js';

// LINKLY_DIR runs another copy of the project (the tests use a temp copy).
const project = process.env.LINKLY_DIR ?? join(root, 'linkly');
const httpPort = process.env.LINKLY_HTTP_PORT ?? '3111';
const streamPort = process.env.LINKLY_STREAM_PORT ?? '3112';
const enginePort = process.env.LINKLY_ENGINE_PORT ?? '49134';
const browserPort = process.env.LINKLY_BROWSER_PORT ?? '3110';
const frontendPort = Number(process.env.LINKLY_FRONTEND_PORT ?? 5173);
const api = `http://127.0.0.1:${httpPort}`;

// SQLite creates the files but not their folder (the tutorial runs `mkdir -p data`).
mkdirSync(join(project, 'data'), { recursive: true });

const child = spawnIii(project);
forwardSignals([child]);

// The chapter 7 page (and its dashboard view), built for this run's listener port, served until `iii` exits.
const page = frontendFor(project, child, { browserPort, port: frontendPort });

/** Say where everything is once the API answers. */
async function announce() {
  if (await waitForApi(`${api}/links`, child)) return banner(await page);
  if (child.exitCode === null) console.error(`Linkly: ${api}/links is not answering yet; see the worker output above.`);
}

function banner(frontendUrl) {
  const lines = [
    '',
    '  Linkly is running',
    ...(frontendUrl
      ? [
          `    Frontend   ${frontendUrl}   (chapter 7: the page is a worker on ws://localhost:${browserPort})`,
          `    Dashboard  ${frontendUrl}/?view=dashboard   (click totals from SQL, live from the clicks stream)`,
        ]
      : []),
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
