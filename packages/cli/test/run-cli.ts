/** Run the CLI in-process (fast, for command tests) or as a real process (`node bin/iii.js`). */
import { spawn } from 'node:child_process';
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

export async function iii(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const io = memoryIO();
  const code = await runCli(args, { io, cwd, env: { PATH: process.env.PATH, ...env } });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** `node packages/cli/bin/iii.js …` as a user would run it. */
export function iiiProcess(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
