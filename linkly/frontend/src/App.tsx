import { type FormEvent, useEffect, useState } from 'react';
import { worker } from './iii.ts';
import { Status } from './Status.tsx';

type Link = { code: string; url: string };
type Click = { code: string; clicked_at: string };

export function App() {
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [created, setCreated] = useState<Link | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [clicks, setClicks] = useState(0);
  const [lastClick, setLastClick] = useState<Click | null>(null);

  // The page is a worker: every click on the `clicks` stream calls ui::on_click in this tab.
  useEffect(() => {
    const fn = worker.registerFunction('ui::on_click', async (event: { event: { type: string; data: Click } }) => {
      setClicks((n) => n + 1);
      setLastClick(event.event.data);
      return null;
    });
    const trigger = worker.registerTrigger({
      type: 'stream',
      function_id: 'ui::on_click',
      config: { stream_name: 'clicks', group_id: 'all' },
    });
    return () => {
      trigger.unregister();
      fn.unregister();
    };
  }, []);

  // The server asks before it deletes anything (link::request_delete): a person answers here.
  useEffect(() => {
    const fn = worker.registerFunction('user::confirm_destructive_op', async (req: { code: string; action: string }) => {
      return { confirmed: window.confirm(`Confirm: ${req.action}?`) };
    });
    return () => fn.unregister();
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const link = await worker.trigger<Partial<Link>, Link>({
        function_id: 'link::create',
        payload: code ? { url, code } : { url },
      });
      setCreated(link);
      setUrl('');
      setCode('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <main>
      <h1>Linkly</h1>
      <Status />
      <form onSubmit={onSubmit}>
        <label>
          URL
          <input name="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <label>
          Code (optional)
          <input name="code" value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <button type="submit">Shorten</button>
      </form>
      {created && (
        <p className="created">
          Created {created.code} → {created.url}.
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <section>
        <h2>Live clicks: {clicks}</h2>
        {lastClick && (
          <p className="last">
            Last: {lastClick.code} at {lastClick.clicked_at}
          </p>
        )}
      </section>
      <nav>
        <a href="?view=dashboard">Dashboard</a>
      </nav>
    </main>
  );
}
