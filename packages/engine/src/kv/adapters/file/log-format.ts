/**
 * The file adapter's on-disk format: one JSON object per line, appended.
 *   {"s":"<scope>","k":"<key>","v":<value>}   a set (or the result of an update)
 *   {"s":"<scope>","k":"<key>","d":1}         a delete
 * Replaying the lines in order rebuilds the store. A torn last line (crash mid-append) is ignored:
 * its write was never acknowledged, because acks wait for fdatasync.
 */
import { z } from 'zod';
import { check } from '../../../core/config/schema.ts';
import type { MemoryTable } from '../memory/memory-kv.ts';

const recordSchema = z.looseObject({ s: z.string(), k: z.string(), v: z.unknown().optional(), d: z.literal(1).optional() });

export function setRecord(scope: string, key: string, value: unknown): string {
  return `${JSON.stringify({ s: scope, k: key, v: value })}\n`;
}

export function deleteRecord(scope: string, key: string): string {
  return `${JSON.stringify({ s: scope, k: key, d: 1 })}\n`;
}

/** Every live entry as set records, scope by scope in insertion order (keeps list order across restarts). */
export function snapshot(table: MemoryTable): string {
  const out: string[] = [];
  for (const [scope, entries] of table.scopes) {
    for (const [key, value] of entries) out.push(setRecord(scope, key, value));
  }
  return out.join('');
}

export interface ReplayReport {
  records: number;
  /** Lines that could not be used (1-based line numbers); a torn tail shows up here as the last line. */
  badLines: number[];
}

/** Apply the log `text` to `table`. */
export function replay(text: string, table: MemoryTable): ReplayReport {
  const lines = text.split('\n');
  const report: ReplayReport = { records: 0, badLines: [] };
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const rec = parseLine(line);
    if (!rec) {
      report.badLines.push(i + 1);
      continue;
    }
    if (rec.d === 1) table.delete(rec.s, rec.k);
    else table.set(rec.s, rec.k, rec.v ?? null);
    report.records++;
  }
  return report;
}

function parseLine(line: string): { s: string; k: string; v?: unknown; d?: 1 | undefined } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = check(recordSchema, raw);
  return r.ok ? r.value : undefined;
}
