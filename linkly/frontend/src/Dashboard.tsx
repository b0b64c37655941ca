import { useEffect, useRef, useState } from 'react';
import {
  applyClick,
  applySnapshot,
  type Board,
  type Click,
  emptyBoard,
  type LinkTotal,
  perSecond,
  SeenClicks,
  sortedRows,
  totalClicks,
} from './board.ts';
import { Chart } from './Chart.tsx';
import { worker } from './iii.ts';
import { Status } from './Status.tsx';

/** Links asked of link::list; fewer back means the listing is complete. */
const LIMIT = 200;
/** Re-read the totals now and then: links created elsewhere (API, CLI, other tabs) show up. */
const RELOAD_MS = 10_000;
/** Items of the stream read at start, for the feed and the chart (the totals come from SQL). */
const BACKLOG = 500;

type StreamEvent = { event: { type: string; data: Click } };

const ago = (ms: number) =>
  ms < 1500 ? 'just now' : ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`;

/**
 * Per-link click totals from SQL (`link::list`), climbing live through a `stream` trigger on `clicks`/`all`;
 * the latest clicks and a clicks-per-second chart. board.ts says how a click is never counted twice.
 */
export function Dashboard() {
  const [board, setBoard] = useState<Board>(emptyBoard);
  const [now, setNow] = useState(() => Date.now());
  const known = useRef(board.rows);
  known.current = board.rows;

  useEffect(() => {
    let live = true;
    const seen = new SeenClicks();
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      worker
        .trigger<{ limit: number }, { links: LinkTotal[] }>({ function_id: 'link::list', payload: { limit: LIMIT } })
        .then(({ links }) => {
          if (live) setBoard((b) => applySnapshot(b, links, links.length < LIMIT));
        })
        .catch(() => {}); // not admitted yet: the next `connected` or the timer tries again
    const reloadSoon = () => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(load, 250);
    };

    // One function per tab: two tabs sharing an id would be replicas, and a click would reach only one of them.
    const functionId = `ui::dashboard_click::${Math.random().toString(36).slice(2, 10)}`;
    const fn = worker.registerFunction(functionId, async ({ event }: StreamEvent) => {
      // An update is a repeated click-streamer write, not a new click.
      if (event.type !== 'create' || !seen.first(event.data)) return null;
      if (!known.current.has(event.data.code)) reloadSoon();
      setBoard((b) => applyClick(b, event.data, true).board);
      return null;
    });
    // The trigger before the first snapshot, so no click falls between the two.
    const trigger = worker.registerTrigger({ type: 'stream', function_id: functionId, config: { stream_name: 'clicks', group_id: 'all' } });
    worker
      .trigger<unknown, Click[]>({ function_id: 'stream::list', payload: { stream_name: 'clicks', group_id: 'all' } })
      .then((items) => {
        const sorted = (Array.isArray(items) ? items : []).sort((a, b) => a.clicked_at.localeCompare(b.clicked_at));
        const backlog = sorted.slice(-BACKLOG).filter((c) => seen.first(c));
        if (live) setBoard((b) => backlog.reduce((acc, c) => applyClick(acc, c, false).board, b));
      })
      .catch(() => {});
    // Every (re)connection starts from SQL again: the engine may have restarted, its stream empty.
    const offState = worker.addConnectionStateListener((state) => {
      if (state === 'connected') load();
    });
    const reload = setInterval(load, RELOAD_MS);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      live = false;
      clearTimeout(reloadTimer);
      clearInterval(reload);
      clearInterval(tick);
      offState();
      trigger.unregister();
      fn.unregister();
    };
  }, []);

  const counts = perSecond(board, now);
  return (
    <main className="wide">
      <h1>Linkly dashboard</h1>
      <Status />
      <section className="stats" data-loaded={board.loaded}>
        <p>
          <b data-stat="total">{totalClicks(board)}</b> total clicks
        </p>
        <p>
          <b data-stat="minute">{counts.reduce((a, b) => a + b, 0)}</b> in the last minute
        </p>
        <p>
          <b data-stat="links">{board.rows.size}</b> links
        </p>
      </section>
      <Chart counts={counts} />
      <table>
        <thead>
          <tr>
            <th>Code</th>
            <th>Destination</th>
            <th className="clicks">Clicks</th>
            <th>Last click</th>
          </tr>
        </thead>
        <tbody>
          {sortedRows(board).map((r) => (
            <tr key={r.code} data-code={r.code}>
              <td>{r.code}</td>
              <td className="dest" title={r.url}>
                {r.url}
              </td>
              <td className="clicks">{r.clicks}</td>
              <td>{r.last_click_at ? ago(now - Date.parse(r.last_click_at)) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!board.loaded && <p className="empty">Loading the totals…</p>}
      {board.loaded && board.rows.size === 0 && <p className="empty">No links yet: shorten one.</p>}
      <h2>Latest clicks</h2>
      <ul className="feed">
        {board.feed.map((c) => (
          <li key={`${c.code}-${c.clicked_at}`} data-code={c.code}>
            {c.code} · {ago(now - Date.parse(c.clicked_at))}
          </li>
        ))}
      </ul>
      <nav>
        <a href="?">Shorten a link</a>
      </nav>
    </main>
  );
}
