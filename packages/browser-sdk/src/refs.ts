/** Channel refs inside payloads (protocol.md §6.1): recognise them, list them, and make them live. */
import { ChannelReader, ChannelWriter } from './channels.ts';
import type { StreamChannelRef } from './types.ts';

export function isChannelRef(v: unknown): v is StreamChannelRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.channel_id === 'string' && typeof r.access_key === 'string' && (r.direction === 'read' || r.direction === 'write');
}

/** Every ref in `data` with its path (`a.b[0]`, root `''`); refs are not searched inside. */
export function extractChannelRefs(data: unknown): Array<[string, StreamChannelRef]> {
  const out: Array<[string, StreamChannelRef]> = [];
  const walk = (v: unknown, path: string): void => {
    if (isChannelRef(v)) out.push([path, v]);
    else if (Array.isArray(v))
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(data, '');
  return out;
}

/** Incoming invocation data with every ref replaced by a reader (`read`) or writer (`write`); no socket until used. */
export function hydrateRefs(data: unknown, address: string): unknown {
  if (isChannelRef(data)) return data.direction === 'read' ? new ChannelReader(address, data) : new ChannelWriter(address, data);
  if (Array.isArray(data)) return data.map((x) => hydrateRefs(x, address));
  if (typeof data === 'object' && data !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = hydrateRefs(v, address);
    return out;
  }
  return data;
}
