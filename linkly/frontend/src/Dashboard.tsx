import { useEffect, useState } from 'react';
import { worker } from './iii.ts';
import { Status } from './Status.tsx';

type Click = { code: string; clicked_at: string };
type Row = { code: string; clicks: number; last: string };

function tally(rows: Map<string, Row>, c: Click): Map<string, Row> {
  const next = new Map(rows);
  const r = next.get(c.code);
  // ISO timestamps compare as strings
  const last = r && r.last > c.clicked_at ? r.last : c.clicked_at;
  next.set(c.code, { code: c.code, clicks: (r?.clicks ?? 0) + 1, last });
  return next;
}

/** Clicks per code: the `clicks` stream's items now (stream::list), then live through a stream trigger. */
export function Dashboard() {
  const [rows, setRows] = useState(new Map<string, Row>());
  const [feed, setFeed] = useState<Click[]>([]);

  useEffect(() => {
    let live = true;
    worker
      .trigger<unknown, Click[]>({ function_id: 'stream::list', payload: { stream_name: 'clicks', group_id: 'all' } })
      .then((items) => {
        if (live) setRows((now) => (Array.isArray(items) ? items : []).reduce(tally, now));
      })
      .catch(() => {});
    const fn = worker.registerFunction('ui::dashboard_click', async (event: { event: { type: string; data: Click } }) => {
      if (event.event.type !== 'create') return null;
      setRows((now) => tally(now, event.event.data));
      setFeed((f) => [event.event.data, ...f].slice(0, 20));
      return null;
    });
    const trigger = worker.registerTrigger({
      type: 'stream',
      function_id: 'ui::dashboard_click',
      config: { stream_name: 'clicks', group_id: 'all' },
    });
    return () => {
      live = false;
      trigger.unregister();
      fn.unregister();
    };
  }, []);

  const sorted = [...rows.values()].sort((a, b) => b.clicks - a.clicks || a.code.localeCompare(b.code));
  return (
    <main>
      <h1>Linkly dashboard</h1>
      <Status />
      <table>
        <thead>
          <tr>
            <th>Code</th>
            <th>Clicks</th>
            <th>Last click</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.code} data-code={r.code}>
              <td>{r.code}</td>
              <td className="clicks">{r.clicks}</td>
              <td>{r.last}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Latest clicks</h2>
      <ul className="feed">
        {feed.map((c) => (
          <li key={`${c.code}-${c.clicked_at}`}>
            {c.code} at {c.clicked_at}
          </li>
        ))}
      </ul>
      <nav>
        <a href="?">Shorten a link</a>
      </nav>
    </main>
  );
}
