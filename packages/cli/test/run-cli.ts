/** Run the CLI in-process (fast, for command tests) or as a real process (`node bin/iii.js`). */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.ts';
import { memoryIO } from '../src/output/io.ts';

export const BIN = new URL('../bin/iii.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'triad-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `tty`: run as if stderr were a terminal of that width (progress draws its live line). */
export async function iii(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, tty?: { columns: number }): Promise<CliResult> {
  const io = memoryIO(tty);
  const code = await runCli(args, { io, cwd, env: { PATH: process.env.PATH, ...env } });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** A spawned `node packages/cli/bin/iii.js …`, its output collected as it arrives. */
export interface IiiChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams, in arrival order. */
  output(): string;
  /** Resolves with the exit code once the process ended and its output is all read. */
  closed: Promise<number | null>;
}

export function spawnIii(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): IiiChild {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '', all: '' };
  for (const which of ['stdout', 'stderr'] as const) {
    child[which].on('data', (d: Buffer) => {
      text[which] += d.toString();
      text.all += d.toString();
    });
  }
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, output: () => text.all, closed };
}

/** `node packages/cli/bin/iii.js …` as a user would run it. */
export async function iiiProcess(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const p = spawnIii(cwd, args, { ...process.env, ...env });
  const code = await p.closed;
  return { code: code ?? 1, stdout: p.stdout(), stderr: p.stderr() };
}
