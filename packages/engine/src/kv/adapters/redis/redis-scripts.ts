/**
 * The Lua scripts of the redis kv adapter. They move JSON **text** only and never decode it (the
 * reference re-encodes documents with Redis's Lua JSON codec, turning `[]` into `{}` and rounding big
 * numbers; update ops run in TypeScript instead, see redis-kv.ts). Each script commits the write and
 * appends its change to the feed stream in one step, so the feed order is the commit order and no
 * committed write is missing from it.
 *
 * KEYS of the write scripts: hash, order, scopes, seq, feed (see key-layout.ts).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * ARGV: field, new text, scope, feed header, feed max length, mode, expected old text.
 * mode `any` writes unconditionally; `absent` only if the field is absent; `equals` only if its text is
 * the expected one (compare-and-swap for update). Returns `{0}` on a failed condition, else `{1}` (created)
 * or `{1, old text}`.
 */
const WRITE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local mode = ARGV[6]
if (mode == 'absent' and old) or (mode == 'equals' and old ~= ARGV[7]) then return {0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if old then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'h', ARGV[4], 'v', ARGV[2], 'o', old)
  return {1, old}
end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'h', ARGV[4], 'v', ARGV[2])
return {1}
`;

/**
 * ARGV: field, scope, feed header, feed max length. Returns the old text or nil. The change is announced
 * even when nothing existed (state fires `state:deleted` then too); an emptied scope leaves `scopes`.
 */
const DELETE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'h', ARGV[3])
  return false
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[2])
  redis.call('DEL', KEYS[2])
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'h', ARGV[3], 'o', old)
return old
`;

/** KEYS: order, hash. The values of a scope in insertion order, read in one step. */
const LIST = `
local keys = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i, k in ipairs(keys) do out[i] = redis.call('HGET', KEYS[2], k) end
return out
`;

export type WriteMode = 'any' | 'absent' | 'equals';

export interface Script {
  lua: string;
  sha: string;
}

export const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const write = script(WRITE);
const del = script(DELETE);
const list = script(LIST);

/** EVALSHA; on NOSCRIPT (first use, or a restarted Redis emptied its cache) load the script and retry once. */
export async function run(redis: Redis, s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
  }
  await redis.script('LOAD', s.lua);
  return redis.evalsha(s.sha, keys.length, ...keys, ...args);
}

export interface WriteArgs {
  field: string;
  text: string;
  scope: string;
  header: string;
  maxLen: number;
  mode: WriteMode;
  expected?: string;
}

/** `undefined` when the condition failed; otherwise the old text (`null` when the key was created). */
export async function runWrite(redis: Redis, keys: readonly string[], a: WriteArgs): Promise<string | null | undefined> {
  const r = (await run(redis, write, keys, [a.field, a.text, a.scope, a.header, a.maxLen, a.mode, a.expected ?? ''])) as [number, string?];
  if (r[0] === 0) return undefined;
  return r[1] ?? null;
}

/** The old text, or `null` when the key was absent. */
export async function runDelete(redis: Redis, keys: readonly string[], field: string, scope: string, header: string, maxLen: number) {
  return (await run(redis, del, keys, [field, scope, header, maxLen])) as string | null;
}

/** The value texts of a scope in insertion order. */
export async function runList(redis: Redis, order: string, hash: string): Promise<string[]> {
  return (await run(redis, list, [order, hash], [])) as string[];
}
