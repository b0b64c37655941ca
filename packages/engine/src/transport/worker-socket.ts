/**
 * Binds one WebSocket to one worker connection (`WorkerSocketPeer`): decodes frames once at the edge, keeps strict per-socket
 * order, answers bad input with coded errors, and hands telemetry frames to the telemetry service.
 */
import type { WebSocket } from 'ws';
import type { WorkerSocketPeer } from '../core/worker-host.ts';
import { decodeFrame, isTelemetryFrame } from '../protocol/codec.ts';
import type { WorkerToEngine } from '../protocol/messages.ts';
import type { Logger } from '../util/logger.ts';

export type TelemetryIngest = (frame: Buffer, source: { workerId?: string }) => void;

export function bindWorkerSocket(
  ws: WebSocket,
  conn: WorkerSocketPeer,
  opts: { maxFrameBytes: number; log: Logger; telemetry: TelemetryIngest },
): void {
  const queue: WorkerToEngine[] = [];
  let busy = false;

  const run = (msg: WorkerToEngine): void => {
    let r: void | Promise<void>;
    try {
      r = conn.handle(msg);
    } catch (err) {
      opts.log.error('message handler failed', { type: msg.type, error: String(err) });
      return;
    }
    if (r instanceof Promise) {
      busy = true;
      r.catch((err: unknown) => opts.log.error('message handler failed', { type: msg.type, error: String(err) })).finally(() => {
        busy = false;
        drain();
      });
    }
  };
  const drain = (): void => {
    while (!busy && queue.length > 0) run(queue.shift() as WorkerToEngine);
  };

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary && isTelemetryFrame(buf)) {
      opts.telemetry(buf, { workerId: conn.id });
      return;
    }
    if (buf.length > opts.maxFrameBytes) {
      rejectOversized(conn, buf, opts.maxFrameBytes);
      return;
    }
    const decoded = decodeFrame(buf.toString('utf8'));
    if (decoded === null) return;
    if (!decoded.ok) {
      opts.log.warn('bad frame from worker', { worker_id: conn.id, code: decoded.error.code, message: decoded.error.message });
      if (decoded.invocationId) conn.send({ type: 'invocationresult', invocation_id: decoded.invocationId, error: decoded.error });
      else conn.sendError(decoded.error.code, decoded.error.message);
      return;
    }
    if (busy) queue.push(decoded.msg);
    else run(decoded.msg);
  });
  ws.on('close', () => void conn.close());
  ws.on('error', (err) => opts.log.debug('worker socket error', { worker_id: conn.id, error: err.message }));
}

/**
 * An oversized frame is refused with a coded error. If it looks like a call, the caller gets an
 * `invocationresult` at once (instead of its 30 s timeout): the id is read from the frame head only.
 */
function rejectOversized(conn: WorkerSocketPeer, buf: Buffer, limit: number): void {
  const message = `frame of ${buf.length} bytes exceeds max_frame_bytes (${limit})`;
  const head = buf.toString('utf8', 0, Math.min(buf.length, 4096));
  const id = /"invocation_id"\s*:\s*"([^"]{1,128})"/.exec(head)?.[1];
  const isInvoke = /"type"\s*:\s*"invokefunction"/.test(head);
  if (id && isInvoke) conn.send({ type: 'invocationresult', invocation_id: id, error: { code: 'E_PROTOCOL_FRAME_TOO_LARGE', message } });
  else conn.sendError('E_PROTOCOL_FRAME_TOO_LARGE', message);
}
