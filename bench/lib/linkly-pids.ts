/** The processes of a running Linkly whose CPU the redirect benches read: the engine, the link worker, every worker. */
import type { Linkly } from '../../test/e2e/linkly-harness.ts';
import { descendants } from './wrk.ts';

export function linklyPids(app: Linkly): Record<string, number[]> {
  const engine = app.pid ?? 0;
  const workers = descendants(engine);
  const link = workers.filter((w) => w.comm.startsWith('node') && /\/link\/?$/.test(w.cwd)).map((w) => w.pid);
  if (link.length === 0) throw new Error('could not find the link worker process under the engine');
  return { engine: [engine], 'link worker': link, 'all workers': workers.map((w) => w.pid) };
}
