import type { EngineToWorker } from '../protocol/messages.ts';
import type { ErrorBody } from './errors/index.ts';
import type { Session } from './session.ts';

/** What the engine knows about each connected worker (filled by `engine::workers::register`). */
export interface WorkerInfo {
  id: string;
  name: string | null;
  description: string | null;
  version: string | null;
  runtime: string;
  os: string | null;
  pid: number | null;
  isolation: string | null;
  telemetry: Record<string, unknown> | null;
  connectedAtMs: number;
  ipAddress: string | null;
  /** The listener that accepted the socket (`iii-worker-manager`, `iii-worker-manager#1`). */
  listener: string;
}

/**
 * A connected worker as the kernel's registries see it. `WorkerConnection` (connection.ts) is the one
 * implementation; the kernel names only this interface, so it never depends on the per-socket code.
 */
export interface WorkerPeer {
  readonly id: string;
  readonly reattachToken: string;
  readonly info: WorkerInfo;
  readonly session: Session;
  readonly ownedFunctions: ReadonlySet<string>;
  /** False when the frame could not be queued (socket closing). */
  send(msg: EngineToWorker): boolean;
  /** Tell the worker to activate a trigger of a type it serves (`registertrigger`). */
  deliverTrigger(t: { id: string; trigger_type: string; function_id: string; config: unknown; metadata?: unknown }): void;
  /** The worker's `triggerregistrationresult` for `id`: undefined = accepted. */
  awaitTriggerAck(id: string, timeoutMs: number): Promise<ErrorBody | undefined>;
  /** Close the socket itself (reattach retires the previous socket). */
  closeSocket(code: number, reason: string): void;
  close(): Promise<void>;
}

/** Strip control and bidi characters, trim, cap at 280 chars (protocol.md §5.1.1). */
export function cleanLabel(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const s = v.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return s === '' ? null : s.slice(0, 280);
}
