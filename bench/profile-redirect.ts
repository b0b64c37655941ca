/**
 * Where the CPU of a Linkly redirect goes: starts Linkly (OpenTelemetry on, as `npm start` runs it) with
 * bench/lib/cpu-profile-preload.mjs in every process, drives `GET /s/:code` with wrk, profiles the engine and
 * every worker over the same window (SIGUSR2 on, SIGUSR2 off) and prints, per process, CPU µs per redirect
 * and its self time split by area (engine folder, node internals, packages, GC) and by hottest function.
 * A diagnostic, not a benchmark with a baseline: bench/redirect.ts holds the figures.
 *
 *   node --import tsx bench/profile-redirect.ts [--duration 10] [--connections 64] [--top 25] [--keep DIR]
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLink, startLinkly } from '../test/e2e/linkly-harness.ts';
import { profiledEnv, readProfile, summarise } from './lib/cpu-profile.ts';
import { cpuUsOf, descendants, loadLine, requireWrk, wrk } from './lib/wrk.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}
const DURATION_S = Number(arg('duration', '10'));
const CONNECTIONS = Number(arg('connections', '64'));
const TOP = Number(arg('top', '25'));
const KEEP = arg('keep', '');

async function main(): Promise<void> {
  requireWrk();
  const dir = KEEP || mkdtempSync(join(tmpdir(), 'triad-prof-'));
  mkdirSync(dir, { recursive: true });
  console.log(`profile-redirect: wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s, profiles in ${dir}\n${loadLine()}`);
  const app = await startLinkly({ env: { OTEL_ENABLED: 'true', ...profiledEnv(dir) } });
  try {
    const created = await createLink(app, { url: 'https://iii.dev', code: 'bench' });
    if (created.status !== 201) throw new Error(`POST /links answered ${created.status}`);
    const url = `${app.api}/s/bench`;
    await wrk(url, { connections: CONNECTIONS, durationS: 2 });
    const engine = app.pid ?? 0;
    const procs = [{ pid: engine, cwd: 'engine', comm: 'node' }, ...descendants(engine).filter((d) => d.comm.startsWith('node'))];
    const before = new Map(procs.map((p) => [p.pid, cpuUsOf(p.pid)]));
    for (const p of procs) process.kill(p.pid, 'SIGUSR2');
    const result = await wrk(url, { connections: CONNECTIONS, durationS: DURATION_S });
    const cpu = new Map(procs.map((p) => [p.pid, cpuUsOf(p.pid) - (before.get(p.pid) ?? 0)]));
    for (const p of procs) process.kill(p.pid, 'SIGUSR2');
    await sleep(3000);
    console.log(
      `\n${result.requests} redirects, ${result.throughput.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors`,
    );
    const files = new Set(readdirSync(dir));
    for (const p of procs.sort((a, b) => (cpu.get(b.pid) ?? 0) - (cpu.get(a.pid) ?? 0))) {
      const us = (cpu.get(p.pid) ?? 0) / Math.max(1, result.requests);
      if (us < 5) continue;
      const label = p.pid === engine ? 'engine' : p.cwd.split('/').slice(-1)[0];
      console.log(`\n${label} (pid ${p.pid}): ${us.toFixed(0)} µs CPU per redirect`);
      if (!files.has(`${p.pid}.cpuprofile`)) {
        console.log('  (no profile written)');
        continue;
      }
      const profile = readProfile(join(dir, `${p.pid}.cpuprofile`));
      for (const line of summarise(profile, TOP)) console.log(line);
    }
  } finally {
    await app.stop();
    app.remove();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${loadLine()}`);
}

await main();
