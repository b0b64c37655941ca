/**
 * HTTP load from `wrk` (a separate, efficient C process) and CPU time per request read from /proc, so an
 * HTTP benchmark's floor is what the machine can do rather than what a Node client in the bench can send.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Sample } from './stats.ts';

/** Exit with install instructions when wrk is missing (Debian/Ubuntu package `wrk`). */
export function requireWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // `wrk --version` exits 1 after printing its banner; only a missing binary is a problem.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return;
    console.error('this benchmark drives load with wrk, which is not installed: sudo apt-get install wrk');
    process.exit(1);
  }
}

export interface WrkResult extends Sample {
  requests: number;
  /** Answers other than 2xx/3xx, plus socket errors (connect, read, write, timeout). */
  errors: number;
}

export interface WrkOptions {
  threads?: number;
  connections?: number;
  durationS?: number;
}

/** Run `wrk --latency` against `url` and parse requests, throughput, p50/p99 and errors. */
export function wrk(url: string, opts: WrkOptions = {}): Promise<WrkResult> {
  const args = [`-t${opts.threads ?? 2}`, `-c${opts.connections ?? 64}`, `-d${opts.durationS ?? 10}s`, '--latency', url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      try {
        resolve(parseWrk(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(out: string, pct: string): number {
  const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] ?? Number.NaN) : Number.NaN;
}

export function parseWrk(out: string): WrkResult {
  const requests = /(\d+) requests in/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!requests || !rps) throw new Error(`could not read wrk's output:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    requests: Number(requests[1]),
    throughput: Number(rps[1]),
    p50: latencyMs(out, '50'),
    p99: latencyMs(out, '99'),
    errors: non2xx + socketErrors,
  };
}

const TICK_US = 1_000_000 / Number(safeExec('getconf', ['CLK_TCK']) || 100);

function safeExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** utime + stime of a process so far, in µs (0 once it is gone). */
export function cpuUsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** Every live descendant of `pid` (children, grandchildren, ...), with its working directory. */
export function descendants(pid: number): Array<{ pid: number; cwd: string; comm: string }> {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: Array<{ pid: number; cwd: string; comm: string }> = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf) {
      if (ppid !== parent) continue;
      let cwd = '';
      let comm = '';
      try {
        cwd = readlinkSync(`/proc/${child}/cwd`);
        comm = readFileSync(`/proc/${child}/comm`, 'utf8').trim();
      } catch {
        // exited
      }
      out.push({ pid: child, cwd, comm });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** CPU µs per request of each named process over one wrk run: (after − before) ÷ requests served. */
export async function wrkWithCpu(
  url: string,
  pids: Record<string, number[]>,
  opts: WrkOptions = {},
): Promise<WrkResult & { cpuUsPerRequest: Record<string, number> }> {
  const sum = (list: number[]): number => list.reduce((a, p) => a + cpuUsOf(p), 0);
  const before = Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, sum(list)]));
  const result = await wrk(url, opts);
  const cpuUsPerRequest = Object.fromEntries(
    Object.entries(pids).map(([k, list]) => [k, (sum(list) - (before[k] ?? 0)) / Math.max(1, result.requests)]),
  );
  return { ...result, cpuUsPerRequest };
}

/** `  cpu per request   engine 812 µs + link worker 640 µs   baseline 21 µs   engine/baseline 38.7×` */
export function cpuLine(subject: Record<string, number>, baseline: number, baselineLabel = 'bare server'): string {
  const parts = Object.entries(subject).map(([k, v]) => `${k} ${v.toFixed(0)} µs`);
  const first = Object.values(subject)[0] ?? Number.NaN;
  return `  cpu per request        ${parts.join(' + ')}   ${baselineLabel} ${baseline.toFixed(0)} µs   ${Object.keys(subject)[0]}/${baselineLabel} ${(first / baseline).toFixed(1)}×`;
}

/** The machine's 1-minute load average and core count, printed with every run (absolute figures depend on it). */
export function loadLine(): string {
  const [one] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s/gm)?.length ?? 0;
  return `machine: load average ${one} on ${cores} cores`;
}
