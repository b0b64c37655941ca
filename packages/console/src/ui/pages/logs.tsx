/**
 * Logs: stored records filtered by level, trace, time and text (the text also matches a function id in
 * the record's attributes), and a live tail: a `log` trigger streams each new record as it is stored.
 */
import { useState } from 'preact/hooks';
import { fetchResult, useLive, useLoad } from '../api.ts';
import { clock, ErrorBox, Loading, short, Table } from '../components.tsx';
import type { Route } from '../router.ts';
import { FilterForm, localToMs, TimeRange } from './filters.tsx';

interface LogRecord {
  timestamp_unix_nano: number;
  severity_number: number;
  severity_text: string;
  body: unknown;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  service_name: string;
}

const LEVELS: Array<[string, string]> = [
  ['', 'all'],
  ['5', 'debug+'],
  ['9', 'info+'],
  ['13', 'warn+'],
  ['17', 'error'],
];
/**
 * The level shown: `severity_text`, or, for Node SDK records (which carry only a severity number), the OTel
 * level that number falls in (as the engine's `log` trigger derives it; the UI bundle cannot import the engine).
 */
function levelName(l: Pick<LogRecord, 'severity_number' | 'severity_text'>): string {
  if (l.severity_text) return l.severity_text;
  const n = l.severity_number;
  return n >= 17 ? 'ERROR' : n >= 13 ? 'WARN' : n >= 9 ? 'INFO' : n >= 5 ? 'DEBUG' : 'TRACE';
}

/** Records kept on screen while tailing. */
const TAIL_MAX = 500;

function query(params: URLSearchParams): Record<string, unknown> {
  const q: Record<string, unknown> = { limit: 200 };
  if (params.get('severity_min')) q.severity_min = Number(params.get('severity_min'));
  if (params.get('trace_id')) q.trace_id = params.get('trace_id');
  const start = localToMs(params.get('from'));
  const end = localToMs(params.get('to'));
  if (start !== undefined) q.start_time = start;
  if (end !== undefined) q.end_time = end;
  return q;
}

function matches(l: LogRecord, params: URLSearchParams): boolean {
  const min = Number(params.get('severity_min') ?? 0);
  if (l.severity_number < min) return false;
  const trace = params.get('trace_id');
  if (trace && l.trace_id !== trace) return false;
  const text = params.get('text')?.toLowerCase();
  return !text || `${short(l.body, 10_000)} ${JSON.stringify(l.attributes)}`.toLowerCase().includes(text);
}

export function LogsPage({ route }: { route: Route }) {
  const { params } = route;
  const key = params.toString();
  const [tail, setTail] = useState(false);
  const [tailed, setTailed] = useState<LogRecord[]>([]);
  const { data, error, loading } = useLoad(
    () => fetchResult<{ logs: LogRecord[]; total: number }>('engine::logs::list', query(params)),
    [key],
  );
  const live = useLive(tail ? { kind: 'logs' } : undefined, (record) => {
    setTailed((rows) => [record as LogRecord, ...rows].slice(0, TAIL_MAX));
  });
  const stored = (data?.logs ?? []).filter((l) => matches(l, params));
  const rows = [...tailed.filter((l) => matches(l, params)), ...stored];
  const level = params.get('severity_min') ?? '';
  return (
    <>
      <h2>Logs</h2>
      <FilterForm key={key}>
        <select name="severity_min">
          {LEVELS.map(([v, label]) => (
            <option key={v} value={v} selected={v === level}>
              {label}
            </option>
          ))}
        </select>
        <input name="text" placeholder="text or function" value={params.get('text') ?? ''} />
        <input name="trace_id" placeholder="trace id" value={params.get('trace_id') ?? ''} />
        <TimeRange params={params} />
        <span class="dim">{data?.total ?? 0} stored</span>
      </FilterForm>
      <div class="bar">
        <label>
          <input
            type="checkbox"
            name="tail"
            checked={tail}
            onChange={(e) => {
              setTailed([]);
              setTail((e.target as HTMLInputElement).checked);
            }}
          />{' '}
          live tail
        </label>
        {tail ? <span class={`live ${live}`}>{live}</span> : null}
      </div>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      <Table head={['Time', 'Level', 'Service', 'Message', 'Data', 'Trace']}>
        {rows.map((l, n) => (
          <tr key={`${l.timestamp_unix_nano}-${n}`}>
            <td class="mono">{clock(l.timestamp_unix_nano)}</td>
            <td class={`sev-${l.severity_number}`}>{levelName(l)}</td>
            <td>{l.service_name}</td>
            <td>{typeof l.body === 'string' ? l.body : short(l.body)}</td>
            <td class="mono dim">{short(l.attributes['log.data'] ?? l.attributes, 200)}</td>
            <td class="mono">{l.trace_id ? <a href={`/traces/${l.trace_id}`}>{l.trace_id.slice(0, 8)}…</a> : ''}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
