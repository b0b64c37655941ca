/** Another git ref of this repo checked out beside it, to run its engine in the same benchmark run (before/after). */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../test/e2e/linkly-harness.ts';

/**
 * `ref` checked out in a temp worktree whose node_modules links to ours, except the workspace links,
 * which stay relative so `@triad/engine` resolves to that checkout's sources.
 */
export function checkout(ref: string): { dir: string; cli: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'triad-base-'));
  execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  const link = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      const src = join(from, name);
      const st = lstatSync(src);
      if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), join(to, name));
      else if (name.startsWith('@') && readdirSync(src).some((n) => lstatSync(join(src, n)).isSymbolicLink())) link(src, join(to, name));
      else symlinkSync(src, join(to, name));
    }
  };
  link(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    cli: join(dir, 'packages/cli/bin/iii.js'),
    remove: () => execFileSync('git', ['-C', REPO, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' }),
  };
}

/** `git rev-parse --short` of a ref of this repo. */
export function shortSha(ref: string): string {
  return execFileSync('git', ['-C', REPO, 'rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
}
