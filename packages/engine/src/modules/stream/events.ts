/**
 * The stream event wrapper: the same object goes to `stream` triggers and (serialized once) to every
 * matching socket subscription (protocol.md §4.2.5, §8.3). Keys are camelCase on the wire.
 */
import { z } from 'zod';
import { check } from '../../core/config/schema.ts';
import { type KvChange, keySegment } from '../../kv/index.ts';
export type StreamEventBody =
  | { type: 'sync' | 'create' | 'update' | 'delete'; data: unknown }
  | { type: 'event'; event: { type: string; data: unknown } }
  | { type: 'unauthorized' };

export interface StreamEvent {
  type: 'stream';
  timestamp: number;
  streamName: string;
  groupId: string;
  id: string | null;
  event: StreamEventBody;
}

export function streamEvent(streamName: string, groupId: string, id: string | null, event: StreamEventBody): StreamEvent {
  return { type: 'stream', timestamp: Date.now(), streamName, groupId, id, event };
}

/** Payload of `stream:join` / `stream:leave` triggers. */
export interface JoinLeaveEvent {
  subscription_id: string;
  stream_name: string;
  group_id: string;
  id: string | null;
  context: unknown;
}

const scopeSchema = z.array(z.string());

/** The kv scope holding one group's items: JSON, so names may hold any character. */
export function scopeOf(stream: string, group: string): string {
  return JSON.stringify([stream, group]);
}

export function parseScope(scope: string): [string, string] | undefined {
  try {
    const r = check(scopeSchema, JSON.parse(scope));
    return r.ok && r.value.length === 2 ? [r.value[0]!, r.value[1]!] : undefined;
  } catch {
    return undefined;
  }
}

/** A group's name in shared-store keys: the reference layout `stream:<stream>:<group>` (`:` in names escaped). */
export function redisScopeName(scope: string): string {
  const at = parseScope(scope);
  return at ? `${keySegment(at[0])}:${keySegment(at[1])}` : scope;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

/**
 * The frame for a change announced on the kv feed (whichever engine made it): create (no old value) or
 * update with the new value, delete with the old one (only when something was deleted), `event` for
 * `stream::send`. The timestamp is the writing engine's.
 */
export function streamEventOf(c: KvChange): StreamEvent | undefined {
  const at = parseScope(c.scope);
  if (!at) return undefined;
  const base = { type: 'stream' as const, timestamp: c.at, streamName: at[0], groupId: at[1] };
  if (c.kind === 'write') return { ...base, id: c.key, event: { type: absent(c.old) ? 'create' : 'update', data: c.value } };
  if (c.kind === 'delete') return absent(c.old) ? undefined : { ...base, id: c.key, event: { type: 'delete', data: c.old } };
  const message = c.data as { type: string; data: unknown };
  return { ...base, id: c.key, event: { type: 'event', event: { type: message.type, data: message.data } } };
}
