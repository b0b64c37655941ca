/**
 * Linkly's hot path, measured through the real processes (`iii` + the link / analytics / click-streamer
 * workers, started as for the e2e tests), each figure beside a baseline from the same run:
 *
 * 1. Redirect throughput and latency: GET /s/:code (http → link worker → link::resolve → state, click
 *    enqueued on `clicks`) vs a bare node:http server, in its own process, redirecting from a Map.
 *    Goal: ≥ 0.33× the baseline's throughput.
 * 2. Click-to-dashboard latency: from sending GET /s/:code to each of 100 WebSocket subscribers on
 *    clicks/all receiving the click (queue → record_click → SQL → publish → click-streamer → stream::set)
 *    vs the bare server broadcasting to 100 WebSocket clients when it serves the redirect. Goal: p99 < 100 ms.
 *
 * 3. Diagnostic: (1) again with click processing parked, to split the redirect's own cost from the
 *    asynchronous click work that shares the CPU.
 *
 * The two sides alternate for `--rounds` rounds and each reports its median round, so a burst of
 * load from elsewhere on the machine does not land on one side only.
 *
 *   node --import tsx bench/redirect.ts [--requests 10000] [--rounds 3] [--concurrency 32] [--clicks 200] [--subscribers 100]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createLink, startLinkly } from '../test/e2e/linkly-harness.ts';
import { report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const REQUESTS = arg('requests', 10_000);
const ROUNDS = arg('rounds', 3);
const CONCURRENCY = arg('concurrency', 32);
const CLICKS = arg('clicks', 200);
const SUBSCRIBERS = arg('subscribers', 100);
const WARMUP = 1_000;

// ---------------------------------------------------------------------------------------------
// Baseline server (this same file, run as a child with --serve-baseline)
// ---------------------------------------------------------------------------------------------

function serveBaseline(): void {
  const links = new Map([['bench', 'https://iii.dev']]);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  const http = createServer((req, res) => {
    const code = /^\/s\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const url = code ? links.get(code) : undefined;
    if (!url || !code) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"link not found"}');
      return;
    }
    res.writeHead(302, { location: url, 'content-type': 'application/json' }).end('{}');
    if (wss.clients.size === 0) return;
    const frame = JSON.stringify({
      type: 'stream',
      streamName: 'clicks',
      groupId: 'all',
      event: { type: 'create', data: { code, clicked_at: new Date().toISOString() } },
    });
    for (const ws of wss.clients) ws.send(frame);
  });
  http.listen(0, '127.0.0.1', () => {
    const ports = { http: (http.address() as AddressInfo).port, ws: (wss.address() as AddressInfo).port };
    process.stdout.write(`${JSON.stringify(ports)}\n`);
  });
}

async function startBaseline(): Promise<{ api: string; streamUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve-baseline'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0] as string);
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
  });
  const ports = JSON.parse(line) as { http: number; ws: number };
  return { api: `http://127.0.0.1:${ports.http}`, streamUrl: `ws://127.0.0.1:${ports.ws}`, child };
}

// ---------------------------------------------------------------------------------------------
// Load generation (shared by both sides)
// ---------------------------------------------------------------------------------------------

function get(agent: Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** `total` GETs with `concurrency` in flight over keep-alive sockets; every answer must be a 302. */
async function hammer(base: string, total: number, concurrency: number): Promise<Sample> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/s/bench', base);
  const latencies: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const s = performance.now();
      const status = await get(agent, url);
      latencies.push(performance.now() - s);
      if (status !== 302) throw new Error(`GET /s/bench answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = performance.now() - t0;
  agent.destroy();
  return summarise(latencies, elapsed);
}

/** The round with the median throughput. */
function median(rounds: Sample[]): Sample {
  const sorted = [...rounds].sort((a, b) => a.throughput - b.throughput);
  return sorted[Math.floor(sorted.length / 2)] as Sample;
}

// ---------------------------------------------------------------------------------------------
// Click-to-subscriber latency
// ---------------------------------------------------------------------------------------------

async function subscribers(streamUrl: string, n: number, join: boolean): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const ws = new WebSocket(streamUrl, { perMessageDeflate: false });
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      if (join) {
        const synced = new Promise((r) => ws.once('message', r));
        ws.send(JSON.stringify({ type: 'join', data: { subscriptionId: `bench-${i}`, streamName: 'clicks', groupId: 'all' } }));
        await synced;
      }
      return ws;
    }),
  );
}

/** One click at a time: latency = first `create` frame on each subscriber minus the moment the GET was sent. */
async function clickLatency(api: string, streamUrl: string, join: boolean): Promise<Sample> {
  const subs = await subscribers(streamUrl, SUBSCRIBERS, join);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/s/bench', api);
  const latencies: number[] = [];
  const t0 = performance.now();
  try {
    for (let c = 0; c < CLICKS; c++) {
      let sentAt = 0;
      const arrivals = subs.map(
        (ws) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('a click did not reach a subscriber within 10 s')), 10_000);
            const onMessage = (raw: WebSocket.RawData): void => {
              if (!String(raw).includes('"create"')) return;
              latencies.push(performance.now() - sentAt);
              clearTimeout(timer);
              ws.off('message', onMessage);
              resolve();
            };
            ws.on('message', onMessage);
          }),
      );
      sentAt = performance.now();
      await get(agent, url);
      await Promise.all(arrivals);
    }
  } finally {
    agent.destroy();
    for (const ws of subs) ws.close();
  }
  return summarise(latencies, performance.now() - t0);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(
    `redirect bench: ${REQUESTS} requests × ${ROUNDS} rounds at concurrency ${CONCURRENCY}; ${CLICKS} clicks to ${SUBSCRIBERS} subscribers`,
  );
  const baseline = await startBaseline();
  const app = await startLinkly();
  try {
    const created = await createLink(app, { url: 'https://iii.dev', code: 'bench' });
    if (created.status !== 201) throw new Error(`POST /links answered ${created.status}`);

    await hammer(baseline.api, WARMUP, CONCURRENCY);
    await hammer(app.api, WARMUP, CONCURRENCY);
    const bareRounds: Sample[] = [];
    const linklyRounds: Sample[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareRounds.push(await hammer(baseline.api, REQUESTS, CONCURRENCY));
      linklyRounds.push(await hammer(app.api, REQUESTS, CONCURRENCY));
    }
    const bare = median(bareRounds);
    const linkly = median(linklyRounds);
    report(
      `GET /s/:code, ${REQUESTS} requests × ${ROUNDS} rounds, ${CONCURRENCY} in flight, median round (goal ≥ 0.33× throughput)`,
      linkly,
      bare,
      {
        subject: 'linkly (whole path)',
        baseline: 'bare node:http + Map',
      },
    );

    const bareClicks = await clickLatency(baseline.api, baseline.streamUrl, false);
    const linklyClicks = await clickLatency(app.api, app.streamUrl, true);
    report(`click → ${SUBSCRIBERS} WebSocket subscribers, ${CLICKS} clicks one at a time (goal p99 < 100 ms)`, linklyClicks, bareClicks, {
      subject: 'linkly clicks/all',
      baseline: 'bare ws broadcast',
    });
    const ok = linkly.throughput / bare.throughput >= 0.33 && linklyClicks.p99 < 100;
    console.log(
      `\ngoals ${ok ? 'met' : 'NOT met'}: throughput ratio ${(linkly.throughput / bare.throughput).toFixed(2)}× (≥ 0.33), click p99 ${linklyClicks.p99.toFixed(1)} ms (< 100)`,
    );
  } finally {
    await app.stop();
    app.remove();
  }
  try {
    await redirectOnly(baseline.api);
  } finally {
    baseline.child.kill();
  }
}

/**
 * Diagnostic: the same redirects with click processing parked (record_click sleeps, so the `clicks` queue
 * only fills up), i.e. http → link worker → link::resolve → state + enqueue alone. Shows how much of the
 * whole path's cost is the asynchronous click work sharing the CPU.
 */
async function redirectOnly(bareApi: string): Promise<void> {
  const app = await startLinkly({ env: { LINKLY_SLOW_CLICK_MS: '600000' } });
  try {
    await createLink(app, { url: 'https://iii.dev', code: 'bench' });
    await hammer(app.api, WARMUP, CONCURRENCY);
    const bare = await hammer(bareApi, REQUESTS, CONCURRENCY);
    const linkly = await hammer(app.api, REQUESTS, CONCURRENCY);
    report(`diagnostic: GET /s/:code with click processing parked, ${REQUESTS} requests`, linkly, bare, {
      subject: 'linkly redirect only',
      baseline: 'bare node:http + Map',
    });
  } finally {
    await app.stop();
    app.remove();
  }
}

if (process.argv.includes('--serve-baseline')) serveBaseline();
else await main();
