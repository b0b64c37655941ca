/**
 * Traces: root spans filtered by function (any span of the trace), service, status and time, and one
 * trace's waterfall (`/traces/<trace_id>`, from `engine::traces::tree`).
 */
import { fetchResult, useLoad } from '../api.ts';
import { clock, ErrorBox, Loading, ms, Table } from '../components.tsx';
import { navigate, type Route } from '../router.ts';
import { FilterForm, localToMs, TimeRange } from './filters.tsx';

interface Span {
  trace_id: string;
  span_id: string;
  name: string;
  service_name: string;
  status: string;
  start_time_unix_nano: number;
  end_time_unix_nano: number;
}
interface TreeNode extends Span {
  children: TreeNode[];
}

export function TracesPage({ route }: { route: Route }) {
  return route.rest ? <TraceView traceId={route.rest} /> : <TraceList params={route.params} />;
}

function query(params: URLSearchParams): Record<string, unknown> {
  const q: Record<string, unknown> = { limit: 100, sort_by: 'start_time', sort_order: params.get('sort_order') || 'desc' };
  const fn = params.get('function');
  if (fn) Object.assign(q, { name: fn, search_all_spans: true });
  for (const k of ['service_name', 'status']) if (params.get(k)) q[k] = params.get(k);
  const start = localToMs(params.get('from'));
  const end = localToMs(params.get('to'));
  if (start !== undefined) q.start_time = start;
  if (end !== undefined) q.end_time = end;
  return q;
}

function TraceList({ params }: { params: URLSearchParams }) {
  const key = params.toString();
  const { data, error, loading } = useLoad(
    () => fetchResult<{ spans: Span[]; total: number }>('engine::traces::list', query(params)),
    [key],
    5000,
  );
  const status = params.get('status') ?? '';
  return (
    <>
      <h2>Traces</h2>
      <FilterForm key={key}>
        <input name="function" placeholder="function or span name" value={params.get('function') ?? ''} />
        <input name="service_name" placeholder="service" value={params.get('service_name') ?? ''} />
        <select name="status">
          {['', 'ok', 'error', 'unset'].map((s) => (
            <option key={s} value={s} selected={s === status}>
              {s || 'any status'}
            </option>
          ))}
        </select>
        <TimeRange params={params} />
        <select name="sort_order">
          {['desc', 'asc'].map((s) => (
            <option key={s} selected={s === (params.get('sort_order') || 'desc')}>
              {s}
            </option>
          ))}
        </select>
        <span class="dim">{data?.total ?? 0} traces</span>
      </FilterForm>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      <Table head={['Root span', 'Service', 'Status', 'Duration', 'Started', 'Trace']}>
        {(data?.spans ?? []).map((s) => (
          <tr key={s.trace_id} class="click" data-href={`/traces/${s.trace_id}`} onClick={() => navigate(`/traces/${s.trace_id}`)}>
            <td>{s.name}</td>
            <td>{s.service_name}</td>
            <td class={s.status}>{s.status}</td>
            <td>{ms(s.start_time_unix_nano, s.end_time_unix_nano).toFixed(2)} ms</td>
            <td>{clock(s.start_time_unix_nano)}</td>
            <td class="mono dim">{s.trace_id}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

function flatten(roots: TreeNode[]): Array<[TreeNode, number]> {
  const out: Array<[TreeNode, number]> = [];
  const walk = (n: TreeNode, depth: number): void => {
    out.push([n, depth]);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}

function TraceView({ traceId }: { traceId: string }) {
  // A trace just produced by Invoke may still be on its way (SDK spans are exported in batches): poll.
  const { data, error } = useLoad(() => fetchResult<{ roots: TreeNode[] }>('engine::traces::tree', { trace_id: traceId }), [traceId], 2000);
  const flat = flatten(data?.roots ?? []);
  const t0 = Math.min(...flat.map(([n]) => Number(n.start_time_unix_nano)));
  const t1 = Math.max(...flat.map(([n]) => Number(n.end_time_unix_nano || n.start_time_unix_nano)));
  const width = Math.max(1, t1 - t0);
  return (
    <>
      <p>
        <a href="/traces">← traces</a> <span class="mono dim">{traceId}</span>
        {flat.length > 0 ? ` · ${((t1 - t0) / 1e6).toFixed(2)} ms` : ''}
      </p>
      <ErrorBox error={error} />
      {data && flat.length === 0 ? <p class="dim">Trace {traceId} is not (or not yet, or no longer) stored.</p> : null}
      {flat.length > 0 ? (
        <Table head={['Span', 'Service', 'Duration', 'Timeline']}>
          {flat.map(([n, depth]) => (
            <tr key={n.span_id}>
              <td style={{ paddingLeft: `${8 + depth * 18}px` }}>{n.name}</td>
              <td>{n.service_name}</td>
              <td>{ms(n.start_time_unix_nano, n.end_time_unix_nano).toFixed(2)} ms</td>
              <td>
                <div class="wf">
                  <span
                    class={n.status}
                    style={{
                      left: `${((Number(n.start_time_unix_nano) - t0) / width) * 100}%`,
                      width: `${Math.max(0.5, ((Number(n.end_time_unix_nano) - Number(n.start_time_unix_nano)) / width) * 100)}%`,
                    }}
                  />
                </div>
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </>
  );
}
