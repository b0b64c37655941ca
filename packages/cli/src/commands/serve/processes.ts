/**
 * Process-group helpers. A local worker runs as `sh -c '<start>'` in its own group, so the group id
 * is the shell's pid and one signal reaches the whole tree (npm → node → tsx → the worker).
 *
 * Why /proc: a killed child can linger as a zombie when nobody reaps it (no init in containers);
 * `kill(pid, 0)` still succeeds on zombies, so "alive" means "exists and is not a zombie".
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp. */
function stat(pid: number): { state: string; ppid: number; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]), pgid: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

const hasProc = (() => {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
})();

export function isAlive(pid: number): boolean {
  if (hasProc) {
    const st = stat(pid);
    return st !== undefined && st.state !== 'Z' && st.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live (non-zombie) members of a process group. */
export function groupMembers(pgid: number): number[] {
  if (!hasProc) return groupSignal(pgid, 0) ? [pgid] : [];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = stat(Number(name));
    if (st && st.pgid === pgid && st.state !== 'Z' && st.state !== 'X') out.push(Number(name));
  }
  return out;
}

/** Signal a whole group; false when it no longer exists. */
export function groupSignal(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM the group, SIGKILL whatever is left after `graceMs`; resolves once no live member remains.
 * Polls every 50 ms: group exit has no event to wait on.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (groupMembers(pgid).length === 0) return;
  groupSignal(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() >= deadline) {
      groupSignal(pgid, 'SIGKILL');
      if (Date.now() >= deadline + 2_000) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live descendants of `pid` (children, grandchildren, …), Linux only; [] elsewhere. */
export function descendants(pid: number): number[] {
  if (!hasProc) return [];
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = stat(Number(name));
    if (!st || st.state === 'Z') continue;
    children.set(st.ppid, [...(children.get(st.ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}
