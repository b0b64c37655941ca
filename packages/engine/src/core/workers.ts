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

/** Strip control and bidi characters, trim, cap at 280 chars (workers.md §5.1.1). */
export function cleanLabel(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const s = v.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return s === '' ? null : s.slice(0, 280);
}
