/**
 * The `fs` adapter (workers.md §9.3): one `<id>.yaml` per entry in a directory, written atomically
 * (temp file + rename) with keys sorted. The schema is never written. The directory is watched;
 * changes are debounced and handed back as file events, minus the adapter's own writes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, type FSWatcher, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Logger } from '../../../util/logger.ts';
import { sortKeys } from '../sort-keys.ts';
import type { ConfigFiles, FileChange, StoredFile } from './config-files.ts';

const ID_FILE = /^([a-z0-9_-]{1,64})\.yaml$/;

export class FsAdapter implements ConfigFiles {
  /** Text of each file as the adapter last wrote or read it: a watcher event matching it is our own echo. */
  private readonly known = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<string>();

  constructor(
    readonly directory: string,
    private readonly log: Logger,
    private readonly debounceMs: number,
  ) {}

  /** Create the directory and read every `<id>.yaml` in it (text, not yet parsed). */
  loadAll(): FileChange[] {
    mkdirSync(this.directory, { recursive: true });
    const out: FileChange[] = [];
    for (const name of readdirSync(this.directory).sort()) {
      const id = ID_FILE.exec(name)?.[1];
      if (!id) continue;
      const text = this.read(id);
      if (text !== undefined) out.push({ id, file: this.fileOf(id), text });
    }
    return out;
  }

  fileOf(id: string): string {
    return join(this.directory, `${id}.yaml`);
  }

  write(entry: StoredFile): void {
    const text = stringify(sortKeys(entry), { lineWidth: 0 });
    if (this.known.get(entry.id) === text && existsSync(this.fileOf(entry.id))) return;
    const tmp = join(this.directory, `.${entry.id}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    mkdirSync(this.directory, { recursive: true });
    writeFileSync(tmp, text);
    // Remember before the rename: the watcher may fire before renameSync returns.
    this.known.set(entry.id, text);
    renameSync(tmp, this.fileOf(entry.id));
  }

  remove(id: string): void {
    this.known.delete(id);
    rmSync(this.fileOf(id), { force: true });
  }

  /** Watch the directory; `onChange` gets external edits only, debounced. */
  watch(onChange: (changes: FileChange[]) => void): void {
    try {
      this.watcher = watch(this.directory, { persistent: false }, (_event, filename) => {
        const name = filename?.toString();
        if (name !== undefined && !ID_FILE.test(name)) return;
        this.pending.add(name ?? '*');
        clearTimeout(this.timer);
        this.timer = setTimeout(() => onChange(this.flush()), this.debounceMs);
      });
      this.watcher.on('error', (err) => this.log.warn('config directory watcher failed', { error: String(err) }));
    } catch (err) {
      this.log.warn('cannot watch the config directory; edits will not hot-apply', { directory: this.directory, error: String(err) });
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private flush(): FileChange[] {
    const names = this.pending.has('*') ? this.allNames() : [...this.pending];
    this.pending.clear();
    const out: FileChange[] = [];
    for (const name of names) {
      const id = ID_FILE.exec(name)?.[1];
      if (!id) continue;
      const before = this.known.get(id);
      const text = this.read(id);
      if (text === before) continue;
      if (text === undefined && before === undefined) continue;
      out.push({ id, file: this.fileOf(id), text });
    }
    return out;
  }

  private allNames(): string[] {
    const onDisk = existsSync(this.directory) ? readdirSync(this.directory) : [];
    return [...new Set([...onDisk, ...[...this.known.keys()].map((id) => `${id}.yaml`)])];
  }

  private read(id: string): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.fileOf(id), 'utf8');
    } catch {
      this.known.delete(id);
      return undefined;
    }
    this.known.set(id, text);
    return text;
  }
}
