/**
 * Dashboard: workers connected, functions, invocations per second and error rate (from two samples of
 * `engine::metrics::list` counters), and queue depths. Refreshed every two seconds.
 */
import { useRef } from 'preact/hooks';
import { fetchResult, useLoad } from '../api.ts';
import { ErrorBox, Table } from '../components.tsx';
import { queueStats } from './queue-stats.ts';
import type { WorkerRow } from './workers.tsx';

interface Metrics {
  engine_metrics: { invocations: { total: number; success: number; error: number } };
  timestamp: number;
}
interface Sample {
  total: number;
  error: number;
  at: number;
}
const REFRESH_MS = 2000;

async function overview() {
  const [workers, functions, metrics, queues] = await Promise.all([
    fetchResult<{ workers: WorkerRow[] }>('engine::workers::list'),
    fetchResult<{ functions: unknown[] }>('engine::functions::list'),
    fetchResult<Metrics>('engine::metrics::list'),
    queueStats().catch(() => []),
  ]);
  const inv = metrics.engine_metrics.invocations;
  return {
    workers: workers.workers,
    functions: functions.functions.length,
    sample: { total: inv.total, error: inv.error, at: metrics.timestamp },
    queues,
  };
}

function Tile({ label, value, name }: { label: string; value: string; name: string }) {
  return (
    <div class="tile" data-tile={name}>
      <div class="value">{value}</div>
      <div class="dim">{label}</div>
    </div>
  );
}

export function Dashboard() {
  const { data, error } = useLoad(overview, [], REFRESH_MS);
  const prev = useRef<Sample | undefined>(undefined);
  const last = useRef<{ rate: number; errorRate: number }>({ rate: 0, errorRate: 0 });
  if (data && prev.current !== data.sample && prev.current?.at !== data.sample.at) {
    const p = prev.current;
    if (p && data.sample.at > p.at) {
      const calls = data.sample.total - p.total;
      last.current = { rate: (calls * 1000) / (data.sample.at - p.at), errorRate: calls > 0 ? (data.sample.error - p.error) / calls : 0 };
    }
    prev.current = data.sample;
  }
  const connected = data?.workers.filter((w) => w.runtime !== 'engine') ?? [];
  const overall = data && data.sample.total > 0 ? data.sample.error / data.sample.total : 0;
  return (
    <>
      <h2>Dashboard</h2>
      <ErrorBox error={error} />
      <div class="tiles">
        <Tile name="workers" label="workers connected" value={data ? String(connected.length) : '…'} />
        <Tile name="functions" label="functions" value={data ? String(data.functions) : '…'} />
        <Tile name="rate" label="invocations / s" value={data ? last.current.rate.toFixed(1) : '…'} />
        <Tile name="errors" label="error rate (last 2 s)" value={data ? `${(last.current.errorRate * 100).toFixed(1)} %` : '…'} />
        <Tile name="total" label={`invocations, ${(overall * 100).toFixed(1)} % failed`} value={data ? String(data.sample.total) : '…'} />
      </div>
      <h3>Queues</h3>
      <Table head={['Queue', 'Kind', 'Depth', 'In flight', 'Failed (DLQ)']} empty="no queues configured">
        {(data?.queues ?? []).map((q) => (
          <tr key={q.name}>
            <td>
              <a href={`/queues/${encodeURIComponent(q.name)}`}>{q.name}</a>
            </td>
            <td class="dim">{q.broker_type}</td>
            <td>{q.depth}</td>
            <td>{q.in_flight}</td>
            <td class={q.dlq_depth > 0 ? 'error' : ''}>{q.dlq_depth}</td>
          </tr>
        ))}
      </Table>
      <h3>Connected workers</h3>
      <Table head={['Name', 'Runtime', 'Functions']} empty="no worker connected">
        {connected.map((w) => (
          <tr key={w.id}>
            <td>{w.name}</td>
            <td>{w.runtime}</td>
            <td>{w.function_count}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
