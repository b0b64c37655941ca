/** `/ws/channels/{id}?key=…&dir=read|write`: one WebSocket becomes one end of a channel (protocol.md §6.2). */
import type { WebSocket } from 'ws';
import type { ChannelEnd, ChannelSocket } from '../core/worker-host.ts';

export function bindChannelSocket(ws: WebSocket, channel: ChannelEnd, dir: 'read' | 'write'): void {
  const raw = (ws as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  const adapter: ChannelSocket = {
    send: (item, done) => ws.send(item.data, { binary: item.kind === 'binary' }, done),
    close: (code, reason) => ws.close(code, reason),
    pause: () => raw?.pause(),
    resume: () => raw?.resume(),
  };
  const attached = dir === 'write' ? channel.attachWriter(adapter) : channel.attachReader(adapter);
  if (!attached) {
    ws.close(1008, `channel ${dir} side already taken`);
    return;
  }
  if (dir === 'write') {
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      channel.push(isBinary ? { kind: 'binary', data: buf } : { kind: 'text', data: buf.toString('utf8') });
    });
    ws.on('close', () => channel.writerClosed());
  } else {
    ws.on('close', () => channel.readerDone());
  }
  ws.on('error', () => undefined);
}
