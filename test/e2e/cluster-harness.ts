/**
 * The Linkly cluster (linkly/cluster/, `npm run start:cluster`) for end-to-end tests: engines A and B as
 * `iii` child processes on a temp copy of linkly/, each supervising its own workers, sharing PostgreSQL,
 * Redis and RabbitMQ. Everything shared is unique to the run: a fresh PostgreSQL database, a Redis key
 * prefix (state, stream, pubsub, cron locks) and the clicks queue's name, because other sessions use the
 * same services at the same time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allQueues } from '@triad/engine/internal';
import { connect as amqpConnect } from 'amqplib';
import pg from 'pg';
import { PG_URL, pgReachable } from '../conformance/sql-services.ts';
import { uniqueName } from '../helpers/names.ts';
import { AMQP_URL, deleteRedisKeys, rabbitmqSkip, redisSkip } from '../helpers/services.ts';
import { copyProject, type Linkly, type LinklyPorts, READY_FUNCTIONS, READY_TRIGGERS, startLinkly } from './linkly-harness.ts';

/** B runs the request handlers only (docs/cluster.md): no analytics or click-streamer triggers there. */
const B_READY = {
  triggers: READY_TRIGGERS.filter((t) => !t.startsWith('analytics::') && !t.startsWith('click-streamer::')),
  functions: READY_FUNCTIONS,
};

/** `false` (run) or why the cluster cannot run here; throws under CI=true when a service is missing. */
export async function clusterSkip(): Promise<false | string> {
  const redis = await redisSkip();
  if (redis) return redis;
  const amqp = await rabbitmqSkip();
  if (amqp) return amqp;
  const pgDown = await pgReachable();
  if (pgDown === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is not reachable at ${PG_URL} (required under CI=true): ${pgDown}`);
  return `PostgreSQL not reachable at ${PG_URL}: ${pgDown}`;
}

export interface Cluster {
  dir: string;
  a: Linkly;
  b: Linkly;
  /** Shared by both engines' configs. */
  env: Record<string, string>;
  secret: string;
  queue: string;
  /** Start engine A again (after a kill) on the same folder and ports. */
  restartA(): Promise<Linkly>;
  /** A SQL query on the run's database (the `primary` database of both engines). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const dir = copyProject();
  const run = uniqueName('cluster')
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase();
  const database = `linkly_${run}`;
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/${database}`;
  await admin(`CREATE DATABASE "${database}"`);
  const queue = `clicks_${run}`;
  // Queue names are config keys (not interpolated): the copy gets its own.
  const queueFile = join(dir, 'cluster', 'config', 'queue.yaml');
  writeFileSync(queueFile, readFileSync(queueFile, 'utf8').replace(/^ {4}clicks:$/m, `    ${queue}:`));
  const secret = uniqueName('secret');
  const env = {
    LINKLY_DATABASE_URL: dbUrl.toString(),
    LINKLY_REDIS_PREFIX: `${run}:`,
    LINKLY_CLICKS_QUEUE: queue,
  };
  const start = (name: 'a' | 'b', ports?: LinklyPorts) =>
    startLinkly({
      dir,
      configDir: `cluster/engine-${name}`,
      secret,
      env,
      ...(ports ? { ports } : {}),
      ...(name === 'b' ? { ready: B_READY } : {}),
    });
  const [a, b] = await Promise.all([start('a'), start('b')]);
  const cluster: Cluster = {
    dir,
    a,
    b,
    env,
    secret,
    queue,
    async restartA() {
      cluster.a = await start('a', cluster.a.ports);
      return cluster.a;
    },
    async sql(text, params = []) {
      const client = new pg.Client({ connectionString: dbUrl.toString() });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await Promise.allSettled([cluster.a.stop(), cluster.b.stop()]);
      a.remove();
      await Promise.allSettled([
        admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
        deleteRedisKeys(`${run}:`),
        deleteQueue(queue),
      ]);
    },
  };
  return cluster;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The broker objects of the run's clicks queue (linkly/cluster/config/queue.yaml: 5 retries, 1 s backoff). */
async function deleteQueue(name: string): Promise<void> {
  const conn = await amqpConnect(AMQP_URL);
  try {
    const ch = await conn.createChannel();
    const { queues, exchanges } = allQueues({ kind: 'named', name }, { maxAttempts: 5, backoff: { type: 'exponential', delay: 1000 } });
    for (const q of queues) await ch.deleteQueue(q);
    for (const x of exchanges) await ch.deleteExchange(x);
    await ch.close();
  } finally {
    await conn.close();
  }
}
