/** Raw iii protocol clients for benchmarks: a bare `ws` socket, and a loop of `invokefunction` frames. */
import WebSocket from 'ws';
import { type Sample, summarise } from './stats.ts';

export async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  (ws as unknown as { _socket: { setNoDelay(v: boolean): void } })._socket.setNoDelay(true);
  return ws;
}

/**
 * `calls` invocations of `functionId` with `inFlight` outstanding at a time; returns latencies.
 * `data(n)` builds the payload of the n-th call. Error results count as failures (thrown at the end)
 * so a benchmark never reports the speed of an error path by mistake.
 */
export async function drive(
  a: WebSocket,
  functionId: string,
  data: (n: number) => unknown,
  calls: number,
  inFlight: number,
): Promise<Sample> {
  const started = new Map<string, number>();
  const lat: number[] = [];
  let sent = 0;
  let firstError: unknown;
  const t0 = performance.now();
  await new Promise<void>((done) => {
    const sendOne = (): void => {
      const id = `c-${sent++}`;
      started.set(id, performance.now());
      a.send(JSON.stringify({ type: 'invokefunction', invocation_id: id, function_id: functionId, data: data(sent) }));
    };
    a.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; invocation_id?: string; error?: unknown };
      if (m.type !== 'invocationresult' || !m.invocation_id) return;
      const s = started.get(m.invocation_id);
      if (s === undefined) return;
      if (m.error !== undefined && m.error !== null) firstError ??= m.error;
      started.delete(m.invocation_id);
      lat.push(performance.now() - s);
      if (sent < calls) sendOne();
      else if (lat.length === calls) done();
    });
    for (let i = 0; i < Math.min(inFlight, calls); i++) sendOne();
  });
  a.removeAllListeners('message');
  if (firstError !== undefined) throw new Error(`${functionId} failed: ${JSON.stringify(firstError)}`);
  return summarise(lat, performance.now() - t0);
}
