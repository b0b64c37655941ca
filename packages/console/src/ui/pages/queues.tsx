/**
 * Queues: each named queue and durable topic with its depth, in-flight and failed (dead-lettered)
 * counts; one queue's page (`/queues/<name>`) lists its dead letters with their errors and redrives
 * one or all (`iii::queue::redrive_message`, `iii::queue::redrive`) or discards one.
 */
// A type import: the dead-letter shape `engine::queue::dlq_messages` returns; no engine code reaches the bundle.
import type { DlqMessage } from '@triad/engine';
import { fetchResult, useLoad } from '../api.ts';
import { ActionButton, clock, ErrorBox, Json, Loading, Table } from '../components.tsx';
import type { Route } from '../router.ts';
import { queueStats } from './queue-stats.ts';

export function QueuesPage({ route }: { route: Route }) {
  return route.rest ? <QueueView name={route.rest} /> : <QueueList />;
}

function QueueList() {
  const { data, error, loading } = useLoad(queueStats, [], 2000);
  return (
    <>
      <h2>Queues</h2>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      <Table head={['Queue', 'Kind', 'Waiting', 'Delayed', 'In flight', 'Failed (DLQ)', 'Consumers']} empty="no queues configured">
        {(data ?? []).map((q) => (
          <tr key={q.name} data-queue={q.name}>
            <td>
              <a href={`/queues/${encodeURIComponent(q.name)}`}>{q.name}</a>
            </td>
            <td class="dim">{q.broker_type}</td>
            <td>{q.waiting}</td>
            <td>{q.delayed}</td>
            <td>{q.in_flight}</td>
            <td class={q.dlq_depth > 0 ? 'error' : ''} data-count="dlq">
              {q.dlq_depth}
            </td>
            <td>{q.consumer_count}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

function QueueView({ name }: { name: string }) {
  const stats = useLoad(
    () =>
      fetchResult<{ waiting: number; delayed: number; in_flight: number; dlq_depth: number }>('engine::queue::topic_stats', {
        queue: name,
      }),
    [name],
    2000,
  );
  const dlq = useLoad(() => fetchResult<DlqMessage[]>('engine::queue::dlq_messages', { queue: name, limit: 200 }), [name], 2000);
  const reload = (): void => {
    stats.reload();
    dlq.reload();
  };
  const op = (fn: string, message_id?: string) => async (): Promise<void> => {
    await fetchResult(fn, { queue: name, ...(message_id ? { message_id } : {}) });
    reload();
  };
  const s = stats.data;
  return (
    <>
      <p>
        <a href="/queues">← queues</a> <b>{name}</b>
      </p>
      <ErrorBox error={stats.error ?? dlq.error} />
      {s ? (
        <p data-stats>
          waiting <b>{s.waiting}</b> · delayed <b>{s.delayed}</b> · in flight <b>{s.in_flight}</b> · failed{' '}
          <b data-count="dlq">{s.dlq_depth}</b>
        </p>
      ) : null}
      <div class="bar">
        <h3>Dead letters</h3>
        <ActionButton name="redrive-all" label="Redrive all" run={op('iii::queue::redrive')} disabled={!dlq.data?.length} />
      </div>
      <Table head={['Failed', 'Function', 'Attempts', 'Error', 'Payload', '']} empty="no dead letters">
        {(dlq.data ?? []).map((m) => (
          <tr key={m.id} data-message={m.id}>
            <td class="mono">{clock(m.failed_at * 1e6)}</td>
            <td class="mono">{m.function_id}</td>
            <td>{m.attempts}</td>
            <td class="error">{m.error}</td>
            <td>
              <Json value={m.payload} />
            </td>
            <td class="nowrap">
              <ActionButton name="redrive" label="Redrive" run={op('iii::queue::redrive_message', m.id)} />{' '}
              <ActionButton name="discard" label="Discard" danger run={op('iii::queue::discard_message', m.id)} />
            </td>
          </tr>
        ))}
      </Table>
    </>
  );
}
