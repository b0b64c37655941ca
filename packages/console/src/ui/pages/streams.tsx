/**
 * Streams: streams (`stream::list_all`) → groups → items (`stream::list_entries`), kept live: while a
 * stream is open the console holds a `stream` trigger on it, and each set / update / delete / send is
 * applied to the view as it happens (events of `stream::send` are listed under the items).
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchResult, useLive, useLoad } from '../api.ts';
import { clock, ErrorBox, Json, Table } from '../components.tsx';
import type { Route } from '../router.ts';

interface Item {
  id: string | null;
  data: unknown;
}
interface StreamChange {
  timestamp: number;
  streamName: string;
  groupId: string;
  id: string | null;
  event: { type: string; data?: unknown; event?: { type: string; data: unknown } };
}

/** Apply one change to the items shown. */
function apply(items: Item[], c: StreamChange): Item[] {
  const rest = items.filter((i) => i.id !== c.id);
  if (c.event.type === 'delete') return rest;
  if (c.event.type !== 'create' && c.event.type !== 'update') return items;
  const at = items.findIndex((i) => i.id === c.id);
  const item = { id: c.id, data: c.event.data };
  return at < 0 ? [...items, item] : items.map((i, n) => (n === at ? item : i));
}

export function StreamsPage({ route }: { route: Route }) {
  const stream = route.params.get('stream') ?? '';
  const group = route.params.get('group') ?? '';
  const all = useLoad(() => fetchResult<{ stream: Array<{ id: string; groups: string[] }> }>('stream::list_all'), [], 5000);
  const [items, setItems] = useState<Item[]>([]);
  const [events, setEvents] = useState<StreamChange[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setItems([]);
    setEvents([]);
    setError(undefined);
    if (!stream || !group) return;
    fetchResult<{ entries: Item[] }>('stream::list_entries', { stream_name: stream, group_id: group }).then(
      (r) => setItems((live) => [...r.entries.filter((e) => !live.some((l) => l.id === e.id)), ...live]),
      setError,
    );
  }, [stream, group]);
  const live = useLive(stream && group ? { kind: 'stream', stream_name: stream, group_id: group } : undefined, (payload) => {
    const c = payload as StreamChange;
    if (c.event.type === 'event') setEvents((list) => [c, ...list].slice(0, 100));
    else setItems((list) => apply(list, c));
  });
  const groups = all.data?.stream.find((s) => s.id === stream)?.groups ?? [];
  return (
    <>
      <h2>Streams</h2>
      <ErrorBox error={all.error ?? error} />
      <div class="columns">
        <div class="column" data-column="streams">
          <h3>Streams</h3>
          <ul class="pick">
            {(all.data?.stream ?? []).map((s) => (
              <li key={s.id} class={s.id === stream ? 'on' : ''}>
                <a href={`/streams?stream=${encodeURIComponent(s.id)}`}>{s.id}</a> <span class="dim">{s.groups.length}</span>
              </li>
            ))}
          </ul>
        </div>
        <div class="column" data-column="groups">
          <h3>Groups</h3>
          <ul class="pick">
            {groups.map((g) => (
              <li key={g} class={g === group ? 'on' : ''}>
                <a href={`/streams?stream=${encodeURIComponent(stream)}&group=${encodeURIComponent(g)}`}>{g}</a>
              </li>
            ))}
          </ul>
        </div>
        <div class="column wide" data-column="items">
          <h3>Items {stream && group ? <span class={`live ${live}`}>{live}</span> : null}</h3>
          {stream && group ? (
            <Table head={['Id', 'Data']} empty="no items">
              {items.map((i) => (
                <tr key={i.id ?? ''} data-item={i.id ?? ''}>
                  <td class="mono">{i.id}</td>
                  <td>
                    <Json value={i.data} />
                  </td>
                </tr>
              ))}
            </Table>
          ) : (
            <p class="dim">Pick a stream and a group.</p>
          )}
          {events.length > 0 ? (
            <>
              <h3>Events</h3>
              <Table head={['Time', 'Type', 'Data']}>
                {events.map((e, n) => (
                  <tr key={`${e.timestamp}-${n}`}>
                    <td class="mono">{clock(e.timestamp * 1e6)}</td>
                    <td>{e.event.event?.type}</td>
                    <td class="mono">{JSON.stringify(e.event.event?.data)}</td>
                  </tr>
                ))}
              </Table>
            </>
          ) : null}
        </div>
      </div>
    </>
  );
}
