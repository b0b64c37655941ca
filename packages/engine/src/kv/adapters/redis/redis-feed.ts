/**
 * The redis change feed: a Redis **stream** (`<p><ns>#feed`), not PUBLISH/SUBSCRIBE.
 *
 * The feed owns its reader connection (closes it); the writer is shared with the store.
 *
 * The write scripts append each change with XADD in the same step as the write, and `publish` (messages,
 * custom-backend writes) appends the same way. Every engine reads the stream with its own blocking XREAD
 * from the last id it delivered, so:
 * - each engine sees every change once, in commit order (stream ids are the commit order);
 * - after a dropped connection or a Redis restart the reader resumes **from where it was**: changes made
 *   meanwhile are delivered late, not lost (the reference's SUBSCRIBE is never renewed and goes silent);
 * - the stream is capped near `feed_max_len` entries (XADD MAXLEN ~); a reader that falls further behind
 *   (a very long outage) has lost the oldest changes, and says so in the log.
 *
 * Entry fields: `h` header JSON `{k: w|d|m, s: scope, i: key|null, t: epoch ms}`, `v` new value or message
 * JSON text, `o` old value JSON text (absent when the key did not exist).
 */
import type { Logger } from '../../../util/logger.ts';
import type { ChangeFeed, Disposer, KvChange } from '../change-feed.ts';
import { LocalChangeFeed } from '../local-feed.ts';
import { errorText, type RedisLink } from './redis-link.ts';

/** How long one XREAD blocks; bounds how late `close` and a silent half-open link are noticed. */
export const FEED_BLOCK_MS = 5000;
const BATCH = 1000;

interface Header {
  k: 'w' | 'd' | 'm';
  s: string;
  i: string | null;
  t: number;
}

export function feedHeader(kind: Header['k'], scope: string, key: string | null, at: number): string {
  return JSON.stringify({ k: kind, s: scope, i: key, t: at } satisfies Header);
}

function decode(fields: string[]): KvChange {
  let h = '';
  let v: string | undefined;
  let o: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1];
    if (fields[i] === 'h') h = value ?? '';
    else if (fields[i] === 'v') v = value;
    else if (fields[i] === 'o') o = value;
  }
  const head = JSON.parse(h) as Header;
  const old = o === undefined ? undefined : (JSON.parse(o) as unknown);
  if (head.k === 'd') return { kind: 'delete', scope: head.s, key: head.i ?? '', old, at: head.t };
  const value = v === undefined ? null : (JSON.parse(v) as unknown);
  if (head.k === 'm') return { kind: 'message', scope: head.s, key: head.i, data: value, at: head.t };
  return { kind: 'write', scope: head.s, key: head.i ?? '', old, value, at: head.t };
}

/** Stream ids `ms-seq` in numeric order. */
function idBefore(a: string, b: string): boolean {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am < bm || (am === bm && as < bs);
}

type XReadReply = [string, [string, string[]][]][] | null;

export class RedisChangeFeed implements ChangeFeed<KvChange> {
  /** This engine's handlers; the Redis stream feeds them. */
  private readonly local: LocalChangeFeed<KvChange>;
  private closed = false;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly writer: RedisLink,
    private readonly reader: RedisLink,
    private readonly key: string,
    private readonly maxLen: number,
    private readonly log: Logger | undefined,
    /** Id of the last entry delivered; reading resumes after it. */
    private lastId: string,
  ) {
    this.local = new LocalChangeFeed((err) => log?.error('kv change handler failed', { error: String(err) }));
    this.loop = this.read();
  }

  /** Start reading after the current end of the stream: changes committed from now on are delivered. */
  static async open(writer: RedisLink, reader: RedisLink, key: string, maxLen: number, log?: Logger): Promise<RedisChangeFeed> {
    const last = await reader.redis.xrevrange(key, '+', '-', 'COUNT', 1);
    return new RedisChangeFeed(writer, reader, key, maxLen, log, last[0]?.[0] ?? '0-0');
  }

  async publish(e: KvChange): Promise<void> {
    const fields: string[] = [];
    if (e.kind === 'message') fields.push('h', feedHeader('m', e.scope, e.key, e.at), 'v', JSON.stringify(e.data ?? null));
    else if (e.kind === 'delete') fields.push('h', feedHeader('d', e.scope, e.key, e.at));
    else fields.push('h', feedHeader('w', e.scope, e.key, e.at), 'v', JSON.stringify(e.value ?? null));
    if (e.kind !== 'message' && e.old !== undefined) fields.push('o', JSON.stringify(e.old));
    await this.writer.run((r) => r.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', ...fields));
  }

  subscribe(handler: (event: KvChange) => void): Disposer {
    return this.local.subscribe(handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.local.close();
    // Aborts the blocking XREAD (or the wait for a reconnect); the loop sees `closed` and ends.
    await this.reader.close(false);
    await this.loop;
  }

  private async read(): Promise<void> {
    let dropped = false;
    while (!this.closed) {
      try {
        await this.reader.ready(0);
        if (dropped) {
          await this.reportGap();
          this.log?.info('change feed resumed', { feed: this.key, after: this.lastId });
        }
        dropped = false;
        const reply = (await this.reader.redis.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          FEED_BLOCK_MS,
          'STREAMS',
          this.key,
          this.lastId,
        )) as XReadReply;
        for (const [, entries] of reply ?? []) for (const [id, fields] of entries) this.deliver(id, fields);
      } catch (err) {
        if (this.closed) return;
        if (!dropped)
          this.log?.warn('change feed read failed (Redis unreachable?); it resumes from the last delivered change', {
            redis: this.reader.url,
            error: errorText(err),
          });
        dropped = true;
        // A live link that errs (not a drop) is retried after a pause rather than in a hot loop; a command
        // timeout (half-open link) forces a reconnect.
        if (String(err).includes('timed out')) this.reader.redis.disconnect(true);
        else if (this.reader.redis.status === 'ready') await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private deliver(id: string, fields: string[]): void {
    this.lastId = id;
    let change: KvChange;
    try {
      change = decode(fields);
    } catch (err) {
      this.log?.warn('skipped a change feed entry that is not ours', { id, error: String(err) });
      return;
    }
    void this.local.publish(change);
  }

  /**
   * After a reconnect: when even the oldest kept entry is newer than our position, the stream was trimmed
   * (or Redis lost it) past us and changes may be missing; say so.
   */
  private async reportGap(): Promise<void> {
    const first = await this.reader.redis.xrange(this.key, '-', '+', 'COUNT', 1);
    const firstId = first[0]?.[0];
    if (firstId && this.lastId !== '0-0' && idBefore(this.lastId, firstId))
      this.log?.warn('change feed was trimmed while we were away; some changes may not have been delivered (raise feed_max_len)', {
        feed: this.key,
        last_delivered: this.lastId,
        oldest_kept: firstId,
      });
  }
}
