/** Client-side routes: `/<page>/<rest>?<params>`, history.pushState, and links that stay in the app. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  page: string;
  /** The path after the page, e.g. the trace id of `/traces/<id>`. */
  rest: string;
  params: URLSearchParams;
}

function current(): Route {
  const [, page = '', ...rest] = location.pathname.split('/');
  return { page, rest: decodeURIComponent(rest.join('/')), params: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();

export function navigate(href: string): void {
  history.pushState(null, '', href);
  for (const l of listeners) l();
}

/** Replace the query of the current page (filters), keeping one history entry per change. */
export function setParams(params: Record<string, string | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const search = q.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ''}`);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = (): void => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Same-origin links (`<a href="/…">`) navigate in place, unless a modifier key asks for a new tab. */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const a = (e.target as Element).closest('a[href^="/"]');
    if (!a || a.getAttribute('target')) return;
    e.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
}
