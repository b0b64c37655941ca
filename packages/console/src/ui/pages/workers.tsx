/** Workers: every connected worker and in-engine module. */
import { fetchResult, useLoad } from '../api.ts';
import { ErrorBox, Loading, Table } from '../components.tsx';

export interface WorkerRow {
  id: string;
  name: string;
  runtime: string;
  status: string;
  function_count: number;
  isolation?: string | null;
}

export function WorkersPage() {
  const { data, error, loading } = useLoad(() => fetchResult<{ workers: WorkerRow[] }>('engine::workers::list'), [], 5000);
  return (
    <>
      <h2>Workers</h2>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <Table head={['Name', 'Runtime', 'Status', 'Functions', 'Isolation', 'Id']}>
          {data.workers.map((w) => (
            <tr key={w.id}>
              <td>{w.name}</td>
              <td>{w.runtime}</td>
              <td>{w.status}</td>
              <td>{w.function_count}</td>
              <td>{w.isolation ?? ''}</td>
              <td class="mono dim">{w.id}</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </>
  );
}
