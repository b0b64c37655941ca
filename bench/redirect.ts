/**
 * Linkly's hot path, measured through the real processes (`iii` + the link / analytics / click-streamer
 * workers, started as for the e2e tests but with OpenTelemetry on, as `npm start` runs them), each figure
 * beside a baseline from the same run:
 *
 * 1. Redirect throughput, latency and CPU per request under wrk (a separate process, so the load
 *    generator is not the bottleneck): GET /s/:code (http → link worker → link::resolve → state, click
 *    enqueued on `clicks`, click processing included) vs a bare node:http server, in its own process,
 *    redirecting from a Map. CPU per request = utime+stime delta from /proc/<pid>/stat over the wrk run
 *    ÷ requests served, for the engine process, the link worker and all workers, beside the bare server's.
 *    Goals (issue 10): ≥ 0.1× the bare server's throughput; engine CPU ≤ 300 µs per redirect.
 * 2. Click-to-dashboard latency: from sending GET /s/:code to each of 100 WebSocket subscribers on
 *    clicks/all receiving the click (queue → record_click → SQL → publish → click-streamer → stream::set)
 *    vs the bare server broadcasting to 100 WebSocket clients when it serves the redirect.
 *    After every Linkly run the bench waits until each redirect's click is in SQL and on the `clicks` stream
 *    and prints how long that took after the run ended, and the click → subscriber latency (a stream
 *    subscriber in its own process) during the run. Goals: ≤ 2 s, p99 ≤ 250 ms.
 * 3. Diagnostic: (1) again with click processing parked, to split the redirect's own cost from the
 *    asynchronous click work that shares the CPU.
 *
 * The two sides alternate for `--rounds` rounds and each reports its median round, so a burst of
 * load from elsewhere on the machine does not land on one side only. Needs wrk (apt-get install wrk).
 *
 * `--transport tcp` runs Linkly's workers over the engine's TCP port instead of its Unix socket (`iii`'s
 * default); `bench/engine-ab.ts --transports` compares the two in one run.
 *
 *   node --import tsx bench/redirect.ts [--duration 10] [--connections 64] [--rounds 3] [--clicks 200] [--subscribers 100] [--click-concurrency N] [--transport unix|tcp] [--http-limit N]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { connect, copyProject, createLink, startLinkly } from '../test/e2e/linkly-harness.ts';
import { type CatchUp, ClickWatcher, catchUpLine } from './lib/click-catchup.ts';
import { linklyPids } from './lib/linkly-pids.ts';
import { report, type Sample, summarise } from './lib/stats.ts';
import { cpuLine, loadLine, requireWrk, type WrkResult, wrkWithCpu } from './lib/wrk.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const DURATION_S = arg('duration', 10);
const ROUNDS = arg('rounds', 3);
const CONNECTIONS = arg('connections', 64);
const CLICKS = arg('clicks', 200);
const SUBSCRIBERS = arg('subscribers', 100);
/** Diagnostic: run the `clicks` queue with this concurrency instead of the tutorial's 5. */
const CLICK_CONCURRENCY = arg('click-concurrency', 0);
const TRANSPORT = ((): 'unix' | 'tcp' => {
  const v = process.argv.includes('--transport') ? process.argv[process.argv.indexOf('--transport') + 1] : 'tcp';
  if (v !== 'unix' && v !== 'tcp') throw new Error(`--transport must be unix or tcp, got ${v}`);
  return v;
})();
/**
 * Diagnostic: the http worker's `concurrency_request_limit` instead of the tutorial's 1024 (a plain in-flight cap:
 * at 8, clicks kept up but throughput halved under load, which is why admission.ts takes turns instead).
 */
const HTTP_LIMIT = arg('http-limit', 0);

/** A fresh Linkly copy, its `clicks` queue concurrency changed when --click-concurrency asks for it. */
function project(): string {
  const dir = copyProject();
  if (CLICK_CONCURRENCY > 0) {
    const file = join(dir, 'config/queue.yaml');
    const yaml = readFileSync(file, 'utf8');
    const changed = yaml.replace(/(clicks:[\s\S]*?concurrency:\s*)\d+/, `$1${CLICK_CONCURRENCY}`);
    if (changed === yaml) throw new Error('could not find the clicks queue concurrency in config/queue.yaml');
    writeFileSync(file, changed);
  }
  if (HTTP_LIMIT > 0) {
    const file = join(dir, 'config/http.yaml');
    const yaml = readFileSync(file, 'utf8');
    const changed = yaml.replace(/concurrency_request_limit:\s*\d+/, `concurrency_request_limit: ${HTTP_LIMIT}`);
    if (changed === yaml) throw new Error('could not find concurrency_request_limit in config/http.yaml');
    writeFileSync(file, changed);
  }
  return dir;
}
const WARMUP_S = 2;

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
    // As Triad answers a handler's bodiless 302: no body, no content type.
    res.writeHead(302, { location: url }).end();
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

type Run = WrkResult & { cpuUsPerRequest: Record<string, number>; catchUp?: CatchUp };

/** The processes serving Linkly's redirects: the `iii` engine, the link worker, every worker. */
/** One wrk run on GET /s/bench (errors = non-3xx answers and socket errors such as wrk's 2 s timeouts). */
function wrkRedirects(api: string, pids: Record<string, number[]>, durationS = DURATION_S): Promise<Run> {
  return wrkWithCpu(`${api}/s/bench`, pids, { threads: 2, connections: CONNECTIONS, durationS });
}

/** The round with the median throughput. */
function median(rounds: Run[]): Run {
  const sorted = [...rounds].sort((a, b) => a.throughput - b.throughput);
  return sorted[Math.floor(sorted.length / 2)] as Run;
}

function printRedirects(title: string, linkly: Run, bare: Run): void {
  report(title, linkly, bare, { subject: 'linkly (whole path)', baseline: 'bare node:http + Map' });
  console.log(
    `  requests served        linkly ${linkly.requests} (${linkly.errors} errors)   bare ${bare.requests} (${bare.errors} errors)`,
  );
  console.log(cpuLine(linkly.cpuUsPerRequest, bare.cpuUsPerRequest.server ?? Number.NaN));
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
  requireWrk();
  console.log(
    `redirect bench: workers over ${TRANSPORT === 'unix' ? 'the Unix socket' : 'TCP'}; wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s × ${ROUNDS} rounds per side; ${CLICKS} clicks to ${SUBSCRIBERS} subscribers${CLICK_CONCURRENCY ? `; clicks queue concurrency ${CLICK_CONCURRENCY} (diagnostic)` : ''}\n${loadLine()}`,
  );
  const baseline = await startBaseline();
  const bareP = { server: [baseline.child.pid ?? 0] };
  const app = await startLinkly({ dir: project(), env: { OTEL_ENABLED: 'true' }, workerTransport: TRANSPORT });
  try {
    const created = await createLink(app, { url: 'https://iii.dev', code: 'bench' });
    if (created.status !== 201) throw new Error(`POST /links answered ${created.status}`);
    const pids = linklyPids(app);
    const client = connect(app);
    const watcher = await ClickWatcher.start(app.streamUrl, client, 'bench');
    // Every Linkly run is followed by waiting for its clicks, so the next run starts with no backlog.
    const linklyRun = async (durationS = DURATION_S): Promise<Run> => {
      const mark = await watcher.mark();
      const run: Run = await wrkRedirects(app.api, pids, durationS);
      run.catchUp = await watcher.catchUp(mark, run.requests - run.errors, performance.now());
      return run;
    };

    await wrkRedirects(baseline.api, bareP, WARMUP_S);
    await linklyRun(WARMUP_S);
    const bareRounds: Run[] = [];
    const linklyRounds: Run[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareRounds.push(await wrkRedirects(baseline.api, bareP));
      const run = await linklyRun();
      linklyRounds.push(run);
      if (run.catchUp) console.log(`round ${r + 1}: ${run.throughput.toFixed(0)} req/s\n${catchUpLine(run.catchUp)}`);
    }
    watcher.stop();
    await client.shutdown();
    const bare = median(bareRounds);
    const linkly = median(linklyRounds);
    printRedirects(
      `GET /s/:code under wrk, median of ${ROUNDS} rounds (goals: ≥ 0.1× throughput, engine ≤ 300 µs CPU/redirect)`,
      linkly,
      bare,
    );

    const bareClicks = await clickLatency(baseline.api, baseline.streamUrl, false);
    const linklyClicks = await clickLatency(app.api, app.streamUrl, true);
    report(`click → ${SUBSCRIBERS} WebSocket subscribers, ${CLICKS} clicks one at a time`, linklyClicks, bareClicks, {
      subject: 'linkly clicks/all',
      baseline: 'bare ws broadcast',
    });
    const ratio = linkly.throughput / bare.throughput;
    const engineUs = linkly.cpuUsPerRequest.engine ?? Number.NaN;
    console.log(
      `\ngoals ${ratio >= 0.1 && engineUs <= 300 ? 'met' : 'NOT met'}: throughput ratio ${ratio.toFixed(3)}× (≥ 0.1), engine CPU ${engineUs.toFixed(0)} µs/redirect (≤ 300)`,
    );
    const c = linkly.catchUp;
    if (c) {
      const caughtUp = Math.max(c.sqlMs, c.streamMs);
      console.log(
        `goals ${caughtUp <= 2000 && c.p99 <= 250 ? 'met' : 'NOT met'} (median round): every click in SQL and on the stream ${Number.isNaN(caughtUp) ? 'not within 60 s' : `${(caughtUp / 1000).toFixed(2)} s`} after the run (≤ 2 s), click → subscriber p99 ${c.p99.toFixed(0)} ms (≤ 250)`,
      );
    }
  } finally {
    await app.stop();
    app.remove();
  }
  try {
    await redirectOnly(baseline.api, bareP);
  } finally {
    baseline.child.kill();
  }
  console.log(loadLine());
}

/**
 * Diagnostic: the same redirects with click processing parked (record_click sleeps, so the `clicks` queue
 * only fills up), i.e. http → link worker → link::resolve → state + enqueue alone. Shows how much of the
 * whole path's cost is the asynchronous click work sharing the CPU.
 */
async function redirectOnly(bareApi: string, bareP: Record<string, number[]>): Promise<void> {
  const app = await startLinkly({ env: { OTEL_ENABLED: 'true', LINKLY_SLOW_CLICK_MS: '600000' }, workerTransport: TRANSPORT });
  try {
    await createLink(app, { url: 'https://iii.dev', code: 'bench' });
    const pids = linklyPids(app);
    await wrkRedirects(app.api, pids, WARMUP_S);
    const bare = await wrkRedirects(bareApi, bareP);
    const linkly = await wrkRedirects(app.api, pids);
    printRedirects('diagnostic: GET /s/:code with click processing parked, one wrk run per side', linkly, bare);
  } finally {
    await app.stop();
    app.remove();
  }
}

if (process.argv.includes('--serve-baseline')) serveBaseline();
else await main();
