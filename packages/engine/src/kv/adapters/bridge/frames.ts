/**
 * What travels on the backend for the bridge feeds. Stream frames are the reference's
 * (`{type:"stream", timestamp, streamName, groupId, id, event}`, so reference bridge engines on the same
 * backend understand ours) plus `change`, the exact KvChange, which ours read back. A frame without
 * `change` (from a reference engine) has no old value: an `update` then carries its new data as `old`.
 */
import type { KvChange } from '../change-feed.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null;

function streamAndGroup(scope: string): [string, string] | undefined {
  try {
    const p = JSON.parse(scope) as unknown;
    return Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string' ? [p[0], p[1]] : undefined;
  } catch {
    return undefined;
  }
}

/** The reference frame for a change, or undefined when no subscriber would get one (delete of nothing). */
export function frameOf(c: KvChange): Obj | undefined {
  const at = streamAndGroup(c.scope);
  if (!at) return undefined;
  let event: Obj;
  if (c.kind === 'write') event = { type: absent(c.old) ? 'create' : 'update', data: c.value };
  else if (c.kind === 'delete') {
    if (absent(c.old)) return undefined;
    event = { type: 'delete', data: c.old };
  } else {
    const m = isObj(c.data) ? c.data : {};
    event = { type: 'event', event: { type: m.type, data: m.data ?? null } };
  }
  return { type: 'stream', timestamp: c.at, streamName: at[0], groupId: at[1], id: c.key, event, change: c };
}

export function changeOfFrame(data: unknown): KvChange | undefined {
  if (!isObj(data)) return undefined;
  const c = data.change;
  if (isObj(c) && typeof c.scope === 'string' && (c.kind === 'write' || c.kind === 'delete' || c.kind === 'message'))
    return c as unknown as KvChange;
  const { streamName, groupId, id, event } = data;
  if (typeof streamName !== 'string' || typeof groupId !== 'string' || !isObj(event)) return undefined;
  const base = { scope: JSON.stringify([streamName, groupId]), at: typeof data.timestamp === 'number' ? data.timestamp : Date.now() };
  const key = typeof id === 'string' ? id : null;
  if (event.type === 'event' && isObj(event.event)) return { ...base, kind: 'message', key, data: event.event };
  if (key === null) return undefined;
  if (event.type === 'create') return { ...base, kind: 'write', key, old: undefined, value: event.data };
  if (event.type === 'update') return { ...base, kind: 'write', key, old: event.data, value: event.data };
  if (event.type === 'delete') return { ...base, kind: 'delete', key, old: event.data };
  return undefined;
}

/** A backend `state` trigger event (`state:created|updated|deleted`) as a KvChange. */
export function changeOfStateEvent(data: unknown): KvChange | undefined {
  if (!isObj(data) || typeof data.scope !== 'string' || typeof data.key !== 'string') return undefined;
  const base = { scope: data.scope, key: data.key, at: Date.now() };
  const old = data.event_type === 'state:created' ? undefined : (data.old_value ?? undefined);
  if (data.event_type === 'state:deleted') return { ...base, kind: 'delete', old };
  if (data.event_type === 'state:created' || data.event_type === 'state:updated')
    return { ...base, kind: 'write', old, value: data.new_value };
  return undefined;
}

/** A message published on the backend's `state.events` topic (the KvMessage itself). */
export function changeOfMessage(data: unknown): KvChange | undefined {
  if (!isObj(data) || data.kind !== 'message' || typeof data.scope !== 'string') return undefined;
  return {
    kind: 'message',
    scope: data.scope,
    key: typeof data.key === 'string' ? data.key : null,
    data: data.data ?? null,
    at: typeof data.at === 'number' ? data.at : Date.now(),
  };
}

/** A `stream::send` input for a message change (undefined for writes: the backend announces those). */
export function sendOf(c: KvChange): Obj | undefined {
  if (c.kind !== 'message') return undefined;
  const at = streamAndGroup(c.scope);
  if (!at) return undefined;
  const m = isObj(c.data) ? c.data : {};
  return { stream_name: at[0], group_id: at[1], ...(c.key !== null ? { id: c.key } : {}), type: m.type, data: m.data ?? null };
}
