/**
 * Channel ids and access keys, made for the HTTP hot path (two channels per request).
 *
 * The access key is the capability (protocol.md §6.2: a socket needs the id *and* the key), so each key is
 * 122 random bits, a UUID v4 of its own. The id only names the channel: a random per-engine prefix plus a
 * counter, still shaped as a UUID v4 (`xxxxxxxx-xxxx-4xxx-yxxx-` + 12 hex digits). Knowing or predicting
 * an id gives nothing without its key, and the counter lets the hub remember finished channels in a ring
 * indexed by it instead of a map (see `ChannelHub.recentlyClosed`).
 *
 * Both are written as hex into one scratch buffer and read back as a single flat string: `randomUUID()`
 * builds each UUID from 16 two-character pieces, which showed up as 8 % of the engine's allocations at
 * 4 UUIDs per HTTP request. Random bytes come from a pool refilled 4 KiB at a time.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const POOL_KEYS = 256;
const pool = Buffer.alloc(16 * POOL_KEYS);
let poolAt = pool.length;
const scratch = Buffer.alloc(36);
/** Node's own latin1 reader (`toString('latin1', …)` minus its argument checks); not in @types/node. */
const latin1 = (b: Buffer): string => (b as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(0, 36);
/** Where each of the 16 bytes of a UUID goes in its 36-character form. */
const BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** A random UUID v4 (same format and entropy as `crypto.randomUUID()`, at less than half its cost). */
export function randomUuid(): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 16;
  pool[at + 6] = ((pool[at + 6] as number) & 0x0f) | 0x40;
  pool[at + 8] = ((pool[at + 8] as number) & 0x3f) | 0x80;
  for (let i = 0; i < 16; i++) {
    const b = pool[at + i] as number;
    const o = BYTE_AT[i] as number;
    scratch[o] = HEX[b >> 4] as number;
    scratch[o + 1] = HEX[b & 15] as number;
  }
  scratch[8] = scratch[13] = scratch[18] = scratch[23] = 0x2d;
  return latin1(scratch);
}

/** Ids `<random prefix><12 hex digits of a counter>`; the prefix is fixed per generator (per engine). */
export class ChannelIds {
  /** The first 24 characters of a random UUID v4, dash included. */
  readonly prefix = randomUUID().slice(0, 24);
  private readonly buf = Buffer.from(`${this.prefix}000000000000`, 'latin1');
  private next = 0;

  /** The counter of the id `take()` returned last. */
  lastSeq = -1;

  /** A new id. The counter wraps after 2^48 ids, far beyond any engine's lifetime. */
  take(): string {
    const seq = this.next;
    this.next = seq + 1 === 2 ** 48 ? 0 : seq + 1;
    this.lastSeq = seq;
    let n = seq;
    for (let o = 35; o >= 24; o--) {
      this.buf[o] = HEX[n % 16] as number;
      n = Math.floor(n / 16);
    }
    return latin1(this.buf);
  }

  /** The counter of an id this generator made, or -1. */
  seqOf(id: string): number {
    if (id.length !== 36 || !id.startsWith(this.prefix)) return -1;
    const seq = Number.parseInt(id.slice(24), 16);
    return Number.isNaN(seq) ? -1 : seq;
  }
}

/** A 32-bit hash (FNV-1a) of a key, to recognise it later without keeping the string; -1 for a malformed one. */
export function keyCheck(key: string): number {
  if (key.length !== 36) return -1;
  let h = 0x811c9dc5;
  for (let i = 0; i < 36; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
