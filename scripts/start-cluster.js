#!/usr/bin/env node
// `npm run start:cluster`: Linkly on two engines (linkly/cluster/engine-a, engine-b) sharing PostgreSQL (the
// `primary` and `analytics` databases), Redis (state, iii-stream, pubsub, cron locks) and RabbitMQ (queue).
// Each engine supervises its own Linkly workers, as `npm start` does, and gets its own copy of the frontend
// (built for that engine's RBAC listener, so a dashboard of A is fed by A); docs/cluster.md explains the topology.
//
// Services (defaults): LINKLY_DATABASE_URL (postgres://postgres@127.0.0.1:5432/linkly; the database is created
// when missing), REDIS_URL (redis://127.0.0.1:6379), AMQP_URL (amqp://guest:guest@127.0.0.1:5672).
// Ports: LINKLY_{A,B}_{HTTP,STREAM,ENGINE,BROWSER,FRONTEND}_PORT (A: 3111/3112/49134/3110/5173,
// B: 3121/3122/49144/3120/5183).
// The worker ports bind 0.0.0.0 and require III_ENGINE_SECRET (one is generated when unset; docs/security.md).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { frontendFor } from './frontend.js';
import { forwardSignals, root, spawnIii, waitForApi } from './linkly-process.js';

const project = process.env.LINKLY_DIR ?? join(root, 'linkly');
const databaseUrl = process.env.LINKLY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/linkly';
const generated = !process.env.III_ENGINE_SECRET;
const secret = process.env.III_ENGINE_SECRET || randomBytes(24).toString('base64url');

const engines = [
  { name: 'A', dir: 'engine-a', http: 3111, stream: 3112, engine: 49134, browser: 3110, frontend: 5173 },
  { name: 'B', dir: 'engine-b', http: 3121, stream: 3122, engine: 49144, browser: 3120, frontend: 5183 },
].map((e) => {
  const port = (what) => process.env[`LINKLY_${e.name}_${what.toUpperCase()}_PORT`] ?? String(e[what]);
  return { ...e, http: port('http'), stream: port('stream'), engine: port('engine'), browser: port('browser'), frontend: port('frontend') };
});

await ensureDatabase(databaseUrl);

const children = engines.map((e) => {
  const cwd = join(project, 'cluster', e.dir);
  mkdirSync(join(cwd, 'data'), { recursive: true });
  return spawnIii(cwd, {
    LINKLY_DATABASE_URL: databaseUrl,
    LINKLY_HTTP_PORT: e.http,
    LINKLY_STREAM_PORT: e.stream,
    LINKLY_ENGINE_PORT: e.engine,
    LINKLY_BROWSER_PORT: e.browser,
    III_ENGINE_SECRET: secret,
  });
});
forwardSignals(children);

// One build at a time (two Vite builds at once only compete for the cores), each served until its engine exits.
const pages = (async () => {
  const urls = [];
  for (const [i, e] of engines.entries())
    urls.push(await frontendFor(project, children[i], { browserPort: e.browser, port: Number(e.frontend), outName: e.dir }));
  return urls;
})();

const up = await Promise.all(engines.map((e, i) => waitForApi(`http://127.0.0.1:${e.http}/links`, children[i])));
if (up.every(Boolean)) banner(await pages);
else if (children.some((c) => c.exitCode === null)) console.error('Linkly cluster: an engine is not answering yet; see the output above.');

/** PostgreSQL has no CREATE DATABASE IF NOT EXISTS: look first, in the server's `postgres` database. */
async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (err) {
    console.error(`Linkly cluster: PostgreSQL at ${target.host} is not usable (${err.message}); set LINKLY_DATABASE_URL.`);
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}

function banner(frontends) {
  const lines = ['', '  Linkly cluster is running (two engines, one PostgreSQL / Redis / RabbitMQ)'];
  for (const [i, e] of engines.entries()) {
    const dashboard = frontends[i] ? `   Dashboard ${frontends[i]}/?view=dashboard` : '';
    lines.push(
      `    Engine ${e.name}   API http://127.0.0.1:${e.http}${dashboard}   Stream ws://127.0.0.1:${e.stream}   Workers ws://127.0.0.1:${e.engine}`,
    );
  }
  const [a, b] = engines;
  lines.push(
    generated
      ? `    Worker ports need the secret (generated for this run): export III_ENGINE_SECRET=${secret}`
      : '    Worker ports need the secret: the III_ENGINE_SECRET you set (iii trigger reads it)',
    '',
    `  Try: curl -s -X POST http://127.0.0.1:${a.http}/links -H 'Content-Type: application/json' -d '{"url":"https://iii.dev","code":"iii"}'`,
    `       curl -si http://127.0.0.1:${b.http}/s/iii     # created on A, redirected by B`,
    '',
  );
  console.log(lines.join('\n'));
}
