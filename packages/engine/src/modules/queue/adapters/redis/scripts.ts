/**
 * The Lua scripts of the redis queue backend: every state change of a job is one script, so it is atomic
 * across engines sharing the Redis. Keys hang off one base per queue (ARGV[1], see keys.ts), built inside the
 * scripts: standalone Redis (or a primary with replicas), not Redis Cluster.
 *
 * Per queue:
 *   <base>:jobs      hash  id → job JSON (never decoded here: Lua's JSON codec mangles `[]` and big numbers)
 *   <base>:attempts  hash  id → failed attempts so far
 *   <base>:group     hash  id → FIFO group (jobs enqueued with a group key)
 *   <base>:g:<group> list  the group's job ids in enqueue order; its head is the only one that may run
 *   <base>:ready     list  `j:<id>` (a job) or `g:<group>` (the group's head) that may be claimed now
 *   <base>:delayed   zset  id → when its retry is due (ms)
 *   <base>:active    zset  id → when its lease ends (ms); `<base>:token` hash id → the claim's token
 *   <base>:dlq       zset  id → failed_at; `<base>:dead` hash id → {job, error, failed_at, attempts, group}
 *   <base>:notify    channel: a job became ready
 *
 * A FIFO group is in exactly one state while its list is non-empty: its head is ready (`g:<group>` in
 * ready), running (in active) or waiting for a retry (in delayed). So a group never runs two jobs at once,
 * and a retrying job holds its group back.
 */
import type { Redis } from 'ioredis';
import { run, type Script, script } from '../../../../kv/adapters/redis/redis-scripts.ts';

/** Shared by the scripts: put a job (back) where a consumer finds it. */
const READY_FN = `
local function ready(base, id, front)
  local g = redis.call('HGET', base .. ':group', id)
  local entry = g and ('g:' .. g) or ('j:' .. id)
  if front then redis.call('LPUSH', base .. ':ready', entry) else redis.call('RPUSH', base .. ':ready', entry) end
end
`;

/** Shared by enqueue and redrive: store a job and put it at the end of the queue (or of its FIFO group). */
const APPEND_FN = `
local function append(base, id, job, group)
  redis.call('HSET', base .. ':jobs', id, job)
  if group == '' then
    redis.call('RPUSH', base .. ':ready', 'j:' .. id)
  else
    redis.call('HSET', base .. ':group', id, group)
    if redis.call('RPUSH', base .. ':g:' .. group, id) == 1 then redis.call('RPUSH', base .. ':ready', 'g:' .. group) end
  end
end
`;

/** ARGV: base, id, job JSON, group ('' for none). Returns 1, or 0 when the id is already queued (idempotent). */
const ENQUEUE = `${APPEND_FN}
local base, id = ARGV[1], ARGV[2]
if redis.call('HEXISTS', base .. ':jobs', id) == 1 then return 0 end
append(base, id, ARGV[3], ARGV[4])
redis.call('PUBLISH', base .. ':notify', '1')
return 1
`;

/**
 * ARGV: base, now, lease ms, token, limit. Moves due retries and expired leases (their engine died) back to
 * ready, then claims up to `limit` jobs: a flat list of (job JSON, attempts, id), empty when none is ready.
 */
const CLAIM = `${READY_FN}
local base, now, lease, token, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':delayed', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', base .. ':delayed', id)
  ready(base, id, false)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':active', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', base .. ':active', id)
  redis.call('HDEL', base .. ':token', id)
  ready(base, id, true)
end
local out = {}
-- bounded: stale entries (their job was discarded) are skipped, but never more than a few per claim
for _ = 1, limit + 100 do
  if #out >= limit * 3 then break end
  local entry = redis.call('LPOP', base .. ':ready')
  if not entry then break end
  local id = string.sub(entry, 3)
  if string.sub(entry, 1, 2) == 'g:' then id = redis.call('LINDEX', base .. ':g:' .. id, 0) end
  local job = id and redis.call('HGET', base .. ':jobs', id)
  if job and not redis.call('ZSCORE', base .. ':active', id) then
    redis.call('ZADD', base .. ':active', now + lease, id)
    redis.call('HSET', base .. ':token', id, token)
    table.insert(out, job)
    table.insert(out, redis.call('HGET', base .. ':attempts', id) or '0')
    table.insert(out, id)
  end
end
return out
`;

/** Removes a finished job; its FIFO group's next job becomes ready. Shared by ack and dead-letter. */
const FORGET_FN = `
local function forget(base, id)
  local g = redis.call('HGET', base .. ':group', id)
  redis.call('ZREM', base .. ':active', id)
  redis.call('HDEL', base .. ':token', id)
  redis.call('HDEL', base .. ':jobs', id)
  redis.call('HDEL', base .. ':attempts', id)
  redis.call('HDEL', base .. ':group', id)
  if g then
    local list = base .. ':g:' .. g
    redis.call('LREM', list, 1, id)
    if redis.call('LLEN', list) > 0 then
      redis.call('RPUSH', base .. ':ready', 'g:' .. g)
      redis.call('PUBLISH', base .. ':notify', '1')
    end
  end
end
local function owns(base, id, token) return redis.call('HGET', base .. ':token', id) == token end
`;

/** ARGV: base, id, token. 1 = acked; 0 = the lease was lost (another engine has the job now). */
const ACK = `${FORGET_FN}
local base, id = ARGV[1], ARGV[2]
if not owns(base, id, ARGV[3]) then return 0 end
forget(base, id)
return 1
`;

/** ARGV: base, id, token, due at. Counts the failed attempt and hides the job until it is due. */
const RETRY = `${FORGET_FN}
local base, id = ARGV[1], ARGV[2]
if not owns(base, id, ARGV[3]) then return 0 end
redis.call('HINCRBY', base .. ':attempts', id, 1)
redis.call('ZREM', base .. ':active', id)
redis.call('HDEL', base .. ':token', id)
redis.call('ZADD', base .. ':delayed', tonumber(ARGV[4]), id)
return 1
`;

/** ARGV: base, id, token, failed at, error. Counts the attempt and moves the job to the DLQ. */
const DEAD_LETTER = `${FORGET_FN}
local base, id = ARGV[1], ARGV[2]
if not owns(base, id, ARGV[3]) then return 0 end
local attempts = tonumber(redis.call('HGET', base .. ':attempts', id) or '0') + 1
local entry = {job = redis.call('HGET', base .. ':jobs', id), error = ARGV[5], failed_at = ARGV[4],
  attempts = attempts, group = redis.call('HGET', base .. ':group', id) or ''}
forget(base, id)
redis.call('HSET', base .. ':dead', id, cjson.encode(entry))
redis.call('ZADD', base .. ':dlq', tonumber(ARGV[4]), id)
return 1
`;

/** ARGV: base, token, then ids. Gives leased jobs back untouched (no attempt counted), first in line. */
const RELEASE = `${READY_FN}
local base, token = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', base .. ':token', id) == token then
    redis.call('ZREM', base .. ':active', id)
    redis.call('HDEL', base .. ':token', id)
    ready(base, id, true)
    n = n + 1
  end
end
if n > 0 then redis.call('PUBLISH', base .. ':notify', '1') end
return n
`;

/** ARGV: base, lease end, token, then ids. Extends the leases this claim still holds. */
const RENEW = `
local base, until_, token = ARGV[1], tonumber(ARGV[2]), ARGV[3]
for i = 4, #ARGV do
  if redis.call('HGET', base .. ':token', ARGV[i]) == token then redis.call('ZADD', base .. ':active', 'XX', until_, ARGV[i]) end
end
return 1
`;

/** ARGV: base, id ('' for all). Dead letters go back to the end of the queue with a fresh attempt budget. */
const REDRIVE = `${APPEND_FN}
local base = ARGV[1]
local ids = ARGV[2] == '' and redis.call('ZRANGE', base .. ':dlq', 0, -1) or {ARGV[2]}
local n = 0
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', base .. ':dead', id)
  if raw and redis.call('HEXISTS', base .. ':jobs', id) == 0 then
    local dead = cjson.decode(raw)
    redis.call('ZREM', base .. ':dlq', id)
    redis.call('HDEL', base .. ':dead', id)
    append(base, id, dead.job, dead.group)
    n = n + 1
  end
end
if n > 0 then redis.call('PUBLISH', base .. ':notify', '1') end
return n
`;

/** ARGV: base. {jobs, delayed, active, dead} counted in one step. */
const DEPTH = `
local base = ARGV[1]
return {redis.call('HLEN', base .. ':jobs'), redis.call('ZCARD', base .. ':delayed'), redis.call('ZCARD', base .. ':active'),
  redis.call('ZCARD', base .. ':dlq')}
`;

const scripts = {
  enqueue: script(ENQUEUE),
  claim: script(CLAIM),
  ack: script(ACK),
  retry: script(RETRY),
  deadLetter: script(DEAD_LETTER),
  release: script(RELEASE),
  renew: script(RENEW),
  redrive: script(REDRIVE),
  depth: script(DEPTH),
} satisfies Record<string, Script>;

export type ScriptName = keyof typeof scripts;

/** Run one of the scripts above with ARGV only (the keys are derived from the base inside). */
export function runScript(redis: Redis, name: ScriptName, args: readonly (string | number)[]): Promise<unknown> {
  return run(redis, scripts[name], [], args);
}
