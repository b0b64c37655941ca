/**
 * The configuration adapter contract: where `configuration` entries are kept as text, one per id.
 * The store parses and validates; an adapter only stores, lists and reports outside edits. The `fs`
 * adapter (`fs.ts`, beside this file) is the default; `bridge.ts` keeps entries on another engine.
 */

import type { JsonSchema } from '../../../core/config/schema.ts';

/** What an entry holds when written. The schema is never written. */
export interface StoredFile {
  id: string;
  name?: string;
  description?: string;
  value: unknown;
  metadata?: unknown;
}

/** A change the adapter did not make itself: new/changed text, or `undefined` = deleted. */
export interface FileChange {
  id: string;
  /** Where the entry lives, for messages (a path for `fs`). */
  file: string;
  text: string | undefined;
}

export interface ConfigFiles {
  /** Where entries live, for messages (the directory for `fs`). */
  readonly directory: string;
  /** Every stored entry's text, not yet parsed. */
  loadAll(): FileChange[];
  /** Store an entry. `schema` (never written by `fs`) lets a bridge register the entry on its backend. */
  write(entry: StoredFile, schema?: JsonSchema): void;
  remove(id: string): void;
  /** Report outside edits (debounced), never the adapter's own writes. */
  watch(onChange: (changes: FileChange[]) => void): void;
  close(): void;
}
