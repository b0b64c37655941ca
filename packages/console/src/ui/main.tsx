/** The console UI: a shell with the navigation, and one page per route. Bundled by ../bundle.ts. */
import type { FunctionComponent } from 'preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ConfigPage } from './pages/config.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { FunctionsPage } from './pages/functions.tsx';
import { LogsPage } from './pages/logs.tsx';
import { QueuesPage } from './pages/queues.tsx';
import { StatePage } from './pages/state.tsx';
import { StreamsPage } from './pages/streams.tsx';
import { TracesPage } from './pages/traces.tsx';
import { TriggersPage } from './pages/triggers.tsx';
import { WorkersPage } from './pages/workers.tsx';
import { interceptLinks, type Route, useRoute } from './router.ts';

const PAGES: Array<[path: string, title: string, page: FunctionComponent<{ route: Route }>]> = [
  ['dashboard', 'Dashboard', Dashboard],
  ['workers', 'Workers', WorkersPage],
  ['functions', 'Functions', FunctionsPage],
  ['triggers', 'Triggers', TriggersPage],
  ['state', 'State', StatePage],
  ['streams', 'Streams', StreamsPage],
  ['queues', 'Queues', QueuesPage],
  ['config', 'Configuration', ConfigPage],
  ['traces', 'Traces', TracesPage],
  ['logs', 'Logs', LogsPage],
];

function EngineVersion() {
  const [text, setText] = useState('');
  useEffect(() => {
    fetch('/api/status')
      .then((r) => r.json() as Promise<{ version: string }>)
      .then((s) => setText(`engine ${s.version}`))
      .catch(() => setText('engine unreachable'));
  }, []);
  return <span class="dim">{text}</span>;
}

function App() {
  const route = useRoute();
  const entry = PAGES.find(([path]) => path === route.page) ?? PAGES[0]!;
  const [path, title, Page] = entry;
  useEffect(() => {
    document.title = `${title} · iii console`;
  }, [title]);
  return (
    <>
      <header>
        <b>iii console</b>
        <nav id="nav">
          {PAGES.map(([p, t]) => (
            <a key={p} href={`/${p}`} class={p === path ? 'on' : ''}>
              {t}
            </a>
          ))}
        </nav>
        <EngineVersion />
      </header>
      <main id="main" data-page={path}>
        <Page key={path} route={route} />
      </main>
    </>
  );
}

interceptLinks();
render(<App />, document.getElementById('app')!);
